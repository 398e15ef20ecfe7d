import Testing
@testable import SluiceShell
import SluiceEngine
import SluiceSQL

/// Names that a bare word cannot hold (reserved words, blanks, capitals) are accepted when
/// double-quoted, and wherever the shell prints them as SQL it quotes them again, as
/// PostgreSQL's quote_ident does, so that what it prints can be pasted back. SHOW SOURCES
/// printed `from INT, a b INT`.
@Suite("quoted names are printed as SQL")
struct QuotedNamesTests {
    static let setup = """
        CREATE SOURCE "select" ("from" INT, "a b" INT, "Up" VARCHAR, plain DOUBLE);
        CREATE MATERIALIZED VIEW "v w" AS SELECT "from", count(*) AS n FROM "select" GROUP BY "from";
        """

    /// The `columns` cell of SHOW SOURCES or SHOW TABLES, row by row.
    static func columnsCell(_ s: Session, _ kind: ShowKind) throws -> [String] {
        guard case .table(let table)? = try s.show(kind).first else { return [] }
        return table.rows.map { row in if case .text(let text) = row[2] { text } else { "" } }
    }

    @Test func showSourcesQuotesColumnNamesAndTheyPasteBack() throws {
        let s = session(Self.setup + "CREATE TABLE t (x INT, \"Y\" INT) WITH (rows = 1);")
        let columns = try Self.columnsCell(s, .sources)
        #expect(columns == [#""from" INT, "a b" INT, "Up" VARCHAR, plain DOUBLE"#, #"x INT, "Y" INT"#])
        #expect(try Self.columnsCell(s, .tables) == [#"x INT, "Y" INT"#])
        // Pasted into CREATE SOURCE, the list makes the same columns.
        #expect(s.execute("CREATE SOURCE copy (\(columns[0]));").ok)
        #expect(s.engine.sourceSpec("copy")?.schema == s.engine.sourceSpec("select")?.schema)
    }

    @Test func describeWritesObjectNamesAsSQL() throws {
        let s = session(Self.setup)
        #expect(s.run(#"DESCRIBE "select";"#).contains(#"source "select": a log of 1 partition; "#))
        #expect(s.run(#"DESCRIBE "select";"#).contains(#"; read by "v w""#))
        #expect(s.run(#"DESCRIBE "v w";"#).contains(#"materialized view "v w": 2 fragments, 2 actors; reads "select""#))
    }

    /// The errors a user meets most name the object as they would write it.
    @Test func errorsWriteNamesAsSQL() throws {
        let s = session(Self.setup + #"CREATE TABLE "Users" (id INT) WITH (rows = 1); CREATE SINK "my sink" FROM "v w";"#)
        func error(_ cell: String) -> String { String(s.run(cell).split(separator: "\n").first ?? "") }
        #expect(error(#"SELECT * FROM "select";"#) == #"ERROR: "select" is a source: only materialized views and tables can be read ad hoc"#)
        #expect(error(#"SELECT * FROM "my sink";"#) == #"ERROR: "my sink" is a sink; a sink cannot be read"#)
        #expect(error(#"INJECT 1 INTO "Users";"#) == #"ERROR: "Users" is a table: INJECT appends to a source's log"#)
        #expect(error(#"DROP SOURCE "select";"#) == #"ERROR: cannot drop source "select" because other objects depend on it"#)
        #expect(error(#"INJECT 1 INTO "select" PARTITION 1;"#) == #"ERROR: source "select" has no partition 1"#)
        #expect(error(#"ALTER SINK "my sink" SET (batch = 0);"#) == #"ERROR: invalid batch for sink "my sink": value 0 is out of range: expected 1 to 1000000"#)
        #expect(error(#"ALTER SOURCE "select" SET (partitions = 0);"#) == #"ERROR: source "select" has 1 partition: a partition count cannot be decreased"#)
        #expect(error(#"CREATE SOURCE "a b" (x INT) WITH (key = "Y");"#) == #"ERROR: source "a b" has no column "Y""#)
        #expect(error(#"CREATE SOURCE "a b" (x INT) WITH (rat = 1);"#) == #"ERROR: unknown option rat for source "a b""#)
        #expect(s.run(#"ALTER MATERIALIZED VIEW "v w" SET PARALLELISM = 0;"#).hasSuffix(
            #"HINT: "v w" runs at parallelism 1 now; DROP MATERIALIZED VIEW "v w" removes it"# + "\n"))
    }

    @Test func hintsWriteNamesAsSQL() throws {
        let s = session(Self.setup)
        #expect(s.run(#"DROP SOURCE "select";"#).hasSuffix("HINT: drop \"v w\" first\n"))
        #expect(s.run(#"CREATE SOURCE "v w" (a INT);"#).hasSuffix("HINT: choose another name, or DROP MATERIALIZED VIEW \"v w\" first\n"))
        #expect(s.run(#"DESCRIBE "V W";"#).hasSuffix("HINT: did you mean \"v w\"?\n"))
        #expect(s.run(#"INJECT 1 INTO "select" PARTITION 1;"#).hasSuffix("HINT: \"select\" has one partition: PARTITION 0\n"))
        #expect(s.run(#"ALTER MATERIALIZED VIEW "v w" SET (parallelism = 4);"#).hasSuffix(
            "HINT: ALTER MATERIALIZED VIEW \"v w\" SET PARALLELISM = 4\n"))
    }
}
