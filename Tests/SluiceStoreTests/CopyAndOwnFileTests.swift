// A session created with its cells (a copy or a fork), fork names, and the store's own files.
import Foundation
import Testing
@testable import SluiceStore

@Suite struct CopyAndOwnFileTests {
    @Test func aSessionIsCreatedWithItsCellsAtOnce() throws {
        let dir = ScratchDirectory()
        let store = try SessionStore(path: dir.file("s.sqlite"))
        let cells = (1...3).map { sampleCell($0, plot: $0 == 2) }
        let info = try store.createSession(name: "L1-2", engineVersion: "1", seed: 7, cells: cells)
        #expect(info.cellCount == 3)
        #expect(try store.session(named: "L1-2")?.cellCount == 3)
        #expect(try store.cells(sessionID: info.id) == cells.enumerated().map { i, c in var c = c; c.seq = i + 1; return c })
        // A taken name creates nothing, not even an empty session.
        #expect(storeError { try store.createSession(name: "L1-2", engineVersion: "1", seed: 7, cells: cells) } == .duplicateSessionName("L1-2"))
        #expect(try store.sessions().count == 1)
    }

    @Test func forkNamesCountUpFromTwo() throws {
        let dir = ScratchDirectory()
        let store = try SessionStore(path: dir.file("s.sqlite"))
        try store.createSession(name: "L1", engineVersion: "1", seed: 1)
        #expect(try store.unusedName(after: "L1") == "L1-2")
        try store.createSession(name: "L1-2", engineVersion: "1", seed: 1)
        try store.createSession(name: "L1-3", engineVersion: "1", seed: 1)
        #expect(try store.unusedName(after: "L1") == "L1-4")
    }

    @Test func theStoreKnowsItsOwnFiles() throws {
        let dir = ScratchDirectory()
        let path = dir.file("lesson.md")
        let store = try SessionStore(path: path)
        try FileManager.default.createSymbolicLink(atPath: dir.file("link.md"), withDestinationPath: path)
        #expect(store.isOwnFile(path))
        #expect(store.isOwnFile(dir.file("link.md")))
        #expect(store.isOwnFile(dir.file("./lesson.md")))
        for suffix in ["-wal", "-shm", "-journal"] { #expect(store.isOwnFile(path + suffix), "\(suffix)") }
        #expect(!store.isOwnFile(dir.file("other.md")))
        #expect(!store.isOwnFile(dir.file("lesson.md.html")))
    }
}
