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
