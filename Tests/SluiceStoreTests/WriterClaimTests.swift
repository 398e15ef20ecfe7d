// Claims on sessions (the `writer` table): one live writer per session, checked by every
// write of cells; a writer that is gone is taken over.
import Foundation
import Testing
@testable import SluiceStore

@Suite struct WriterClaimTests {
    /// Another writer in this process (a second shell's notebook).
    func writer() -> SessionWriter { SessionWriter.thisProcess() }

    @Test func aSecondLiveWriterIsRefusedUntilTheFirstReleases() throws {
        let dir = ScratchDirectory()
        let clock = TestClock()
        let store = try SessionStore(path: dir.file("s.sqlite"), options: clock.options)
        let first = writer(), second = writer()
        let info = try store.createSession(name: "lesson", engineVersion: "1", seed: 1, writer: first)
        #expect(try store.claim(onSession: info.id)?.writer == first)
        #expect(try store.claim(onSession: info.id)?.claimed == "2025-06-01T09:30:00.000Z")

        let refused = storeError { try store.claimSession(id: info.id, for: second) }
        #expect(refused == .sessionInUse(name: "lesson", writer: first.description, since: "2025-06-01T09:30:00.000Z"))
        #expect(refused?.description == """
            another sluice (\(first.description)) is recording into session 'lesson' (since 2025-06-01T09:30:00.000Z). \
            close that shell first, or save this notebook under another name (.save NAME)
            """)
        // Nor may it write cells, appended or replaced.
        #expect(storeError { try store.appendCells(sessionID: info.id, after: 0, cells: [sampleCell(1)], writer: second) } == refused)
        #expect(storeError { try store.replaceCells(sessionID: info.id, from: 1, with: [sampleCell(1)], writer: second) } == refused)
        #expect(try store.cells(sessionID: info.id).isEmpty)

        // The holder writes, and renews its claim; releasing frees the session.
        clock.advance(by: 60)
        try store.appendCells(sessionID: info.id, after: 0, cells: [sampleCell(1)], writer: first)
        #expect(try store.claim(onSession: info.id)?.seen == "2025-06-01T09:31:00.000Z")
        #expect(try store.claim(onSession: info.id)?.claimed == "2025-06-01T09:30:00.000Z")
        try store.releaseSession(id: info.id, for: second)              // not its claim: nothing happens
        #expect(try store.claim(onSession: info.id)?.writer == first)
        try store.releaseSession(id: info.id, for: first)
        #expect(try store.claim(onSession: info.id) == nil)
        try store.claimSession(id: info.id, for: second)
        #expect(try store.claim(onSession: info.id)?.writer == second)
    }

    @Test func appendingChecksHowManyCellsTheWriterSaved() throws {
        let dir = ScratchDirectory()
        let store = try SessionStore(path: dir.file("s.sqlite"))
        let me = writer()
        let info = try store.createSession(name: "demo", engineVersion: "1", seed: 1, cells: [sampleCell(1)], writer: me)
        #expect(try store.appendCells(sessionID: info.id, after: 1, cells: [sampleCell(2), sampleCell(3)], writer: me).map(\.seq) == [2, 3])
        #expect(storeError { try store.appendCells(sessionID: info.id, after: 2, cells: [sampleCell(4)], writer: me) }
                == .sessionChanged(name: "demo", expected: 2, found: 3))
        #expect(try store.cells(sessionID: info.id).map(\.input) == [sampleCell(1), sampleCell(2), sampleCell(3)].map(\.input))
    }

    /// A claim whose process is gone (this process's pid with another start time stands for a
    /// pid the system gave to a new process; a pid that no longer exists; a claim from before
    /// the machine restarted) is taken over.
    @Test(arguments: ["reused pid", "dead pid", "restarted machine"])
    func aClaimOfAWriterThatIsGoneIsTakenOver(_ how: String) throws {
        let dir = ScratchDirectory()
        let store = try SessionStore(path: dir.file("s.sqlite"))
        var gone = writer()
        switch how {
        case "reused pid": gone.processStart = "1"
        case "dead pid": gone.pid = try deadPid()
        default: gone.bootID = "not-this-boot"
        }
        let info = try store.createSession(name: "crashed", engineVersion: "1", seed: 1, writer: gone)
        let me = writer()
        try store.claimSession(id: info.id, for: me)
        #expect(try store.claim(onSession: info.id)?.writer == me)
    }

    /// A writer on another machine cannot be checked: its claim holds for an hour after its
    /// last write, then lapses.
    @Test func aClaimFromAnotherMachineLapsesAfterAnHour() throws {
        let dir = ScratchDirectory()
        let clock = TestClock()
        let store = try SessionStore(path: dir.file("s.sqlite"), options: clock.options)
        var remote = writer()
        remote.host = "elsewhere.example"
        let info = try store.createSession(name: "shared", engineVersion: "1", seed: 1, writer: remote)
        clock.advance(by: 3599)
        #expect(storeError { try store.claimSession(id: info.id, for: writer()) } != nil)
        clock.advance(by: 2)
        try store.claimSession(id: info.id, for: writer())
    }

    @Test func aDeletedSessionTakesItsClaimAlong() throws {
        let dir = ScratchDirectory()
        let path = dir.file("s.sqlite")
        let store = try SessionStore(path: path)
        let me = writer()
        let info = try store.createSession(name: "gone", engineVersion: "1", seed: 1, writer: me)
        try store.deleteSession(named: "gone", by: me)
        #expect(try store.claim(onSession: info.id) == nil)
        #expect(try store.dbQueue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM writer") } == 0)
    }

    /// A session another live writer records into is not deleted: that shell would lose every
    /// cell after it. The writer's own claim, and a claim whose writer is gone, do not stop it.
    @Test func aSessionAnotherLiveWriterRecordsIntoIsNotDeleted() throws {
        let dir = ScratchDirectory()
        let store = try SessionStore(path: dir.file("s.sqlite"), options: TestClock().options)
        let recording = writer()
        try store.createSession(name: "same", engineVersion: "1", seed: 1, cells: [sampleCell(1)], writer: recording)
        let refused = storeError { try store.deleteSession(named: "same") }
        #expect(refused == .deletingRecordedSession(name: "same", writer: recording.description, since: "2025-06-01T09:30:00.000Z"))
        #expect(refused?.description == """
            cannot delete session 'same': another sluice (\(recording.description)) is recording into it (since 2025-06-01T09:30:00.000Z). \
            nothing was deleted; quit that shell (or .rewind 0 in it, which stops its recording) first, then delete the session
            """)
        #expect(storeError { try store.deleteSession(named: "same", by: writer()) } == refused)
        #expect(try store.session(named: "same")?.cellCount == 1)
        try store.deleteSession(named: "same", by: recording)

        var gone = writer()
        gone.pid = try deadPid()
        try store.createSession(name: "crashed", engineVersion: "1", seed: 1, writer: gone)
        try store.deleteSession(named: "crashed")
        #expect(try store.sessions().isEmpty)
    }

    /// A store nobody has recorded into since this version has no `writer` table: reading it,
    /// and claiming a session in it, work; the claim creates the table.
    @Test func aStoreWithoutTheWriterTable() throws {
        let dir = ScratchDirectory()
        let path = dir.file("s.sqlite")
        let id = try makeStore(at: path, cellCount: 2)
        let store = try SessionStore(path: path)
        #expect(try store.dbQueue.read { try $0.tableExists("writer") } == false)
        #expect(try store.claim(onSession: id) == nil)
        try store.releaseSession(id: id, for: writer())
        #expect(try store.dbQueue.read { try $0.tableExists("writer") } == false)
        try store.claimSession(id: id, for: writer())
        #expect(try store.dbQueue.read { try $0.tableExists("writer") } == true)
    }

    /// The pid of a process that has exited (and been reaped).
    func deadPid() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }
}
