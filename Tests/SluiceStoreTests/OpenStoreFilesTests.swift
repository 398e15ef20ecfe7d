// A second look at a store this process already has open must not drop the first
// connection's locks (POSIX locks belong to the process: closing any descriptor of the file
// releases them all).
import Foundation
import Testing
@testable import SluiceStore

@Suite struct OpenStoreFilesTests {
    @Test func aStoreOpenHereIsCountedUntilClosed() throws {
        let dir = ScratchDirectory()
        let path = dir.file("s.sqlite")
        let first = try SessionStore(path: path)
        let second = try SessionStore(path: path, options: StoreOptions(readOnly: true))
        #expect(OpenStoreFiles.contains(path))
        try second.close()
        #expect(OpenStoreFiles.contains(path), "the first connection is still open")
        try first.close()
        #expect(!OpenStoreFiles.contains(path))
    }

    /// The shell opens a store a second time (to say why it is read-only, to list it) while
    /// recording into it. If that look read the header through a descriptor of its own,
    /// closing it would leave the recording connection unlocked: the sqlite3 client, closing
    /// as the apparent last connection, would checkpoint and delete the WAL that connection
    /// still writes to.
    @Test(.enabled(if: sqlite3Available)) func aSecondLookKeepsTheFirstConnectionsLocks() throws {
        let dir = ScratchDirectory()
        let path = dir.file("s.sqlite")
        let store = try SessionStore(path: path)
        let session = try store.createSession(name: "rec", engineVersion: "1", seed: 1)
        try store.appendCell(sessionID: session.id, cell: CellRecord(input: "one", output: "1\n"))
        try SessionStore(path: path, options: StoreOptions(readOnly: true)).close()
        #expect(!SessionStore.isBlankDatabase(path: path))
        #expect(try sqlite3(path, "SELECT count(*) FROM cell;").stdout == "1\n")
        // The client closed as the last connection only if ours had lost its lock: it then
        // checkpoints and deletes the WAL the recording connection still has open.
        #expect(FileManager.default.fileExists(atPath: path + "-wal"), "the recording connection lost its lock")
        try store.appendCell(sessionID: session.id, cell: CellRecord(input: "two", output: "2\n"))
        try store.close()
        let reopened = try SessionStore(path: path)
        #expect(try reopened.cells(sessionID: session.id).map(\.input) == ["one", "two"])
    }
}
