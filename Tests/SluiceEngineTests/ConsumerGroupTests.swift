import Testing
@testable import SluiceEngine

/// A job's source actors are the members of a Kafka consumer group: `max.poll.interval.ms`
/// takes a member that stops polling out of the group and rebalances its partitions,
/// `fetch.min.bytes` / `fetch.max.wait.ms` let the broker hold a fetch, and a topic can gain
/// partitions but never lose them.
@Suite struct ConsumerGroupTests {
    static func engine(_ configure: (inout EngineSettings) -> Void = { _ in }) -> Engine {
        KafkaLogTests.engine(configure)
    }

    static func members(_ engine: Engine) -> [String?] { engine.partitionLag().map(\.member) }

    static func traced(_ engine: Engine, _ text: String) -> Bool {
        engine.drainTrace().contains { $0.category == .kafka && $0.text.contains(text) }
    }

    /// A source blocked by a sink that never writes stops polling: at `max.poll.interval.ms`
    /// after its last poll it leaves the group, its partitions are unassigned, and the rows
    /// it fetched but never emitted go back to the log (its position moves back), so the
    /// ledger still balances.
    @Test func aBlockedMemberLeavesAtTheDeadlineAndGivesItsRowsBack() throws {
        let engine = Self.engine { $0.maxPollIntervalMs = 2000 }
        engine.traceCategories = [.kafka]
        try engine.createSource(Fixtures.source(partitions: 2))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 0)))
        try engine.inject(1000, into: "clicks")
        let source = engine.actors[0]
        #expect(source.polls == 1 && source.lastPollAt == 0)
        engine.advance(by: 1999 * VirtualTime.millisecond)
        #expect(Self.members(engine) == ["out.source.0", "out.source.0"])
        #expect(engine.consumerSnapshots()[0].rebalances == 0)
        let fetched = source.fetchedRemaining
        let positions = engine.partitionLag().map(\.position)
        #expect(fetched > 0, "the source holds rows it could not emit")

        engine.advance(by: VirtualTime.millisecond)
        #expect(!source.inGroup)
        #expect(Self.members(engine) == [nil, nil])
        #expect(engine.consumerSnapshots()[0].rebalances == 1)
        #expect(source.fetchedRemaining == 0)
        #expect(engine.partitionLag().map(\.position).reduce(0, +) == positions.reduce(0, +) - Int64(fetched))
        #expect(Self.traced(engine, "no poll() for 2s, over max.poll.interval.ms 2000: leaves group out"))
        #expect(engine.ledger().balanced)
        // Blocked for good, it never polls again: no rejoin, no more rebalances.
        engine.advance(by: 10 * VirtualTime.second)
        #expect(engine.consumerSnapshots()[0].rebalances == 1 && !source.inGroup)
    }

    /// One member is busy longer than the interval on what its poll returned (a slow
    /// partition): it leaves, the other member takes its partitions (and reads on from where
    /// the group's position is, the returned rows included), and at its next poll it rejoins
    /// and the original assignment comes back. Every row is delivered exactly once.
    @Test func partitionsMoveToTheOtherMemberAndBack() throws {
        let engine = Self.engine { s in
            s.maxPollIntervalMs = 2000
            s.chunkRows = 150
        }
        engine.traceCategories = [.kafka]
        try engine.createSource(Fixtures.source(partitions: 4, cost: .fixed(10 * VirtualTime.millisecond)))
        try engine.createJob(Fixtures.chain("out", source: "clicks", sourceParallelism: 2, stations: [], sink: Fixtures.sinkSpec()))
        #expect(Self.members(engine) == ["out.source.0", "out.source.1", "out.source.0", "out.source.1"])
        // 500 rows on partition 0 (member 0's): one poll, 5 s of work at 10 ms a row, in
        // chunks of 1.5 s: at the 2 s deadline it is busy with its second chunk.
        try engine.inject(500, into: "clicks", partition: 0)
        engine.advance(by: 2 * VirtualTime.second)
        #expect(!engine.actors[0].inGroup)
        #expect(Self.members(engine) == ["out.source.1", "out.source.1", "out.source.1", "out.source.1"])
        #expect(Self.traced(engine, "group out rebalances: out.source.1 [0, 1, 2, 3]"))
        #expect(engine.ledger().balanced)

        // Member 0 finishes that chunk at 3 s, finds nothing fetched (it gave the rest back),
        // polls, and rejoins: the first assignment is back.
        engine.advance(by: VirtualTime.second)
        #expect(engine.actors[0].inGroup)
        #expect(Self.members(engine) == ["out.source.0", "out.source.1", "out.source.0", "out.source.1"])
        #expect(engine.consumerSnapshots()[0].rebalances >= 2)

        engine.advance(by: 20 * VirtualTime.second)
        #expect(engine.actors.last!.delivered == 500, "each row once: none lost, none repeated")
        #expect(engine.consumerSnapshots()[0].lag == 0)
        #expect(engine.ledger().balanced)
    }

    /// A member waiting inside poll() (no data) is polling: it never leaves, however long.
    @Test func anIdleMemberStaysInTheGroup() throws {
        let engine = Self.engine { $0.maxPollIntervalMs = 1000 }
        try engine.createSource(Fixtures.source(partitions: 2))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec()))
        try engine.inject(10, into: "clicks")
        engine.advance(by: 30 * VirtualTime.second)
        #expect(engine.actors[0].inGroup && engine.consumerSnapshots()[0].rebalances == 0)
        #expect(engine.actors.last!.delivered == 10)
    }

    /// The deadline check of an idle member is no step: STEP after the work is done says the
    /// engine is idle, and does not move the clock to the check.
    @Test func stepDoesNotStopAtAConsumerTimerWithNothingToDo() throws {
        let engine = Self.engine()
        try engine.createSource(Fixtures.source())
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(latency: VirtualTime.millisecond)))
        try engine.inject(3, into: "clicks")
        var steps = 0
        while engine.step() != nil { steps += 1 }
        #expect(steps == 4, "the source's chunk, then three sink writes")
        #expect(engine.now == 3 * VirtualTime.millisecond)
    }

    /// Kafka does not keep a pause across a rebalance.
    @Test func aPauseDoesNotSurviveARebalance() throws {
        let engine = Self.engine()
        try engine.createSource(Fixtures.source(partitions: 2))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec()))
        try engine.setPartitionPaused("clicks", partition: 1, paused: true)
        #expect(engine.partitionLag().map(\.paused) == [false, true])
        try engine.alterSource("clicks") { $0.partitions = 3 }
        #expect(engine.partitionLag().map(\.paused) == [false, false, false])
    }

    /// A topic gains partitions (never loses them): the group rebalances to read the new
    /// ones, the generator spreads over all of them, and the ledger balances.
    @Test func addingPartitionsRebalancesTheGroup() throws {
        let engine = Self.engine()
        try engine.createSource(Fixtures.source(rate: 1000, partitions: 2))
        try engine.createJob(Fixtures.chain("out", source: "clicks", sourceParallelism: 2, stations: [], sink: Fixtures.sinkSpec()))
        engine.advance(by: VirtualTime.second)
        try engine.alterSource("clicks") { $0.partitions = 4 }
        #expect(Self.members(engine) == ["out.source.0", "out.source.1", "out.source.0", "out.source.1"])
        #expect(engine.consumerSnapshots()[0].rebalances == 1)
        engine.advance(by: VirtualTime.second)
        let lag = engine.partitionLag()
        #expect(lag.map(\.logEndOffset) == [750, 750, 250, 250])
        #expect(lag.allSatisfy { $0.lag < 10 })
        #expect(engine.ledger().balanced)
        #expect(throws: EngineError.self) { try engine.alterSource("clicks") { $0.partitions = 3 } }
        #expect(engine.partitionLag().count == 4)
    }

    /// `fetch.min.bytes` above what is ready: the broker holds the fetch for
    /// `fetch.max.wait.ms` and returns what there is; below, it returns as soon as that many
    /// bytes are ready.
    @Test func fetchMinBytesAndMaxWait() throws {
        let rowBytes = Fixtures.clicks.rowWidth
        // 100 rows/s: 50 rows per 500 ms wait, never the 1000 rows asked for.
        let held = Self.engine { s in s.fetchMinBytes = 1000 * rowBytes; s.fetchMaxWaitMs = 500 }
        try held.createSource(Fixtures.source(rate: 100))
        try held.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec()))
        held.advance(by: 2 * VirtualTime.second + VirtualTime.millisecond)
        let slow = held.consumerSnapshots()[0]
        #expect(held.actors[0].polls == 4, "one fetch per 500 ms")
        #expect(abs(slow.recordsPerRequest - 50) <= 1)
        #expect(slow.fetchLatencyAvgMs == 500)

        // 20 rows are enough: a fetch returns every 200 ms.
        let quick = Self.engine { s in s.fetchMinBytes = 20 * rowBytes; s.fetchMaxWaitMs = 500 }
        try quick.createSource(Fixtures.source(rate: 100))
        try quick.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec()))
        quick.advance(by: 2 * VirtualTime.second + VirtualTime.millisecond)
        let fast = quick.consumerSnapshots()[0]
        #expect(quick.actors[0].polls == 10)
        #expect(abs(fast.recordsPerRequest - 20) <= 1)
        #expect(fast.fetchLatencyAvgMs > 150 && fast.fetchLatencyAvgMs < 250, "\(fast.fetchLatencyAvgMs)")

        // The default (1 byte) returns any row at once, as before.
        let plain = Self.engine()
        try plain.createSource(Fixtures.source(rate: 100))
        try plain.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec()))
        plain.advance(by: 2 * VirtualTime.second)
        #expect(plain.actors[0].polls > 100)
        #expect(plain.consumerSnapshots()[0].fetchLatencyAvgMs == 0)
    }

    /// `poll_cost` is paid once per poll that returns rows: with 10 ms a poll, 10 rows a poll
    /// consume 1000 rows a second, 500 rows a poll all 10 000 at once (the article's "larger
    /// batches reduce per-record overhead").
    @Test func pollCostMakesMaxPollRecordsMatter() throws {
        func consumed(maxPoll: Int) throws -> Int64 {
            let engine = Self.engine { $0.maxPollRecords = maxPoll }
            var spec = Fixtures.source()
            spec.pollCost = .fixed(10 * VirtualTime.millisecond)
            try engine.createSource(spec)
            try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(batch: 500)))
            try engine.inject(10_000, into: "clicks")
            // Polls start at 0, 10, …, 990 ms.
            engine.advance(by: 995 * VirtualTime.millisecond)
            return engine.actors[0].rowsIn
        }
        #expect(try consumed(maxPoll: 10) == 1000)
        #expect(try consumed(maxPoll: 500) == 10_000)
    }

    /// A shorter `max_poll_interval_ms` reaches a member that is blocked already (it will not
    /// poll to pick it up); the time inside `poll()` (its `poll_cost`) is polling.
    @Test func theIntervalIsLiveAndPollCostIsPolling() throws {
        let engine = Self.engine()
        try engine.createSource(Fixtures.source())
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 0)))
        try engine.inject(2000, into: "clicks")
        engine.advance(by: 5 * VirtualTime.second)
        #expect(engine.actors[0].inGroup, "300 s is far")
        var settings = engine.settings
        settings.maxPollIntervalMs = 1000
        try engine.apply(settings)
        engine.advance(by: VirtualTime.millisecond)
        #expect(!engine.actors[0].inGroup, "5 s without a poll is over the new 1 s at once")

        let busyPolling = Self.engine { $0.maxPollIntervalMs = 1000 }
        var spec = Fixtures.source(rate: 10)
        spec.pollCost = .fixed(1500 * VirtualTime.millisecond)
        try busyPolling.createSource(spec)
        try busyPolling.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec()))
        busyPolling.advance(by: 10 * VirtualTime.second)
        #expect(busyPolling.actors[0].inGroup && busyPolling.consumerSnapshots()[0].rebalances == 0)
    }

    /// A shorter `fetch_max_wait_ms` mid-hold moves the hold's end to the new grid, and STEP
    /// does not stop at the old one.
    @Test func aNewFetchWaitMovesTheHold() throws {
        let rowBytes = Fixtures.clicks.rowWidth
        let engine = Self.engine { $0.fetchMinBytes = 100 * rowBytes }
        try engine.createSource(Fixtures.source())
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec()))
        try engine.inject(3, into: "clicks")
        var settings = engine.settings
        settings.fetchMaxWaitMs = 300
        try engine.apply(settings)
        #expect(engine.step() != nil)
        #expect(engine.now == 300 * VirtualTime.millisecond, "the hold ends on the new 300 ms grid")
        #expect(engine.actors[0].polls == 1 && engine.actors[0].rowsIn == 3)
    }

    /// A dropped job's last event is not a step.
    @Test func stepSkipsTheWorkOfADroppedActor() throws {
        let engine = Self.engine()
        try engine.createSource(Fixtures.source())
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(latency: VirtualTime.second)))
        try engine.inject(5, into: "clicks")
        engine.advance(by: 100 * VirtualTime.millisecond)
        try engine.drop("out")
        #expect(engine.step() == nil)
        #expect(engine.now == 100 * VirtualTime.millisecond)
    }
}
