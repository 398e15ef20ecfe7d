import Testing
@testable import SluiceShell

/// An ad hoc aggregate over no rows answers as SQL does: one row, count 0, and NULL for
/// sum, avg, min and max and for any expression over them (a row of zeros could not be told
/// from real zeros). A materialized view of the same global aggregate holds no row until a
/// row arrives, as RisingWave's does.
@Suite struct EmptyAggregateTests {
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
}
