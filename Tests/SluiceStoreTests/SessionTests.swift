// Sessions: create, list with counts and ordering, rename, delete, duplicate names.
import Foundation
import Testing
@testable import SluiceStore

@Suite struct SessionTests {
    @Test func createReturnsTheStoredHeader() throws {
        let dir = ScratchDirectory()
        let clock = TestClock("2025-06-01T09:30:00Z")
        let store = try SessionStore(path: dir.file("s.sqlite"), options: clock.options)
        let info = try store.createSession(name: "credit-vs-tcp", engineVersion: "0.3.1", seed: 42,
                                           settings: #"{"flow_control":"tcp"}"#)
        #expect(info == SessionInfo(id: 1, name: "credit-vs-tcp", created: "2025-06-01T09:30:00.000Z",
                                    updated: "2025-06-01T09:30:00.000Z", engineVersion: "0.3.1", seed: 42,
                                    settings: #"{"flow_control":"tcp"}"#, cellCount: 0))
        #expect(try store.session(named: "credit-vs-tcp") == info)
        #expect(try store.session(id: info.id) == info)
        #expect(try store.session(named: "other") == nil)
    }

    @Test func seedsKeepAllSixtyFourBits() throws {
        let dir = ScratchDirectory()
        let store = try SessionStore(path: dir.file("s.sqlite"))
        let big = try store.createSession(name: "big", engineVersion: "1", seed: UInt64.max - 6)
        #expect(try store.session(named: "big")?.seed == UInt64.max - 6)
        #expect(big.seed == UInt64.max - 6)
    }

    @Test func sessionsAreListedNewestFirstWithCellCounts() throws {
        let dir = ScratchDirectory()
        let clock = TestClock()
        let store = try SessionStore(path: dir.file("s.sqlite"), options: clock.options)
        let a = try store.createSession(name: "alpha", engineVersion: "1", seed: 1)
        let b = try store.createSession(name: "beta", engineVersion: "1", seed: 2)
        let c = try store.createSession(name: "gamma", engineVersion: "1", seed: 3)
        // Same `updated` for all three: ordered by name.
        #expect(try store.sessions().map(\.name) == ["alpha", "beta", "gamma"])
        clock.advance(by: 1)
        try store.appendCell(sessionID: b.id, cell: sampleCell(1))
        try store.appendCell(sessionID: b.id, cell: sampleCell(2))
        clock.advance(by: 1)
        try store.appendCell(sessionID: a.id, cell: sampleCell(1))
        let listed = try store.sessions()
        #expect(listed.map(\.name) == ["alpha", "beta", "gamma"])
        #expect(listed.map(\.cellCount) == [1, 2, 0])
        #expect(listed.map(\.updated) == ["2025-06-01T09:30:02.000Z", "2025-06-01T09:30:01.000Z", "2025-06-01T09:30:00.000Z"])
        #expect(listed.map(\.created) == Array(repeating: "2025-06-01T09:30:00.000Z", count: 3))
        clock.advance(by: 1)
        try store.appendCell(sessionID: c.id, cell: sampleCell(1))
        #expect(try store.sessions().map(\.name) == ["gamma", "alpha", "beta"])
    }

    @Test func duplicateNamesAreRefused() throws {
        let dir = ScratchDirectory()
        let store = try SessionStore(path: dir.file("s.sqlite"))
        try store.createSession(name: "demo", engineVersion: "1", seed: 1)
        expectStoreError(.duplicateSessionName("demo")) {
            try store.createSession(name: "demo", engineVersion: "2", seed: 2)
        }
        #expect(try store.sessions().count == 1)
        #expect(try store.session(named: "demo")?.engineVersion == "1")
        // Names are compared exactly.
        try store.createSession(name: "Demo", engineVersion: "1", seed: 1)
        #expect(StoreError.duplicateSessionName("demo").description
                == "a session named 'demo' already exists. choose another name, or delete the existing session first: .delete demo in the shell, sluice delete demo from the command line")
        #expect(StoreError.duplicateSessionName("my lesson").hint.hasSuffix(": .delete 'my lesson' in the shell, sluice delete 'my lesson' from the command line"))
        #expect(StoreError.duplicateSessionName("Ada's").hint.hasSuffix(#": .delete "Ada's" in the shell, sluice delete "Ada's" from the command line"#))
    }

    @Test func emptyNamesAreRefused() throws {
        let dir = ScratchDirectory()
        let store = try SessionStore(path: dir.file("s.sqlite"))
        expectStoreError(.invalidArgument("a session name cannot be empty")) {
            try store.createSession(name: "", engineVersion: "1", seed: 1)
        }
        // Names typed after .open and sluice replay: none reads as an option or drives the terminal.
        expectStoreError(.invalidArgument("a session name cannot start with '-': --step would read as an option")) {
            try store.createSession(name: "--step", engineVersion: "1", seed: 1)
        }
        expectStoreError(.invalidArgument("a session name cannot contain control characters")) {
            try store.createSession(name: "a\u{1B}[2J", engineVersion: "1", seed: 1)
        }
        expectStoreError(.invalidArgument("a session name has at most 128 characters, not 129")) {
            try store.createSession(name: String(repeating: "x", count: 129), engineVersion: "1", seed: 1)
        }
        let a = try store.createSession(name: "a-b", engineVersion: "1", seed: 1)
        expectStoreError(.invalidArgument("a session name cannot start with '-': -a would read as an option")) {
            try store.renameSession(id: a.id, to: "-a")
        }
    }

    @Test func renameKeepsCellsAndRefusesTakenNames() throws {
        let dir = ScratchDirectory()
        let clock = TestClock()
        let store = try SessionStore(path: dir.file("s.sqlite"), options: clock.options)
        let a = try store.createSession(name: "a", engineVersion: "1", seed: 1)
        try store.createSession(name: "b", engineVersion: "1", seed: 1)
        try store.appendCell(sessionID: a.id, cell: sampleCell(1))
        clock.advance(by: 5)
        let renamed = try store.renameSession(id: a.id, to: "lesson-1")
        #expect(renamed.name == "lesson-1")
        #expect(renamed.updated == "2025-06-01T09:30:05.000Z")
        #expect(renamed.cellCount == 1)
        #expect(try store.session(named: "a") == nil)
        #expect(try store.session(named: "lesson-1") == renamed)
        #expect(try store.cells(sessionID: a.id).count == 1)
        expectStoreError(.duplicateSessionName("b")) { try store.renameSession(id: a.id, to: "b") }
        // Renaming to its own name is allowed.
        try store.renameSession(id: a.id, to: "lesson-1")
        expectStoreError(.sessionIDNotFound(99)) { try store.renameSession(id: 99, to: "x") }
    }

    @Test func deleteRemovesCellsAndChartsAndDoesNotReuseIDs() throws {
        let dir = ScratchDirectory()
        let store = try SessionStore(path: dir.file("s.sqlite"))
        let a = try store.createSession(name: "a", engineVersion: "1", seed: 1)
        try store.appendCell(sessionID: a.id, cell: sampleCell(1, plot: true))
        let deleted = try store.deleteSession(named: "a")
        #expect(deleted.name == "a" && deleted.id == a.id && deleted.cellCount == 1)
        #expect(try store.sessions().isEmpty)
        let counts = try store.dbQueue.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM cell"), try Int.fetchOne(db, sql: "SELECT count(*) FROM chart"))
        }
        #expect(counts.0 == 0 && counts.1 == 0)
        expectStoreError(.sessionNotFound("a")) { try store.deleteSession(named: "a") }
        let again = try store.createSession(name: "a", engineVersion: "1", seed: 1)
        #expect(again.id != a.id)
        expectStoreError(.sessionIDNotFound(a.id)) { try store.appendCell(sessionID: a.id, cell: sampleCell(1)) }
    }
}
