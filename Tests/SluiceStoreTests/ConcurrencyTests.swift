// Several writers on one file: two stores from two threads, a second process (the
// sqlite3 client), a writer that holds the lock past the busy timeout.
import Foundation
import Testing
@testable import SluiceStore

@Suite struct ConcurrencyTests {
    @Test func twoStoresOnTwoThreadsKeepEveryCell() throws {
        let dir = ScratchDirectory()
        let path = dir.file("shared.sqlite")
        let first = try SessionStore(path: path)
        let second = try SessionStore(path: path)
        let session = try first.createSession(name: "shared", engineVersion: "1", seed: 1)
        let stores = [first, second]
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 2) { writer in
            for n in 1...200 {
                do {
                    try stores[writer].appendCell(sessionID: session.id,
                                                  cell: CellRecord(input: "w\(writer) \(n)", output: "\(n)\n"))
                } catch {
                    failures.add("writer \(writer), cell \(n): \(error)")
                }
            }
        }
        #expect(failures.all.isEmpty)
        let cells = try second.cells(sessionID: session.id)
        #expect(cells.count == 400)
        #expect(cells.map(\.seq) == Array(1...400))
        for writer in 0..<2 {
            // Each writer's cells are all there, in the order it wrote them.
            let mine = cells.filter { $0.input.hasPrefix("w\(writer) ") }.map(\.output)
            #expect(mine == (1...200).map { "\($0)\n" })
        }
        #expect(try first.session(id: session.id)?.cellCount == 400)
    }

    @Test func storesCreatingTheSameNewFileAtOnceAllSucceed() throws {
        for round in 0..<5 {
            let dir = ScratchDirectory()
            let path = dir.file("new-\(round).sqlite")
            let failures = Failures()
            let opened = Failures()
            DispatchQueue.concurrentPerform(iterations: 4) { n in
                do {
                    let store = try SessionStore(path: path)
                    try store.createSession(name: "from \(n)", engineVersion: "1", seed: UInt64(n))
                    opened.add("\(store.schemaVersion)")
                } catch {
                    failures.add("opener \(n): \(error)")
                }
            }
            #expect(failures.all.isEmpty)
            #expect(opened.all == ["1", "1", "1", "1"])
            #expect(try SessionStore(path: path).sessions().count == 4)
        }
    }

    @Test(.enabled(if: sqlite3Available)) func anotherProcessWritingAtTheSameTime() throws {
        let dir = ScratchDirectory()
        let path = dir.file("shared.sqlite")
        let store = try SessionStore(path: path)
        let session = try store.createSession(name: "shared", engineVersion: "1", seed: 1)
        // The sqlite3 client appends 100 cells the way the store does: BEGIN IMMEDIATE,
        // then max(seq) + 1 inside the transaction.
        var script = ".timeout 10000\n"
        for n in 1...100 {
            script += """
                BEGIN IMMEDIATE;
                INSERT INTO cell (session_id, seq, input, output, status,
                                  virtual_time_before_ns, virtual_time_after_ns, wall_time_ns)
                SELECT \(session.id), coalesce(max(seq), 0) + 1, 'cli \(n)', '', 'ok', 0, 0, 0
                FROM cell WHERE session_id = \(session.id);
                COMMIT;

                """
        }
        let cli = try startSqlite3(path, script)
        for n in 1...100 {
            try store.appendCell(sessionID: session.id, cell: CellRecord(input: "store \(n)", output: ""))
        }
        cli.waitUntilExit()
        #expect(cli.terminationStatus == 0)
        let cells = try store.cells(sessionID: session.id)
        #expect(cells.map(\.seq) == Array(1...200))
        #expect(cells.filter { $0.input.hasPrefix("cli ") }.count == 100)
        #expect(cells.filter { $0.input.hasPrefix("store ") }.map(\.input) == (1...100).map { "store \($0)" })
    }

    @Test(.enabled(if: sqlite3Available)) func aWriterWaitsForTheLockWithinTheBusyTimeout() throws {
        let dir = ScratchDirectory()
        let path = dir.file("s.sqlite")
        let store = try SessionStore(path: path)
        let session = try store.createSession(name: "s", engineVersion: "1", seed: 1)
        let marker = dir.file("locked")
        let (cli, input) = try startInteractiveSqlite3(path, """
            BEGIN IMMEDIATE;
            UPDATE session SET settings = '{"held":true}';
            .shell touch '\(marker)'

            """)
        #expect(waitUntil { FileManager.default.fileExists(atPath: marker) })
        // The other writer commits 0.5 s from now; the append waits for it.
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) {
            input.write(Data("COMMIT;\n".utf8))
            try? input.close()
        }
        let start = Date()
        let stored = try store.appendCell(sessionID: session.id, cell: sampleCell(1))
        let waited = Date().timeIntervalSince(start)
        cli.waitUntilExit()
        #expect(cli.terminationStatus == 0)
        #expect(stored.seq == 1)
        #expect(waited > 0.3, "the append should have waited for the other writer's lock")
        #expect(try store.session(id: session.id)?.settings == #"{"held":true}"#)
    }

    @Test(.enabled(if: sqlite3Available)) func aLockHeldPastTheBusyTimeoutIsReported() throws {
        let dir = ScratchDirectory()
        let path = dir.file("s.sqlite")
        var options = StoreOptions()
        options.busyTimeout = 0.3
        let store = try SessionStore(path: path, options: options)
        let session = try store.createSession(name: "s", engineVersion: "1", seed: 1)
        try store.appendCell(sessionID: session.id, cell: sampleCell(1))
        let marker = dir.file("locked")
        let (cli, input) = try startInteractiveSqlite3(path, """
            BEGIN IMMEDIATE;
            INSERT INTO cell (session_id, seq, input, output, status,
                              virtual_time_before_ns, virtual_time_after_ns, wall_time_ns)
            VALUES (\(session.id), 2, 'never committed', '', 'ok', 0, 0, 0);
            .shell touch '\(marker)'

            """)
        defer {
            if cli.isRunning { kill(cli.processIdentifier, SIGKILL) }
            cli.waitUntilExit()
            try? input.close()
        }
        #expect(waitUntil { FileManager.default.fileExists(atPath: marker) })

        let error = storeError { try store.appendCell(sessionID: session.id, cell: sampleCell(2)) }
        #expect(error == .locked(path: path, seconds: 0.3))
        #expect(error?.description == """
            \(path) is locked by another process (waited 0.3 s for its write lock). \
            finish or close the other sluice or sqlite3 that is writing to it, then retry
            """)
        // Readers are not blocked by a writer in WAL mode.
        #expect(try store.cells(sessionID: session.id).map(\.seq) == [1])

        // Kill the other writer in the middle of its transaction: its cell is gone,
        // ours are intact, and writing works again.
        kill(cli.processIdentifier, SIGKILL)
        cli.waitUntilExit()
        #expect(try store.appendCell(sessionID: session.id, cell: sampleCell(2)).seq == 2)
        #expect(try store.cells(sessionID: session.id).map(\.input) == ["STEP 100ms;", "STEP 200ms;"])
    }
}

/// Errors collected from several threads.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ item: String) { lock.withLock { items.append(item) } }
    var all: [String] { lock.withLock { items } }
}
