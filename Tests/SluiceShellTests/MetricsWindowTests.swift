import Testing
@testable import SluiceShell
import SluiceEngine

/// Per-second numbers over a metrics window no virtual time has passed in are unknown, not
/// huge: they divided by a window of at least 1 ns, so 756 rows read `756000000000` rows/s.
/// They show `-` (null in json, an empty field in csv), and the text names the true window.
@Suite("rates over an empty metrics window")
struct MetricsWindowTests {
    static let pipeline = """
        CREATE SOURCE a (k INT) WITH (rate = 0);
        CREATE MATERIALIZED VIEW v AS SELECT k, count(*) AS n FROM a GROUP BY k;
        """

    /// The audit's script: rows moved at one instant, right after RESET METRICS.
    func afterReset() -> Session {
        let s = session(Self.pipeline)
        for cell in ["RUN 5s;", "RESET METRICS;", "INJECT 1000 INTO a;", "STEP 3;"] { #expect(s.execute(cell).ok, "\(cell)") }
        return s
    }

    @Test func theEngineReportsAnEmptyWindowAndNoRates() {
        let s = afterReset()
        let actors = s.engine.actorSnapshots()
        #expect(actors.map(\.window) == [0, 0])
        #expect(actors[0].rowsIn > 0, "rows did move")
        for a in actors {
            #expect(a.rowsInPerSecond == 0 && a.rowsOutPerSecond == 0, "\(a.name): \(a.rowsInPerSecond) in/s")
            #expect(a.busyTimeMsPerSecond + a.idleTimeMsPerSecond + a.backPressuredTimeMsPerSecond == 0)
        }
        #expect(s.engine.consumerSnapshots().map(\.window) == [0])
        #expect(s.engine.jobSnapshots().map(\.window) == [0])
        #expect(s.run("RUN 1s;").hasPrefix("RUN 1s"))
        #expect(s.engine.actorSnapshots().map(\.window) == [1_000_000_000, 1_000_000_000])
    }

    @Test func showActorsAndShowMetricsShowDashes() {
        let s = afterReset()
        let actors = s.run("SHOW ACTORS;")
        #expect(actors.contains("│ v.source.0 │ busy   │ -                       │    - │    - │  - │ -     │    - │     - │"), "\(actors)")
        #expect(actors.contains("ms per second, as Flink's busyTimeMsPerSecond, idleTimeMsPerSecond, backPressuredTimeMsPerSecond (over the last 0s: nothing is measured until virtual time passes); level:"), "\(actors)")
        #expect(!actors.contains("000000"))
        let metrics = s.run("SHOW METRICS;")
        #expect(metrics.contains("Global over the last 0s: nothing is measured until virtual time passes\n"))
        #expect(metrics.contains("│ records-consumed-rate{a,v}                    │     - │ Kafka      │"), "\(metrics)")
        // An average over the window's requests, of which there were none.
        #expect(metrics.contains("│ records-per-request-avg{a,v}                  │     - │ Kafka      │"), "\(metrics)")
        #expect(metrics.contains("│ v.source.0 │                   - │                   - │                            - │                 - │                     - │                      - │"))
        #expect(!metrics.contains("000000"))
        let one = s.run("SHOW METRICS v.agg.0;")
        #expect(one.hasPrefix("v.agg.0 (StreamHashAgg → StreamMaterialize) over the last 0s: nothing is measured until virtual time passes\n"))
        #expect(one.contains("│ numRecordsInPerSecond                                   │                          - │ Flink          │"), "\(one)")
        #expect(one.contains("│ input queue rows (time average)                         │                          - │                │"))
        #expect(s.run("SHOW LAG;").contains("│ a      │ v        │   0 │             500 │                     - │         - │       0 │          0 │"), "Kafka samples the lag a poll leaves: 1000 − 500")
        #expect(s.run("DIAGNOSE;") == "nothing to diagnose yet: run some virtual time first (RUN 10s)\n")
    }

    /// A sink's rows written and writes count since it started, not over the window the
    /// title names, so they say "(total)": 3 s of rows after a window of 2 s.
    @Test func aSinksWriteCountersAreTotalsAndSaySo() {
        let s = session("""
            CREATE SOURCE o (id INT) WITH (rate = 100);
            CREATE SINK w FROM o WITH (batch = 10);
            """)
        for cell in ["RUN 1s;", "RESET METRICS;", "RUN 2s;"] { #expect(s.execute(cell).ok, "\(cell)") }
        let one = s.run("SHOW METRICS w.sink.0;")
        #expect(one.hasPrefix("w.sink.0 (StreamSink) over the last 2s\n"), "\(one)")
        let written = s.engine.actorSnapshots().first { $0.name == "w.sink.0" }!.delivered
        #expect(written > 250, "3 s of 100 rows/s, not 2 s: \(written)")
        #expect(one.contains("│ rows written (total)"), "\(one)")
        #expect(one.contains("│ writes (total)"))
        #expect(!one.contains("│ rows written  ") && !one.contains("│ writes  "))
    }

    @Test func atTimeZeroAndInDataModes() {
        let s = session(Self.pipeline + "\nCREATE SINK k FROM v;")
        #expect(s.run("SHOW SINKS;").contains("│ k    │ v    │         0 │          - │ coupled │"))
        #expect(s.run("SHOW GRAPH;").contains("│ HashAgg n0     │"), "no busy share before any time")
        s.options.mode = .json
        let json = s.run("SHOW ACTORS;")
        #expect(json.contains(#"{"actor":"v.agg.0","status":"idle","input_queue":0,"input_queue_capacity":10,"input_queue_unit":"buffers","busy":null,"idle":null,"bp":null,"level":null,"in_s":null,"out_s":null}"#), "\(json)")
        s.options.mode = .csv
        #expect(s.run("SHOW ACTORS;").contains("\nv.agg.0,idle,0,10,buffers,,,,,,\n"))
    }

    /// A rescale makes the job's actors anew: they have measured nothing yet, and the footer
    /// says so instead of claiming the whole window for them.
    @Test func actorsMadeByARescaleMeasureFromTheirStart() {
        let s = session(Self.pipeline + "\nCREATE SINK k FROM v;")
        #expect(s.execute("INJECT 500 INTO a; RUN 1s;").ok)
        #expect(s.execute("ALTER MATERIALIZED VIEW v SET PARALLELISM = 2;").ok)
        let actors = s.run("SHOW ACTORS;")
        #expect(actors.contains("│ v.agg.1    │ idle   │ ░░░░░░░░░░ 0/12 buffers │    - │    - │  - │ -     │    - │     - │"), "\(actors)")
        #expect(actors.contains("│ k.sink.0   │ idle   │"), "\(actors)")
        #expect(actors.contains("ms per second over the last 1s (v.source.0, v.source.1, v.agg.0, v.agg.1: they started at 1.000s, nothing measured yet), as Flink's"))
        #expect(s.run("SHOW METRICS v.agg.1;").hasPrefix("v.agg.1 (StreamHashAgg → StreamMaterialize) since it started at 1.000s: nothing measured yet\n"))
        #expect(s.run("RUN 200ms;").hasPrefix("RUN 200ms"))
        #expect(s.run("SHOW ACTORS;").contains("over the last 1.2s (v.source.0, v.source.1, v.agg.0, v.agg.1: over the 200ms since they started at 1.000s)"))

        let alone = session(Self.pipeline)
        #expect(alone.execute("RUN 1s; ALTER MATERIALIZED VIEW v SET PARALLELISM = 2;").ok)
        #expect(alone.run("DIAGNOSE;") == "nothing to diagnose yet: every actor started at 1.000s and has not run; run some virtual time first (RUN 10s)\n")
    }
}
