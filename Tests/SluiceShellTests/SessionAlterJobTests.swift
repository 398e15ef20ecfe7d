import Testing
@testable import SluiceShell
import SluiceEngine

/// `ALTER SINK … SET (…)` and `ALTER MATERIALIZED VIEW … SET (cost = …)` in the shell: what
/// they say, what DESCRIBE and EXPLAIN show afterwards, and every refusal changing nothing.
@Suite("ALTER SINK and ALTER MATERIALIZED VIEW … SET")
struct SessionAlterJobTests {
    static let setup = standardCatalog + "\nCREATE SINK crm FROM spend WITH (batch = 1, latency = '5ms');"

    /// Everything ALTER could change, as the user sees it.
    static func state(_ s: Session) -> String {
        s.visibleState + ["EXPLAIN crm;", "DESCRIBE crm;", "EXPLAIN spend;", "DESCRIBE spend;"].map { s.run($0) }.joined()
    }

    @Test func alterSinkSaysSoAndDescribeAndExplainShowTheNewValues() {
        let s = session(Self.setup)
        #expect(s.run("ALTER SINK crm SET (throughput = 500, batch = 100);") == "ALTER SINK\n")
        #expect(s.run("ALTER SINK crm SET cost = 'exp(10us)';") == "ALTER SINK\n")
        let describe = s.run("DESCRIBE crm;")
        #expect(describe.contains("sink crm: 1 fragment, 1 actor; reads spend; writes 500 rows/s in batches of up to 100, 5ms per write; cost exp(10us) per row\n"))
        #expect(describe.hasSuffix("CREATE SINK crm FROM spend WITH (batch = 100, latency = '5ms', throughput = 500, cost = 'exp(10us)')\n"))
        let explain = s.run("EXPLAIN crm;")
        #expect(explain.contains("StreamSink { type: upsert, throughput: 500 rows/s, batch: 100, latency: 5ms }"))
        #expect(explain.contains("cost exp(10us) per row"))
    }

    /// `throughput = 'unlimited'` lifts a limit (ALTER could not before: CREATE had no way to
    /// write "no limit" but to leave the option out), and CREATE takes it too.
    @Test func throughputUnlimitedLiftsTheLimit() throws {
        let s = session(Self.setup + "\nALTER SINK crm SET (throughput = 500);")
        #expect(s.run("DESCRIBE crm;").contains("writes 500 rows/s"))
        #expect(s.run("ALTER SINK crm SET (throughput = 'unlimited');") == "ALTER SINK\n")
        #expect(!s.run("DESCRIBE crm;").contains("rows/s"))
        #expect(s.run("CREATE SINK k2 FROM spend WITH (throughput = unlimited, batch = 10);") == "CREATE SINK (1 fragment, 1 actor)\n")
        #expect(s.run("EXPLAIN k2;").contains("StreamSink { type: upsert, throughput: unlimited, batch: 10, latency: 0s }"))
        let refused = s.run("ALTER SINK crm SET (throughput = 'fast');")
        #expect(refused.hasPrefix("ERROR: invalid throughput for sink crm:"), "\(refused)")
        #expect(refused.contains("'unlimited'"), "\(refused)")
    }

    @Test func alterViewCostSaysSoAndShowsIt() {
        let s = session(Self.setup)
        #expect(!s.run("EXPLAIN spend;").contains("per row"))
        #expect(s.run("ALTER MATERIALIZED VIEW spend SET (cost = '20us');") == "ALTER MATERIALIZED VIEW\n")
        #expect(s.run("EXPLAIN spend;").contains("cost 20us per row"))
        let describe = s.run("DESCRIBE spend;")
        #expect(describe.contains("materialized view spend: 2 fragments, 2 actors; reads clicks; cost 20us per row\n"))
        #expect(describe.hasSuffix("GROUP BY user_id WITH (cost = '20us')\n"))
    }

    /// Raising a slow sink's throughput mid-run: the rows it delivers per second follow, and
    /// the state, queues and counts of the view and the sink stay (DROP and CREATE would lose them).
    @Test func aSlowSinkRecoversWithoutLosingItsCounts() throws {
        let s = session("""
            SET buffer_rows = 100;
            CREATE SOURCE clicks (user_id INT, amount DOUBLE) WITH (rate = 1000, keys = 100);
            CREATE MATERIALIZED VIEW v AS SELECT user_id, count(*) AS n FROM clicks GROUP BY user_id;
            CREATE SINK crm FROM v WITH (batch = 1, latency = '5ms');
            RUN 3s;
            """)
        let delivered = try #require(s.engine.jobSnapshots().first { $0.name == "crm" }?.delivered)
        #expect(delivered > 500 && delivered <= 600, "200 writes a second: \(delivered)")
        #expect(s.run("ALTER SINK crm SET (batch = 100);") == "ALTER SINK\n")
        s.run("RESET METRICS; RUN 2s;")
        let sink = try #require(s.engine.jobSnapshots().first { $0.name == "crm" })
        #expect(sink.delivered > delivered + 2000, "kept its count and kept counting")
        #expect(sink.throughput > 1000, "batched writes keep up: \(sink.throughput) rows/s")
        #expect(s.run("SHOW LEDGER;").contains("ledger balanced"))
    }

    // MARK: Refusals

    /// Runs `cell`, which must fail with `expected`, and checks it changed nothing.
    func expectRefusal(_ cell: String, _ expected: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let s = session(Self.setup + "\nRUN 500ms;", sourceLocation: sourceLocation)
        let before = Self.state(s)
        let result = s.execute(cell)
        #expect(!result.ok, sourceLocation: sourceLocation)
        #expect(result.output == expected + "\n", sourceLocation: sourceLocation)
        #expect(Self.state(s) == before, "the failed ALTER changed something", sourceLocation: sourceLocation)
    }

    @Test func anUnknownOptionSuggestsTheNearest() {
        expectRefusal("ALTER SINK crm SET (througput = 500);", """
            ERROR: unknown option througput for sink crm
            LINE 1: ALTER SINK crm SET (througput = 500);
                                        ^^^^^^^^^
            HINT: did you mean throughput? options: throughput, batch, latency, cost
            """)
        expectRefusal("ALTER MATERIALIZED VIEW spend SET (cots = '1ms');", """
            ERROR: unknown option cots for materialized view spend
            LINE 1: ALTER MATERIALIZED VIEW spend SET (cots = '1ms');
                                                       ^^^^
            HINT: did you mean cost? options: cost
            """)
    }

    @Test func parallelismIsRefusedByName() {
        expectRefusal("ALTER SINK crm SET (batch = 10, parallelism = 2);", """
            ERROR: parallelism is changed by SET PARALLELISM, not SET (...): a rescale moves the sink's rows
            LINE 1: ALTER SINK crm SET (batch = 10, parallelism = 2);
                                                    ^^^^^^^^^^^
            HINT: ALTER SINK crm SET PARALLELISM = 2
            """)
        expectRefusal("ALTER MATERIALIZED VIEW spend SET (parallelism = 3);", """
            ERROR: parallelism is changed by SET PARALLELISM, not SET (...): a rescale moves the view's state
            LINE 1: ALTER MATERIALIZED VIEW spend SET (parallelism = 3);
                                                       ^^^^^^^^^^^
            HINT: ALTER MATERIALIZED VIEW spend SET PARALLELISM = 3
            """)
    }

    /// A bad value after a good one: the good one is not applied either.
    @Test func aBadValueIsCreatesErrorAndNothingIsHalfApplied() {
        expectRefusal("ALTER SINK crm SET (throughput = 500, batch = 0);", """
            ERROR: invalid batch for sink crm: value 0 is out of range: expected 1 to 1000000
            LINE 1: ALTER SINK crm SET (throughput = 500, batch = 0);
                                                                  ^
            """)
        expectRefusal("ALTER SINK crm SET (latency = '5ms', cost = 'exp(2h)');", """
            ERROR: invalid cost for sink crm: cost 'exp(2h)' is out of range: a cost is at most 1h
            LINE 1: ALTER SINK crm SET (latency = '5ms', cost = 'exp(2h)');
                                                                ^^^^^^^^^
            HINT: accepted forms: '20us', 'exp(20us)' or 'uniform(5us,40us)'
            """)
    }

    @Test func theWrongKindOfObjectOrNoneAtAll() {
        expectRefusal("ALTER SINK spend SET (batch = 5);", """
            ERROR: "spend" is not a sink
            LINE 1: ALTER SINK spend SET (batch = 5);
                               ^^^^^
            HINT: it is a materialized view: ALTER MATERIALIZED VIEW spend SET PARALLELISM = 4
            """)
        expectRefusal("ALTER MATERIALIZED VIEW crm SET (cost = '1ms');", """
            ERROR: "crm" is not a materialized view
            LINE 1: ALTER MATERIALIZED VIEW crm SET (cost = '1ms');
                                            ^^^
            HINT: it is a sink: ALTER SINK crm SET (throughput = 500) or SET PARALLELISM = 4
            """)
        expectRefusal("ALTER SINK crn SET (batch = 5);", """
            ERROR: sink "crn" does not exist
            LINE 1: ALTER SINK crn SET (batch = 5);
                               ^^^
            HINT: did you mean crm?
            """)
        expectRefusal("ALTER SINK clicks SET (batch = 5);", """
            ERROR: "clicks" is not a sink
            LINE 1: ALTER SINK clicks SET (batch = 5);
                               ^^^^^^
            HINT: it is a source: ALTER SOURCE clicks SET (rate = 500)
            """)
    }

    // MARK: Replay

    /// A saved session with ALTERs replays byte for byte: they draw nothing of their own.
    @Test func aSavedSessionWithAltersReplaysIdentically() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let s = notebookSession(path)
        for cell in [Self.setup, "RUN 1s;", "ALTER SINK crm SET (throughput = 300, batch = 10, cost = 'exp(100us)');",
                     "ALTER MATERIALIZED VIEW spend SET (cost = 'uniform(10us,90us)');", "RUN 1s;", "SHOW ACTORS;", "SHOW SINKS;"] {
            #expect(s.execute(cell).ok, "\(cell)")
        }
        #expect(s.run(".save altered").hasPrefix("saved as altered (7 cells)"))
        #expect(try verifiedReplay(path, "altered") == "verified: all 7 cells of altered match the recording\n")
    }
}
