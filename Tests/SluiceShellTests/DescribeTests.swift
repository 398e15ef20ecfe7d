import Testing
@testable import SluiceShell

/// DESCRIBE (and DESC, SHOW COLUMNS FROM): a relation's columns, then what it is.
@Suite struct DescribeTests {
    @Test func aSourceShowsItsKeyColumnAndItsLog() {
        let s = session(standardCatalog)
        #expect(s.run("DESCRIBE clicks;") == """
            ┌─────────┬─────────┬─────────────────────────┐
            │ column  │ type    │ note                    │
            ├─────────┼─────────┼─────────────────────────┤
            │ user_id │ INT     │ key: 1000 keys, uniform │
            │ url     │ VARCHAR │                         │
            │ amount  │ DOUBLE  │                         │
            └─────────┴─────────┴─────────────────────────┘
            (3 rows)

            source clicks: a log of 2 partitions; rate 1000 rows/s, constant; retention forever; read by spend

            """)
        #expect(s.run("DESC users;").contains("│ user_id │ INT     │ primary key │"))
        #expect(s.run("DESC users;").contains("table users: 100 rows; read by nothing yet"))
    }

    /// A table's key column is its primary key only when declared so; undeclared, it is a
    /// unique key when no two rows share a value. An empty table (rows = 0) needs no keys
    /// option (it asked for keys = 0, which no table can have).
    @Test func aTableWithRepeatedKeysHasNoPrimaryKey() {
        let s = session("CREATE TABLE t (id INT, v INT) WITH (rows = 6, keys = 3);")
        #expect(s.run("DESC t;").contains("│ id     │ INT  │ key: 3 keys over 6 rows │"), "\(s.run("DESC t;"))")
        #expect(s.run("SELECT count(*) AS n FROM t WHERE id = 0;").contains("│ 2 │"))
        #expect(s.run("CREATE TABLE e (id INT) WITH (rows = 0);") == "CREATE TABLE (0 rows)\n")
        #expect(s.run("DESC e;").contains("│ id     │ INT  │ key: unique, 0 rows │"), "\(s.run("DESC e;"))")
        #expect(s.run("CREATE TABLE p (id INT PRIMARY KEY, v INT) WITH (rows = 4);") == "CREATE TABLE (4 rows)\n")
        #expect(s.run("DESC p;").contains("│ id     │ INT  │ primary key │"), "\(s.run("DESC p;"))")
        #expect(s.run("SELECT count(*) AS n FROM e;").contains("│ 0 │"))
    }

    @Test func aViewShowsItsPrimaryKeyAndDefinition() {
        let s = session(standardCatalog)
        let text = s.run("SHOW COLUMNS FROM spend;")
        #expect(text.contains("│ user_id │ INT    │ primary key │"))
        #expect(text.contains("│ n       │ BIGINT │             │"))
        #expect(text.contains("materialized view spend: 2 fragments, 2 actors; reads clicks\n"))
        #expect(text.hasSuffix("CREATE MATERIALIZED VIEW spend AS SELECT user_id, count(*) AS n, sum(amount) AS total FROM clicks WHERE amount > 10 GROUP BY user_id\n"))
        s.run("CREATE MATERIALIZED VIEW big AS SELECT user_id FROM spend WHERE total > 100;")
        #expect(s.run("DESCRIBE big;").contains("no primary key: its rows are a multiset"))
    }

    @Test func aSinkShowsHowItWrites() {
        let s = session(standardCatalog)
        s.run("CREATE SINK w FROM spend WITH (throughput = 500, batch = 100, latency = '20ms');")
        #expect(s.run("DESCRIBE w;").contains("sink w: 1 fragment, 1 actor; reads spend; writes 500 rows/s in batches of up to 100, 20ms per write\n"))
    }

    @Test func anUnknownNameIsAnErrorWithTheNearestName() {
        let s = session(standardCatalog)
        let before = s.visibleState
        let result = s.execute("DESCRIBE spnd;")
        #expect(!result.ok)
        #expect(result.output.contains("ERROR: \"spnd\" does not exist"))
        #expect(result.output.contains("HINT: did you mean spend?"))
        #expect(s.visibleState == before)
    }
}
