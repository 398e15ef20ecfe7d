import Testing
@testable import SluiceShell
import SluiceEngine

/// DIAGNOSE with decoupled sinks (`sink_decouple`): a sink that cannot keep up backpressures
/// nothing, so the article's rule finds no bottleneck, but its own log grows. DIAGNOSE names
/// it by that log; a decoupled sink that keeps up is not named.
@Suite("diagnose: decoupled sinks")
struct DiagnoseSinkLogTests {
    /// 400 rows/s through an aggregate of two actors (a hash exchange under `scheme`), whose
    /// changes two decoupled sinks write: `fast` at up to `fast` rows/s, `slow` at `slow`.
    /// After 2 s of warm-up, the window is 3 s. Returns the session and each sink's log lag
    /// at the window's start.
    static func pipeline(_ scheme: String, fast: Int, slow: Int?) -> (Session, [String: Int]) {
        let s = session("""
            SET flow_control = \(scheme);
            SET buffer_rows = 50;
            SET sink_decouple = true;
            CREATE SOURCE sensor (device INT, temp DOUBLE) WITH (rate = 400, keys = 50, partitions = 2);
            CREATE MATERIALIZED VIEW hottest AS
              SELECT device, max(temp) AS t, count(*) AS n FROM sensor GROUP BY device WITH (parallelism = 2);
            CREATE SINK fast FROM hottest WITH (throughput = \(fast));
            \(slow.map { "CREATE SINK slow FROM hottest WITH (throughput = \($0));" } ?? "")
            RUN 2s;
            RESET METRICS;
            """)
        let atStart = Dictionary(uniqueKeysWithValues: s.engine.jobSnapshots().compactMap { j in j.logLag.map { (j.name, $0) } })
        s.run("RUN 3s;")
        return (s, atStart)
    }

    static func job(_ s: Session, _ name: String) throws -> JobSnapshot {
        try #require(s.engine.jobSnapshots().first { $0.name == name })
    }

    static func actor(_ s: Session, _ name: String) throws -> ActorSnapshot {
        try #require(s.engine.actorSnapshot(named: name))
    }

    @Test(arguments: ["credit", "permits"])
    func aDecoupledSinkThatFallsBehindIsTheBottleneck(_ scheme: String) throws {
        let (s, atStart) = Self.pipeline(scheme, fast: 1200, slow: 300)
        // What the finding rests on, from the engine: nothing upstream waits, the slow sink
        // is busy all the time, and its log grows.
        for upstream in ["hottest.source.0", "hottest.source.1", "hottest.agg.0", "hottest.agg.1"] {
            #expect(try Self.actor(s, upstream).backPressuredTimeMsPerSecond < 100, "\(upstream)")
        }
        #expect(try Self.actor(s, "slow.sink.0").busyTimeMsPerSecond >= 990)
        let diagnosis = s.run("DIAGNOSE;")
        let slow = try Self.job(s, "slow")
        let rows = try #require(slow.logLag)
        let growth = Double(rows - (atStart["slow"] ?? 0)) / 3
        #expect(growth > 100, "the log grows")
        #expect(abs((slow.logGrowthPerSecond ?? 0) - growth) < 1e-9, "the engine's figure is (now − window start) / window")
        let grows = Session.rate(growth)
        #expect(diagnosis.hasPrefix("bottleneck: slow.sink.0 (StreamSink) — busy 1000 ms/s and falling behind: its sink log holds "
                                    + "\(rows) rows and grows \(grows) rows/s, while nothing upstream is backpressured "
                                    + "(sink_decouple: as in RisingWave, the log absorbs the difference)\n"), "\(diagnosis)")
        #expect(diagnosis.contains("│ hottest → slow │ log_lag "))
        #expect(diagnosis.contains("│ \(grows) rows/s │ the log receives "))
        #expect(diagnosis.contains("│ hottest.agg.0  │ backPressuredTimeMsPerSecond │ "))
        #expect(diagnosis.contains("not held back: the log absorbs the difference"))
        // What to do: faster writes (here: more actors, since each writes 300 rows/s), or the lag.
        #expect(diagnosis.contains("  - raise the sink's throughput: it writes 300 of the "))
        #expect(diagnosis.contains("; more actors write more: ALTER SINK slow SET PARALLELISM = 3\n"))
        #expect(diagnosis.contains("  - or accept the lag: the log is unbounded, so the view and its other sinks keep their pace, "
                                   + "but slow falls \(grows) rows further behind every second"))
        // The fast sink keeps up and is not named.
        #expect(!diagnosis.contains("fast"))
        #expect(s.engine.ledger().balanced)
    }

    /// Two sinks falling behind: the faster-growing log first, both in the evidence.
    @Test func theFastestGrowingLogComesFirst() throws {
        let (s, _) = Self.pipeline("credit", fast: 200, slow: 300)
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("bottleneck: fast.sink.0 (StreamSink) — busy 1000 ms/s and falling behind: "), "\(diagnosis)")
        #expect(diagnosis.contains("the log absorbs the difference) (and 1 more decoupled sink falling behind)\n"))
        for log in ["hottest → fast", "hottest → slow"] { #expect(diagnosis.contains("│ \(log) │ log_lag growth "), "\(log)") }
        #expect(diagnosis.contains("but fast falls "))
    }

    /// A decoupled sink that keeps up, though busy most of the time, is no bottleneck: its
    /// log stays near empty.
    @Test(arguments: ["credit", "permits"])
    func aDecoupledSinkThatKeepsUpIsNotNamed(_ scheme: String) throws {
        let (s, _) = Self.pipeline(scheme, fast: 1000, slow: nil)
        #expect(try Self.actor(s, "fast.sink.0").busyTimeMsPerSecond >= 500, "busy, so only its log tells it keeps up")
        #expect(s.run("DIAGNOSE;") == "no bottleneck found over the last 3s: no actor is backpressured (every one OK: at most 100 ms/s)\n")
    }

    /// Nor is one that drains a backlog: busy all the time, with rows in its log, but fewer
    /// every second.
    @Test(arguments: ["credit", "permits"])
    func aDecoupledSinkDrainingABurstIsNotNamed(_ scheme: String) throws {
        let s = session("""
            SET flow_control = \(scheme);
            SET sink_decouple = true;
            CREATE SOURCE sensor (device INT, temp DOUBLE) WITH (rate = 400, keys = 50, partitions = 2);
            CREATE MATERIALIZED VIEW readings AS SELECT device, temp FROM sensor WHERE temp > 0 WITH (parallelism = 2);
            CREATE SINK steady FROM readings WITH (throughput = 500);
            RUN 1s; INJECT 1500 INTO sensor; RUN 1s; RESET METRICS; RUN 2s;
            """)
        let diagnosis = s.run("DIAGNOSE;")
        let steady = try Self.job(s, "steady")
        #expect((steady.logLag ?? 0) > 500, "still draining")
        #expect((steady.logGrowthPerSecond ?? 0) < -50)
        #expect(try Self.actor(s, "steady.sink.0").busyTimeMsPerSecond >= 990)
        #expect(diagnosis.hasPrefix("no bottleneck found over the last 2s"), "\(diagnosis)")
    }

    /// Beside a bottleneck the rule finds, a decoupled sink falling behind gets a line of its
    /// own: the rule's finding does not hide it.
    @Test(arguments: ["credit", "permits"])
    func aDecoupledSinkFallingBehindIsNotedBesideAnotherBottleneck(_ scheme: String) throws {
        let s = session("""
            SET flow_control = \(scheme);
            SET buffer_rows = 50;
            SET sink_decouple = true;
            CREATE SOURCE sensor (device INT, temp DOUBLE) WITH (rate = 2000, keys = 50);
            CREATE MATERIALIZED VIEW hottest AS
              SELECT device, max(temp) AS t, count(*) AS n FROM sensor GROUP BY device WITH (cost = '1ms');
            CREATE SINK slow FROM hottest WITH (throughput = 100);
            RUN 2s; RESET METRICS; RUN 3s;
            """)
        let lines = s.run("DIAGNOSE;").split(separator: "\n")
        let slow = try Self.job(s, "slow")
        #expect(lines.first?.hasPrefix("bottleneck: hottest.agg.0 (StreamHashAgg → StreamMaterialize) — busy 1000 ms/s") == true)
        let note: String = "also falling behind: slow.sink.0, its sink log at \(slow.logLag ?? -1) rows and growing "
            + "\(Session.rate(slow.logGrowthPerSecond ?? 0)) rows/s (decoupled by sink_decouple: nothing upstream waits on it)"
        #expect(lines.dropFirst().first.map(String.init) == note)
    }

    /// Coupled sinks have no log: the engine reports none, and DIAGNOSE follows the rule.
    @Test func aCoupledSinkHasNoLog() throws {
        let s = session("""
            SET buffer_rows = 50;
            CREATE SOURCE sensor (device INT, temp DOUBLE) WITH (rate = 400, keys = 50);
            CREATE SINK slow FROM sensor WITH (throughput = 100);
            RUN 3s;
            """)
        let slow = try Self.job(s, "slow")
        #expect(slow.logLag == nil && slow.logGrowthPerSecond == nil)
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("bottleneck: slow.sink.0 (StreamSink) — busy "))
        #expect(diagnosis.contains("and not backpressured, while slow.source.0 waits on it"))
        #expect(!diagnosis.contains("sink log"))
    }

    /// A view of 1000 rows/s and a decoupled sink of it writing `throughput`, then `then`.
    static func decoupledSink(throughput: Int, then: String) -> Session {
        session("""
            SET sink_decouple = true;
            CREATE SOURCE s (k INT, v INT) WITH (rate = 1000);
            CREATE MATERIALIZED VIEW m AS SELECT k, v FROM s;
            CREATE SINK slow FROM m WITH (throughput = \(throughput));
            \(then)
            """)
    }

    /// Right after a rescale the sink's new actors measure from their start, the log from the
    /// window's: the log's inflow and the sink's writes are both taken over the window (the
    /// rows the rescale moved into the new actors' logs are no new rows), and the actors it
    /// needs come from what one writes now. (It said the log received 1215 rows/s from a view
    /// emitting 1000, and asked for 5 actors where 4 write 1200.)
    @Test func afterARescaleTheFiguresShareOneWindow() {
        let s = Self.decoupledSink(throughput: 300, then: "RUN 5s; ALTER SINK slow SET PARALLELISM = 2; RUN 2s;")
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.contains("the log receives 1000 rows/s"), "\(diagnosis)")
        #expect(diagnosis.contains("more actors write more: ALTER SINK slow SET PARALLELISM = 4\n"), "\(diagnosis)")
    }

    /// A decoupled sink that never writes (throughput 0): more actors would write nothing
    /// either, and the load never drops below nothing; the advice is its throughput.
    @Test func aDecoupledSinkThatNeverWritesIsAdvisedItsThroughput() {
        let s = Self.decoupledSink(throughput: 0, then: "RUN 2s;")
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.contains("What to try:\n  - it never finishes a write (throughput = 0"), "\(diagnosis)")
        #expect(!diagnosis.contains("PARALLELISM") && !diagnosis.contains("accept the lag"), "\(diagnosis)")
    }
}
