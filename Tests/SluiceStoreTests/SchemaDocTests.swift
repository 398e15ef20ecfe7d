// SCHEMA.md stays true: every column of the real schema is documented, and its
// example queries run with the sqlite3 client against a real store.
import Foundation
import GRDB
import Testing
@testable import SluiceStore

@Suite struct SchemaDocTests {
    /// SCHEMA.md, found from this file's path.
    private var schemaDoc: String {
        let here = URL(fileURLWithPath: #filePath)
        let doc = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/SluiceStore/SCHEMA.md")
        return (try? String(contentsOf: doc, encoding: .utf8)) ?? ""
    }

    @Test func everyColumnIsDocumented() throws {
        let doc = schemaDoc
        #expect(!doc.isEmpty)
        let dir = ScratchDirectory()
        let store = try SessionStore(path: dir.file("s.sqlite"))
        // The writer table appears with the first claim, cell.stop_events with the first cancelled cell.
        let session = try store.createSession(name: "s", engineVersion: "1", seed: 1, writer: SessionWriter.thisProcess())
        try store.appendCell(sessionID: session.id, cell: CellRecord(input: "RUN 1h;", output: "", status: .cancelled, stopEvents: 1))
        for table in ["meta", "session", "cell", "chart", "writer"] {
            #expect(doc.contains("**`\(table)`**"), "table \(table) is not documented")
            let columns = try store.dbQueue.read { db in try db.columns(in: table).map(\.name) }
            for column in columns {
                #expect(doc.contains("`\(column)`"), "column \(table).\(column) is not documented")
            }
        }
        #expect(doc.contains("schema version \(SessionStore.currentSchemaVersion)"))
        #expect(doc.contains(SessionStore.formatMarker))
    }

    @Test(.enabled(if: sqlite3Available)) func exampleQueriesRun() throws {
        let dir = ScratchDirectory()
        let path = dir.file("sessions.sqlite")
        try makeStore(at: path, cellCount: 3, name: "credit-vs-tcp")
        let examples = schemaDoc.matches(of: /sqlite3 (?:-header -column )?~\/\.local\/share\/sluice\/sessions\.sqlite \\\n  "([^"]+)"/)
            .map { String($0.1) }
        #expect(examples.count == 2)
        let first = try sqlite3(path, examples[0] + ";\n")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "1|STEP 100ms;\n2|STEP 200ms;\n3|STEP 300ms;\n")
        let second = try sqlite3(path, examples[1] + ";\n")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("credit-vs-tcp|"))
        #expect(second.stdout.hasSuffix("|3|0|0.300s\n"))
    }
}
