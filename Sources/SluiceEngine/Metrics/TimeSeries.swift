/// A fixed-capacity ring of samples taken every `period` of virtual time: memory stays flat
/// however long a session runs (the oldest samples fall off).
struct TimeSeries {
    let capacity: Int
    private var values: [Double] = []
    private var head = 0
    /// Sample number of the oldest value kept.
    private(set) var firstSample = 0
    private(set) var count = 0

    init(capacity: Int) { self.capacity = capacity }

    mutating func append(_ value: Double, sample: Int) {
        if count == 0 { firstSample = sample }
        if values.count < capacity {
            values.append(value)
            count += 1
        } else {
            values[head] = value
            head = (head + 1) % capacity
            firstSample += 1
        }
    }

    /// Empties the ring; the next value appended is sample `sample`.
    mutating func restart(at sample: Int) {
        values.removeAll(keepingCapacity: true)
        head = 0
        count = 0
        firstSample = sample
    }

    /// The value recorded at sample number `sample`, if still kept.
    func value(at sample: Int) -> Double? {
        let i = sample - firstSample
        guard i >= 0 && i < count else { return nil }
        return values[(head + i) % max(1, values.count)]
    }

    var lastSample: Int { firstSample + count - 1 }
}

/// Samples of every actor, channel and consumer, taken every 100 ms of virtual time.
struct MetricsStore {
    static let period: Int64 = 100 * VirtualTime.millisecond
    static let capacity = 36_000 / 6   // ten minutes of 100 ms samples
    var nextSampleAt: Int64 = MetricsStore.period
    var sampleCount = 0
    /// Every series, in creation order, and its slot by name ("busy/<actor id>"). Recording
    /// goes by slot: no string is built or hashed on the sampling path.
    private(set) var all: [TimeSeries] = []
    private var slots: [String: Int] = [:]
    /// Completed barriers: (completion time, latency), in order.
    var barriers: [(time: Int64, latency: Int64)] = []

    /// The slot of series `name`, created empty on first use.
    mutating func slot(_ name: String) -> Int {
        if let slot = slots[name] { return slot }
        all.append(TimeSeries(capacity: MetricsStore.capacity))
        slots[name] = all.count - 1
        return all.count - 1
    }

    /// The series named `name`, if it was ever recorded.
    func series(_ name: String) -> TimeSeries? { slots[name].map { all[$0] } }

    /// Moves on `samples` sample periods without recording them. Only when more than a
    /// ring's worth is due: every series still sampled then refills its whole ring, and the
    /// others (of dropped actors) held only values older than any ring keeps.
    mutating func skip(_ samples: Int) {
        nextSampleAt += Int64(samples) * MetricsStore.period
        sampleCount += samples
        for i in all.indices { all[i].restart(at: sampleCount) }
    }

    mutating func record(_ slot: Int, _ value: Double) {
        all[slot].append(value, sample: sampleCount)
    }

    mutating func recordBarrier(time: Int64, latency: Int64) {
        barriers.append((time, latency))
        if barriers.count > 100_000 { barriers.removeFirst(barriers.count - 100_000) }
    }
}

/// Counters of actors, channels and consumers that were dropped or rescaled away, so the
/// ledger keeps balancing after they are gone.
struct RetiredCounters {
    var delivered: Int64 = 0
    var filtered: Int64 = 0
    /// Rows that were queued, fetched or in progress inside a dropped job.
    var discarded: Int64 = 0
    var dropped: Int64 = 0
    var sent: Int64 = 0
    var received: Int64 = 0
    var generated: Int64 = 0
    var consumed: Int64 = 0
    var expired: Int64 = 0
    var skipped: Int64 = 0
    var lag: Int64 = 0
    var droppedSources: [SourceLog] = []

    mutating func absorb(_ actor: Actor) {
        delivered += actor.delivered
        filtered += actor.filteredRows
        discarded += Int64(actor.inProgressRows + actor.fetchedRemaining)
    }

    mutating func absorb(_ channel: Channel) {
        sent += channel.sentRows
        received += channel.receivedRows
        dropped += channel.droppedRows
        discarded += Int64(channel.queuedRows)
    }

    mutating func absorb(_ consumer: Consumer) {
        generated += consumer.generated
        consumed += consumer.consumed.reduce(0, +)
        expired += consumer.expired.reduce(0, +)
        skipped += consumer.skipped.reduce(0, +)
        lag += consumer.totalLag
    }
}

/// Values at the moment metrics were reset: the start of the averaging window.
struct MetricsSnapshotBase {
    var actorTimes: [Int: (busy: Int64, idle: Int64, backpressured: Int64)] = [:]
    var actorRows: [Int: (rowsIn: Int64, rowsOut: Int64, delivered: Int64)] = [:]
    var channelDepth: [Int: (rows: Double, buffers: Double, blocked: Int64)] = [:]
    /// Rows on each actor's input channels (a decoupled sink's: its log), and the rows they
    /// had dropped.
    var inputQueuedRows: [Int: Int] = [:]
    var inputDropped: [Int: Int64] = [:]
    var barrierCount = 0
    var alignNs: [Int: Int64] = [:]
    var barrierNs: [Int: Int64] = [:]
}
