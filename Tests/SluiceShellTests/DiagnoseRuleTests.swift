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
        #expect(diagnosis.contains("  - batch the sink's writes: ALTER SINK k SET (batch = 100) pays the per-write latency once per batch"))
        #expect(s.engine.ledger().balanced)
        // The advice runs as shown; a sink that still limits the pipeline (500 rows/s, however
        // it batches) is told to batch more than it does.
        #expect(s.run("ALTER SINK k SET (batch = 100); RUN 5s; RESET METRICS; RUN 5s;").contains("ALTER SINK"))
        #expect(s.run("DIAGNOSE;").contains("  - batch the sink's writes: ALTER SINK k SET (batch = 400) "))
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
        #expect(diagnosis.contains("the source's own per-row cost limits it"))
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
}
