import Testing
@testable import SluiceShell
import SluiceEngine

/// A view or sink created over a view that already holds rows starts from those rows
/// (RisingWave's backfill), then follows the view's changes. Views created late, while the
/// upstream view is busy and backpressured, end up holding exactly what the same views hold
/// when created before any row arrived, under every scheme that loses nothing. (`tcp` runs on
/// one node here: across nodes its shared connections can stall in a ring, as the README
/// says, whatever the views.)
@Suite("backfill from a view")
struct BackfillTests {
    static let base = """
        CREATE SOURCE a (user_id INT, url VARCHAR, amount DOUBLE) WITH (rate = 1000, keys = 20, partitions = 3);
        CREATE SOURCE b (uid INT, region VARCHAR) WITH (rate = 30, keys = 20);
        CREATE MATERIALIZED VIEW counts AS SELECT user_id, count(*) AS n, sum(amount) AS s FROM a WHERE amount > 5 GROUP BY user_id
          WITH (parallelism = 2, cost = 'exp(300us)');

        """

    /// The dependents, in the order they are created, each after its pause (if any) in the
    /// late session.
    static let dependents: [(pause: String, statement: String)] = [
        ("700ms", "CREATE MATERIALIZED VIEW w AS SELECT user_id, n * 2 AS m FROM counts WHERE n > 3 WITH (parallelism = 2);"),
        ("", "CREATE MATERIALIZED VIEW j AS SELECT counts.n, b.region FROM counts JOIN b ON counts.user_id = b.uid;"),
        ("300ms", "CREATE MATERIALIZED VIEW total AS SELECT count(*) AS groups, sum(n) AS rows FROM counts;"),
        ("", "CREATE MATERIALIZED VIEW pairs AS SELECT x.n AS n1, y.s AS s2 FROM counts x JOIN counts y ON x.user_id = y.user_id;"),
        ("250ms", "CREATE MATERIALIZED VIEW ww AS SELECT m FROM w WHERE m > 10;"),
        ("", "CREATE SINK out FROM w WITH (throughput = 300);"),
        ("1ms", "CREATE MATERIALIZED VIEW r AS SELECT region, count(*) AS c, sum(n) AS t FROM j GROUP BY region;"),
    ]

    static let reads = ["SELECT user_id, m FROM w ORDER BY user_id;", "SELECT n, region FROM j ORDER BY n, region;",
                        "SELECT groups, rows FROM total;", "SELECT n1, s2 FROM pairs ORDER BY n1, s2;",
                        "SELECT m FROM ww ORDER BY m;", "SELECT region, c, t FROM r ORDER BY region;"]

    @Test(arguments: ["SET flow_control = credit;", "SET flow_control = permits;", "SET flow_control = tcp;", "SET nodes = 2;",
                      "SET flow_control = unbounded;", "SET sink_decouple = true;", "SET chunk_rows = 16; SET buffer_rows = 4;"])
    func lateViewsHoldWhatEarlyOnesHold(settings: String) {
        let early = session(settings + "\n" + Self.base + Self.dependents.map(\.statement).joined(separator: "\n"))
        let late = session(settings + "\n" + Self.base)
        for (pause, statement) in Self.dependents {
            if !pause.isEmpty { #expect(late.execute("RUN \(pause);").ok) }
            let created = late.execute(statement)
            #expect(created.ok, "\(statement)")
            #expect(late.engine.ledger().balanced, "after \(statement)")
        }
        #expect(early.execute(Self.dependents.map(\.pause).filter { !$0.isEmpty }.map { "RUN \($0);" }.joined(separator: " ")).ok)
        for s in [early, late] {
            #expect(s.execute("RUN 1s; ALTER SOURCE a SET (rate = 0); ALTER SOURCE b SET (rate = 0); RUN 300s;").ok)
        }
        for read in Self.reads {
            let expected = early.run(read)
            #expect(!expected.hasSuffix("(0 rows)\n"), "\(read)")
            #expect(late.run(read) == expected, "\(read)")
        }
        let ledger = late.engine.ledger()
        #expect(ledger.balanced)
        #expect(ledger.channels.allSatisfy { $0.queued == 0 }, "every channel drained")
    }

    /// A sink over a view writes the view's rows at creation, then its changes; the notice
    /// says how many rows the backfill sent.
    @Test func aSinkOverAViewWritesItsContentsFirst() {
        let s = session("""
            SET barrier_interval_ms = 0;
            CREATE SOURCE s (id INT, v INT) WITH (rate = 1000, keys = 10);
            CREATE MATERIALIZED VIEW f AS SELECT id, v FROM s WHERE v >= 0;
            RUN 2s;
            """)
        let created = s.execute("CREATE SINK k FROM f;")
        #expect(created.output == "CREATE SINK (1 fragment, 1 actor; backfills 2000 rows from f)\n")
        #expect(s.execute("RUN 1s;").ok)
        #expect(s.engine.jobSnapshots().first { $0.name == "k" }?.delivered == 3000)
        // A view over a source reads the source's log from its start: no backfill to announce.
        #expect(s.run("CREATE MATERIALIZED VIEW g AS SELECT id, count(*) AS n FROM s GROUP BY id;")
                == "CREATE MATERIALIZED VIEW (2 fragments, 2 actors)\n")
        // An empty view has nothing to send.
        #expect(s.run("CREATE MATERIALIZED VIEW e AS SELECT id FROM f WHERE v < 0; CREATE SINK k2 FROM e;")
                == "CREATE MATERIALIZED VIEW (1 fragment, 1 actor; backfills 3000 rows from f)\nCREATE SINK (1 fragment, 1 actor)\n")
    }
}
