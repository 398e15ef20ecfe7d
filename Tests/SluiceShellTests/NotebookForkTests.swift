import Foundation
import Testing
@testable import SluiceShell
import SluiceEngine
import SluiceStore

/// A session opened from the store is someone else's recording (a teacher's lesson): a
/// student's `.rewind`, `.edit` and `.save NAME` never change it; they continue in a copy.
/// A session started in the shell is the user's own and is rewritten in place.
@Suite("notebook: opened sessions are never rewritten")
struct NotebookForkTests {
    static let cells = NotebookTests.cells

    func notebookSession(_ path: String) -> Session {
        let s = session()
        s.hooks.openStore = { try SessionStore(path: path) }
        s.hooks.storePath = path
        return s
    }

    func stored(_ path: String, _ name: String) throws -> [CellRecord]? {
        let store = try SessionStore(path: path, options: StoreOptions(readOnly: true))
        guard let info = try store.session(named: name) else { return nil }
        return try store.cells(sessionID: info.id)
    }

    /// A student's shell that opened the teacher's lesson L1, in a new store in `dir`: the
    /// store's path, the lesson's cells as saved, and the shell.
    func studentOfL1(in dir: TemporaryDirectory) throws -> (String, [CellRecord], Session) {
        let path = dir.path("store.sqlite")
        let original = try lesson(path)
        let student = notebookSession(path)
        #expect(student.execute(".open L1").ok)
        return (path, original, student)
    }

    /// The teacher's lesson, saved as L1.
    func lesson(_ path: String) throws -> [CellRecord] {
        let teacher = notebookSession(path)
        for cell in Self.cells { #expect(teacher.execute(cell).ok) }
        #expect(teacher.execute(".save L1").ok)
        return try #require(try stored(path, "L1"))
    }

    @Test func rewindOfAnOpenedSessionForksItAndLeavesTheOriginal() throws {
        let dir = try TemporaryDirectory()
        let (path, original, student) = try studentOfL1(in: dir)
        #expect(student.run(".rewind 3") == """
            rewound to the state after cell 3
            L1 keeps its 5 cells (a session opened from the store is never rewritten); continuing in L1-2 (3 cells)

            """)
        #expect(try stored(path, "L1") == original)
        #expect(try stored(path, "L1-2")?.map(\.input) == Array(Self.cells.prefix(3)))
        // The fork is the student's own now: new cells and later rewinds go to it.
        #expect(student.execute("RUN 2s;").ok)
        #expect(try stored(path, "L1-2")?.map(\.input) == Array(Self.cells.prefix(3)) + ["RUN 2s;"])
        // Rewinding one's own session says which cells it loses.
        #expect(student.run(".rewind 2") == "rewound to the state after cell 2\ncells 3 to 4 were removed from L1-2, which now holds 2 cells\n")
        #expect(try stored(path, "L1-2")?.map(\.input) == Array(Self.cells.prefix(2)))
        #expect(try stored(path, "L1") == original)
        // A second student's fork gets the next free name.
        let other = notebookSession(path)
        #expect(other.execute(".open L1").ok)
        #expect(other.run(".rewind 1").hasSuffix("continuing in L1-3 (1 cell)\n"))
    }

    @Test func rewindToZeroKeepsTheSavedSessionAndDetaches() throws {
        let dir = try TemporaryDirectory()
        let (path, original, student) = try studentOfL1(in: dir)
        #expect(student.run(".rewind 0") == """
            rewound to the start, before cell 1
            L1 is unchanged; new cells are not added to it (.save NAME saves them)

            """)
        #expect(student.engine.now == 0)
        #expect(student.execute("RUN 1s;").ok)
        #expect(try stored(path, "L1") == original)
        #expect(student.run(".save mine") == "saved as mine (1 cell) in \(path)\n")
        #expect(try stored(path, "mine")?.map(\.input) == ["RUN 1s;"])

        // The user's own saved session is not emptied by .rewind 0 either.
        let own = notebookSession(path)
        for cell in Self.cells.prefix(2) { own.execute(cell) }
        #expect(own.execute(".save own").ok)
        #expect(own.run(".rewind 0").hasSuffix("own is unchanged; new cells are not added to it (.save NAME saves them)\n"))
        #expect(try stored(path, "own")?.count == 2)
    }

    @Test func editOfAnOpenedSessionForksIt() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let original = try lesson(path)
        let student = notebookSession(path)
        student.hooks.edit = { _ in "RUN 2s;" }
        #expect(student.execute(".open L1").ok)
        let output = student.run(".edit 3")
        #expect(output.hasPrefix("cell 3 edited; re-executed cells 3 to 5 on a fresh engine\n"))
        #expect(output.hasSuffix("L1 keeps its 5 cells (a session opened from the store is never rewritten); continuing in L1-2 (5 cells)\n"))
        #expect(try stored(path, "L1") == original)
        #expect(try stored(path, "L1-2")?.map(\.input) == Array(Self.cells.prefix(2)) + ["RUN 2s;"] + Array(Self.cells.suffix(2)))
    }

    @Test func saveAsOfAnOpenedSessionSavesACopy() throws {
        let dir = try TemporaryDirectory()
        let (path, original, student) = try studentOfL1(in: dir)
        #expect(student.run(".save L2") == "saved a copy of L1 as L2 (5 cells) in \(path); L1 is unchanged, new cells go to L2\n")
        #expect(student.execute("RUN 1s;").ok)
        #expect(try stored(path, "L1") == original)
        #expect(try stored(path, "L2")?.map(\.input) == Self.cells + ["RUN 1s;"])
        // Saving an opened session under its own name changes nothing.
        let again = notebookSession(path)
        #expect(again.execute(".open L1").ok)
        #expect(again.run(".save L1") == "saved as L1 (5 cells) in \(path)\n")
        #expect(try stored(path, "L1") == original)
    }

    /// `.save` after `.rewind` reports the cells the store holds now (it said 9 for 6).
    @Test func saveCountsTheCellsTheStoreHolds() throws {
        let dir = try TemporaryDirectory()
        let (path, _, student) = try studentOfL1(in: dir)
        #expect(student.execute(".rewind 4").ok)
        #expect(student.run(".save") == "saved as L1-2 (4 cells) in \(path)\n")
        let own = notebookSession(path)
        for cell in Self.cells { own.execute(cell) }
        #expect(own.execute(".save own").ok)
        #expect(own.execute(".rewind 1").ok)
        #expect(own.run(".save") == "saved as own (1 cell) in \(path)\n")
    }

    // MARK: Quoting

    @Test func dotCommandArgumentsHonourQuotes() throws {
        #expect(Session.dotWords(#".save "my lesson""#) == [".save", "my lesson"])
        #expect(Session.dotWords(".save 'it is' x") == [".save", "it is", "x"])
        #expect(Session.dotWords(".save ''") == [".save", ""])
        #expect(Session.dotWords(#".save "my"#) == nil)
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let s = notebookSession(path)
        s.execute(Self.cells[0])
        #expect(s.run(#".save "my lesson""#) == "saved as 'my lesson' (1 cell) in \(path)\n")
        #expect(s.run(".save a b") == "ERROR: .save takes one name; quote a name with spaces\nHINT: .save 'my name'\n")
        #expect(s.run(".save 'a") == "ERROR: unterminated quote in .save\nHINT: close the quote: .save 'my lesson'\n")
        #expect(try stored(path, "my lesson")?.count == 1)
        #expect(try stored(path, "a") == nil)
        let student = notebookSession(path)
        #expect(student.run(".open 'my lesson'").hasPrefix("opened 'my lesson': 1 cell re-executed"))
        #expect(student.run(#".replay "my lesson" --verify"#).hasSuffix("verified: the 1 cell of 'my lesson' matches the recording\n"))
        #expect(student.run(".replay my lesson") == "ERROR: .replay takes one name; quote a name with spaces\nHINT: .replay 'my name' --verify\n")
        #expect(student.run(".replay L1 --fast") == "ERROR: unknown option --fast\nHINT: usage: .replay NAME [--step] [--verify]\n")
        let sql = try dir.write("my file.sql", "RUN 1s;\n")
        #expect(student.run(".read '\(sql)'") == "RUN 1s: now 1.000s\n")
        #expect(student.run(".read my file.sql") == "ERROR: .read takes one file; quote a file with spaces\nHINT: .read 'my file'\n")
        let md = dir.path("my notes.md")
        #expect(student.run(".export '\(md)'").hasPrefix("exported "))
        #expect(FileManager.default.fileExists(atPath: md))
    }

    /// The in-shell export's header is the session as the store has it now, as `sluice
    /// export` shows it: its cells and its last update, not those of when it was opened.
    @Test func exportInTheShellShowsTheSessionAsStored() throws {
        let dir = try TemporaryDirectory()
        let (path, _, student) = try studentOfL1(in: dir)
        #expect(student.execute("SHOW seed;").ok)
        let store = try SessionStore(path: path, options: StoreOptions(readOnly: true))
        let info = try #require(try store.session(named: "L1"))
        #expect(info.cellCount == 6)
        let md = dir.path("L1.md")
        #expect(student.run(".export \(md)").hasPrefix("exported 6 cells"))
        let text = try String(contentsOfFile: md, encoding: .utf8)
        #expect(text.contains("6 cells") && text.contains("updated \(info.updated)"), "\(text.prefix(400))")
    }

    // MARK: The store itself

    @Test func exportNeverWritesOverTheStore() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.md")
        _ = try lesson(path)
        let before = try #require(bytes(path))
        let s = notebookSession(path)
        s.execute(Self.cells[0])
        #expect(s.run(".export \(path)") == "ERROR: cannot export to \(path): it is the session store itself\nHINT: export to another file; the store was not changed\n")
        try FileManager.default.createSymbolicLink(atPath: dir.path("link.md"), withDestinationPath: path)
        #expect(!s.execute(".export \(dir.path("link.md"))").ok)
        #expect(bytes(path) == before)
    }

    /// A read-only store (a lesson file shared with chmod 444) is listed, opened and replayed.
    @Test func aReadOnlyStoreIsOpenedAndReplayedButNotWritten() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let original = try lesson(path)
        chmod(path, 0o444)
        let before = try #require(bytes(path))
        let s = session()
        s.hooks.openStore = { try SessionStore(path: path, options: StoreOptions(readOnly: true)) }
        #expect(s.run(".sessions").contains("│ L1   │     5 │"))
        #expect(s.run(".open L1") == "opened L1: 5 cells re-executed, now at 1.500s; the store is read-only, so new cells are not saved\n")
        #expect(s.execute("RUN 1s;").ok)
        #expect(s.run(".rewind 2").hasSuffix("L1 is unchanged: the store \(path) is read-only\n"))
        #expect(s.run(".replay L1 --verify").hasSuffix("verified: all 5 cells of L1 match the recording\n"))
        // .save says why it cannot write, as opening the store for writing does.
        #expect(s.run(".save x").hasPrefix("ERROR: cannot write the session store \(path): the file is not writable\n"))
        #expect(bytes(path) == before)
        #expect(try stored(path, "L1") == original)
    }
}

/// One damaged row makes the whole store damaged, for every command alike: `.sessions` says
/// so (it listed nothing, with success), and `.save` and `.delete` write nothing.
@Suite("a damaged store, every command alike")
struct DamagedStoreCommandTests {
    @Test func everyCommandRefusesItAndTheFileStaysAsItWas() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        func shell() -> Session {
            let s = session()
            s.hooks.openStore = { try SessionStore(path: path) }
            s.hooks.storePath = path
            return s
        }
        let teacher = shell()
        for cell in ["SET seed = 3;", ".save lesson", ".rewind 0"] { #expect(teacher.execute(cell).ok, "\(cell)") }
        let other = shell()
        #expect(other.execute("SET seed = 4;").ok && other.execute(".save other").ok)
        _ = try sqlite3(path, "PRAGMA ignore_check_constraints = ON; UPDATE session SET seed = 'x' WHERE name = 'lesson';")
        let before = bytes(path)
        let student = shell()
        for cell in [".sessions", ".delete other", ".open other"] {
            let result = student.execute(cell)
            #expect(!result.ok, "\(cell)")
            #expect(result.output.hasPrefix("ERROR: \(path) is truncated or damaged: session lesson has an unreadable seed"), "\(cell): \(result.output)")
        }
        #expect(bytes(path) == before)
    }
}
