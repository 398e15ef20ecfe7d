/// The ledger: proof that no row is lost silently. Every consumer group balances
/// (generated = consumed + lag + expired) and every channel balances
/// (sent = received + queued + dropped); operator state, filters and sinks account for the rest.
public struct Ledger: Sendable {
    public struct SourceLine: Sendable, Hashable {
        public let source: String
        public let consumer: String
        public let generated: Int64
        public let consumed: Int64
        public let lag: Int64
        public let expired: Int64
        public var balanced: Bool { generated == consumed + lag + expired }
    }
    public struct ChannelLine: Sendable, Hashable {
        public let from: String
        public let to: String
        public let sent: Int64
        public let received: Int64
        public let queued: Int64
        public let dropped: Int64
        public var balanced: Bool { sent == received + queued + dropped }
    }
    public let sources: [SourceLine]
    public let channels: [ChannelLine]
    /// Rows written by sinks.
    public let delivered: Int64
    /// Rows on channels (sent and not yet taken), in source fetch buffers, or in progress.
    public let queued: Int64
    public let inState: Int64
    public let filtered: Int64
    public let dropped: Int64
    public let expired: Int64
    /// Rows inside jobs that were dropped or rescaled (counted, not lost).
    public let discarded: Int64
    public var balanced: Bool { sources.allSatisfy(\.balanced) && channels.allSatisfy(\.balanced) }
}

extension Engine {
    public func ledger() -> Ledger {
        drainReady()
        var sourceLines: [Ledger.SourceLine] = []
        var expired: Int64 = 0
        for job in jobs.values {
            for consumer in job.consumers {
                let line = Ledger.SourceLine(source: consumer.source.spec.name, consumer: job.spec.name,
                                             generated: consumer.generated, consumed: consumer.consumed.reduce(0, +),
                                             lag: consumer.totalLag, expired: consumer.expired.reduce(0, +))
                expired += line.expired
                sourceLines.append(line)
            }
        }
        var channelLines: [Ledger.ChannelLine] = []
        var queued: Int64 = 0, dropped: Int64 = 0
        for c in channels where actors[c.receiver].alive && actors[c.sender].alive {
            channelLines.append(Ledger.ChannelLine(from: actors[c.sender].name, to: actors[c.receiver].name,
                                                   sent: c.sentRows, received: c.receivedRows,
                                                   queued: Int64(c.queuedRows), dropped: c.droppedRows))
            queued += Int64(c.queuedRows)
            dropped += c.droppedRows
        }
        var delivered: Int64 = 0, inState: Int64 = 0, filtered: Int64 = 0
        for a in actors where a.alive {
            delivered += a.delivered
            inState += Int64(a.stateRows)
            filtered += a.filteredRows
            queued += Int64(a.fetchedRemaining + (a.status == .busy ? a.inProgressRows : 0))
        }
        return Ledger(sources: sourceLines, channels: channelLines, delivered: delivered + retired.delivered,
                      queued: queued, inState: inState, filtered: filtered + retired.filtered,
                      dropped: dropped + retired.dropped, expired: expired + retired.expired, discarded: retired.discarded)
    }
}
