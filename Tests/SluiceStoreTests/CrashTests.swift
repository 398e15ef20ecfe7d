// Crash safety: a process appending cells is killed with SIGKILL; every cell it
// finished is there on reopening, numbered without gaps, and writing goes on.
//
// The writer is this test binary itself, re-run with a filter that selects only
// `childWriter` and an environment variable naming the store: the child runs the
// real `SessionStore` code, not a stand-in.
import Foundation
import Testing
@testable import SluiceStore

private let childEnvironment = "SLUICE_STORE_CRASH_CHILD_DB"

@Suite struct CrashTests {
    /// The child's side: append cells forever, recording progress after each one.
    /// Skipped unless started by `killedBetweenCellsLosesNothingFinished`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[childEnvironment] != nil))
    func childWriter() throws {
        let path = ProcessInfo.processInfo.environment[childEnvironment]!
        let store = try SessionStore(path: path)
        let session = try #require(try store.session(named: "crash"))
        var n = 0
        while true {
            n += 1
            let stored = try store.appendCell(sessionID: session.id, cell: sampleCell(n, plot: n % 3 == 0))
            try "\(stored.seq)\n".write(toFile: path + ".progress", atomically: true, encoding: .utf8)
            usleep(2_000)
        }
    }

    @Test func killedBetweenCellsLosesNothingFinished() throws {
        let dir = ScratchDirectory()
        let path = dir.file("crash.sqlite")
        let session: SessionInfo
        do {
            let store = try SessionStore(path: path)
            session = try store.createSession(name: "crash", engineVersion: "1", seed: 9)
            try store.close()
        }
        let progress = path + ".progress"
        func finished() -> Int {
            Int((try? String(contentsOfFile: progress, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        }

        let child = Process()
        child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        child.arguments = ["--testing-library", "swift-testing", "--filter", "CrashTests/childWriter"]
        child.environment = ProcessInfo.processInfo.environment.merging([childEnvironment: path]) { $1 }
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        let started = waitUntil(seconds: 60) { finished() >= 40 || !child.isRunning }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(started, "the child never wrote 40 cells")
        #expect(child.terminationReason == .uncaughtSignal)
        let done = finished()
        #expect(done >= 40)

        // The -wal the child left behind is recovered on opening.
        let store = try SessionStore(path: path)
        let cells = try store.cells(sessionID: session.id)
        // The child may have committed one more cell than it reported.
        #expect(cells.count == done || cells.count == done + 1)
        #expect(cells.map(\.seq) == Array(1...cells.count))
        for cell in cells {
            var expected = sampleCell(cell.seq, plot: cell.seq % 3 == 0)
            expected.seq = cell.seq
            #expect(cell == expected)
        }
        let check = try store.dbQueue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        #expect(check == ["ok"])
        #expect(try store.appendCell(sessionID: session.id, cell: sampleCell(1)).seq == cells.count + 1)
    }
}
