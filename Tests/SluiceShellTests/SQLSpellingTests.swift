import Testing
@testable import SluiceShell

/// What a PostgreSQL or DuckDB user writes: an alias hides its table's name, numbers may
/// start or end with a dot, NUMERIC takes a precision, and the spellings Sluice does not
/// take (FETCH FIRST, SHOW CREATE, a join of INT to DOUBLE) say what to write instead.
@Suite("SQL spellings")
struct SQLSpellingTests {
    static let setup = """
        CREATE SOURCE s (k INT, d DOUBLE) WITH (rate = 100, keys = 5);
        CREATE TABLE t (k INT PRIMARY KEY, d DOUBLE) WITH (rows = 5);
        """

    /// `FROM s JOIN s x`: `s` is the unaliased side, `x` the other (it was refused as ambiguous).
    @Test func aSelfJoinWithOneSideAliased() {
        let s = session(Self.setup)
        #expect(s.run("CREATE MATERIALIZED VIEW v AS SELECT s.k, x.d AS d2 FROM s JOIN s x ON s.k = x.k;")
                == "CREATE MATERIALIZED VIEW (3 fragments, 3 actors)\n")
    }

    /// Once aliased, a table answers to its alias only, as in PostgreSQL.
    @Test func anAliasHidesItsTablesName() {
        let s = session(Self.setup)
        #expect(s.run("SELECT t.k FROM t x;") == """
            ERROR: invalid reference to FROM-clause entry for table "t"
            LINE 1: SELECT t.k FROM t x;
                           ^
            HINT: an alias hides its table's name: x.k

            """)
        #expect(s.run("CREATE MATERIALIZED VIEW j AS SELECT s.* FROM s x JOIN t ON x.k = t.k;").contains("HINT: an alias hides its table's name: x.*"))
        #expect(s.run("SHOW VIEWS;").contains("(0 rows)"))
    }

    /// A plan names a column by its relation when both sides have one of that name.
    @Test func explainQualifiesAnAmbiguousColumn() {
        let s = session(Self.setup)
        let plan = s.run("EXPLAIN CREATE MATERIALIZED VIEW x AS SELECT s.k, s.d - t.d AS diff FROM s JOIN t ON s.k = t.k WHERE s.d > t.d;")
        #expect(plan.contains("StreamFilter { predicate: s.d > t.d }"), "\(plan)")
        #expect(plan.contains("StreamProject { exprs: [s.k as k, s.d - t.d as diff] }"), "\(plan)")
    }

    @Test func numbersWithALeadingOrTrailingDot() {
        let s = session(Self.setup)
        #expect(s.run("SELECT .5 AS a, 5. AS b, -.25 AS c FROM t LIMIT 1;").contains("│ 0.50 │ 5.00 │ -0.25 │"))
        #expect(s.run("RUN .5s;") == "RUN 500ms: now 0.500s\n")
    }

    @Test func numericTakesAPrecisionAndAScale() {
        let s = session()
        #expect(s.run("CREATE SOURCE p (price NUMERIC(10, 2), name VARCHAR(20));") == "CREATE SOURCE\n")
        #expect(s.run("DESCRIBE p;").contains("│ price  │ DOUBLE  │"))
    }

    /// Actors are named `job.fragment.index`: a dot in a name would make `x.agg` both a
    /// fragment of `x` and the view `"x.agg"`.
    @Test func aNameWithADotIsRefused() {
        let s = session(Self.setup)
        #expect(s.run(#"CREATE MATERIALIZED VIEW "x.agg" AS SELECT k FROM s;"#) == #"""
            ERROR: a materialized view name cannot contain '.'
            LINE 1: CREATE MATERIALIZED VIEW "x.agg" AS SELECT k FROM s;
                                             ^^^^^^^
            HINT: its actors are named "x.agg".fragment.index: write x_agg

            """#)
    }

    @Test func spellingsNotTakenSayWhatToWrite() {
        let s = session(Self.setup)
        #expect(s.run("SELECT k FROM t FETCH FIRST 2 ROWS ONLY;") == """
            ERROR: FETCH FIRST is not supported
            LINE 1: SELECT k FROM t FETCH FIRST 2 ROWS ONLY;
                                    ^^^^^
            HINT: write LIMIT n

            """)
        #expect(s.run("SHOW CREATE MATERIALIZED VIEW v;").contains("HINT: DESCRIBE name shows an object's definition; EXPLAIN name its plan"))
        #expect(s.run("CREATE MATERIALIZED VIEW j AS SELECT s.k FROM s JOIN t ON s.k = t.d;")
            .contains("HINT: the hash join compares keys as stored: join a view that computes a DOUBLE key"))
    }
}
