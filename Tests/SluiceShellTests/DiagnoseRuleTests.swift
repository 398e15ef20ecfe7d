import Testing
@testable import SluiceShell
import SluiceEngine

/// DIAGNOSE's rule as Flink states it: the bottleneck is busy and not backpressured while an
/// upstream of it is backpressured at any level above OK (> 100 ms/s), and a source is the
/// bottleneck only when its own consumer lag grows.
@Suite("diagnose: the rule")
struct DiagnoseRuleTests {
    static func actor(_ s: Session, _ name: String) throws -> ActorSnapshot {
        try #require(s.engine.actorSnapshot(named: name))
    }

    /// An aggregation with its own per-row cost in front of a sink that writes 500 rows/s:
    /// the sink is the only limit, but the aggregation, busy with its own rows part of the
    /// time, is backpressured only LOW.
    @Test(arguments: ["credit", "permits"])
    func aSinkBehindALowBackpressuredUpstreamIsTheBottleneck(_ scheme: String) throws {
        let s = session("""
            SET flow_control = \(scheme);
            SET buffer_rows = 100;
            CREATE SOURCE s (id INT, v DOUBLE) WITH (rate = 1000, keys = 100);
            CREATE MATERIALIZED VIEW a AS SELECT id, sum(v) AS t FROM s GROUP BY id WITH (cost = '1ms');
            CREATE SINK k FROM a WITH (throughput = 500);
            RUN 10s; RESET METRICS; RUN 10s;
            """)
        let agg = try Self.actor(s, "a.agg.0"), sink = try Self.actor(s, "k.sink.0")
        // What the finding rests on: the upstream is LOW, the sink busy all the time and never idle.
        #expect(agg.backPressuredTimeMsPerSecond > 100 && agg.backPressuredTimeMsPerSecond <= 500, "\(agg.backPressuredTimeMsPerSecond)")
        #expect(sink.busyTimeMsPerSecond >= 900)
        #expect(sink.idleTimeMsPerSecond <= 100)
        let diagnosis = s.run("DIAGNOSE;")
        let bp = Int(agg.backPressuredTimeMsPerSecond.rounded()), busy = Int(sink.busyTimeMsPerSecond.rounded())
        #expect(diagnosis.hasPrefix("bottleneck: k.sink.0 (StreamSink) — busy \(busy) ms/s and not backpressured, while a.agg.0 waits on it "
                                    + "(LOW: \(bp) ms/s backpressured) and its input never runs dry\n"), "\(diagnosis)")
        #expect(diagnosis.contains("│ k.sink.0 │ idleTimeMsPerSecond "), "\(diagnosis)")
        #expect(diagnosis.contains("│ k.sink.0 │ input queue (average) "))
        #expect(diagnosis.contains("upstream waits on it (LOW: its own work takes the rest)"))
        // No per-write latency: batching would save nothing, more writers would.
        #expect(!diagnosis.contains("batch the sink's writes"))
        #expect(diagnosis.contains("  - scale the sink out: ALTER SINK k SET PARALLELISM = 2\n"))
        // It reads a view, whose other readers it would hold back: decoupling is an answer.
        #expect(diagnosis.contains("  - separate the fast path from the slow one: SET sink_decouple = true"))
        #expect(s.engine.ledger().balanced)
        // The advice runs as shown, and two writers keep up with the view.
        #expect(s.run("ALTER SINK k SET PARALLELISM = 2;") == "ALTER SINK: parallelism 1 → 2\n")
        #expect(s.execute("RUN 10s; RESET METRICS; RUN 5s;").ok)
        #expect(!s.run("DIAGNOSE;").hasPrefix("bottleneck: k."))
    }

    /// Behind a hash exchange over skewed keys, on three nodes, the source waits on the hot
    /// aggregation actor alone: its channels to the other two stay nearly empty. One of those
    /// is busy and not backpressured (its remote channel's spare buffers keep it under OK),
    /// but nobody waits on it: the bottleneck is the sinks, which the hot actor waits on.
    /// DIAGNOSE named that cold actor, and advised a rescale of the view that left the lag
    /// growing; two more sink actors end it.
    @Test func anUpstreamWaitsOnlyOnTheReceiverWhoseChannelIsFull() throws {
        let s = session("""
            SET nodes = 3;
            CREATE SOURCE s (k INT, v DOUBLE) WITH (rate = 20000, keys = 1000, key_skew = 'zipf(1.2)', partitions = 1);
            CREATE MATERIALIZED VIEW m AS SELECT k, count(*) AS n, sum(v) AS t FROM s GROUP BY k WITH (parallelism = 3, cost = '100us');
            CREATE SINK o FROM m WITH (throughput = 5000, parallelism = 2);
            RUN 5s; RESET METRICS; RUN 5s;
            """)
        // What the finding rests on: a cold aggregation actor OK and busy, with an empty input.
        let cold = try #require(s.engine.actorSnapshots().first { $0.role != "source" && $0.role != "sink" && $0.backPressuredTimeMsPerSecond <= 100 && $0.busyTimeMsPerSecond >= 500 })
        let toCold = s.engine.channelSnapshots().filter { $0.from == "m.source.0" && $0.to == cold.name }
        #expect(toCold.allSatisfy { $0.averageRows < 0.1 * Double($0.capacityRows ?? 0) }, "\(toCold)")
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("bottleneck: o.sink."), "\(diagnosis)")
        #expect(!diagnosis.contains("m.source.0 waits on it"), "\(diagnosis)")
        #expect(diagnosis.contains("ALTER SINK o SET PARALLELISM = 4"), "\(diagnosis)")
    }

    /// Fullness is counted in the unit flow control bounds. A hash exchange to 16 actors puts
    /// a few rows in each buffer; the sink reading the same view gets whole chunks. Counted in
    /// rows, the hot aggregation actor's full channel (10 of 10 buffers) looked emptier than
    /// the sink's, and DIAGNOSE named the sink, whose faster writes changed nothing.
    @Test func fullnessCountsBuffersUnderCredit() throws {
        let s = session("""
            CREATE SOURCE s (k INT, v INT) WITH (rate = 4000, keys = 1000);
            CREATE MATERIALIZED VIEW a AS SELECT k, v FROM s;
            CREATE MATERIALIZED VIEW b AS SELECT k, count(*) AS n FROM a GROUP BY k WITH (parallelism = 16, cost = '5ms');
            CREATE SINK fast FROM a WITH (batch = 256, latency = '60ms');
            RUN 10s; RESET METRICS; RUN 10s;
            """)
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("bottleneck: b.agg.11 (StreamHashAgg → StreamMaterialize)"), "\(diagnosis)")
        // Both source actors wait on the slow sink, sharing the gate's one floating buffer in
        // turn: averaged over the window, each channel holds it half the time.
        let shared = session("""
            SET buffer_rows = 50; SET buffers_per_channel = 0; SET floating_buffers_per_gate = 1;
            CREATE SOURCE s (k INT, v INT) WITH (rate = 5000, partitions = 2, keys = 100);
            CREATE MATERIALIZED VIEW a AS SELECT k, v FROM s WITH (parallelism = 2);
            CREATE SINK slow FROM a WITH (throughput = 2000);
            CREATE SINK fast FROM a WITH (throughput = 20000);
            RUN 5s; RESET METRICS; RUN 5s;
            """)
        let both = shared.run("DIAGNOSE;")
        #expect(both.hasPrefix("bottleneck: slow.sink.0 (StreamSink) — busy 1000 ms/s and not backpressured, while a.source.0, a.source.1 wait on it"), "\(both)")
    }

    /// A sink that pays a latency per write is told to batch: by 100 rows, then by four
    /// times what it batches when that is still not enough.
    @Test func batchingIsAdvisedForAPerWriteLatency() {
        let s = session("""
            CREATE SOURCE s (id INT, v DOUBLE) WITH (rate = 3000, keys = 100);
            CREATE SINK k FROM s WITH (throughput = 4000, latency = '2ms');
            RUN 5s; RESET METRICS; RUN 5s;
            """)
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.contains("  - batch the sink's writes: ALTER SINK k SET (batch = 100) pays the 2ms per-write latency once per batch\n"))
        // It reads a source: no other reader waits on it, and there is no fast path to separate.
        #expect(!diagnosis.contains("sink_decouple"))
        // 100 rows per 2 ms + 25 ms: about 3700 rows/s, enough for 3000 once the backlog is gone.
        #expect(s.execute("ALTER SINK k SET (batch = 100); RUN 5s; RESET METRICS; RUN 5s;").ok)
        #expect(s.run("DIAGNOSE;").contains("  - batch the sink's writes: ALTER SINK k SET (batch = 400) "), "still draining the backlog")
        #expect(s.execute("RUN 60s; RESET METRICS; RUN 5s;").ok)
        #expect(!s.run("DIAGNOSE;").contains("batch the sink's writes"))
        // At 3600 rows/s (batch 10: 10 rows per 4.5 ms, 2200 rows/s) it is still short: batch more.
        #expect(s.execute("ALTER SINK k SET (batch = 10); ALTER SOURCE s SET (rate = 3600); RUN 5s; RESET METRICS; RUN 5s;").ok)
        #expect(s.run("DIAGNOSE;").contains("  - batch the sink's writes: ALTER SINK k SET (batch = 100) "))
    }

    /// Bursts: 300 rows at once every second, 1.8 ms each. The aggregation is busy more than
    /// half the time and the source waits on it in each burst (LOW), but between bursts the
    /// aggregation catches up and idles: it keeps up, and it is no bottleneck.
    @Test(arguments: ["credit", "permits"])
    func aDownstreamThatKeepsUpWithBurstsIsNoBottleneck(_ scheme: String) throws {
        let s = session("""
            SET flow_control = \(scheme);
            SET buffer_rows = 20;
            SET chunk_rows = 20;
            SET max_poll_records = 20;
            CREATE SOURCE ticks (id INT, v DOUBLE) WITH (rate = 300000, pattern = 'burst(on=1ms, off=999ms)', keys = 100);
            CREATE MATERIALIZED VIEW b AS SELECT id, sum(v) AS t FROM ticks GROUP BY id WITH (cost = '1800us');
            RUN 2s; RESET METRICS; RUN 5s;
            """)
        let source = try Self.actor(s, "b.source.0"), agg = try Self.actor(s, "b.agg.0")
        // Under credit the source waits LOW; permits hold a burst without it waiting much.
        let level = BackpressureLevel.from(ratio: source.backPressuredTimeMsPerSecond / 1000)
        #expect(scheme == "credit" ? level == .low : level != .high, "\(source.backPressuredTimeMsPerSecond)")
        #expect(agg.busyTimeMsPerSecond >= 500, "\(agg.busyTimeMsPerSecond)")
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("no bottleneck found "), "\(diagnosis)")
    }

    /// A source whose own per-row cost (600 µs at 1000 rows/s) keeps it busy 600 ms/s, but
    /// which keeps up: its log never lags, so it is no bottleneck.
    @Test(arguments: ["credit", "permits"])
    func aBusySourceThatKeepsUpIsNoBottleneck(_ scheme: String) throws {
        let s = session("""
            SET flow_control = \(scheme);
            CREATE SOURCE s (id INT, v DOUBLE) WITH (rate = 1000, cost = '600us');
            CREATE SINK k FROM s;
            RUN 5s;
            """)
        #expect(try Self.actor(s, "k.source.0").busyTimeMsPerSecond >= 500)
        let group = try #require(s.engine.consumerSnapshots().first { $0.consumer == "k" })
        #expect(group.lag < 10, "\(group.lag)")
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("no bottleneck found "), "\(diagnosis)")
        #expect(!diagnosis.contains("k.source.0"))
    }

    /// The same source at 1.2 ms a row cannot read 1000 rows/s: its lag grows about 167
    /// rows/s, and the source is the bottleneck, with the lag as evidence.
    @Test(arguments: ["credit", "permits"])
    func aSourceWhoseLagGrowsIsTheBottleneck(_ scheme: String) throws {
        let s = session("""
            SET flow_control = \(scheme);
            CREATE SOURCE s (id INT, v DOUBLE) WITH (rate = 1000, cost = '1200us');
            CREATE SINK k FROM s;
            RUN 2s; RESET METRICS; RUN 5s;
            """)
        let group = try #require(s.engine.consumerSnapshots().first { $0.consumer == "k" })
        #expect(group.lagGrowthPerSecond > 100, "\(group.lagGrowthPerSecond)")
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("bottleneck: k.source.0 (StreamSource) — busy 1000 ms/s and not backpressured, while its source log lags: "
                                    + "s → k holds \(group.lag) rows not yet read and grows \(Session.rate(group.lagGrowthPerSecond)) rows/s\n"),
                "\(diagnosis)")
        #expect(diagnosis.contains("│ s → k      │ lag growth "), "\(diagnosis)")
        #expect(diagnosis.contains("s's own per-row cost (1.2ms) limits its actor: ALTER SOURCE s SET (cost = ...)"), "\(diagnosis)")
        #expect(diagnosis.contains("split the work: ALTER SOURCE s SET (partitions = 2), then ALTER SINK k SET PARALLELISM = 2"))
        // Its log is its queue: no buffers to add in front of it.
        #expect(!diagnosis.contains("more buffers") && !diagnosis.contains("more permits"))
    }

    /// A view's operators chained into the source's actor (no shuffle between them) cost it
    /// their cost per row: the advice names the view's cost, not the source's, which is free.
    @Test func aViewsCostChainedIntoTheSourceActorIsNamed() {
        let s = session("""
            CREATE SOURCE s (k INT, v DOUBLE) WITH (rate = 1000, keys = 1000);
            CREATE MATERIALIZED VIEW m AS SELECT k, v FROM s WHERE v > 0 WITH (cost = '3333us');
            RUN 5s; RESET METRICS; RUN 5s;
            """)
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("bottleneck: m.source.0 (StreamSource → StreamFilter → StreamMaterialize)"), "\(diagnosis)")
        #expect(diagnosis.contains("m's operators run in the source's actor (chained, no shuffle) at 3.333ms per row: "
                                   + "make them cheaper (ALTER MATERIALIZED VIEW m SET (cost = ...))"), "\(diagnosis)")
        #expect(!diagnosis.contains("ALTER SOURCE s SET (cost"))
        #expect(diagnosis.contains("split the work: ALTER SOURCE s SET (partitions = 2), then ALTER MATERIALIZED VIEW m SET PARALLELISM = 2"))
    }

    /// A source draining a backlog it once fell behind on is not the bottleneck: its lag shrinks.
    @Test func aSourceDrainingABacklogIsNoBottleneck() throws {
        let s = session("""
            CREATE SOURCE s (id INT, v DOUBLE) WITH (rate = 500, cost = '1ms');
            CREATE SINK k FROM s;
            INJECT 3000 INTO s;
            RUN 1s; RESET METRICS; RUN 2s;
            """)
        let group = try #require(s.engine.consumerSnapshots().first { $0.consumer == "k" })
        #expect(group.lag > 0 && group.lagGrowthPerSecond < 0, "\(group.lag) \(group.lagGrowthPerSecond)")
        #expect(s.run("DIAGNOSE;").hasPrefix("no bottleneck found "))
    }

    /// Retention deleting what the bottleneck's view has not read is the article's data loss:
    /// the evidence counts the rows, and the advice says a longer retention only buys time.
    @Test func rowsLostToRetentionAreEvidence() throws {
        let s = session("""
            CREATE SOURCE events (id INT, v DOUBLE) WITH (rate = 1000, partitions = 2, retention = '20s');
            CREATE MATERIALIZED VIEW slow AS SELECT id, count(*) AS n FROM events GROUP BY id WITH (cost = '2ms');
            RUN 60s;
            """)
        let expired = try #require(s.engine.consumerSnapshots().first { $0.consumer == "slow" }?.expired)
        #expect(expired > 1000)
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("bottleneck: slow.agg.0 "))
        #expect(diagnosis.contains("│ events → slow │ expired (retention)          │ "), "\(diagnosis)")
        #expect(diagnosis.contains(" \(expired) │ unread rows the log deleted after 20s: lost to slow │"), "\(diagnosis)")
        #expect(diagnosis.contains("  - rows are being lost: events deletes what is not read within 20s; a longer retention "
                                   + "(ALTER SOURCE events SET (retention = '80s')) only buys time, the fixes above stop the loss\n"))
        // What the advice suggests is a statement that runs.
        #expect(s.execute("ALTER SOURCE events SET (retention = '80s');").ok)
    }

    /// Without retention nothing expires, and DIAGNOSE says nothing of it.
    @Test func noRetentionNoLoss() {
        let s = session("""
            CREATE SOURCE events (id INT, v DOUBLE) WITH (rate = 1000, partitions = 2);
            CREATE MATERIALIZED VIEW slow AS SELECT id, count(*) AS n FROM events GROUP BY id WITH (cost = '2ms');
            RUN 30s;
            """)
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("bottleneck: slow.agg.0 "))
        #expect(!diagnosis.contains("expired"))
        #expect(!diagnosis.contains("rows are being lost"))
    }

    /// Lesson 8's join: 50 orders/s, each matching 100 products, into a sink of 1000 rows/s.
    /// The sink is the bottleneck; the join upstream of it multiplies its input, and the
    /// advice is RisingWave's unaligned join, until the view has one. More room is given in
    /// the unit of the flow control that runs.
    @Test(arguments: [false, true])
    func joinAmplificationUpstreamIsEvidence(unalignedJoin: Bool) throws {
        let s = session("""
            SET flow_control = permits; SET exchange_batched_permits = 8; SET exchange_initial_permits = 32; SET chunk_rows = 32;
            SET streaming_enable_unaligned_join = \(unalignedJoin);
            CREATE TABLE products (cat INT, name VARCHAR) WITH (rows = 2000, keys = 20);
            CREATE SOURCE orders (cat INT, qty INT) WITH (rate = 50, keys = 20);
            CREATE MATERIALIZED VIEW order_lines AS SELECT o.cat, o.qty, p.name FROM orders o JOIN products p ON o.cat = p.cat;
            CREATE SINK lines_out FROM order_lines WITH (throughput = 1000);
            RUN 3s; RESET METRICS; RUN 6s;
            """)
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("bottleneck: lines_out.sink.0 (StreamSink) "), "\(diagnosis)")
        let advice = "  - join amplification upstream holds barriers behind its output: SET streaming_enable_unaligned_join = true, then recreate order_lines"
        if unalignedJoin {
            #expect(!diagnosis.contains(advice), "the view has its log store already")
        } else {
            #expect(diagnosis.contains("│ order_lines.join.0   │ rows out per row in          │          100× │ join amplification: each row it takes yields that many │"), "\(diagnosis)")
            #expect(diagnosis.contains(advice))
        }
        #expect(diagnosis.contains("  - for bursts rather than sustained overload: more permits (SET exchange_initial_permits = 128)\n"))
        #expect(!diagnosis.contains("buffers_per_channel"))
    }

    /// A sink of a table reads its one partition on one actor: scaling it out is not advised.
    @Test func aSinkOfATableIsNotToldToScaleOut() {
        let s = session("""
            CREATE TABLE users (user_id INT PRIMARY KEY, region VARCHAR) WITH (rows = 100000);
            CREATE SINK k FROM users WITH (throughput = 500);
            RUN 3s;
            """)
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("bottleneck: k.sink.0 (StreamSink) "), "\(diagnosis)")
        #expect(!diagnosis.contains("SET PARALLELISM"))
        #expect(diagnosis.contains("  - more sink actors would not help: it reads a table (one partition, for good) without a shuffle, on one actor\n"))
    }

    /// Barrier work (`barrier_cost`) is evidence once it takes a twentieth of the bottleneck's
    /// busy time, and the advice to space barriers out comes first once it takes a tenth; free
    /// barriers, or cheap ones, say nothing of it. SHOW METRICS shows it only when priced.
    @Test(arguments: [("'2ms'", 10, true, true), ("'2ms'", 1000, false, false), ("'exp(700us)'", 10, true, false), ("0", 10, false, false)])
    func barrierOverheadIsEvidenceAndAdvice(_ cost: String, _ interval: Int, _ shown: Bool, _ first: Bool) throws {
        let s = session("""
            SET barrier_cost = \(cost);
            SET barrier_interval_ms = \(interval);
            SET checkpoint_mode = unaligned;
            CREATE SOURCE s (id INT, v DOUBLE) WITH (rate = 2000, keys = 100);
            CREATE MATERIALIZED VIEW a AS SELECT id, sum(v) AS t FROM s GROUP BY id WITH (cost = '1ms');
            RUN 5s; RESET METRICS; RUN 10s;
            """)
        let agg = try Self.actor(s, "a.agg.0")
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("bottleneck: a.agg.0 "), "\(diagnosis)")
        #expect(diagnosis.contains("barrier work (barrier_cost)") == shown, "\(diagnosis)")
        #expect(diagnosis.contains("fewer barriers: SET barrier_interval_ms = \(interval * 10) (now \(interval))") == shown, "\(diagnosis)")
        #expect(diagnosis.contains("What to try:\n  - fewer barriers") == first, "\(diagnosis)")
        if shown {
            let share = Int((agg.barrierTimeMsPerSecond / agg.busyTimeMsPerSecond * 100).rounded())
            #expect(diagnosis.contains("\(share)% of its busy time goes to checkpoints, not rows"), "\(diagnosis)")
        }
        let metrics = s.run("SHOW METRICS a.agg.0;")
        #expect(metrics.contains("barrier work (barrier_cost), ms per s") == (cost != "0"), "\(metrics)")
    }

    /// With auto_offset_reset = latest, a group whose position retention deleted jumps to the
    /// log's end: the retained rows it skips are lost as the deleted ones are, and usually
    /// many more. DIAGNOSE counts both, and says earliest loses only the deleted ones.
    @Test func rowsSkippedByLatestAreCountedAsLost() {
        let s = session("""
            SET buffer_rows = 10;
            SET auto_offset_reset = latest;
            CREATE SOURCE s (k INT, v INT) WITH (rate = 1000, partitions = 2, retention = '2s', segment = '500ms');
            CREATE MATERIALIZED VIEW slow AS SELECT count(*) AS c FROM s WITH (cost = '2ms');
            RUN 10s;
            """)
        let skipped = s.engine.consumerSnapshots().first?.skipped ?? 0
        #expect(skipped > 0)
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.contains("│ skipped (auto_offset_reset = latest) │ ") && diagnosis.contains(" \(skipped) │"), "\(diagnosis)")
        #expect(diagnosis.contains("SET auto_offset_reset = earliest, then recreate the view"), "\(diagnosis)")
    }
}
