import Testing
@testable import SluiceEngine

/// A source is a Kafka-like partitioned log plus a generator; each job reads it as its own
/// consumer group: positions per partition, lag, `records-lag-max`, `max.poll.records`,
/// pause/resume, and time-based retention that deletes whole segments.
@Suite struct KafkaLogTests {
    static func engine(_ configure: (inout EngineSettings) -> Void = { _ in }) -> Engine {
        Fixtures.engine { s in
            s.barrierIntervalMs = 0
            s.bufferRows = 10
            configure(&s)
        }
    }

    /// Lag per partition is log end − position; the consumer's lag is their sum; and
    /// `records-lag-max` is the largest partition lag in the window as Kafka samples it, when
    /// a poll's records are collected (so it is at most the largest lag now, under a lag that
    /// grows between polls), kept after the lag falls, not changed by looking at it, and
    /// restarted by RESET METRICS.
    @Test func lagAndRecordsLagMax() throws {
        let engine = Self.engine()
        try engine.createSource(Fixtures.source(rate: 1000, partitions: 2))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 200)))
        engine.advance(by: 2 * VirtualTime.second)
        let partitions = engine.partitionLag()
        #expect(partitions.map(\.partition) == [0, 1])
        for p in partitions {
            #expect(p.source == "clicks" && p.consumer == "out" && !p.paused)
            #expect(p.lag == p.logEndOffset - p.position)
            #expect(p.logStartOffset == 0 && p.expired == 0)
            #expect(p.logEndOffset == 1000, "2 s × 1000 rows/s over 2 partitions")
        }
        let consumer = engine.consumerSnapshots()[0]
        #expect(consumer.lag == partitions.reduce(0) { $0 + $1.lag })
        // 2000 generated; what was consumed was written (~400), is queued, fetched by the
        // poll but not yet emitted (up to max_poll_records), or in the sink's hands.
        let source = engine.actors[0], sink = engine.actors[1]
        let consumed = sink.delivered + Int64(engine.channels[0].queuedRows) + Int64(source.fetchedRemaining)
            + Int64(sink.inProgressRows) + Int64(source.pendingOutput?.count ?? 0)
        #expect(consumer.lag == 2000 - consumed)
        #expect(abs(sink.delivered - 400) <= 1 && consumer.lag > 1000, "lag \(consumer.lag)")
        let peak = consumer.recordsLagMax
        #expect(peak > 0 && peak <= partitions.map(\.lag).max()!, "sampled at the last poll, before the lag grew further")
        #expect(engine.jobs["out"]!.consumers[0].lagMax == peak, "kept, not computed on looking")

        // Stop the generator: the lag drains, records-lag-max keeps the largest.
        try engine.alterSource("clicks") { $0.rate = 0 }
        engine.advance(by: 3 * VirtualTime.second)
        let draining = engine.consumerSnapshots()[0]
        #expect(draining.lag <= consumer.lag - 500, "3 s at 200 rows/s drained \(consumer.lag - draining.lag)")
        #expect(draining.recordsLagMax >= peak && draining.recordsLagMax > engine.partitionLag().map(\.lag).max()!)
        #expect(engine.consumerSnapshots()[0].recordsLagMax == draining.recordsLagMax, "looking changes nothing")

        // A new window has no sample until a poll takes one, as Kafka's sample window starts.
        engine.resetMetrics()
        let fresh = engine.consumerSnapshots()[0]
        #expect(fresh.recordsLagMax == 0 && fresh.lag > 0)
        // The source polls 500 rows at a time for a sink writing 200 a second: within 3 s.
        engine.advance(by: 3 * VirtualTime.second)
        let sampled = engine.consumerSnapshots()[0]
        #expect(sampled.recordsLagMax > 0 && sampled.recordsLagMax < draining.recordsLagMax)
    }

    /// Kafka's sample is the lag a poll leaves (`highWatermark − position` after it): 300 rows
    /// in the log and a 20-row poll read 280, not the 300 that were there before the poll; a
    /// consumer that is not polling samples nothing, however the log grows.
    @Test func recordsLagMaxIsSampledWhenAPollCollectsItsRecords() throws {
        let engine = Self.engine { $0.maxPollRecords = 20 }
        try engine.createSource(Fixtures.source())
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 1)))
        try engine.inject(300, into: "clicks")
        engine.step()
        #expect(engine.partitionLag()[0].position == 40 && engine.consumerSnapshots()[0].recordsLagMax == 280,
                "two polls of 20 rows, the second while the first row is written: \(engine.partitionLag()[0])")
        // The source is blocked behind a sink writing one row a second: no poll, no sample.
        try engine.inject(1000, into: "clicks")
        #expect(engine.consumerSnapshots()[0].lag == 1260 && engine.consumerSnapshots()[0].recordsLagMax == 280)
    }

    /// One poll returns at most `max_poll_records` rows, so a 100-row backlog with
    /// max_poll_records = 7 takes ⌈100/7⌉ = 15 polls of at most 7 rows, even with 256-row chunks.
    @Test func maxPollRecordsBoundsEveryPoll() throws {
        let engine = Self.engine { $0.maxPollRecords = 7 }
        try engine.createSource(Fixtures.source())
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec()))
        try engine.inject(100, into: "clicks")
        // The first poll happened at once and took 7 rows.
        #expect(engine.partitionLag()[0].position == 7)
        engine.advance(by: VirtualTime.second)
        let source = engine.actors[0]
        #expect(source.polls == 15 && source.chunksIn == 15 && source.rowsIn == 100)
        #expect(engine.partitionLag()[0].position == 100)
        #expect(engine.consumerSnapshots()[0].pollRate == 15)
        #expect(engine.actors[1].delivered == 100)
    }

    /// A poll spreads its budget over the actor's partitions, and INJECT can target one.
    @Test func pollsSpanPartitionsAndInjectCanTargetOne() throws {
        let engine = Self.engine { $0.maxPollRecords = 500 }
        try engine.createSource(Fixtures.source(partitions: 3))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 0)))
        try engine.inject(30, into: "clicks")
        try engine.inject(5, into: "clicks", partition: 2)
        #expect(engine.partitionLag().map(\.logEndOffset) == [10, 10, 15])
        engine.advance(by: VirtualTime.second)
        #expect(engine.partitionLag().map(\.position) == [10, 10, 15])
        #expect(engine.actors[0].polls == 2, "one poll for the first INJECT (all three partitions), one for the second")
    }

    /// Kafka's pause()/resume() on one partition: a paused partition is not read (its lag
    /// stays), the other is; resuming reads the rest.
    @Test func pauseAndResumeOnePartition() throws {
        let engine = Self.engine()
        try engine.createSource(Fixtures.source(partitions: 2))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec()))
        try engine.setPartitionPaused("clicks", partition: 1, paused: true)
        try engine.inject(100, into: "clicks", partition: 0)
        try engine.inject(100, into: "clicks", partition: 1)
        engine.advance(by: VirtualTime.second)
        var lag = engine.partitionLag()
        #expect(lag.map(\.position) == [100, 0])
        #expect(lag.map(\.lag) == [0, 100])
        #expect(lag.map(\.paused) == [false, true])
        #expect(engine.actors[1].delivered == 100)

        try engine.setPartitionPaused("clicks", partition: 1, paused: false)
        engine.advance(by: VirtualTime.second)
        lag = engine.partitionLag()
        #expect(lag.map(\.position) == [100, 100])
        #expect(lag.map(\.paused) == [false, false])
        #expect(engine.actors[1].delivered == 200)
        #expect(EngineAudit.imbalances(engine) == [])
    }

    /// A source of 1000 rows/s kept 2 s in segments of 1 s, read by a sink that never writes.
    static func stuckOnRetention() throws -> Engine {
        let engine = Self.engine()
        var spec = Fixtures.source(rate: 1000)
        spec.retention = 2 * VirtualTime.second
        spec.segment = VirtualTime.second
        try engine.createSource(spec)
        try engine.createJob(Fixtures.chain("stuck", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 0)))
        return engine
    }

    /// Retention deletes whole segments, oldest first, once their newest row is older than
    /// `retention` (1 s segments of 1000 rows, retention 2 s: the segment last appended at
    /// 1 s goes at 3.001 s, the next at 4.001 s, …). A consumer behind the new log start jumps
    /// to it (`earliest`) and the rows it never read are counted as expired; a consumer that
    /// kept up loses nothing.
    @Test func retentionExpiresWholeSegments() throws {
        let engine = try Self.stuckOnRetention()
        try engine.createJob(Fixtures.chain("live", source: "clicks", stations: [], sink: Fixtures.sinkSpec()))
        var changes: [(time: Int64, start: Int64)] = []
        var start: Int64 = 0
        var stuckConsumedBeforeExpiry: Int64 = 0
        while engine.now < 5500 * VirtualTime.millisecond {
            stuckConsumedBeforeExpiry = engine.jobs["stuck"]!.consumers[0].consumed[0]
            engine.advance(by: VirtualTime.millisecond)
            let now = engine.partitionLag()[0].logStartOffset
            if now != start { changes.append((engine.now, now)); start = now }
        }
        #expect(changes.map(\.time) == [3001, 4001, 5001].map { $0 * VirtualTime.millisecond })
        #expect(changes.map(\.start) == [1000, 2000, 3000])
        #expect(stuckConsumedBeforeExpiry < 1000, "the stuck consumer read only what its queues hold")

        let lag = engine.partitionLag()
        let stuck = lag.first { $0.consumer == "stuck" }!, live = lag.first { $0.consumer == "live" }!
        #expect(stuck.position == 3000 && stuck.logStartOffset == 3000)
        #expect(stuck.expired == 3000 - stuckConsumedBeforeExpiry)
        #expect(live.expired == 0 && live.lag == 0)
        #expect(engine.sourceSnapshots()[0].deleted == 3000, "the log deleted 3000 rows in all")
        #expect(engine.consumerSnapshots().map(\.expired) == [stuck.expired, 0])
        #expect(EngineAudit.imbalances(engine) == [])
    }

    /// Once nothing is appended, the active segment expires as the others did: Kafka rolls a
    /// new, empty segment and deletes the old one, so a stuck consumer on an idle topic loses
    /// its last rows too. The next append starts a segment at the log end.
    @Test func retentionDeletesTheLastSegmentOnceItExpires() throws {
        let engine = try Self.stuckOnRetention()
        engine.advance(by: 3500 * VirtualTime.millisecond)
        try engine.alterSource("clicks") { $0.rate = 0 }
        engine.advance(by: 1900 * VirtualTime.millisecond)
        let written = engine.partitionLag()[0].logEndOffset
        #expect(engine.partitionLag()[0].logStartOffset == 3000, "the last segment's newest row is 1.9 s old")
        engine.advance(by: 200 * VirtualTime.millisecond)
        var lag = engine.partitionLag()[0]
        #expect(lag.logStartOffset == written && lag.lag == 0, "\(lag)")
        #expect(engine.sourceSnapshots()[0].deleted == written)
        #expect(EngineAudit.imbalances(engine) == [])
        try engine.inject(10, into: "clicks")
        engine.advance(by: VirtualTime.second)
        lag = engine.partitionLag()[0]
        #expect(lag.logStartOffset == written && lag.logEndOffset == written + 10, "a new segment holds the new rows")
        engine.advance(by: 1100 * VirtualTime.millisecond)
        #expect(engine.partitionLag()[0].logStartOffset == written + 10)
        #expect(EngineAudit.imbalances(engine) == [])
    }

    /// `auto.offset.reset = latest`: a new group starts at the log end (the backlog is not
    /// its to read), and when retention deletes the rows at its position it jumps to the log
    /// end: the deleted rows it had not read count as expired, the retained ones it jumps over
    /// as skipped (lost to it, not deleted); `earliest` starts at the log start and skips none.
    @Test func autoOffsetResetLatest() throws {
        let engine = Self.engine { $0.autoOffsetReset = .latest }
        var spec = Fixtures.source(rate: 1000)
        spec.retention = 2 * VirtualTime.second
        spec.segment = VirtualTime.second
        try engine.createSource(spec)
        try engine.inject(5000, into: "clicks")
        try engine.createJob(Fixtures.chain("late", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 0)))
        #expect(engine.partitionLag()[0].position == 5000 && engine.partitionLag()[0].lag == 0)
        var settings = engine.settings
        settings.autoOffsetReset = .earliest
        try engine.apply(settings)
        try engine.createJob(Fixtures.chain("early", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 0)))
        #expect(engine.partitionLag().first { $0.consumer == "early" }!.lag >= 4500, "earliest has the backlog to read")

        engine.advance(by: 3500 * VirtualTime.millisecond)
        let lag = engine.partitionLag()
        let late = lag.first { $0.consumer == "late" }!, early = lag.first { $0.consumer == "early" }!
        #expect(late.logStartOffset > 5000, "retention deleted the segments at both positions")
        #expect(early.position == early.logStartOffset, "earliest jumped to the log start")
        #expect(late.position > late.logStartOffset && late.lag < early.lag,
                "latest jumped to the end: it lags only by what came since")
        #expect(late.expired > 0 && early.expired > 0)
        #expect(late.expired <= late.logStartOffset - 5000, "only deleted rows count as expired")
        let lines = engine.ledger().sources
        let lateLine = lines.first { $0.consumer == "late" }!, earlyLine = lines.first { $0.consumer == "early" }!
        #expect(lateLine.skipped > 0 && earlyLine.skipped == 0)
        #expect(lateLine.generated == lateLine.consumed + lateLine.lag + lateLine.expired + lateLine.skipped)
        #expect(engine.ledger().skipped == lateLine.skipped)
        #expect(EngineAudit.imbalances(engine) == [])
        #expect(engine.ledger().balanced)
    }

    /// Each source actor reads the partitions p with p % parallelism == its index; a
    /// checkpoint records every actor's positions, partition by partition.
    @Test func consumerOffsetsPerPartitionInCheckpoints() throws {
        let engine = Self.engine()
        try engine.createSource(Fixtures.source(partitions: 3))
        try engine.createJob(Fixtures.chain("out", source: "clicks", sourceParallelism: 2, stations: [],
                                            sink: Fixtures.sinkSpec(), distribution: .roundRobin))
        #expect(engine.actors[0].partitions == [0, 2] && engine.actors[1].partitions == [1])
        try engine.inject(30, into: "clicks")
        try engine.inject(7, into: "clicks", partition: 1)
        engine.advance(by: VirtualTime.second)
        #expect(engine.partitionLag().map(\.position) == [10, 17, 10])
        try engine.injectBarrier()
        let checkpoint = try #require(engine.checkpoints.last)
        #expect(checkpoint.sourceOffsets.map(\.consumer) == ["out.source.0", "out.source.1"])
        #expect(checkpoint.sourceOffsets.map(\.offsets) == [[10, 10], [17]])
        #expect(engine.consumerSnapshots()[0].recordsConsumedRate == 37)
    }

    /// Two jobs on one source are two consumer groups with their own positions.
    @Test func eachJobIsItsOwnConsumerGroup() throws {
        let engine = Self.engine()
        try engine.createSource(Fixtures.source(rate: 1000))
        try engine.createJob(Fixtures.chain("fast", source: "clicks", stations: [], sink: Fixtures.sinkSpec()))
        try engine.createJob(Fixtures.chain("slow", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 100)))
        engine.advance(by: 2 * VirtualTime.second)
        let lag = engine.partitionLag()
        #expect(lag.map(\.consumer) == ["fast", "slow"])
        #expect(lag[0].lag == 0 && lag[1].lag > 1000)
        #expect(lag[0].logEndOffset == lag[1].logEndOffset)
    }

    // MARK: Every source of a job

    /// A join reads two logs: the second source fragment must start at creation and wake on
    /// appends like the first. Barriers are off, so nothing else wakes it.
    @Test func everySourceFragmentReadsItsLog() throws {
        let engine = Self.engine()
        try engine.createSource(Fixtures.source(rate: 100, keys: 10))
        try engine.createSource(Fixtures.source("users", rate: 100, keys: 10, schema: Fixtures.users))
        try engine.createSource(Fixtures.table("regions", rows: 50, keys: 10))
        try engine.createJob(Fixtures.joinSink("streams", logStore: false, sink: Fixtures.sinkSpec()))
        try engine.createJob(Fixtures.joinSink("lookup", right: "regions", logStore: false, sink: Fixtures.sinkSpec()))
        engine.advance(by: VirtualTime.second)
        let lag = engine.partitionLag()
        #expect(lag.map { "\($0.consumer)/\($0.source)" } == ["streams/clicks", "streams/users", "lookup/clicks", "lookup/regions"])
        #expect(lag[0].lag == 0 && lag[2].lag == 0, "first fragments read their logs")
        #expect(lag[1].lag == 0, "the right stream's lag: \(lag[1].lag)")
        #expect(lag[3].lag == 0, "the table's lag: \(lag[3].lag)")
    }

    /// `records-consumed-rate` and `poll-rate` of a consumer read by a later fragment.
    @Test func consumerMetricsCoverEverySourceFragment() throws {
        let engine = Self.engine { $0.barrierIntervalMs = 100 }
        try engine.createSource(Fixtures.source(rate: 100, keys: 10))
        try engine.createSource(Fixtures.source("users", rate: 100, keys: 10, schema: Fixtures.users))
        try engine.createJob(Fixtures.joinSink("streams", logStore: false, sink: Fixtures.sinkSpec()))
        engine.advance(by: 2 * VirtualTime.second)
        let consumers = engine.consumerSnapshots()
        #expect(consumers.map(\.source) == ["clicks", "users"])
        #expect(abs(consumers[0].recordsConsumedRate - 100) <= 1)
        // The barrier ticks wake the right source, so it does consume (its lag stays small)…
        #expect(engine.partitionLag()[1].lag <= 10)
        // …but its consumer metrics look only at the first fragment's actors.
        #expect(abs(consumers[1].recordsConsumedRate - 100) <= 10, "users consumed at \(consumers[1].recordsConsumedRate) rows/s")
        #expect(consumers[1].pollRate > 0)
    }

    /// `ALTER SOURCE … SET (cost = …)` reaches every actor consuming the source at once: both
    /// actors of a parallel source fragment, in every job reading it. A 1 ms row cost holds
    /// each actor to 1000 rows/s; at 100 µs each consumes ten times as many. Record at a time,
    /// so that the chunk in hand at the change (priced at the old cost) is one row.
    @Test func alterSourceCostReachesEveryConsumingActor() throws {
        let engine = Self.engine { $0.chunkRows = 1 }
        try engine.createSource(Fixtures.source(partitions: 2, cost: .fixed(VirtualTime.millisecond)))
        try engine.inject(100_000, into: "clicks")
        for name in ["a", "b"] {
            try engine.createJob(Fixtures.chain(name, source: "clicks", sourceParallelism: 2, stations: [], sink: Fixtures.sinkSpec()))
        }
        // What each job's (free) sink wrote: what its source actors emitted, less a row in flight.
        func consumed() -> [Int64] {
            let sinks = engine.actorSnapshots().filter { $0.role == "sink" }
            return ["a", "b"].map { job in sinks.filter { $0.job == job }.reduce(0) { $0 + $1.delivered } }
        }
        engine.advance(by: VirtualTime.second)
        let slow = consumed()
        #expect(slow.allSatisfy { abs($0 - 2000) <= 20 }, "2 actors × 1000 rows/s: \(slow)")
        try engine.alterSource("clicks") { $0.cost = .fixed(100 * VirtualTime.microsecond) }
        engine.advance(by: VirtualTime.second)
        let fast = zip(consumed(), slow).map { $0 - $1 }
        #expect(fast.allSatisfy { abs($0 - 20_000) <= 200 }, "2 actors × 10 000 rows/s: \(fast)")
    }
}
