/// The ledger: proof that no row is lost silently. Every consumer group balances
/// (generated = consumed + lag + expired + skipped), every channel balances
/// (sent = received + queued + dropped), and every actor balances (taken = emitted + written
/// + writing + filtered + absorbed − derived); operator state, filters and sinks account for
/// the rest.
public struct Ledger: Sendable {
    public struct SourceLine: Sendable, Hashable {
        public let source: String
        public let consumer: String
        public let generated: Int64
        public let consumed: Int64
        public let lag: Int64
        public let expired: Int64
        /// Retained rows `auto_offset_reset = latest` jumped over.
        public let skipped: Int64
        public var balanced: Bool { generated == consumed + lag + expired + skipped }
    }
    public struct ChannelLine: Sendable, Hashable {
        public let from: String
        public let to: String
        public let sent: Int64
        public let received: Int64
        public let queued: Int64
        public let dropped: Int64
        public var balanced: Bool { sent == received + queued + dropped }

        /// The lines added up, under no name (the retired channels' line).
        static func sum(_ lines: [ChannelLine]) -> ChannelLine {
            ChannelLine(from: "", to: "", sent: lines.reduce(0) { $0 + $1.sent }, received: lines.reduce(0) { $0 + $1.received },
                        queued: lines.reduce(0) { $0 + $1.queued }, dropped: lines.reduce(0) { $0 + $1.dropped })
        }
    }
    /// One actor's rows: what it took in is what it emitted (or holds to emit), filtered,
    /// or folded into an aggregate's or a join's state, less the rows those derived; a sink's
    /// is what it wrote or is writing.
    public struct ActorLine: Sendable, Hashable {
        public let actor: String
        public let taken: Int64
        public let emitted: Int64
        public let written: Int64
        public let writing: Int64
        public let filtered: Int64
        public let absorbed: Int64
        public let derived: Int64
        public var balanced: Bool { taken == emitted + written + writing + filtered + absorbed - derived }

        /// The lines added up, under no name (the retired actors' line).
        static func sum(_ lines: [ActorLine]) -> ActorLine {
            ActorLine(actor: "", taken: lines.reduce(0) { $0 + $1.taken }, emitted: lines.reduce(0) { $0 + $1.emitted },
                      written: lines.reduce(0) { $0 + $1.written }, writing: lines.reduce(0) { $0 + $1.writing },
                      filtered: lines.reduce(0) { $0 + $1.filtered }, absorbed: lines.reduce(0) { $0 + $1.absorbed },
                      derived: lines.reduce(0) { $0 + $1.derived })
        }
    }
    public let sources: [SourceLine]
    public let channels: [ChannelLine]
    public let actors: [ActorLine]
    /// The channels and actors a rescale or DROP retired, added up (their counts stopped
    /// when they did; the lines' names are empty), and how many there are: with them, the
    /// columns add up to the totals. A dropped job's rows still queued on its channels, or
    /// being written by its sink, show here as queued and writing; the totals count them as
    /// discarded. Nil when none were retired.
    public let retiredChannels: ChannelLine?
    public let retiredActors: ActorLine?
    public let retiredChannelCount: Int
    public let retiredActorCount: Int
    /// Rows written by sinks.
    public let delivered: Int64
    /// Rows on channels (sent and not yet taken), in source fetch buffers, or in progress.
    public let queued: Int64
    public let inState: Int64
    public let filtered: Int64
    public let dropped: Int64
    public let expired: Int64
    public let skipped: Int64
    /// Rows inside jobs that were dropped or rescaled (counted, not lost).
    public let discarded: Int64
    /// Rows aggregates and joins folded into state, and the rows they derived and emitted.
    public let absorbed: Int64
    public let derived: Int64
    public var balanced: Bool {
        sources.allSatisfy(\.balanced) && channels.allSatisfy(\.balanced) && actors.allSatisfy(\.balanced)
            && retiredChannels?.balanced != false && retiredActors?.balanced != false
    }
}

extension Engine {
    public func ledger() -> Ledger {
        drainReady()
        var sourceLines: [Ledger.SourceLine] = []
        var expired: Int64 = 0, skipped: Int64 = 0
        for job in jobs.values {
            for consumer in job.consumers {
                let line = Ledger.SourceLine(source: consumer.source.spec.name, consumer: job.spec.name,
                                             generated: consumer.generated, consumed: consumer.consumed.reduce(0, +),
                                             lag: consumer.totalLag, expired: consumer.expired.reduce(0, +),
                                             skipped: consumer.skipped.reduce(0, +))
                expired += line.expired
                skipped += line.skipped
                sourceLines.append(line)
            }
        }
        var channelLines: [Ledger.ChannelLine] = [], retiredChannelLines: [Ledger.ChannelLine] = []
        var queued: Int64 = 0, dropped: Int64 = 0
        for c in channels {
            let line = Ledger.ChannelLine(from: actors[c.sender].name, to: actors[c.receiver].name, sent: c.sentRows,
                                          received: c.receivedRows, queued: Int64(c.queuedRows), dropped: c.droppedRows)
            guard !c.retired && actors[c.receiver].alive && actors[c.sender].alive else {
                retiredChannelLines.append(line)
                continue
            }
            channelLines.append(line)
            queued += line.queued
            dropped += line.dropped
        }
        var delivered: Int64 = 0, inState: Int64 = 0, filtered: Int64 = 0, absorbed: Int64 = 0, derived: Int64 = 0
        var actorLines: [Ledger.ActorLine] = []
        let retiredActorLines = actors.filter { !$0.alive }.map(Self.ledgerLine)
        let retiredActors = retiredActorLines.isEmpty ? nil : Ledger.ActorLine.sum(retiredActorLines)
        for a in actors where a.alive {
            delivered += a.delivered
            inState += Int64(a.stateRows)
            filtered += a.filteredRows
            absorbed += a.absorbedRows
            derived += a.derivedRows
            let writing = a.sink != nil && a.status == .busy ? Int64(a.inProgressRows) : 0
            // In progress: a sink's rows being written; another actor's output waiting for its
            // work to end. Its chain has run: what it kept is in state, what it filtered out is
            // filtered, and its input is no longer anywhere. The output of a materialized view
            // is what it now holds (on its way to the views over it): counted as state only.
            let materializes = a.operators.last is MaterializeOperator
            let pending = a.sink == nil && !materializes ? a.pendingOutput?.count ?? 0 : 0
            queued += Int64(a.fetchedRemaining + pending) + writing
            actorLines.append(Self.ledgerLine(a))
        }
        return Ledger(sources: sourceLines, channels: channelLines, actors: actorLines,
                      retiredChannels: retiredChannelLines.isEmpty ? nil : Ledger.ChannelLine.sum(retiredChannelLines),
                      retiredActors: retiredActors,
                      retiredChannelCount: retiredChannelLines.count, retiredActorCount: retiredActorLines.count,
                      delivered: delivered + retired.delivered,
                      queued: queued, inState: inState, filtered: filtered + retired.filtered,
                      dropped: dropped + retired.dropped, expired: expired + retired.expired, skipped: skipped + retired.skipped,
                      discarded: retired.discarded,
                      absorbed: absorbed + (retiredActors?.absorbed ?? 0), derived: derived + (retiredActors?.derived ?? 0))
    }

    /// An actor's account. A sink's chain (if any) only times its rows: what it takes, it
    /// writes (or is writing).
    private static func ledgerLine(_ a: Actor) -> Ledger.ActorLine {
        if a.sink != nil {
            let writing = a.status == .busy ? Int64(a.inProgressRows) : 0
            return Ledger.ActorLine(actor: a.name, taken: a.rowsIn, emitted: 0, written: a.delivered, writing: writing,
                                    filtered: 0, absorbed: 0, derived: 0)
        }
        return Ledger.ActorLine(actor: a.name, taken: a.rowsIn, emitted: a.rowsOut + Int64(a.pendingOutput?.count ?? 0),
                                written: 0, writing: 0, filtered: a.filteredRows, absorbed: a.absorbedRows, derived: a.derivedRows)
    }
}
