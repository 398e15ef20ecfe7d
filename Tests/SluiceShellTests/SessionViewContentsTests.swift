import Testing
@testable import SluiceShell
import SluiceEngine

/// What `SELECT` reads from a materialized view once the source has stopped and the pipeline
/// has drained: the query's answer, whatever the plan (upsert by key, or a multiset of rows
/// kept by retractions), and a ledger that balances.
@Suite("view contents")
struct SessionViewContentsTests {
    /// 10 rows a second over two keys, one second, then stopped and drained.
    static let source = "CREATE SOURCE s (a INT, amount DOUBLE) WITH (rate = 10, keys = 2);"
    static let drain = "RUN 1s; ALTER SOURCE s SET (rate = 0); RUN 1s;"

    func drained(_ views: String) -> Session {
        let s = session(Self.source + "\n" + views)
        #expect(s.execute(Self.drain).ok)
        #expect(s.engine.ledger().balanced)
        return s
    }

    /// Keyed by its group: one row per key (the control case, which passes).
    @Test func aGroupByViewHasOneRowPerKey() {
        let s = drained("CREATE MATERIALIZED VIEW v AS SELECT a, count(*) AS n FROM s GROUP BY a;")
        #expect(s.run("SELECT sum(n) AS rows, count(*) AS groups FROM v;").contains("│   10 │      2 │"))
    }

    /// `count(*)` with no GROUP BY: one row, n = 10. Retractions that open a chunk are lost,
    /// so the multiset keeps every intermediate count: 1, 1, 2, 2, … 9, 9, 10.
    @Test func aGlobalAggregateHasOneRow() {
        let s = drained("CREATE MATERIALIZED VIEW v AS SELECT count(*) AS n FROM s;")
        let output = s.run("SELECT * FROM v;")
        #expect(output == """
            ┌────┐
            │  n │
            ├────┤
            │ 10 │
            └────┘
            (1 row)

            """)
        #expect(s.run("SHOW VIEWS;").contains("│ v    │    1 │"))
    }

    /// GROUP BY a key that is not selected: a multiset of one count per key.
    @Test func aGroupByWithoutItsKeyHasOneRowPerKey() {
        let s = drained("CREATE MATERIALIZED VIEW v AS SELECT count(*) AS n FROM s GROUP BY a;")
        let output = s.run("SELECT count(*) AS rows, sum(n) AS total FROM v;")
        #expect(output.contains("│    2 │    10 │"), "\(output)")
    }

    /// A view over an aggregate view reads its changes, retractions included: once drained it
    /// holds exactly one row per key of the upstream view.
    @Test(arguments: [1, 2])
    func aViewOverAnAggregateViewFollowsItsUpdates(parallelism: Int) {
        let s = drained("""
            CREATE MATERIALIZED VIEW spend AS SELECT a, sum(amount) AS total FROM s GROUP BY a;
            CREATE MATERIALIZED VIEW copy AS SELECT a, total FROM spend WITH (parallelism = \(parallelism));
            """)
        let upstream = s.run("SELECT a, total FROM spend ORDER BY a;")
        let downstream = s.run("SELECT a, total FROM copy ORDER BY a;")
        #expect(upstream.hasSuffix("(2 rows)\n"))
        #expect(downstream == upstream)
    }

    /// An aggregate over a view: the count per key must stay 1 (each upstream key is one row).
    @Test func anAggregateOverAViewCountsLiveRowsOnly() {
        let s = drained("""
            CREATE MATERIALIZED VIEW spend AS SELECT a, sum(amount) AS total FROM s GROUP BY a;
            CREATE MATERIALIZED VIEW per_key AS SELECT a, count(*) AS versions FROM spend GROUP BY a WITH (parallelism = 2);
            """)
        let output = s.run("SELECT sum(versions) AS live FROM per_key;")
        #expect(output.contains("│    2 │"), "\(output)")
    }

    /// The same rows, whatever the parallelism of the view (a filter view is a multiset of
    /// source rows, with no retractions).
    @Test func aFilterViewHoldsEveryMatchingRow() {
        let s = drained("""
            CREATE MATERIALIZED VIEW one AS SELECT a, amount FROM s WHERE amount > 50;
            CREATE MATERIALIZED VIEW four AS SELECT a, amount FROM s WHERE amount > 50 WITH (parallelism = 4);
            """)
        let one = s.run("SELECT a, amount FROM one ORDER BY amount, a;")
        #expect(one == s.run("SELECT a, amount FROM four ORDER BY amount, a;"))
        #expect(!one.hasSuffix("(0 rows)\n"))
    }

    /// A view that filters with IN and BETWEEN keeps exactly the groups an ad hoc SELECT with
    /// the same condition finds in the unfiltered view; NOT IN and NOT BETWEEN keep the rest,
    /// and the rows filtered out are counted in the ledger.
    @Test func inAndBetweenFilterTheRowsTheySay() {
        let s = session("""
            CREATE SOURCE s (a INT, amount DOUBLE) WITH (rate = 200, keys = 10);
            CREATE MATERIALIZED VIEW every AS SELECT a, count(*) AS n FROM s GROUP BY a;
            CREATE MATERIALIZED VIEW kept AS SELECT a, count(*) AS n FROM s WHERE a IN (1, 3, 5) OR a BETWEEN 7 AND 8 GROUP BY a;
            CREATE MATERIALIZED VIEW rest AS SELECT a, count(*) AS n FROM s WHERE a NOT IN (1, 3, 5) AND a NOT BETWEEN 7 AND 8 GROUP BY a;
            """)
        #expect(s.execute(Self.drain).ok)
        let kept = s.run("SELECT a, n FROM kept ORDER BY a;")
        #expect(kept == s.run("SELECT a, n FROM every WHERE a IN (1, 3, 5) OR a BETWEEN 7 AND 8 ORDER BY a;"))
        #expect(kept.contains("(5 rows)"), "\(kept)")
        let rest = s.run("SELECT a, n FROM rest ORDER BY a;")
        #expect(rest == s.run("SELECT a, n FROM every WHERE a NOT IN (1, 3, 5, 7, 8) ORDER BY a;"))
        #expect(rest.contains("(5 rows)"), "\(rest)")
        let total = s.run("SELECT sum(n) AS n FROM every;")
        #expect(total.contains("│ 200 │"), "\(total)")
        let halves = s.run("SELECT sum(n) AS n FROM kept;") + s.run("SELECT sum(n) AS n FROM rest;")
        let numbers = halves.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }.filter { $0 > 1 }
        #expect(numbers.reduce(0, +) == 200, "\(halves)")
        #expect(s.engine.ledger().balanced)
    }
}

/// The ledger (`SHOW LEDGER`) must balance for every flow-control scheme and placement.
@Suite("ledger")
struct SessionLedgerTests {
    static func script(flowControl: String, nodes: Int) -> String {
        """
        SET nodes = \(nodes);
        SET flow_control = \(flowControl);
        CREATE SOURCE clicks (user_id INT, amount DOUBLE) WITH (rate = 2000, keys = 100, partitions = 2);
        CREATE MATERIALIZED VIEW fast AS SELECT user_id, count(*) AS n FROM clicks GROUP BY user_id WITH (parallelism = 2);
        CREATE MATERIALIZED VIEW slow AS SELECT user_id, count(*) AS n FROM clicks GROUP BY user_id WITH (parallelism = 2, cost = '1ms');
        RUN 1s;
        """
    }

    @Test(arguments: ["credit", "permits", "unbounded", "drop_tail", "drop_head"], [1, 2])
    func theLedgerBalances(_ flowControl: String, nodes: Int) {
        let s = session(Self.script(flowControl: flowControl, nodes: nodes))
        #expect(s.run("SHOW LEDGER;").hasSuffix("ledger balanced: every row is accounted for\n"))
    }

    @Test func theLedgerBalancesUnderTcpOnOneNode() {
        let s = session(Self.script(flowControl: "tcp", nodes: 1))
        #expect(s.run("SHOW LEDGER;").hasSuffix("ledger balanced: every row is accounted for\n"))
    }

    /// Under `tcp` across nodes, rows taken from a channel's outbox onto the shared
    /// connection are in neither the outbox nor the inbox, so the channel reads
    /// sent > received + queued + dropped while a connection is stalled.
    @Test func theLedgerBalancesUnderTcpAcrossNodes() {
        let s = session(Self.script(flowControl: "tcp", nodes: 2))
        let ledger = s.engine.ledger()
        #expect(ledger.balanced)
        #expect(s.run("SHOW LEDGER;").hasSuffix("ledger balanced: every row is accounted for\n"))
    }
}
