import SluiceEngine
import Testing
@testable import SluiceSQL

@Suite("CREATE, DROP, ALTER")
struct DefineTests {
    @Test func createSourceWithOptions() throws {
        let sql = """
            CREATE SOURCE clicks (user_id INT, url VARCHAR, amount DOUBLE)
              WITH (rate = 2000, pattern = 'poisson', keys = 1000, key_skew = 'zipf(1.1)',
                    partitions = 4, retention = '30s', seed = 7, exact = true, mode = fast, window = 250ms);
            """
        guard case .createSource(let name, let columns, let options, let isTable)? = statement(sql) else {
            Issue.record("not a CREATE SOURCE")
            return
        }
        #expect(name.name == "clicks")
        #expect(text(name.range, in: sql) == "clicks")
        #expect(!isTable)
        #expect(columns.map(\.name.name) == ["user_id", "url", "amount"])
        #expect(columns.map(\.type) == [.int, .varchar, .double])
        #expect(columns.allSatisfy { !$0.primaryKey })
        #expect(options.map(\.key.name) == ["rate", "pattern", "keys", "key_skew", "partitions", "retention", "seed",
                                            "exact", "mode", "window"])
        #expect(options[0].value == .number(2000, text: "2000"))
        #expect(options[1].value == .string("poisson"))
        #expect(options[3].value == .string("zipf(1.1)"))
        #expect(text(options[3].valueRange, in: sql) == "'zipf(1.1)'")
        #expect(options[7].value == .boolean(true))
        #expect(options[8].value == .identifier("fast"))
        #expect(options[9].value == .duration(250_000_000, text: "250ms"))
        #expect(text(options[9].key.range, in: sql) == "window")
    }

    /// Names are PostgreSQL's length at most (63 bytes), and never hold control characters.
    @Test func namesHaveALimitAndNoControlCharacters() {
        let longest = String(repeating: "a", count: 63)
        #expect(statement("CREATE SOURCE \(longest) (x INT);") != nil)
        #expect(message("CREATE SOURCE \(longest)b (x INT);") == "a source name has at most 63 bytes, not 64")
        #expect(message("CREATE SINK \"é\(String(repeating: "x", count: 62))\" AS SELECT 1;") == "a sink name has at most 63 bytes, not 64")
        #expect(message("CREATE SOURCE \"a\u{1B}b\" (x INT);") == "a source name cannot contain control characters")
    }

    @Test func createTableWithPrimaryKeyAndAliases() {
        guard case .createSource(_, let columns, let options, let isTable)? =
            statement("CREATE TABLE users (user_id INTEGER PRIMARY KEY, region TEXT, score REAL, big INT8, ok BOOL, s STRING, d DOUBLE PRECISION, f FLOAT, v VARCHAR(20) NOT NULL) WITH (rows = 1000);")
        else { Issue.record("not a CREATE TABLE"); return }
        #expect(isTable)
        #expect(columns.map(\.type) == [.int, .varchar, .double, .bigint, .boolean, .varchar, .double, .double, .varchar])
        #expect(columns.map(\.primaryKey) == [true, false, false, false, false, false, false, false, false])
        #expect(options.map(\.key.name) == ["rows"])
    }

    @Test func tablePrimaryKeyConstraint() {
        guard case .createSource(_, let columns, _, _)? =
            statement("CREATE TABLE t (a INT, b INT, c INT, PRIMARY KEY (a, c));")
        else { Issue.record("not a CREATE TABLE"); return }
        #expect(columns.map(\.primaryKey) == [true, false, true])
    }

    @Test func quotedNamesKeepTheirCase() {
        guard case .createSource(let name, let columns, _, _)? = statement(#"CREATE SOURCE "Clicks" ("User Id" INT, "select" INT);"#)
        else { Issue.record("not a CREATE SOURCE"); return }
        #expect(name.name == "Clicks")
        #expect(columns.map(\.name.name) == ["User Id", "select"])
    }

    @Test func createViewWithOptionsAfterQuery() {
        let sql = """
            CREATE MATERIALIZED VIEW spend AS
              SELECT user_id, count(*) AS n, sum(amount) AS total
              FROM clicks WHERE amount > 10 GROUP BY user_id
              WITH (parallelism = 2, cost = 'exp(20us)');
            """
        guard case .createView(let name, let query, let options)? = statement(sql) else {
            Issue.record("not a CREATE MATERIALIZED VIEW")
            return
        }
        #expect(name.name == "spend")
        #expect(query.sql == "SELECT user_id, count(*) AS n, sum(amount) AS total FROM clicks WHERE amount > 10 GROUP BY user_id")
        #expect(text(query.range, in: sql).hasSuffix("GROUP BY user_id"))
        #expect(options.map(\.sql) == ["parallelism = 2", "cost = 'exp(20us)'"])
    }

    @Test func createViewWithOptionsBeforeAs() {
        guard case .createView(_, let query, let options)? =
            statement("CREATE MATERIALIZED VIEW v WITH (parallelism = 4) AS SELECT * FROM clicks;")
        else { Issue.record("not a CREATE MATERIALIZED VIEW"); return }
        #expect(query.items == [.star(query.items[0].range)])
        #expect(options.map(\.key.name) == ["parallelism"])
    }

    @Test func optionsOnBothSidesMergeButMayNotRepeat() {
        guard case .createView(_, _, let options)? =
            statement("CREATE MATERIALIZED VIEW v WITH (parallelism = 4) AS SELECT * FROM clicks WITH (cost = '1ms');")
        else { Issue.record("not a CREATE MATERIALIZED VIEW"); return }
        #expect(options.map(\.key.name) == ["parallelism", "cost"])
        #expect(message("CREATE MATERIALIZED VIEW v WITH (parallelism = 4) AS SELECT * FROM c WITH (parallelism = 2);")
                == "option 'parallelism' is given more than once")
    }

    @Test func createSink() {
        guard case .createSink(let name, let from, let options)? =
            statement("CREATE SINK warehouse FROM spend WITH (throughput = 500, batch = 100, latency = '20ms');")
        else { Issue.record("not a CREATE SINK"); return }
        #expect(name.name == "warehouse")
        #expect(from.name == "spend")
        #expect(options.map(\.value) == [.number(500, text: "500"), .number(100, text: "100"), .string("20ms")])
    }

    @Test func createSinkAsSelect() {
        guard case .createSinkAsSelect(let name, let query, let options)? =
            statement("CREATE SINK alerts WITH (batch = 10) AS SELECT user_id, amount FROM clicks WHERE amount > 100 WITH (throughput = 50);")
        else { Issue.record("not a CREATE SINK ... AS SELECT"); return }
        #expect(name.name == "alerts")
        #expect(query.sql == "SELECT user_id, amount FROM clicks WHERE amount > 100")
        #expect(options.map(\.key.name) == ["batch", "throughput"])
        #expect(statement("create sink a as (select * from clicks) with (throughput = 5);")?.sql
                == "CREATE SINK a AS SELECT * FROM clicks WITH (throughput = 5)")
        #expect(message("CREATE SINK w TO v;") == "expected FROM or AS after the sink name, found 'TO'")
        #expect(message("CREATE SINK w WITH (batch = 1) FROM v;") == "options come after the relation in CREATE SINK ... FROM")
        #expect(message("CREATE SINK w WITH (batch = 1) SELECT * FROM v;") == "expected AS after the sink's options, found 'SELECT'")
    }

    @Test func drop() {
        #expect(statement("DROP SINK warehouse;")?.sql == "DROP SINK warehouse")
        guard case .drop(let kind, let name, let ifExists)? = statement("drop materialized view if exists Spend;") else {
            Issue.record("not a DROP")
            return
        }
        #expect(kind == .materializedView)
        #expect(name.name == "spend")
        #expect(ifExists)
        #expect(statement("DROP SOURCE clicks;") == .drop(.source, name: Identifier("clicks", range: SourceRange(start: 12, end: 18)), ifExists: false))
        #expect(statement("DROP TABLE users;")?.sql == "DROP TABLE users")
    }

    @Test func alterSetOptions() {
        guard case .alterSet(let kind, let name, let options)? = statement("ALTER SOURCE clicks SET (rate = 10000, pattern = 'burst(on=1s, off=4s)');") else {
            Issue.record("not an ALTER ... SET")
            return
        }
        #expect(kind == .source)
        #expect(name.name == "clicks")
        #expect(options.map(\.sql) == ["rate = 10000", "pattern = 'burst(on=1s, off=4s)'"])
        #expect(statement("ALTER SINK w SET (throughput = 50);")?.sql == "ALTER SINK w SET (throughput = 50)")
        #expect(statement("ALTER MATERIALIZED VIEW v SET (cost = '5us');")?.sql == "ALTER MATERIALIZED VIEW v SET (cost = '5us')")
        #expect(statement("ALTER TABLE users SET rows = 10;")?.sql == "ALTER TABLE users SET (rows = 10)")
    }

    @Test func alterParallelism() {
        let sql = "ALTER MATERIALIZED VIEW spend SET PARALLELISM = 4;"
        guard case .alterParallelism(.materializedView, let name, let parallelism, let valueRange)? = statement(sql) else {
            Issue.record("not SET PARALLELISM")
            return
        }
        #expect(name.name == "spend")
        #expect(parallelism == 4)
        #expect(text(valueRange, in: sql) == "4")
        #expect(statement("alter materialized view spend set parallelism to 8;")?.sql == "ALTER MATERIALIZED VIEW spend SET PARALLELISM = 8")
        // Any whole number parses: the session checks the range against the view (SessionRescaleTests).
        #expect(statement("ALTER MATERIALIZED VIEW spend SET PARALLELISM = 0;")?.sql == "ALTER MATERIALIZED VIEW spend SET PARALLELISM = 0")
        #expect(statement("ALTER MATERIALIZED VIEW spend SET PARALLELISM = -3;")?.sql == "ALTER MATERIALIZED VIEW spend SET PARALLELISM = -3")
        #expect(message("ALTER SOURCE clicks SET PARALLELISM = 2;") == "SET PARALLELISM applies to materialized views and sinks only")
        #expect(statement("alter sink crm set parallelism to 3;")?.sql == "ALTER SINK crm SET PARALLELISM = 3")
    }

    @Test func pauseAndResumePartitions() {
        let sql = "ALTER SOURCE clicks PAUSE PARTITION 0;"
        guard case .alterPartition(let source, let partition, let pause, let valueRange)? = statement(sql) else {
            Issue.record("not PAUSE PARTITION")
            return
        }
        #expect((source.name, partition, pause) == ("clicks", 0, true))
        #expect(text(valueRange, in: sql) == "0")
        #expect(statement("ALTER SOURCE clicks RESUME PARTITION 3;")?.sql == "ALTER SOURCE clicks RESUME PARTITION 3")
        #expect(message("ALTER SINK w PAUSE PARTITION 0;") == "PAUSE PARTITION applies to sources only")
        #expect(message("ALTER SOURCE clicks PAUSE PARTITION -1;") == "a partition number must be at least 0, found -1")
    }

    /// A sink reads a view, a source or a table: the error says all three.
    @Test func aSinkWithNothingAfterFrom() {
        #expect(rendered("CREATE SINK k FROM;") == """
            ERROR: expected a view, source or table name after FROM, found ';'
            LINE 1: CREATE SINK k FROM;
                                      ^
            """)
    }

    @Test func definitionErrors() {
        #expect(rendered("CREATE SOURCE s (a INT, a VARCHAR);") == """
            ERROR: column "a" specified more than once
            LINE 1: CREATE SOURCE s (a INT, a VARCHAR);
                                            ^
            HINT: give one of them another name
            """)
        #expect(rendered("CREATE SOURCE s (a INTT);") == """
            ERROR: unknown type 'INTT' for column 'a'
            LINE 1: CREATE SOURCE s (a INTT);
                                       ^^^^
            HINT: did you mean INT? types: INT, BIGINT, DOUBLE, VARCHAR, BOOLEAN
            """)
        #expect(rendered("CREATE SOURSE s (a INT);") == """
            ERROR: expected SOURCE, TABLE, MATERIALIZED VIEW or SINK after CREATE, found 'SOURSE'
            LINE 1: CREATE SOURSE s (a INT);
                           ^^^^^^
            HINT: did you mean SOURCE?
            """)
        #expect(message("CREATE VIEW v AS SELECT * FROM t;") == "plain views are not supported; use MATERIALIZED VIEW")
        #expect(message("CREATE SOURCE IF NOT EXISTS s (a INT);") == "IF NOT EXISTS is not supported")
        #expect(message("CREATE SOURCE s WITH (rate = 1);") == "expected '(' and the columns after the source name, found 'WITH'")
        #expect(message("CREATE SOURCE s (a INT) WITH ();") == "expected an option name, found ')'")
        #expect(message("CREATE SOURCE s (a INT) WITH (rate 5);") == "expected '=' after option 'rate', found '5'")
        #expect(rendered("CREATE SOURCE s (a INT) WITH (key_skew = zipf(1.1));") == """
            ERROR: the value of 'key_skew' must be quoted
            LINE 1: CREATE SOURCE s (a INT) WITH (key_skew = zipf(1.1));
                                                             ^^^^^^^^^
            HINT: write key_skew = 'zipf(1.1)'
            """)
        #expect(message("CREATE SOURCE select (a INT);") == "expected a source name, found 'select'")
        #expect(message("CREATE TABLE t (a INT, PRIMARY KEY (b));") == "column \"b\" named in PRIMARY KEY is not defined")
        #expect(message("DROP SINK w CASCADE;") == "DROP ... CASCADE is not supported")
        #expect(message("CREATE OR REPLACE MATERIALIZED VIEW v AS SELECT * FROM t;") == "CREATE OR REPLACE is not supported")
        #expect(message("CREATE MATERIALISED VIEW v AS SELECT * FROM t;")
                == "expected SOURCE, TABLE, MATERIALIZED VIEW or SINK after CREATE, found 'MATERIALISED'")
        #expect(parseError("CREATE MATERIALISED VIEW v AS SELECT * FROM t;")?.hint == "did you mean MATERIALIZED VIEW?")
        #expect(message("ALTER SOURCE clicks SET PARALELISM = 2;") == "expected '(' or PARALLELISM after SET, found 'PARALELISM'")
    }

    /// PostgreSQL: `multiple primary keys for table "t" are not allowed`, at the second one.
    @Test func aSecondPrimaryKeyIsAnError() {
        #expect(rendered("CREATE TABLE t (k INT PRIMARY KEY, k2 INT PRIMARY KEY) WITH (rows=3);") == """
            ERROR: multiple primary keys for table "t" are not allowed
            LINE 1: CREATE TABLE t (k INT PRIMARY KEY, k2 INT PRIMARY KEY) WITH (rows=3);
                                                              ^^^^^^^^^^^
            HINT: a primary key of several columns is one constraint: PRIMARY KEY (a, b)
            """)
        let constraint = "CREATE TABLE t (k INT PRIMARY KEY, k2 INT, PRIMARY KEY (k2));"
        #expect(text(parseError(constraint)?.range, in: constraint) == "PRIMARY KEY")
        #expect(parseError(constraint)?.range?.start == "CREATE TABLE t (k INT PRIMARY KEY, k2 INT, ".utf8.count, "the second one")
        #expect(message("CREATE TABLE t (a INT, b INT, PRIMARY KEY (a), PRIMARY KEY (b));")
                == "multiple primary keys for table \"t\" are not allowed")
        #expect(message("CREATE SOURCE s (a INT PRIMARY KEY PRIMARY KEY);") == "multiple primary keys for source \"s\" are not allowed")
        // One key, inline or as one constraint of several columns, is fine.
        #expect(statement("CREATE TABLE t (a INT PRIMARY KEY NOT NULL, b INT);") != nil)
        #expect(statement("CREATE TABLE t (a INT, b INT, PRIMARY KEY (a, b));") != nil)
    }
}
