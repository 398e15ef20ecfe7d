import Testing
@testable import SluiceShell

/// Ad hoc SELECT answers as PostgreSQL does where a view's rules do not apply.
@Suite struct AdHocSelectTests {
    /// An aggregate over no rows: one row, count 0, and NULL for sum, avg, min and max and
    /// for any expression over them (a row of zeros could not be told from real zeros). A
    /// materialized view of the same global aggregate holds no row until a row arrives, as
    /// RisingWave's does.
    @Test func aggregatesOverNoRowsAreNullButCount() {
        let s = session("""
            CREATE TABLE empty (id INT, v DOUBLE) WITH (rows = 0);
            CREATE TABLE five (id INT PRIMARY KEY, v DOUBLE) WITH (rows = 5);
            """)
        s.options.mode = .json
        #expect(s.run("SELECT count(*), sum(v), avg(v), min(id), max(id), count(*) + 1 AS c1, sum(v) + 1 AS s1 FROM empty;")
                == #"[{"count":0,"sum":null,"avg":null,"min":null,"max":null,"c1":1,"s1":null}]"# + "\n")
        // No row passes the filter: the same.
        #expect(s.run("SELECT count(*) AS n, max(id) AS top FROM five WHERE id > 10;") == #"[{"n":0,"top":null}]"# + "\n")
        #expect(s.run("SELECT count(*) AS n, max(id) AS top FROM five;") == #"[{"n":5,"top":4}]"# + "\n")
        // Grouped, no rows means no groups.
        #expect(s.run("SELECT id, count(*) AS n FROM five WHERE id > 10 GROUP BY id;") == "[]\n")
        s.options.mode = .table
        #expect(s.run("SELECT sum(v) FROM empty;").contains("│ NULL │"))
    }

    /// Output names may repeat in an ad hoc result (two `?column?`s); a view's may not (they
    /// are its schema). ORDER BY a repeated name is ambiguous only when it names two
    /// different expressions.
    @Test func outputNamesMayRepeat() {
        let s = session("CREATE TABLE t (a INT, b INT) WITH (rows = 3);")
        s.options.mode = .csv
        #expect(s.run("SELECT a + 1, b * 0 FROM t;") == "?column?,?column?\n1,0\n2,0\n3,0\n")
        #expect(s.run("SELECT a, a FROM t ORDER BY a DESC;") == "a,a\n2,2\n1,1\n0,0\n")
        #expect(s.run("SELECT a + 1 AS x, b AS x FROM t ORDER BY x;").hasPrefix("ERROR: ORDER BY \"x\" is ambiguous"))
        // By what the names bind to, not how they are written.
        #expect(s.run("SELECT a, t.a FROM t ORDER BY a DESC;") == "a,a\n2,2\n1,1\n0,0\n")
        #expect(s.run("SELECT *, b AS a FROM t ORDER BY a;").hasPrefix("ERROR: ORDER BY \"a\" is ambiguous"))
        #expect(s.run("CREATE MATERIALIZED VIEW v AS SELECT a + 1, b * 2 FROM t;")
                .hasPrefix("ERROR: column \"?column?\" specified more than once"))
    }

    /// ORDER BY may name a column the select list leaves out (the top users by a total not
    /// shown), as in PostgreSQL; OFFSET skips rows before LIMIT counts, in either order.
    /// Grouped, ORDER BY still names an output column: the others have no one value a group.
    @Test func orderByAColumnNotSelectedAndOffset() {
        let s = session("CREATE TABLE t (a INT PRIMARY KEY, b INT) WITH (rows = 5);")
        s.options.mode = .csv
        let byB = s.run("SELECT a, b FROM t ORDER BY b DESC, a;")
        let ids = byB.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }.joined(separator: ",")
        #expect(s.run("SELECT a FROM t ORDER BY b DESC, a;") == "a\n" + ids.replacingOccurrences(of: ",", with: "\n") + "\n")
        #expect(s.run("SELECT a FROM t ORDER BY b DESC, a LIMIT 2 OFFSET 1;") == "a\n" + ids.split(separator: ",")[1...2].joined(separator: "\n") + "\n")
        #expect(s.run("SELECT a FROM t ORDER BY b DESC, a OFFSET 1 LIMIT 2;") == s.run("SELECT a FROM t ORDER BY b DESC, a LIMIT 2 OFFSET 1;"))
        #expect(s.run("SELECT a FROM t ORDER BY a OFFSET 3;") == "a\n3\n4\n")
        #expect(s.run("SELECT a FROM t ORDER BY a OFFSET 9;") == "a\n")
        #expect(s.run("SELECT a FROM t ORDER BY a * -1 LIMIT 1;") == "a\n4\n")
        #expect(s.run("SELECT a, count(*) AS n FROM t GROUP BY a ORDER BY b;").hasPrefix("ERROR: ORDER BY must name an output column of an aggregating query"))
        #expect(s.run("CREATE MATERIALIZED VIEW v AS SELECT a FROM t OFFSET 1;").hasPrefix("ERROR: OFFSET is not allowed in a materialized view"))
        s.options.mode = .table
        #expect(s.run("EXPLAIN SELECT a FROM t ORDER BY b DESC LIMIT 2 OFFSET 1;").hasPrefix("""
            BatchProject { exprs: [a] }
            └─BatchTopN { order: [b DESC], limit: 2, offset: 1 }
              └─BatchProject { exprs: [a, b] }
            """))
    }
}
