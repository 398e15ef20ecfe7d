import Testing
@testable import SluiceShell
import SluiceEngine

/// `ALTER MATERIALIZED VIEW … SET PARALLELISM` on a running, backpressured view: the
/// bottleneck scales out, the ledger balances across it, and no row is lost or doubled.
@Suite("rescale")
struct SessionRescaleTests {
    /// 4000 rows/s into an aggregation that costs 500 µs a row: one actor keeps up with 2000.
    /// Small buffers, so that backpressure reaches the log within a few hundred rows.
    static let setup = """
        SET buffer_rows = 16;
        CREATE SOURCE clicks (user_id INT, amount DOUBLE) WITH (rate = 4000, partitions = 4, keys = 100);
        CREATE MATERIALIZED VIEW spend AS SELECT user_id, count(*) AS n, sum(amount) AS total FROM clicks GROUP BY user_id
          WITH (cost = '500us');
        """

    /// Rows per second the view's aggregation took in over the last `RESET METRICS` window.
    func throughput(_ s: Session) -> Double {
        s.engine.actorSnapshots().filter { $0.fragment.hasSuffix("agg") || $0.name.contains(".agg.") }.reduce(0) { $0 + $1.rowsInPerSecond }
    }

    func count(_ s: Session) -> String { s.run("SELECT count(*) AS groups, sum(n) AS rows FROM spend;") }

    func actors(_ s: Session) -> [String] { s.engine.actorSnapshots().filter { $0.job == "spend" }.map(\.name) }

    @Test func scalingOutTheBottleneckRaisesThroughputAndKeepsEveryRow() throws {
        let s = session(Self.setup)
        #expect(s.run("RUN 1s; RESET METRICS; RUN 1s;").hasSuffix("RUN 1s: now 2.000s\n"))
        #expect(actors(s) == ["spend.source.0", "spend.agg.0"])
        let before = throughput(s)
        #expect((1800...2200).contains(before), "one actor at 500 µs a row: about 2000 rows/s, got \(before)")
        #expect(s.engine.ledger().balanced)

        #expect(s.run("ALTER MATERIALIZED VIEW spend SET PARALLELISM = 4;") == "ALTER MATERIALIZED VIEW: parallelism 1 → 4\n")
        #expect(s.engine.ledger().balanced, "the ledger balances right after the rescale")
        #expect(actors(s) == ["spend.source.0", "spend.source.1", "spend.source.2", "spend.source.3",
                              "spend.agg.0", "spend.agg.1", "spend.agg.2", "spend.agg.3"])
        #expect(s.engine.jobSnapshots().first?.parallelism == 4)
        #expect(s.run("EXPLAIN spend;").contains("    actors: spend.agg.0@node0, spend.agg.1@node0, spend.agg.2@node0, spend.agg.3@node0\n"))

        #expect(s.run("RUN 1s; RESET METRICS; RUN 1s;").hasSuffix("RUN 1s: now 4.000s\n"))
        let after = throughput(s)
        // Four actors could take 8000 rows/s: they keep up with the source and eat into the backlog.
        #expect((3800...8200).contains(after), "four actors keep up with the source: \(before) → \(after) rows/s")
        let lag = s.engine.consumerSnapshots().first { $0.consumer == "spend" }?.lag ?? -1
        #expect(lag < 1000, "the log's backlog drains once scaled out: lag \(lag)")
        #expect(s.engine.ledger().balanced)

        // Stop the source and drain: every generated row is in the view, once.
        #expect(s.execute("ALTER SOURCE clicks SET (rate = 0); RUN 10s;").ok)
        let generated = s.engine.sourceSnapshots().first { $0.name == "clicks" }!.generated
        #expect(generated > 10_000)
        let drained = count(s)
        #expect(drained.contains("│    100 │ \(generated) │"), "\(drained)")
        #expect(s.engine.ledger().balanced)
    }

    @Test func rowsInTheViewArePreservedAcrossRescalesWhenTheSourceIsStopped() throws {
        let s = session(Self.setup)
        #expect(s.execute("RUN 2s; ALTER SOURCE clicks SET (rate = 0); RUN 10s;").ok)
        let before = count(s)
        let ledgerBefore = s.run("SHOW LEDGER;")
        #expect(ledgerBefore.hasSuffix("ledger balanced: every row is accounted for\n"))
        for parallelism in [4, 2, 1, 3] {
            #expect(s.execute("ALTER MATERIALIZED VIEW spend SET PARALLELISM = \(parallelism);").ok)
            #expect(count(s) == before, "after rescaling to \(parallelism)")
            #expect(s.engine.ledger().balanced)
            let job = s.engine.jobSnapshots().first
            #expect(job?.actors == parallelism * 2)
            #expect(job?.parallelism == parallelism)
            #expect(job?.rows == 100)
            #expect(s.execute("RUN 1s;").ok)
            #expect(count(s) == before, "running after rescaling to \(parallelism)")
        }
    }

    /// The ledger balances at any moment of a rescale under load, not only when drained.
    @Test func theLedgerBalancesWhenRescalingMidFlight() {
        let s = session(Self.setup)
        for (step, parallelism) in [("250ms", 2), ("333ms", 4), ("100ms", 1), ("777ms", 3)] {
            #expect(s.execute("RUN \(step);").ok)
            #expect(s.execute("ALTER MATERIALIZED VIEW spend SET PARALLELISM = \(parallelism);").ok)
            let ledger = s.engine.ledger()
            #expect(ledger.balanced, "after RUN \(step) and a rescale to \(parallelism)")
            #expect(ledger.sources.allSatisfy { $0.generated == $0.consumed + $0.lag + $0.expired })
        }
    }

    /// Views whose rows do not carry the key that later retracts them: an aggregate that does
    /// not select its group key, and, over an aggregate that keeps updating, a projection and
    /// a join (without its key, aligned or unaligned). After rescales mid-flight their
    /// contents equal those of a view never rescaled.
    @Test(arguments: [
        ("CREATE MATERIALIZED VIEW v AS SELECT count(*) AS n, sum(amount) AS s FROM a GROUP BY user_id WITH (parallelism = 2);",
         "SELECT n, s FROM v ORDER BY n, s;"),
        ("""
         CREATE MATERIALIZED VIEW counts AS SELECT user_id, count(*) AS n FROM a GROUP BY user_id WITH (parallelism = 2);
         CREATE MATERIALIZED VIEW v AS SELECT counts.n, b.region FROM counts JOIN b ON counts.user_id = b.uid WITH (parallelism = 2);
         """, "SELECT n, region FROM v ORDER BY n, region;"),
        // A view over a view: its rows are placed by the upstream rows they came from.
        ("""
         CREATE MATERIALIZED VIEW counts AS SELECT user_id, count(*) AS n FROM a GROUP BY user_id WITH (parallelism = 2);
         CREATE MATERIALIZED VIEW v AS SELECT n * 2 AS m FROM counts WHERE n > 3 WITH (parallelism = 2);
         """, "SELECT m FROM v ORDER BY m;"),
        // The unaligned join's view sits two no-shuffle hops behind the join, past its log store.
        ("""
         SET streaming_enable_unaligned_join = true;
         CREATE MATERIALIZED VIEW counts AS SELECT user_id, count(*) AS n FROM a GROUP BY user_id WITH (parallelism = 2);
         CREATE MATERIALIZED VIEW v AS SELECT counts.n, b.region FROM counts JOIN b ON counts.user_id = b.uid WITH (parallelism = 2);
         """, "SELECT n, region FROM v ORDER BY n, region;"),
    ])
    func viewsRebuiltFromMovedStateMatchAViewNeverRescaled(views: String, read: String) {
        let setup = """
            CREATE SOURCE a (user_id INT, url VARCHAR, amount DOUBLE) WITH (rate = 1000, keys = 20);
            CREATE SOURCE b (uid INT, region VARCHAR) WITH (rate = 20, keys = 20);

            """ + views
        let rescaled = session(setup), plain = session(setup)
        for (step, parallelism) in [("400ms", 3), ("250ms", 1), ("350ms", 4)] {
            #expect(rescaled.execute("RUN \(step); ALTER MATERIALIZED VIEW v SET PARALLELISM = \(parallelism);").ok)
            #expect(plain.execute("RUN \(step);").ok)
        }
        for s in [rescaled, plain] {
            #expect(s.execute("RUN 1s; ALTER SOURCE a SET (rate = 0); ALTER SOURCE b SET (rate = 0); RUN 5s;").ok)
        }
        let contents = plain.run(read)
        #expect(!contents.hasSuffix("(0 rows)\n"), "\(contents)")
        #expect(rescaled.run(read) == contents)
        #expect(rescaled.engine.ledger().balanced)
    }

    /// A view over a view, with a slow sink behind it: under credit flow control the upstream
    /// view's changes queue up in front of it. Rescaling either view moves those queued changes
    /// to new channels while new changes take others, so a retraction can overtake its row;
    /// the actors blocked on the old channels must go on. Contents match a session that never
    /// rescaled, and everything drains.
    @Test func rescalingAViewAndTheViewOverItUnderBackpressure() {
        let setup = """
            CREATE SOURCE a (user_id INT, url VARCHAR, amount DOUBLE) WITH (rate = 1000, keys = 20);
            CREATE MATERIALIZED VIEW counts AS SELECT user_id, count(*) AS n FROM a GROUP BY user_id WITH (parallelism = 2);
            CREATE MATERIALIZED VIEW w AS SELECT user_id, n FROM counts WHERE n > 3 WITH (parallelism = 2);
            CREATE SINK out FROM w WITH (throughput = 300);
            """
        let rescaled = session(setup), plain = session(setup)
        for (step, view, parallelism) in [("1s", "counts", 3), ("500ms", "w", 1), ("300ms", "counts", 2), ("400ms", "w", 3)] {
            #expect(rescaled.execute("RUN \(step); ALTER MATERIALIZED VIEW \(view) SET PARALLELISM = \(parallelism);").ok)
            #expect(plain.execute("RUN \(step);").ok)
            #expect(rescaled.engine.ledger().balanced)
        }
        for s in [rescaled, plain] { #expect(s.execute("RUN 1s; ALTER SOURCE a SET (rate = 0); RUN 15s;").ok) }
        let generated = plain.engine.sourceSnapshots().first { $0.name == "a" }!.generated
        for s in [rescaled, plain] {
            #expect(s.run("SELECT count(*) AS groups, sum(n) AS rows FROM counts;").contains("│     20 │ \(generated) │"))
        }
        let contents = plain.run("SELECT user_id, n FROM w ORDER BY user_id, n;")
        #expect(contents.hasSuffix("(20 rows)\n"), "\(contents)")
        #expect(rescaled.run("SELECT user_id, n FROM w ORDER BY user_id, n;") == contents)
        #expect(rescaled.engine.ledger().balanced)
    }

    /// Rows the view's actors had finished but not sent when it rescaled go to the sink that
    /// reads it round-robin, as they would have gone, not all to its first actor.
    @Test func finishedRowsReachTheSinksActorsInTurn() {
        let s = session("""
            SET buffer_rows = 16;
            CREATE SOURCE clicks (user_id INT, amount DOUBLE) WITH (rate = 4000, partitions = 4, keys = 100);
            CREATE MATERIALIZED VIEW spend AS SELECT user_id, count(*) AS n FROM clicks GROUP BY user_id
              WITH (parallelism = 4, cost = '500us');
            CREATE SINK out FROM spend WITH (parallelism = 3, throughput = 100000);
            RUN 510ms;
            """)
        func queued() -> [Int] { s.engine.actorSnapshots().filter { $0.job == "out" }.map(\.inputRows) }
        let before = queued()
        #expect(s.execute("ALTER MATERIALIZED VIEW spend SET PARALLELISM = 2;").ok)
        let moved = zip(queued(), before).map { $0 - $1 }
        #expect(moved.reduce(0, +) > 0, "some finished rows were moved")
        #expect(moved.filter { $0 > 0 }.count >= 2, "moved rows per sink actor: \(moved)")
        #expect(s.engine.ledger().balanced)
    }

    @Test func rescaleErrors() {
        let s = session(Self.setup)
        #expect(s.run("ALTER MATERIALIZED VIEW spend SET PARALLELISM = 0;") == """
            ERROR: parallelism 0 is out of range: expected 1 to 256
            LINE 1: ALTER MATERIALIZED VIEW spend SET PARALLELISM = 0;
                                                                    ^
            HINT: spend runs at parallelism 1 now; DROP MATERIALIZED VIEW spend removes it

            """)
        #expect(s.run("ALTER MATERIALIZED VIEW spnd SET PARALLELISM = 2;") == """
            ERROR: materialized view "spnd" does not exist
            LINE 1: ALTER MATERIALIZED VIEW spnd SET PARALLELISM = 2;
                                            ^^^^
            HINT: did you mean spend?

            """)
        #expect(actors(s) == ["spend.source.0", "spend.agg.0"])
    }

    /// A slow sink is the bottleneck; DIAGNOSE says to scale it out with ALTER SINK, and doing
    /// so multiplies what it writes, with every row of the source written once.
    @Test func scalingOutASlowSink() throws {
        let s = session("""
            CREATE SOURCE clicks (user_id INT, amount DOUBLE) WITH (rate = 2000, partitions = 4, keys = 100);
            CREATE SINK crm FROM clicks WITH (throughput = 600);
            RUN 2s; RESET METRICS; RUN 2s;
            """)
        #expect(s.run("DIAGNOSE;").contains("  - scale the sink out: ALTER SINK crm SET PARALLELISM = 2\n"))
        let before = s.engine.jobSnapshots()[0].throughput
        #expect((590...610).contains(before), "\(before)")
        #expect(s.run("ALTER SINK crm SET PARALLELISM = 4;") == "ALTER SINK: parallelism 1 → 4\n")
        #expect(s.run("ALTER SINK crm SET PARALLELISM = 4;") == "ALTER SINK: parallelism is already 4, nothing to do\n")
        // The definition DESCRIBE shows recreates the sink as it now runs.
        #expect(s.run("DESCRIBE crm;").hasSuffix("\nCREATE SINK crm FROM clicks WITH (throughput = 600, parallelism = 4)\n"))
        #expect(s.engine.ledger().balanced)
        #expect(s.execute("RESET METRICS; RUN 2s;").ok)
        let after = s.engine.jobSnapshots()[0].throughput
        #expect(after > 2000, "four writers keep up and drain the backlog: \(before) → \(after) rows/s")
        #expect(s.execute("ALTER SOURCE clicks SET (rate = 0); RUN 30s;").ok)
        #expect(s.engine.jobSnapshots()[0].delivered == s.engine.sourceSnapshots()[0].generated)
        #expect(s.engine.ledger().balanced)
    }
}
