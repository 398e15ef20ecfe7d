import Foundation
import Testing
@testable import SluiceShell
import SluiceEngine
import SluiceStore

/// A cell the store cannot take is never lost silently, and a saved session never gets a
/// hole: the shell says at once (a warning on stderr after the cell's output) that the cell
/// was not saved and why, stops recording, and `.save NAME` saves the whole notebook again.
/// (The error used to be kept for "the next dot-command", which never read it, and later
/// cells were appended after the missing one, so the session no longer replayed.)
@Suite("notebook: a cell that cannot be saved", .enabled(if: hasSQLite3CLI))
struct NotebookSaveFailureTests {
    static let cells = NotebookTests.cells

    /// A session whose store gives up on a lock after 0.2 s.
    func notebookSession(_ path: String) -> Session {
        let s = session()
        s.hooks.openStore = { try SessionStore(path: path, options: StoreOptions(busyTimeout: 0.2)) }
        return s
    }

    @Test func aLockedStoreStopsTheRecordingWithAWarningAndSaveSavesEverything() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let s = notebookSession(path)
        #expect(s.execute(Self.cells[0]).ok)
        #expect(s.run(".save demo") == "saved as demo (1 cell) in \(path)\n")
        #expect(s.execute(Self.cells[1]).ok)

        let lock = try WriteLock(path)
        let result = s.execute(Self.cells[2])
        let warning = "warning: cell 3 was not saved: \(path) is locked by another process (waited 0.2 s for its write lock); "
            + "recording stopped, and nothing more is added to demo (.save NAME saves the whole notebook, 3 cells, as a new session once the store is free)\n"
        #expect(result.output == "RUN 1s: now 1.000s\n" + warning)
        #expect(result.pieces.map(\.toStandardError) == [false, true], "the warning goes to stderr")
        #expect(!result.ok)
        #expect(result.recordedOutput == "RUN 1s: now 1.000s\n", "the warning is not part of the cell")
        lock.release()

        // Nothing more goes to demo: it keeps its first two cells, and still replays.
        #expect(s.run(Self.cells[3]) == "RUN 500ms: now 1.500s\n")
        #expect(try storedCells(path, "demo").map(\.input) == Array(Self.cells.prefix(2)))
        #expect(try verifiedReplay(path, "demo") == "verified: all 2 cells of demo match the recording\n")

        // Once the store is free, .save NAME saves every cell, and recording goes on there.
        #expect(s.run(".save again") == "saved as again (4 cells) in \(path)\n")
        #expect(s.execute(Self.cells[4]).ok)
        #expect(try storedCells(path, "again").map(\.input) == Self.cells)
        #expect(try verifiedReplay(path, "again") == "verified: all 5 cells of again match the recording\n")
    }

    /// An interactive shell records from its first cell: if that cell cannot be saved, the
    /// shell says so and records nothing until `.save`.
    @Test func theFirstAutomaticallyRecordedCellCannotBeSaved() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let s = session()
        s.notebook = Notebook(store: try SessionStore(path: path, options: StoreOptions(busyTimeout: 0.2)), autoRecord: true)
        let lock = try WriteLock(path)
        let result = s.execute(Self.cells[0])
        #expect(result.output == "CREATE SOURCE\nwarning: cell 1 was not saved: \(path) is locked by another process (waited 0.2 s for its write lock); "
                + "recording stopped (.save NAME saves the whole notebook, 1 cell, as a new session once the store is free)\n")
        lock.release()
        #expect(s.run(Self.cells[1]) == "CREATE MATERIALIZED VIEW (2 fragments, 2 actors)\n")
        let store = try SessionStore(path: path, options: StoreOptions(readOnly: true))
        #expect(try store.sessions().isEmpty)
        #expect(s.run(".save") == "saved as session-1 (2 cells) in \(path)\n")
        #expect(try storedCells(path, "session-1").map(\.input) == Array(Self.cells.prefix(2)))
    }
}

/// Another process (the sqlite3 client) holding the store's write lock: `BEGIN EXCLUSIVE`
/// until `release()`.
final class WriteLock {
    private let process = Process()
    private let input = Pipe()

    init(_ path: String) throws {
        let marker = path + ".locked"
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = ["-batch", path]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("BEGIN EXCLUSIVE;\nUPDATE meta SET value = value WHERE key = 'format';\n.shell touch '\(marker)'\n".utf8))
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: marker) && Date() < deadline { usleep(10_000) }
        try #require(FileManager.default.fileExists(atPath: marker), "sqlite3 did not take the lock")
        try FileManager.default.removeItem(atPath: marker)
    }

    func release() {
        guard process.isRunning else { return }
        input.fileHandleForWriting.write(Data("COMMIT;\n".utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit { release() }
}
