import Foundation
import Testing
@testable import SluiceShell
import SluiceEngine
import SluiceStore

/// The notebook through the session: `.save`, `.sessions`, `.cells`, `.rewind`, `.rerun`,
/// `.open`, `.export`, replay and verify, and a store that cannot be opened.
@Suite("notebook")
struct NotebookTests {
    static let cells = [
        "CREATE SOURCE s (a INT, amount DOUBLE) WITH (rate = 100, keys = 5);",
        "CREATE MATERIALIZED VIEW v AS SELECT a, count(*) AS n FROM s GROUP BY a;",
        "RUN 1s;",
        "RUN 500ms;",
        "SELECT * FROM v ORDER BY a;",
    ]

    /// A session whose store is `path`, opened on first use as the executable does.

    func storedCells(_ path: String, _ name: String) throws -> [CellRecord] {
        let store = try SessionStore(path: path, options: StoreOptions(readOnly: true))
        let info = try #require(try store.session(named: name))
        return try store.cells(sessionID: info.id)
    }

    // MARK: .save, .sessions, .cells

    @Test func saveRecordsEveryCellSoFarAndEveryCellAfter() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let s = notebookSession(path)
        for cell in Self.cells.prefix(3) { #expect(s.execute(cell).ok) }
        #expect(s.run(".save demo") == "saved as demo (3 cells) in \(path)\n")
        for cell in Self.cells.dropFirst(3) { #expect(s.execute(cell).ok) }
        let stored = try storedCells(path, "demo")
        #expect(stored.map(\.input) == Self.cells)
        #expect(stored.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(stored.map(\.status) == Array(repeating: .ok, count: 5))
        #expect(stored.map(\.virtualTimeAfter) == [0, 0, 1_000_000_000, 1_500_000_000, 1_500_000_000])
        #expect(stored.last?.output == s.history.last?.output)

        // `.save` again under another name renames the session.
        #expect(s.run(".save lesson") == "saved as lesson (5 cells) in \(path), renamed from demo\n")
        let sessions = s.run(".sessions")
        #expect(sessions.contains("│ lesson │     5 │"))
        #expect(!sessions.contains("demo"))
        #expect(sessions.contains("│ \(Engine.version) "))
    }

    @Test func failedCellsAreRecordedWithTheirError() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let s = notebookSession(path)
        #expect(s.run(".save demo") == "saved as demo (0 cells) in \(path)\n")
        s.execute("SELECT * FROM nowhere;")
        let stored = try storedCells(path, "demo")
        #expect(stored.count == 1)
        #expect(stored.first?.status == .error)
        #expect(stored.first?.error == "ERROR: relation \"nowhere\" does not exist")
    }

    @Test func cellsListsInputStatusAndVirtualTimes() {
        let s = session()
        for cell in Self.cells { s.execute(cell) }
        s.execute("SELECT * FROM nowhere;")
        #expect(s.run(".cells") == """
            ┌──────┬──────────────────────────────────────────────────────────────┬────────┬────────┬────────┐
            │ cell │ input                                                        │ status │ from   │ to     │
            ├──────┼──────────────────────────────────────────────────────────────┼────────┼────────┼────────┤
            │    1 │ CREATE SOURCE s (a INT, amount DOUBLE) WITH (rate = 100, ... │ ok     │ 0.000s │ 0.000s │
            │    2 │ CREATE MATERIALIZED VIEW v AS SELECT a, count(*) AS n FRO... │ ok     │ 0.000s │ 0.000s │
            │    3 │ RUN 1s;                                                      │ ok     │ 0.000s │ 1.000s │
            │    4 │ RUN 500ms;                                                   │ ok     │ 1.000s │ 1.500s │
            │    5 │ SELECT * FROM v ORDER BY a;                                  │ ok     │ 1.500s │ 1.500s │
            │    6 │ SELECT * FROM nowhere;                                       │ error  │ 1.500s │ 1.500s │
            └──────┴──────────────────────────────────────────────────────────────┴────────┴────────┴────────┘
            (6 rows)

            """)
        // A cell of several lines shows its first, and "..." for the rest.
        s.execute("SHOW seed;\nSHOW nodes;")
        #expect(s.run(".cells").contains("│    7 │ SHOW seed; ...      "), "\(s.run(".cells"))")
        // A lesson's cell opens with comments: its first statement line shows.
        s.execute("-- Part 2: the same burst while the receiver is busy, so the blocking lasts.\n-- more\nSHOW nodes;")
        #expect(s.run(".cells").contains("│    8 │ SHOW nodes;         "), "\(s.run(".cells"))")
        s.execute("/* a block comment */ SHOW seed;")
        #expect(s.run(".cells").contains("│    9 │ SHOW seed;          "), "\(s.run(".cells"))")
        // .cells N shows one cell whole.
        #expect(s.run(".cells 1") == "cell 1: ok, 0.000s → 0.000s\n\n\(Self.cells[0].trimmingCharacters(in: .whitespacesAndNewlines))\n")
        #expect(s.run(".cells 10") == "ERROR: usage: .cells [N] (1 to 9)\n")
        // Other programs get every input whole.
        #expect(s.run(".mode json").hasPrefix("mode: json"))
        let json = s.run(".cells")
        #expect(json.contains(#""input":"CREATE SOURCE s (a INT, amount DOUBLE) WITH (rate = 100,"#) && !json.contains("..."), "\(json)")
        #expect(s.run(".cells 8").contains(#""input":"-- Part 2: the same burst while the receiver is busy, so the blocking lasts.\n-- more\nSHOW nodes;""#))
    }

    // MARK: .rewind and .rerun

    @Test(arguments: [(2, Int64(0)), (3, 1_000_000_000), (4, 1_500_000_000)])
    func rewindRebuildsTheEngineAsItWasAfterCellN(_ n: Int, _ now: Int64) throws {
        let s = session()
        for cell in Self.cells { s.execute(cell) }
        s.execute("RUN 2s;")
        let reference = session()
        for cell in Self.cells.prefix(n) { reference.execute(cell) }

        #expect(s.run(".rewind \(n)") == "rewound to the state after cell \(n)\n")
        #expect(s.engine.now == reference.engine.now)
        #expect(s.engine.now == now)
        #expect(s.cellCount == n)
        #expect(s.prompt == "sluice [\(n + 1)] \(VirtualTime.formatSeconds(now))> ")
        #expect(s.history.map(\.input) == Array(Self.cells.prefix(n)))
        for look in ["SELECT * FROM v ORDER BY a;", "SHOW ACTORS;", "SHOW QUEUES;", "SHOW LAG;", "SHOW LEDGER;"] {
            #expect(s.run(look) == reference.run(look), "\(look)")
        }
    }

    @Test func rewindToZeroIsAFreshEngine() {
        let s = session()
        for cell in Self.cells { s.execute(cell) }
        #expect(s.run(".rewind 0") == "rewound to the start, before cell 1\n")
        #expect(s.engine.now == 0)
        #expect(s.engine.sourceNames.isEmpty)
        #expect(s.prompt == "sluice [1] 0.000s> ")
    }

    @Test func rewindUpdatesTheSavedSession() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let s = notebookSession(path)
        for cell in Self.cells { s.execute(cell) }
        #expect(s.execute(".save demo").ok)
        #expect(s.execute(".rewind 2").ok)
        #expect(try storedCells(path, "demo").map(\.input) == Array(Self.cells.prefix(2)))
        s.execute("RUN 2s;")
        #expect(try storedCells(path, "demo").map(\.input) == Array(Self.cells.prefix(2)) + ["RUN 2s;"])
    }

    @Test func rerunRunsACellAgainAtTheCurrentState() {
        let s = session()
        for cell in Self.cells { s.execute(cell) }
        #expect(s.run(".rerun 3") == "re-ran cell 3 as cell 6\nRUN 1s: now 2.500s\n")
        #expect(s.cellCount == 6)
        #expect(s.history.last?.input == "RUN 1s;")
        #expect(s.engine.now == 2_500_000_000)
        #expect(s.run(".rerun 9") == "ERROR: usage: .rerun N (1 to 6)\n")
    }

    // MARK: .open

    @Test func openReExecutesASavedSession() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let teacher = notebookSession(path)
        for cell in Self.cells { teacher.execute(cell) }
        #expect(teacher.execute(".save demo").ok)
        teacher.close()              // its shell is gone: the session is free to follow

        let student = notebookSession(path)
        #expect(student.run(".open demo") == "opened demo: 5 cells re-executed, now at 1.500s; new cells are added to it; .rewind, .edit and .save NAME leave it unchanged and continue in a copy\n")
        #expect(student.engine.now == teacher.engine.now)
        #expect(student.run("SELECT * FROM v ORDER BY a;") == teacher.run("SELECT * FROM v ORDER BY a;"))
        #expect(student.run(".open dmeo") == "ERROR: no saved session named dmeo\nHINT: did you mean demo?\n")
    }

    // MARK: .export

    @Test func exportWritesMarkdownAndSelfContainedHTML() throws {
        let dir = try TemporaryDirectory()
        let s = session()
        for cell in Self.cells { s.execute(cell) }
        s.execute("PLOT lag(s), queue(v.agg.0) LAST 1s;")
        let md = dir.path("lesson.md"), html = dir.path("lesson.html")
        #expect(s.run(".export \(md)") == "exported 6 cells to \(md)\n")
        #expect(s.run(".export \(html)") == "exported 6 cells to \(html)\n")

        let markdown = try String(contentsOfFile: md, encoding: .utf8)
        #expect(markdown.hasPrefix("# Sluice session: unsaved session\n"))
        for cell in Self.cells { #expect(markdown.contains("```sql\n\(cell)\n```"), "\(cell)") }
        #expect(markdown.contains(s.history[4].output))

        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.lowercased().hasPrefix("<!doctype html>"))
        #expect(page.contains("<svg"), "the PLOT is drawn inline")
        let lower = page.lowercased()
        for forbidden in ["<script", "<link", "<iframe", "<img", "@import", "src=", "href=\"http", "url(http"] {
            #expect(!lower.contains(forbidden), "\(forbidden)")
        }
        let withoutNamespace = page.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        #expect(!withoutNamespace.contains("http"), "no link to the network")
        #expect(page.contains("RUN 500ms;"))
        // HTML-escaped: the arrow of an error, the < of an operator.
        #expect(!page.contains("<script"))
    }

    @Test func exportCannotWriteAMissingDirectory() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("missing/notes.md")
        let s = session()
        s.execute(Self.cells[0])
        let result = s.execute(".export \(path)")
        #expect(!result.ok)
        #expect(result.output.hasPrefix("ERROR: cannot write \(path): "))
    }

    // MARK: Replay and verify, in process

    @Test func replayVerifiesAnUntouchedSession() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let s = notebookSession(path)
        for cell in Self.cells { s.execute(cell) }
        #expect(s.execute(".save demo").ok)
        let report = try Replayer(store: SessionStore(path: path)).replay("demo", verify: true)
        #expect(report.ok)
        #expect(report.cells == 5)
        #expect(Renderer.render(report.blocks) == "verified: all 5 cells of demo match the recording\n")
        #expect(s.run(".replay demo --verify").hasSuffix("verified: all 5 cells of demo match the recording\n"))
    }

    /// What a cell records is the notebook's rendering, whatever the display: a session shown
    /// as csv, with the timer on, in colour, on a 150-column terminal replays byte for byte in
    /// a plain 80-column one (found by a fuzzed session: `.mode csv` made every later cell
    /// "differ" on replay, the wall-clock timer line was recorded, and SHOW GRAPH was
    /// recorded at the terminal's width and in its colours).
    @Test func whatACellRecordsDoesNotDependOnTheDisplay() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let s = notebookSession(path)
        s.options = RenderOptions(mode: .table, color: true, width: 150)
        for cell in [".mode csv", ".timer on"] { #expect(s.execute(cell).ok) }
        for cell in Self.cells + ["SHOW GRAPH;", "SHOW QUEUES;"] { #expect(s.execute(cell).ok) }
        let shown = s.execute("SHOW ACTORS;")
        #expect(shown.output.hasPrefix("actor,status,"), "the display is csv")
        #expect(shown.output.contains("Time: wall "), "the display has the timer")
        #expect(shown.recordedOutput.hasPrefix("┌"), "the recording is a box table")
        #expect(!shown.recordedOutput.contains("Time: wall "), "the recording has no wall-clock time")
        #expect(s.execute(".save shown").ok)
        let stored = try storedCells(path, "shown")
        #expect(!stored.contains { $0.output.contains("\u{1B}[") }, "no colour is recorded")
        let graph = try #require(stored.first { $0.input == "SHOW GRAPH;" })
        #expect(graph.output == Renderer.render([.graph(s.graph())], options: .notebook))
        let report = try Replayer(store: SessionStore(path: path)).replay("shown", verify: true)
        #expect(Renderer.render(report.blocks) == "verified: all 8 cells of shown match the recording\n")
    }

    // MARK: A store that cannot be opened

    /// Files that are not a usable store.
    enum Fault: String, CaseIterable, Sendable {
        case textFile, truncatedStore

        func make(in dir: TemporaryDirectory) throws -> String {
            switch self {
            case .textFile:
                return try dir.write("notes.txt", "these are my notes, not a database\n")
            case .truncatedStore:
                let path = dir.path("truncated.sqlite")
                let good = dir.path("good.sqlite")
                let store = try SessionStore(path: good)
                _ = try store.createSession(name: "x", engineVersion: "0.1.0", seed: 42, settings: "{}")
                try store.close()
                try Data(try #require(bytes(good)).prefix(3000)).write(to: URL(fileURLWithPath: path))
                return path
            }
        }

        func message(_ path: String) -> String {
            switch self {
            case .textFile:
                return "ERROR: \(path) is not a SQLite database: it does not start with the header \"SQLite format 3\"\nHINT: the file was not modified; choose another file with --db PATH or SLUICE_DB\n"
            case .truncatedStore:
                return "ERROR: \(path) is truncated or damaged: database disk image is malformed\nHINT: the file was not modified; restore it from a backup, or move it aside and start a new store ('sqlite3 \(path) .recover' may salvage cells)\n"
            }
        }
    }

    @Test(arguments: Fault.allCases)
    func saveToABadStoreReportsItAndTheSessionGoesOn(_ fault: Fault) throws {
        let dir = try TemporaryDirectory()
        let path = try fault.make(in: dir)
        let original = try #require(bytes(path))
        let s = notebookSession(path)
        s.execute(Self.cells[0])
        let result = s.execute(".save demo")
        #expect(!result.ok, "\(fault)")
        #expect(result.output == fault.message(path), "\(fault)")
        #expect(bytes(path) == original, "\(fault): the file was modified")
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
        // The session runs on, unsaved.
        #expect(s.execute(Self.cells[1]).ok)
        #expect(s.run(".save demo") == fault.message(path))
        #expect(s.cellCount == 2)
        #expect(bytes(path) == original)
    }
}
