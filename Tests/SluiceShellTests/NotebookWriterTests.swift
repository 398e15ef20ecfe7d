import Foundation
import Testing
@testable import SluiceShell
import SluiceEngine
import SluiceStore

/// One shell records into a session at a time. Two shells that `.open` one session used to
/// interleave their cells in it (A's `SET seed = 5`, then B's `SHOW seed`), so that it no
/// longer replayed and its cell numbers no longer matched either shell's. Now the second
/// shell continues in a copy; the claim lives in the store, and a killed shell's claim is
/// taken over.
@Suite("notebook: one shell records into a session")
struct NotebookWriterTests {
    static let cells = NotebookTests.cells

    /// A shell of its own: its own store connection, as another process would have.
    func shell(_ path: String) -> Session { notebookSession(path) }

    @Test func aSecondShellOpeningASessionBeingRecordedContinuesInACopy() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let a = shell(path)
        for cell in Self.cells { #expect(a.execute(cell).ok) }
        #expect(a.execute(".save lesson").ok)
        let writer = try #require(a.notebook?.writer)

        let b = shell(path)
        let opened = b.run(".open lesson")
        let lessonID = try #require(a.notebook?.current?.id)
        let since = try #require(try SessionStore(path: path).claim(onSession: lessonID)?.claimed)
        #expect(opened == "opened lesson: 5 cells re-executed, now at 1.500s; another sluice (\(writer.description)) has been recording "
                + "into it since \(since), so it is left to that shell and this one continues in a copy, lesson-2 (5 cells)\n")
        #expect(a.execute("SET seed = 5;").ok)
        #expect(b.execute("SHOW seed;").ok)

        #expect(try storedCells(path, "lesson").map(\.input) == Self.cells + ["SET seed = 5;"])
        #expect(try storedCells(path, "lesson-2").map(\.input) == Self.cells + ["SHOW seed;"])
        #expect(try storedCells(path, "lesson").map(\.seq) == Array(1...a.cellCount))
        #expect(try storedCells(path, "lesson-2").map(\.seq) == Array(1...b.cellCount))
        #expect(try verifiedReplay(path, "lesson") == "verified: all 6 cells of lesson match the recording\n")
        #expect(try verifiedReplay(path, "lesson-2") == "verified: all 6 cells of lesson-2 match the recording\n")

        // Once the first shell has closed, the session is free: the next one follows it.
        a.close()
        let c = shell(path)
        #expect(c.run(".open lesson").hasSuffix("new cells are added to it; .rewind, .edit and .save NAME leave it unchanged and continue in a copy\n"))
        #expect(c.execute("RUN 1s;").ok)
        #expect(try storedCells(path, "lesson").map(\.input) == Self.cells + ["SET seed = 5;", "RUN 1s;"])
        #expect(try verifiedReplay(path, "lesson") == "verified: all 7 cells of lesson match the recording\n")
    }

    /// Whatever the claims say, a cell is appended only to a session that holds exactly the
    /// cells this shell saved: one that another process changed is left alone.
    @Test func aSessionChangedByAnotherProcessIsNotAppendedTo() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let s = shell(path)
        #expect(s.execute(Self.cells[0]).ok)
        #expect(s.execute(".save demo").ok)
        let store = try SessionStore(path: path)
        let id = try #require(try store.session(named: "demo")).id
        try store.appendCell(sessionID: id, cell: CellRecord(input: "SHOW seed;", output: "(someone else's)\n"))
        let result = s.execute(Self.cells[1])
        #expect(result.output == "CREATE MATERIALIZED VIEW (2 fragments, 2 actors)\n"
                + "warning: cell 2 was not saved: session 'demo' was changed by another process: it holds 2 cells where this shell saved 1; "
                + "recording stopped, and nothing more is added to demo (.save NAME saves the whole notebook, 2 cells, as a new session)\n")
        #expect(try storedCells(path, "demo").map(\.input) == [Self.cells[0], "SHOW seed;"])
        #expect(s.execute(Self.cells[2]).ok)
        #expect(try storedCells(path, "demo").count == 2)
    }

    /// A shell killed with SIGKILL cannot release its claim: the next shell finds its process
    /// gone and takes the session over instead of forking it.
    @Test(.enabled(if: SluiceBinary.isBuilt, "build the sluice executable first"))
    func aKilledShellDoesNotLockItsSession() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("store.sqlite")
        let process = Process()
        process.executableURL = SluiceBinary.url
        process.arguments = ["--db", db]
        process.environment = ["NO_COLOR": "1", "HOME": dir.url.path, "SLUICE_HISTORY": dir.path("history")]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data((".save crash\n" + Self.cells.prefix(3).joined(separator: "\n") + "\nRUN 1h;\n").utf8))
        try input.fileHandleForWriting.close()

        // Wait until its three cells are saved and it is in the long RUN, then kill it.
        let deadline = Date().addingTimeInterval(20)
        var claim: WriterClaim?
        while Date() < deadline {
            if let store = try? SessionStore(path: db, options: StoreOptions(readOnly: true)),
               let info = try? store.session(named: "crash"), info.cellCount == 3 {
                claim = try? store.claim(onSession: info.id)
                break
            }
            usleep(20_000)
        }
        #expect(claim?.writer.pid == process.processIdentifier, "the shell claimed the session it records into")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        let next = shell(db)
        #expect(next.run(".open crash").hasPrefix("opened crash: 3 cells re-executed, now at 1.000s; new cells are added to it;"))
        #expect(next.execute("SHOW seed;").ok)
        #expect(try storedCells(db, "crash").map(\.input) == Array(Self.cells.prefix(3)) + ["SHOW seed;"])
        let crashID = try #require(next.notebook?.current?.id)
        #expect(try SessionStore(path: db).claim(onSession: crashID)?.writer == next.notebook?.writer)
        #expect(try SessionStore(path: db).sessions().map(\.name) == ["crash"], "no copy was made")
    }

    /// The executable releases its claims when it exits.
    @Test(.enabled(if: SluiceBinary.isBuilt, "build the sluice executable first"))
    func aShellThatExitsReleasesItsSession() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("store.sqlite")
        let run = try sluice(["--db", db, "-c", ".save demo", "-c", Self.cells[0]])
        #expect(run.status == 0)
        let store = try SessionStore(path: db)
        #expect(try store.claim(onSession: try #require(try store.session(named: "demo")).id) == nil)
    }
}
