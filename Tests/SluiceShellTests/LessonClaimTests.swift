import Foundation
import Testing
import SluiceEngine
import SluiceShell

/// Each lesson in `examples/` makes a claim in its comments. The golden transcripts keep
/// the text stable; these tests keep the claims true. Each builds the lesson's scenario
/// through a `Session` (the same statements as the example, in the same order) and checks
/// the claim on the engine's values: snapshots, the ledger, checkpoints, barrier latencies.
@Suite struct LessonClaimTests {
    // MARK: Helpers

    /// Runs `sql` (any number of statements) as one cell and fails the test if any
    /// statement failed.
    @discardableResult
    static func run(_ session: Session, _ sql: String, sourceLocation: SourceLocation = #_sourceLocation) -> CellResult {
        let result = session.execute(sql)
        #expect(result.ok, "a statement failed:\n\(result.output)", sourceLocation: sourceLocation)
        return result
    }

    static func session(_ sql: String, sourceLocation: SourceLocation = #_sourceLocation) -> Session {
        let session = Session()
        run(session, sql, sourceLocation: sourceLocation)
        return session
    }

    static func actor(_ session: Session, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ActorSnapshot {
        try #require(session.engine.actorSnapshot(named: name), "no actor \(name)", sourceLocation: sourceLocation)
    }

    static func consumer(_ session: Session, _ job: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ConsumerSnapshot {
        try #require(session.engine.consumerSnapshots().first { $0.consumer == job }, "no consumer \(job)", sourceLocation: sourceLocation)
    }

    static func sink(_ session: Session, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> JobSnapshot {
        try #require(session.engine.jobSnapshots().first { $0.name == name }, "no job \(name)", sourceLocation: sourceLocation)
    }

    /// Nearest-rank p99 of a list of durations.
    static func p99(_ values: [Int64]) -> Int64 {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((0.99 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[max(0, min(sorted.count - 1, rank))]
    }

    // MARK: 01 — backpressure propagates; DIAGNOSE names the sink

    @Test func lesson01_backpressurePropagatesToTheSourceAndDiagnoseNamesTheSink() throws {
        let s = Self.session("""
            SET buffer_rows = 100;
            CREATE SOURCE clicks (user_id INT, amount DOUBLE) WITH (rate = 1000, keys = 100, seed = 7);
            CREATE TABLE users (user_id INT PRIMARY KEY, region VARCHAR) WITH (rows = 100);
            CREATE MATERIALIZED VIEW spend AS
              SELECT user_id, count(*) AS n, sum(amount) AS total FROM clicks GROUP BY user_id;
            CREATE MATERIALIZED VIEW enriched AS
              SELECT s.user_id, u.region, s.total FROM spend s JOIN users u ON s.user_id = u.user_id;
            CREATE SINK warehouse FROM enriched WITH (throughput = 300);
            RUN 3s;
            """)
        let sink = try Self.actor(s, "warehouse.sink.0")
        #expect(sink.busyTimeMsPerSecond >= 900)
        #expect(sink.backPressuredTimeMsPerSecond <= 100)
        // The signal travels against the data: join, aggregation and source all blocked.
        for upstream in ["enriched.join.0", "spend.agg.0", "spend.source.0"] {
            #expect(try Self.actor(s, upstream).backPressuredTimeMsPerSecond >= 500, "\(upstream) is not backpressured")
        }
        // The overload ends up in the source's log, as consumer lag; nothing is lost.
        #expect(try Self.consumer(s, "spend").lag > 0)
        #expect(s.engine.ledger().balanced)
        #expect(s.engine.ledger().dropped == 0)
        // The article's rule, computed from the snapshots: busy, not backpressured, and
        // its upstream backpressured — the sink, and only the sink.
        let snapshots = s.engine.actorSnapshots()
        let byName = Dictionary(uniqueKeysWithValues: snapshots.map { ($0.name, $0) })
        let bottlenecks = snapshots.filter { a in
            a.busyTimeMsPerSecond >= 500 && a.backPressuredTimeMsPerSecond < 100
                && a.upstream.contains { (byName[$0]?.backPressuredTimeMsPerSecond ?? 0) >= 500 }
        }
        #expect(bottlenecks.map(\.name) == ["warehouse.sink.0"])
        // And the rendered DIAGNOSE says so.
        let diagnose = s.execute("DIAGNOSE;")
        #expect(diagnose.output.contains("bottleneck: warehouse.sink.0"))
    }

    // MARK: 02 — blocking vs buffering vs dropping

    struct OverloadOutcome {
        var dropped: Int64
        var peakRows: Int
        var capacityRows: Int?
        var lag: Int64
        var queuedBytesMid: Int
        var queuedBytesEnd: Int
        var balanced: Bool
    }

    static func overload(_ scheme: String) throws -> OverloadOutcome {
        let s = session("""
            SET buffer_rows = 100;
            SET exchange_batched_permits = 100;
            SET exchange_initial_permits = 1000;
            SET flow_control = \(scheme);
            CREATE SOURCE events (id INT, v DOUBLE) WITH (rate = 3000, keys = 1000);
            CREATE SINK db FROM events WITH (throughput = 1000);
            RUN 1500ms;
            """)
        let mid = s.engine.queuedBytes
        run(s, "RUN 1500ms;")
        let channel = try #require(s.engine.channelSnapshots().first { $0.to == "db.sink.0" })
        return OverloadOutcome(dropped: s.engine.ledger().dropped, peakRows: channel.peakRows, capacityRows: channel.capacityRows,
                               lag: try consumer(s, "db").lag, queuedBytesMid: mid, queuedBytesEnd: s.engine.queuedBytes,
                               balanced: s.engine.ledger().balanced)
    }

    @Test func lesson02_onlyDropTailDropsAndOnlyUnboundedGrowsPastEveryBound() throws {
        let credit = try Self.overload("credit")
        let unbounded = try Self.overload("unbounded")
        let dropTail = try Self.overload("drop_tail")
        // Only dropping loses rows, and the ledger counts every one of them.
        #expect(credit.dropped == 0)
        #expect(unbounded.dropped == 0)
        #expect(dropTail.dropped > 0)
        #expect(credit.balanced && unbounded.balanced && dropTail.balanced)
        // The bounded schemes stay within their bound (1000 rows here).
        let bounds = [credit.capacityRows, dropTail.capacityRows].compactMap { $0 }
        #expect(bounds.count == 2)
        #expect(credit.peakRows <= 1000)
        #expect(dropTail.peakRows <= 1000)
        // Only unbounded grows past every bound, and its memory keeps growing.
        #expect(unbounded.capacityRows == nil)
        #expect(unbounded.peakRows > bounds.max()! * 3)
        #expect(unbounded.queuedBytesEnd > unbounded.queuedBytesMid)
        #expect(credit.queuedBytesEnd <= credit.queuedBytesMid + 100 * 16)
        // Blocking pushes the overload back into the log; the others never block.
        #expect(credit.lag > 1000)
        #expect(unbounded.lag == 0)
        #expect(dropTail.lag == 0)
    }

    // MARK: 03 — the credit sequence diagram

    @Test func lesson03_creditTraceReproducesTheArticlesSequence() throws {
        let s = Self.session("""
            SET barrier_interval_ms = 0;
            SET buffers_per_channel = 0;
            SET floating_buffers_per_gate = 3;
            SET buffer_rows = 1;
            SET chunk_rows = 5;
            CREATE SOURCE events (id INT) WITH (rate = 0, cost = '1ms');
            CREATE SINK job FROM events WITH (batch = 2, latency = '100ms');
            INJECT 5 INTO events;
            """)
        let engine = s.engine
        engine.traceCategories = [.credit, .blocking]
        #expect(engine.step() != nil)
        let texts = engine.drainTrace().map(\.text).filter { !$0.hasSuffix("unblocked") }
        let channel = "job.source.0 → job.sink.0: "
        #expect(texts == [
            channel + "sender announces backlog 5",
            channel + "receiver grants 3 credits from floating buffers (credit 3)",
            channel + "sends buffer 1 (1 row, credit left 2)",
            channel + "sends buffer 2 (1 row, credit left 1)",
            channel + "sends buffer 3 (1 row, credit left 0)",
            channel + "sender blocked, 0 credits, backlog 2",
            channel + "receiver grants 2 credits from floating buffers back in the pool (credit 2)",
            channel + "sends buffer 4 (1 row, credit left 1)",
            channel + "sends buffer 5 (1 row, credit left 0)",
        ])
        // Part 2: a second burst while the receiver is busy: the sender blocks and stays
        // blocked until the receiver frees buffers 100 ms later.
        Self.run(s, "INJECT 5 INTO events;")
        #expect(engine.step() != nil)
        let blockedAt = engine.now
        let queue = try #require(engine.channelSnapshots().first)
        #expect(queue.outboxRows == 5)
        #expect(queue.flowState.hasPrefix("credit 0 backlog 5"))
        #expect(try Self.actor(s, "job.source.0").status == "backpressured")
        _ = engine.drainTrace()
        #expect(engine.step() != nil)
        #expect(engine.now - blockedAt >= 90 * VirtualTime.millisecond)
        let later = engine.drainTrace().map(\.text)
        #expect(later.first == channel + "receiver grants 2 credits from floating buffers back in the pool (credit 2)")
        #expect(try #require(engine.channelSnapshots().first).outboxRows == 3)
    }

    // MARK: 04 — tcp cross-contamination

    static func unrelatedPipelineThroughput(_ scheme: String) throws -> (fast: Double, slow: Double) {
        let s = session("""
            SET nodes = 2;
            SET buffer_rows = 50;
            SET flow_control = \(scheme);
            CREATE SOURCE orders (id INT, amount DOUBLE) WITH (rate = 1000, keys = 100);
            CREATE SOURCE clicks (id INT, url VARCHAR) WITH (rate = 2000, keys = 100);
            CREATE MATERIALIZED VIEW slow_totals AS
              SELECT id, sum(amount) AS total FROM orders GROUP BY id WITH (cost = '2ms');
            CREATE MATERIALIZED VIEW click_counts AS
              SELECT id, count(*) AS n FROM clicks GROUP BY id;
            RUN 5s;
            RESET METRICS;
            RUN 2s;
            """)
        // Both channels cross from node 0 to node 1.
        #expect(try actor(s, "click_counts.source.0").node == 0)
        #expect(try actor(s, "click_counts.agg.0").node == 1)
        #expect(try actor(s, "slow_totals.agg.0").node == 1)
        return (try actor(s, "click_counts.source.0").rowsOutPerSecond, try actor(s, "slow_totals.agg.0").rowsInPerSecond)
    }

    @Test func lesson04_tcpStallsTheUnrelatedPipelineAndCreditDoesNot() throws {
        let tcp = try Self.unrelatedPipelineThroughput("tcp")
        let credit = try Self.unrelatedPipelineThroughput("credit")
        #expect(tcp.fast < credit.fast / 2, "tcp \(tcp.fast) rows/s vs credit \(credit.fast) rows/s")
        #expect(credit.fast >= 1900)
        // The slow pipeline is equally slow under both.
        #expect(abs(tcp.slow - credit.slow) < 50)
    }

    // MARK: 05 — bursts and buffers

    static func burst(exclusive: Int, floating: Int) throws -> (sourceBackpressure: Double, aggBusy: Double, queuedMidBurst: Int, lagMidBurst: Int64) {
        let s = session("""
            SET buffer_rows = 20;
            SET chunk_rows = 20;
            SET max_poll_records = 20;
            SET buffers_per_channel = \(exclusive);
            SET floating_buffers_per_gate = \(floating);
            CREATE SOURCE ticks (id INT, v DOUBLE) WITH (rate = 300000, pattern = 'burst(on=1ms, off=999ms)', keys = 100);
            CREATE MATERIALIZED VIEW totals AS SELECT id, sum(v) AS s FROM ticks GROUP BY id WITH (cost = '1ms');
            RESET METRICS;
            RUN 2100ms;
            """)
        let queued = try #require(s.engine.channelSnapshots().first).rows
        let lag = try consumer(s, "totals").lag
        run(s, "RUN 900ms;")
        return (try actor(s, "totals.source.0").backPressuredTimeMsPerSecond, try actor(s, "totals.agg.0").busyTimeMsPerSecond, queued, lag)
    }

    @Test func lesson05_moreBuffersAbsorbBurstsButDoNotAddThroughput() throws {
        let two = try Self.burst(exclusive: 2, floating: 0)
        let eight = try Self.burst(exclusive: 8, floating: 0)
        let floating = try Self.burst(exclusive: 2, floating: 8)
        // More buffers: less time backpressured at the source, less of the burst in the log.
        #expect(two.sourceBackpressure > eight.sourceBackpressure)
        #expect(eight.sourceBackpressure > floating.sourceBackpressure)
        #expect(two.lagMidBurst > eight.lagMidBurst)
        #expect(eight.lagMidBurst >= floating.lagMidBurst)
        // The cost: the burst now waits in network buffers (memory, in-flight data).
        #expect(two.queuedMidBurst == 40)
        #expect(eight.queuedMidBurst == 160)
        #expect(floating.queuedMidBurst == 200)
        // And they buy no throughput: the aggregation does the same work in every case.
        for busy in [two.aggBusy, eight.aggBusy, floating.aggBusy] { #expect(abs(busy - 300) < 20) }
    }

    // MARK: 06 — Kafka: lag, max.poll.records, pause, retention

    @Test func lesson06_pauseLetsOnePartitionLagAndRetentionExpiresUnreadRows() throws {
        let s = Self.session("""
            SET buffer_rows = 50;
            CREATE SOURCE events (id INT, payload VARCHAR) WITH (rate = 1000, partitions = 2, retention = '4s', segment = '1s');
            CREATE SINK archive FROM events WITH (throughput = 500);
            RUN 2s;
            RESET METRICS;
            RUN 1s;
            """)
        let before = try Self.consumer(s, "archive")
        #expect(before.lag > 0)
        #expect(abs(before.recordsConsumedRate - 500) < 100)
        Self.run(s, "SET max_poll_records = 50; RUN 1s; RESET METRICS; RUN 1s;")
        let smallPolls = try Self.consumer(s, "archive")
        // Smaller polls: many more of them, about the same rows per second.
        #expect(smallPolls.pollRate >= 5 * before.pollRate)
        #expect(abs(smallPolls.recordsConsumedRate - 500) < 100)
        // Pausing partition 0: its lag grows by what it receives; partition 1 keeps pace.
        let lagBefore = s.engine.partitionLag()
        Self.run(s, "ALTER SOURCE events PAUSE PARTITION 0; RUN 1s;")
        let lagPaused = s.engine.partitionLag()
        #expect(lagPaused[0].paused && !lagPaused[1].paused)
        #expect(lagPaused[0].lag - lagBefore[0].lag == 500)
        #expect(abs(lagPaused[1].lag - lagBefore[1].lag) < 100)
        #expect(lagPaused[0].position == lagBefore[0].position)
        // Retention: the consumer never catches up; unread rows expire, and are counted.
        #expect(s.engine.ledger().expired == 0)
        Self.run(s, "ALTER SOURCE events RESUME PARTITION 0; RUN 4s;")
        let ledger = s.engine.ledger()
        #expect(ledger.expired > 0)
        #expect(ledger.balanced)
        let line = try #require(ledger.sources.first)
        #expect(line.generated == line.consumed + line.lag + line.expired)
        #expect(try Self.consumer(s, "archive").expired == ledger.expired)
        let lag = s.engine.partitionLag()
        #expect(lag.contains { $0.expired > 0 && $0.logStartOffset > 0 })
    }

    // MARK: 07 — barriers first; barrier latency; throttling

    @Test func lesson07_aSourceEmitsAPendingBarrierBeforeNewData() throws {
        let s = Self.session("""
            SET flow_control = permits;
            SET exchange_batched_permits = 32;
            SET exchange_initial_permits = 256;
            SET barrier_interval_ms = 0;
            CREATE SOURCE trades (sym INT, px DOUBLE) WITH (rate = 1000, keys = 50);
            CREATE MATERIALIZED VIEW vwap AS
              SELECT sym, sum(px) AS notional, count(*) AS n FROM trades GROUP BY sym WITH (cost = '2ms');
            BARRIER;
            """)
        // With nothing in the way, a barrier completes at once.
        #expect(s.engine.checkpoints.last?.latency == 0)
        Self.run(s, "RUN 2s; BARRIER;")
        let engine = s.engine
        let location = try #require(engine.barrierLocations().first)
        #expect(location.places == ["pending at vwap.source.0 behind its blocked output"])
        let source = try Self.actor(s, "vwap.source.0")
        #expect(source.status == "backpressured")
        // Step until the barrier leaves the source (RisingWave's biased select: a pending
        // barrier goes before any new data). Every row ahead of it on the channel was
        // emitted before it was injected: the rows the aggregation has taken since, plus
        // the rows queued in front of the barrier, are exactly what the source had
        // emitted at injection — no row taken from the log afterwards is ahead of it.
        let emitted = source.rowsOut
        var steps = 0
        while engine.barrierLocations().first?.places.contains(where: { $0.hasPrefix("pending at") }) == true {
            #expect(engine.step() != nil)
            steps += 1
            try #require(steps < 10_000)
        }
        let place = try #require(engine.barrierLocations().first?.places.first)
        let prefix = "queued at vwap.agg.0 from vwap.source.0 behind "
        #expect(place.hasPrefix(prefix), "\(place)")
        let ahead = try #require(Int64(place.dropFirst(prefix.count).prefix { $0.isNumber }))
        #expect(try Self.actor(s, "vwap.agg.0").rowsIn + ahead == emitted)
        #expect(try Self.actor(s, "vwap.source.0").rowsOut == emitted)
        let outcome = try engine.stepBarrier()
        guard case .completed(let checkpoint) = outcome else {
            Issue.record("STEP BARRIER did not complete: \(outcome)")
            return
        }
        // Under overload the barrier waits behind the queued rows: about a second.
        #expect(checkpoint.latency > 500 * VirtualTime.millisecond)
        // Periodic barriers with at most one in flight: skipped, and the source pauses.
        engine.traceCategories = [.barriers]
        Self.run(s, "SET barrier_interval_ms = 1000; RUN 3s; SET barrier_interval_ms = 100; SET in_flight_barrier_nums = 1; RUN 1500ms;")
        #expect(engine.skippedPeriodicBarriers > 0)
        let latencies = engine.completedBarrierLatencies.dropFirst(2)
        #expect(!latencies.isEmpty && latencies.allSatisfy { $0 > 500 * VirtualTime.millisecond })
    }

    @Test func lesson07_aSourceWithoutBarriersPausesItsData() throws {
        let s = Self.session("""
            SET flow_control = permits;
            SET exchange_batched_permits = 32;
            SET exchange_initial_permits = 256;
            SET barrier_interval_ms = 100;
            SET in_flight_barrier_nums = 1;
            CREATE SOURCE trades (sym INT, px DOUBLE) WITH (rate = 1000, keys = 50);
            CREATE MATERIALIZED VIEW vwap AS
              SELECT sym, sum(px) AS notional, count(*) AS n FROM trades GROUP BY sym WITH (cost = '2ms');
            RUN 2s;
            """)
        s.engine.traceCategories = [.barriers]
        s.engine.advance(by: 1500 * VirtualTime.millisecond)
        let texts = s.engine.drainTrace().map(\.text)
        #expect(texts.contains("vwap.source.0: no barrier for 500ms, pauses its data until the next one"))
        #expect(texts.contains { $0.hasPrefix("periodic barrier skipped") })
    }

    // MARK: 08 — join amplification and the unaligned join

    static func joinBarrierP99(unaligned: Bool) -> (p99: Int64, logStoreRows: Int) {
        let s = session("""
            SET flow_control = permits;
            SET exchange_batched_permits = 8;
            SET exchange_initial_permits = 32;
            SET chunk_rows = 32;
            SET streaming_enable_unaligned_join = \(unaligned);
            CREATE TABLE products (cat INT, name VARCHAR) WITH (rows = 2000, keys = 20);
            CREATE SOURCE orders (cat INT, qty INT) WITH (rate = 50, keys = 20);
            CREATE MATERIALIZED VIEW order_lines AS
              SELECT o.cat, o.qty, p.name FROM orders o JOIN products p ON o.cat = p.cat;
            CREATE SINK lines_out FROM order_lines WITH (throughput = 1000);
            RUN 3s;
            RESET METRICS;
            RUN 6s;
            """)
        let latencies = s.engine.barrierLatencies(completedSince: s.engine.now - s.engine.metricsWindow)
        let logStore = s.engine.channelSnapshots().filter { $0.kind == "log store" }.reduce(0) { $0 + $1.rows }
        return (p99(latencies), logStore)
    }

    @Test func lesson08_unalignedJoinCutsP99BarrierLatencyTenfold() {
        let aligned = Self.joinBarrierP99(unaligned: false)
        let unaligned = Self.joinBarrierP99(unaligned: true)
        #expect(aligned.p99 > 0 && unaligned.p99 > 0)
        #expect(aligned.p99 >= 10 * unaligned.p99, "aligned p99 \(aligned.p99) ns, unaligned \(unaligned.p99) ns")
        // The trade-off: the join's output waits in the log store instead.
        #expect(aligned.logStoreRows == 0)
        #expect(unaligned.logStoreRows > 1000)
    }

    // MARK: 09 — aligned vs unaligned checkpoints

    @Test func lesson09_unalignedCheckpointsCompleteFasterAndStoreInFlightRows() throws {
        let s = Self.session("""
            SET buffer_rows = 10;
            SET chunk_rows = 10;
            CREATE SOURCE payments (account INT, amount DOUBLE) WITH (rate = 1500, keys = 200, partitions = 2);
            CREATE MATERIALIZED VIEW balances AS
              SELECT account, sum(amount) AS balance FROM payments GROUP BY account WITH (parallelism = 2, cost = '2ms');
            SET checkpoint_mode = aligned;
            RUN 2s;
            RESET METRICS;
            RUN 4s;
            """)
        let aligned = s.engine.checkpoints.filter { $0.injectedAt >= 2 * VirtualTime.second }
        Self.run(s, "SET checkpoint_mode = unaligned; RUN 1s; RESET METRICS; RUN 4s;")
        let unaligned = s.engine.checkpoints.filter { $0.injectedAt >= 7 * VirtualTime.second }
        #expect(aligned.count >= 3 && unaligned.count >= 3)
        #expect(aligned.allSatisfy { $0.inFlightRows == 0 })
        #expect(unaligned.allSatisfy { $0.inFlightRows > 0 && $0.inFlightBuffers > 0 })
        let slowestUnaligned = unaligned.map(\.latency).max()!
        let fastestAligned = aligned.map(\.latency).min()!
        #expect(slowestUnaligned * 5 <= fastestAligned, "unaligned max \(slowestUnaligned) ns vs aligned min \(fastestAligned) ns")
    }

    // MARK: 10 — scale out

    @Test func lesson10_scalingOutRaisesThroughputAndKeepsTheLedgerBalanced() throws {
        let s = Self.session("""
            SET buffer_rows = 100;
            CREATE SOURCE rides (driver INT, fare DOUBLE) WITH (rate = 1000, keys = 500, partitions = 4);
            CREATE MATERIALIZED VIEW driver_pay AS
              SELECT driver, sum(fare) AS pay, count(*) AS trips FROM rides GROUP BY driver WITH (cost = '2ms');
            RUN 2s;
            RESET METRICS;
            RUN 2s;
            """)
        func aggregated() -> Double {
            s.engine.actorSnapshots().filter { $0.fragment == "driver_pay.agg" }.reduce(0) { $0 + $1.rowsInPerSecond }
        }
        let before = aggregated()
        #expect(try Self.actor(s, "driver_pay.agg.0").busyTimeMsPerSecond >= 950)
        #expect(s.execute("DIAGNOSE;").output.contains("bottleneck: driver_pay.agg.0"))
        Self.run(s, "SET nodes = 2; ALTER MATERIALIZED VIEW driver_pay SET PARALLELISM = 4;")
        #expect(s.engine.ledger().balanced)
        Self.run(s, "RUN 3s; RESET METRICS; RUN 2s;")
        let after = aggregated()
        #expect(after >= 1.8 * before, "before \(before) rows/s, after \(after) rows/s")
        #expect(s.engine.actorSnapshots().filter { $0.fragment == "driver_pay.agg" }.count == 4)
        #expect(try Self.consumer(s, "driver_pay").lag < 100)
        let ledger = s.engine.ledger()
        #expect(ledger.balanced)
        #expect(ledger.dropped == 0 && ledger.expired == 0)
        let line = try #require(ledger.sources.first)
        #expect(line.consumed + line.lag == line.generated)
    }

    // MARK: 11 — sink_decouple

    static func fastSinkThroughput(decoupled: Bool) throws -> (fast: Double, slow: Double, viewBackpressure: Double) {
        let s = session("""
            SET buffer_rows = 50;
            SET sink_decouple = \(decoupled);
            CREATE SOURCE sensor (device INT, temp DOUBLE) WITH (rate = 400, keys = 50);
            CREATE MATERIALIZED VIEW readings AS SELECT device, temp FROM sensor WHERE temp > 0;
            CREATE SINK to_kafka FROM readings WITH (throughput = 5000);
            CREATE SINK to_postgres FROM readings WITH (throughput = 100);
            RUN 2s;
            RESET METRICS;
            RUN 2s;
            """)
        return (try sink(s, "to_kafka").throughput, try sink(s, "to_postgres").throughput,
                try actor(s, "readings.source.0").backPressuredTimeMsPerSecond)
    }

    @Test func lesson11_withSinkDecoupleTheFastSinkIsUnaffected() throws {
        let coupled = try Self.fastSinkThroughput(decoupled: false)
        let decoupled = try Self.fastSinkThroughput(decoupled: true)
        #expect(coupled.fast < 200, "coupled fast sink \(coupled.fast) rows/s")
        #expect(abs(decoupled.fast - 400) < 10, "decoupled fast sink \(decoupled.fast) rows/s")
        #expect(abs(coupled.slow - 100) < 5 && abs(decoupled.slow - 100) < 5)
        #expect(coupled.viewBackpressure > 900)
        #expect(decoupled.viewBackpressure < 10)
    }

    // MARK: 12 — batched sink writes

    @Test func lesson12_batchingRaisesTheSinksThroughputTwentyfold() throws {
        let s = Self.session("""
            SET buffer_rows = 100;
            CREATE SOURCE orders (id INT, total DOUBLE) WITH (rate = 2000, keys = 1000);
            CREATE SINK row_at_a_time FROM orders WITH (batch = 1, latency = '10ms', throughput = 5000);
            CREATE SINK batched FROM orders WITH (batch = 100, latency = '10ms', throughput = 5000);
            RUN 1s;
            RESET METRICS;
            RUN 2s;
            """)
        let single = try Self.sink(s, "row_at_a_time").throughput
        let batched = try Self.sink(s, "batched").throughput
        #expect(abs(single - 1e3 / 10.2) < 2)
        #expect(batched >= 20 * single, "batch 1: \(single) rows/s, batch 100: \(batched) rows/s")
        let batchedActor = try Self.actor(s, "batched.sink.0")
        #expect(batchedActor.writes < batchedActor.delivered / 10)
        #expect(try Self.consumer(s, "batched").lag < 200)
        #expect(try Self.consumer(s, "row_at_a_time").lag > 3000)
    }

    // MARK: 13 — early warning

    @Test func lesson13_utilisationWarnsLongBeforeBackpressureAndLag() throws {
        let s = Self.session("""
            CREATE SOURCE signups (id INT, plan VARCHAR) WITH (rate = 100, pattern = 'ramp(to=700, over=12s)', keys = 100);
            CREATE MATERIALIZED VIEW plans AS SELECT plan, count(*) AS n FROM signups GROUP BY plan WITH (cost = '2ms');
            RUN 12s;
            """)
        func firstTime(_ metric: SeriesMetric, _ target: String, atLeast threshold: Double) throws -> Double {
            let series = try #require(try s.engine.series(metric, target: target, last: nil).first)
            return try #require(series.points.first { $0.value >= threshold }?.t, "\(metric) of \(target) never reached \(threshold)")
        }
        let warn = try firstTime(.busy, "plans.agg.0", atLeast: 600)
        let backpressure = try firstTime(.backpressure, "plans.source.0", atLeast: 500)
        let lagSeries = try #require(try s.engine.series(.lag, target: "signups", last: nil).first)
        let lagStart = try #require(lagSeries.points.first { $0.value >= 50 }?.t)
        #expect(warn + 2 < backpressure, "busy ≥ 600 at \(warn)s, backpressure ≥ 500 at \(backpressure)s")
        #expect(backpressure <= lagStart)
        let firstSlowBarrier = try #require(s.engine.checkpoints.first { $0.latency > 100 * VirtualTime.millisecond })
        #expect(Double(firstSlowBarrier.injectedAt) / 1e9 + 2 > backpressure)
    }

    @Test func lesson13_recordsLagMaxRisesUnderATrendAndStaysFlatWhenStable() throws {
        let s = Self.session("""
            SET buffer_rows = 10;
            SET max_poll_records = 50;
            CREATE SOURCE payments (id INT, amount DOUBLE) WITH (rate = 400, keys = 100);
            CREATE SINK backfill FROM payments WITH (throughput = 400);
            INJECT 3000 INTO payments;
            CREATE SOURCE refunds (id INT, amount DOUBLE) WITH (rate = 500, keys = 100);
            CREATE SINK creeping FROM refunds WITH (throughput = 400);
            RUN 1s;
            """)
        var stable: [Int64] = [], rising: [Int64] = []
        for _ in 0..<3 {
            Self.run(s, "RESET METRICS; RUN 2s;")
            stable.append(try Self.consumer(s, "backfill").recordsLagMax)
            rising.append(try Self.consumer(s, "creeping").recordsLagMax)
        }
        // The stable consumer's lag is high and flat; the creeping one's is lower but climbs.
        #expect(stable.allSatisfy { $0 > 2000 })
        #expect(stable.max()! - stable.min()! <= stable.max()! / 20, "stable windows \(stable)")
        #expect(rising[0] < rising[1] && rising[1] < rising[2], "rising windows \(rising)")
        #expect(rising[2] - rising[0] >= 300)
        #expect(rising.max()! < stable.min()!)
    }

    /// Lesson 15: barrier work comes out of the bottleneck's rows, more the shorter the
    /// interval (2 ms a barrier: a thousandth at 1 s, a fiftieth at 100 ms, a fifth at 10 ms),
    /// the source pays it too, barrier latency hardly moves, and DIAGNOSE puts fewer barriers first.
    @Test func lesson15_shorterBarrierIntervalsCostTheBottlenecksThroughput() throws {
        let s = Self.session("""
            SET barrier_cost = '2ms';
            SET checkpoint_mode = unaligned;
            CREATE SOURCE clicks (user_id INT, amount DOUBLE) WITH (rate = 2000, keys = 100);
            CREATE MATERIALIZED VIEW spend AS
              SELECT user_id, count(*) AS n, sum(amount) AS total FROM clicks GROUP BY user_id WITH (cost = '1ms');
            """)
        func measure(_ interval: Int) throws -> (agg: ActorSnapshot, source: ActorSnapshot) {
            Self.run(s, "SET barrier_interval_ms = \(interval); RUN 5s; RESET METRICS; RUN 10s;")
            return (try Self.actor(s, "spend.agg.0"), try Self.actor(s, "spend.source.0"))
        }
        let second = try measure(1000), tenMs = try measure(10)
        let p50 = s.engine.checkpoints.suffix(500).map(\.latency).sorted()[250]
        let diagnosis = s.run("DIAGNOSE;")
        let hundredMs = try measure(100)
        // A chunk's rows are counted as it starts: a 256-row chunk is ±26 rows/s over 10 s.
        #expect(second.agg.rowsInPerSecond >= 970, "\(second.agg.rowsInPerSecond)")
        #expect(abs(tenMs.agg.rowsInPerSecond - 800) <= 30, "\(tenMs.agg.rowsInPerSecond)")
        #expect(abs(hundredMs.agg.rowsInPerSecond - 980) <= 30, "\(hundredMs.agg.rowsInPerSecond)")
        #expect(second.agg.rowsInPerSecond > hundredMs.agg.rowsInPerSecond - 5 && hundredMs.agg.rowsInPerSecond > tenMs.agg.rowsInPerSecond + 100)
        #expect(abs(tenMs.agg.barrierTimeMsPerSecond - 200) <= 10 && abs(tenMs.source.busyTimeMsPerSecond - 200) <= 10,
                "\(tenMs.agg.barrierTimeMsPerSecond) \(tenMs.source.busyTimeMsPerSecond)")
        // The work follows the barrier: latency is the chunk in hand (up to 256 ms), not the cost.
        #expect(p50 < 256 * VirtualTime.millisecond, "\(VirtualTime.format(p50))")
        #expect(diagnosis.hasPrefix("bottleneck: spend.agg.0 "), "\(diagnosis)")
        #expect(diagnosis.contains("│ spend.agg.0    │ barrier work (barrier_cost)  │"), "\(diagnosis)")
        #expect(diagnosis.contains("What to try:\n  - fewer barriers: SET barrier_interval_ms = 100 (now 10)"), "\(diagnosis)")
    }

    /// Lesson 16: under backpressure aligned checkpoints stop completing and expire exactly at
    /// the timeout, one at a time; DIAGNOSE counts them and suggests unaligned ones; unaligned
    /// checkpoints complete in a millisecond and store the rows they overtook, and DIAGNOSE
    /// drops the advice; with the aligned-checkpoint timeout they complete just after it.
    @Test func lesson16_alignedCheckpointsExpireUnderBackpressureUnalignedOnesComplete() throws {
        let s = Self.session("""
            SET buffer_rows = 100;
            SET buffers_per_channel = 8;
            SET checkpoint_timeout_ms = 5000;
            SET in_flight_barrier_nums = 1;
            CREATE SOURCE orders (customer INT, amount DOUBLE) WITH (rate = 2000, keys = 500, partitions = 2);
            CREATE MATERIALIZED VIEW revenue AS
              SELECT customer, count(*) AS orders, sum(amount) AS total FROM orders GROUP BY customer WITH (parallelism = 2);
            CREATE SINK ledger FROM revenue WITH (throughput = 500);
            RUN 20s;
            """)
        #expect(s.engine.checkpoints.map(\.epoch) == [1])
        #expect(s.engine.expired.map(\.epoch) == [2, 3, 4])
        #expect(s.engine.expired.allSatisfy { $0.expiredAt - $0.injectedAt == 5 * VirtualTime.second && $0.collected < $0.expected })
        let aligned = s.run("DIAGNOSE;")
        #expect(aligned.hasPrefix("bottleneck: ledger.sink.0 "), "\(aligned)")
        #expect(aligned.contains("│ checkpoints      │ expired (checkpoint_timeout_ms) │"), "\(aligned)")
        #expect(aligned.contains("  - checkpoints expire behind the backpressure"), "\(aligned)")
        Self.run(s, "SET checkpoint_mode = unaligned; RUN 15s; RESET METRICS; RUN 10s;")
        // Epoch 5, pending at the blocked sources at the switch, and every later one complete.
        #expect(s.engine.expired.map(\.epoch) == [2, 3, 4])
        let unalignedOnes = s.engine.checkpoints.filter { $0.injectedAt >= 20 * VirtualTime.second }
        #expect(unalignedOnes.first?.epoch == 5)
        #expect(unalignedOnes.count >= 24)
        #expect(unalignedOnes.allSatisfy { $0.latency == VirtualTime.millisecond && $0.inFlightRows > 1000 },
                "\(unalignedOnes.map(\.latency))")
        let unaligned = s.run("DIAGNOSE;")
        #expect(unaligned.hasPrefix("bottleneck: ledger.sink.0 "))
        #expect(!unaligned.contains("│ checkpoints ") && !unaligned.contains("checkpoints expire"), "\(unaligned)")
        // Flink's aligned-checkpoint timeout: aligned for a second, then unaligned.
        Self.run(s, "SET aligned_checkpoint_timeout_ms = 1000; RUN 5s; RESET METRICS; RUN 5s;")
        let hybrid = s.engine.checkpoints.filter { $0.injectedAt >= 46 * VirtualTime.second }
        #expect(hybrid.count >= 4)
        #expect(hybrid.allSatisfy { $0.latency == VirtualTime.second + VirtualTime.millisecond && $0.inFlightRows > 1000 },
                "\(hybrid.map { VirtualTime.format($0.latency) })")
    }
}
