import Testing
@testable import SluiceShell
import SluiceEngine

/// Principle 1: the same statements and seed give byte-identical output.
@Suite("determinism")
struct SessionDeterminismTests {
    /// A script that touches every mechanism whose output could depend on order: hash
    /// exchanges over strings, a join with a log store, nodes and a shared tcp connection, a
    /// sink from a view and one with its own query, random costs and patterns, barriers, a
    /// rescale, ALTERs of a view's cost and a sink's writes, and every SHOW.
    static let script = """
        SET nodes = 2;
        SET flow_control = tcp;
        CREATE SOURCE clicks (user_id INT, url VARCHAR, amount DOUBLE) WITH (rate = 3000, pattern = 'poisson', keys = 200,
          key_skew = 'zipf(1.1)', partitions = 4, retention = '30s', seed = 7);
        CREATE TABLE users (user_id INT PRIMARY KEY, region VARCHAR) WITH (rows = 200);
        CREATE MATERIALIZED VIEW per_url AS SELECT url, count(*) AS n, avg(amount) AS mean FROM clicks GROUP BY url
          WITH (parallelism = 4, cost = 'exp(100us)');
        SET streaming_enable_unaligned_join = true;
        CREATE MATERIALIZED VIEW enriched AS SELECT c.user_id, u.region, c.amount FROM clicks c JOIN users u ON c.user_id = u.user_id
          WITH (parallelism = 2, cost = 'uniform(5us,40us)');
        CREATE SINK warehouse FROM per_url WITH (throughput = 500, batch = 100, latency = '20ms');
        CREATE SINK regions AS SELECT region, count(*) AS n FROM enriched GROUP BY region WITH (parallelism = 2, cost = 'exp(50us)');
        SELECT * FROM nowhere;
        RUN 2s;
        INJECT 5000 INTO clicks;
        BARRIER;
        STEP BARRIER;
        STEP 250ms;
        SHOW SOURCES; SHOW VIEWS; SHOW SINKS;
        SHOW ACTORS;
        SHOW QUEUES;
        SHOW BARRIERS;
        SHOW LAG;
        SHOW LEDGER;
        SHOW GRAPH;
        SHOW METRICS per_url.agg.0;
        SELECT * FROM per_url ORDER BY n DESC, url LIMIT 5;
        SELECT * FROM per_url LIMIT 5;
        SELECT region, amount FROM enriched LIMIT 3;
        EXPLAIN enriched;
        DIAGNOSE;
        PLOT queue(per_url.agg.0), barrier_latency, lag(clicks) LAST 2s;
        ALTER MATERIALIZED VIEW per_url SET PARALLELISM = 2;
        ALTER MATERIALIZED VIEW enriched SET (cost = 'exp(10us)');
        ALTER SINK warehouse SET (throughput = 2000, batch = 50);
        RUN 1s;
        SHOW ACTORS;
        """

    func transcript(_ script: String) -> (String, Bool) {
        let runner = ScriptRunner(session: session(), echo: true)
        return runner.run(script)
    }

    @Test func theSameScriptTwiceGivesTheSameBytes() {
        let (first, ok) = transcript(Self.script)
        let (second, _) = transcript(Self.script)
        #expect(!ok, "the script has one failing statement on purpose")
        #expect(first.contains("ERROR: relation \"nowhere\" does not exist"))
        #expect(first.contains("bottleneck:"))
        #expect(first.contains("ledger balanced: every row is accounted for"))
        #expect(first.contains("regions.sink.1"))
        #expect(first == second)
        if first != second {
            Issue.record("\(UnifiedDiff.make(old: first, new: second, oldLabel: "first run", newLabel: "second run"))")
        }
    }

    /// What is recorded never depends on the terminal: colour is added only for display.
    @Test func recordedOutputIsTheSameWithAndWithoutColour() {
        let plain = Session(options: RenderOptions(mode: .table, color: false, width: 80))
        let colour = Session(options: RenderOptions(mode: .table, color: true, width: 80))
        for cell in ["CREATE SOURCE s (a INT) WITH (rate = 100);", "SELECT * FROM t;",
                     "CREATE MATERIALIZED VIEW v AS SELECT a, count(*) AS n FROM s GROUP BY a;", "RUN 1s;", "SHOW ACTORS;", "DIAGNOSE;"] {
            let a = plain.execute(cell), b = colour.execute(cell)
            #expect(a.output == b.output, "\(cell)")
            #expect(!b.output.contains("\u{1B}["), "\(cell)")
        }
    }

    /// A statement that fails must not change what later statements produce. Binding the
    /// string literal 'zzz' interns it before the type check fails, which shifts the ids of
    /// the strings a later source generates, and so their hash partitions.
    @Test func aFailedStatementDoesNotChangeLaterResults() {
        let before = """
            CREATE SOURCE a (x INT, tag VARCHAR) WITH (rate = 100);
            """
        let failing = "CREATE MATERIALIZED VIEW bad AS SELECT x FROM a WHERE x > 'zzz';"
        let after = """
            CREATE SOURCE clicks (user_id INT, url VARCHAR) WITH (rate = 1000, keys = 50);
            CREATE MATERIALIZED VIEW per_url AS SELECT url, count(*) AS n FROM clicks GROUP BY url WITH (parallelism = 4);
            RUN 1s;
            SHOW ACTORS;
            SELECT * FROM per_url LIMIT 5;
            """
        let with = session(before)
        #expect(!with.execute(failing).ok)
        let without = session(before)
        let a = with.run(after), b = without.run(after)
        #expect(a == b)
    }

    /// Reading a view is not supposed to change the engine either.
    @Test func anAdHocSelectDoesNotChangeLaterResults() {
        let before = "CREATE TABLE users (user_id INT PRIMARY KEY, region VARCHAR) WITH (rows = 10);"
        let read = "SELECT * FROM users WHERE region = 'mars';"
        let after = """
            CREATE SOURCE clicks (user_id INT, url VARCHAR) WITH (rate = 1000, keys = 50);
            CREATE MATERIALIZED VIEW per_url AS SELECT url, count(*) AS n FROM clicks GROUP BY url WITH (parallelism = 4);
            RUN 1s;
            SELECT * FROM per_url LIMIT 5;
            """
        let with = session(before)
        #expect(with.run(read).hasSuffix("(0 rows)\n"))
        let without = session(before)
        let a = with.run(after), b = without.run(after)
        #expect(a == b)
    }
}
