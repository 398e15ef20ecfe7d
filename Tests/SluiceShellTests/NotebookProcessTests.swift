import Foundation
import Testing
@testable import SluiceShell
import SluiceEngine
import SluiceStore

/// The session store through the real executable: bad files given to `--db`, `sluice
/// replay` and `--verify`, export, a killed process, and two writers on one file.
@Suite("notebook through the executable", .enabled(if: SluiceBinary.isBuilt, "build the sluice executable first (swift build --build-tests)"))
struct NotebookProcessTests {
    static let cells = [
        "CREATE SOURCE s (a INT) WITH (rate = 100, keys = 5);",
        "CREATE MATERIALIZED VIEW v AS SELECT a, count(*) AS n FROM s GROUP BY a;",
        "RUN 1s;",
        "SELECT * FROM v ORDER BY a;",
    ]

    /// Records `cells` as session `name` in the store at `db`, with the executable.
    func record(_ db: String, _ name: String = "demo", _ cells: [String] = NotebookProcessTests.cells) throws {
        let run = try sluice(["--db", db, "-c", ".save \(name)"] + cells.flatMap { ["-c", $0] })
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasPrefix("saved as \(name) (0 cells) in \(db)\n"))
    }

    /// Every file in `dir`, for "nothing new appeared beside the store".
    func listing(_ dir: TemporaryDirectory) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.url.path)) ?? []).sorted()
    }

    // MARK: Bad stores given to --db

    enum BadStore: String, CaseIterable, Sendable {
        case textFile, truncatedStore, foreignDatabase, newerSchema

        func make(in dir: TemporaryDirectory) throws -> String {
            switch self {
            case .textFile:
                return try dir.write("notes.db", "not a database, just text\n")
            case .truncatedStore:
                let good = dir.path("good.db")
                let store = try SessionStore(path: good)
                _ = try store.createSession(name: "x", engineVersion: "0.1.0", seed: 42, settings: "{}")
                try store.close()
                let path = dir.path("truncated.db")
                try Data(try #require(bytes(good)).prefix(3000)).write(to: URL(fileURLWithPath: path))
                try FileManager.default.removeItem(atPath: good)
                return path
            case .foreignDatabase:
                let path = dir.path("people.db")
                try sqlite3(path, "CREATE TABLE people (id INTEGER, name TEXT); INSERT INTO people VALUES (1, 'ada');")
                return path
            case .newerSchema:
                let path = dir.path("future.db")
                let store = try SessionStore(path: path)
                try store.close()
                try sqlite3(path, "UPDATE meta SET value = '99' WHERE key = 'schema_version'; PRAGMA journal_mode = DELETE;")
                return path
            }
        }

        /// The error as `.save` prints it (`ERROR: …` then `HINT: …`).
        func error(_ path: String) -> (message: String, hint: String) {
            let elsewhere = "choose another file with --db PATH or SLUICE_DB"
            switch self {
            case .textFile:
                return ("\(path) is not a SQLite database: it does not start with the header \"SQLite format 3\"",
                        "the file was not modified; \(elsewhere)")
            case .truncatedStore:
                return ("\(path) is truncated or damaged: database disk image is malformed",
                        "the file was not modified; restore it from a backup, or move it aside and start a new store ('sqlite3 \(path) .recover' may salvage cells)")
            case .foreignDatabase:
                return ("\(path) is a SQLite database but not a Sluice session store (it holds the tables people and no Sluice marker)",
                        "the file was not modified; \(elsewhere)")
            case .newerSchema:
                return ("\(path) was written by a newer Sluice: schema version 99, this build knows up to 1",
                        "the file was not modified; upgrade sluice to read it, or \(elsewhere)")
            }
        }
    }

    @Test(.enabled(if: hasSQLite3CLI), arguments: BadStore.allCases)
    func saveToABadStoreReportsItAndTheShellGoesOn(_ bad: BadStore) throws {
        let dir = try TemporaryDirectory()
        let path = try bad.make(in: dir)
        let original = try #require(bytes(path))
        let files = listing(dir)
        let run = try sluice(["--db", path, "-c", "CREATE SOURCE s (a INT);", "-c", ".save demo", "-c", "SET chunk_rows = 3;",
                              "-c", ".sessions", "-c", "SHOW chunk_rows;"], mergingStderr: true)
        let (message, hint) = bad.error(path)
        #expect(run.status == 1)
        #expect(run.stdout == """
            CREATE SOURCE
            ERROR: \(message)
            HINT: \(hint)
            SET
            ERROR: \(message)
            HINT: \(hint)
            ┌────────────┐
            │ chunk_rows │
            ├────────────┤
            │ 3          │
            └────────────┘
            (1 row)

            """)
        #expect(bytes(path) == original, "the file was modified")
        #expect(listing(dir) == files, "files appeared beside the store")
    }

    @Test(.enabled(if: hasSQLite3CLI), arguments: BadStore.allCases)
    func replayOfABadStoreFailsOnStderrAndChangesNothing(_ bad: BadStore) throws {
        let dir = try TemporaryDirectory()
        let path = try bad.make(in: dir)
        let original = try #require(bytes(path))
        let files = listing(dir)
        for args in [["replay", "demo", "--db", path], ["replay", "demo", "--db", path, "--verify"], ["sessions", "--db", path],
                     ["export", "demo", "--db", path, "--to", dir.path("out.html")], ["delete", "demo", "--db", path]] {
            let run = try sluice(args)
            let (message, hint) = bad.error(path)
            #expect(run.status == 2, "\(args)")
            #expect(run.stdout == "", "\(args)")
            #expect(run.stderr == "sluice: \(message)\nHINT: \(hint)\n", "\(args)")
        }
        #expect(bytes(path) == original, "the file was modified")
        #expect(listing(dir) == files, "files appeared beside the store")
    }

    @Test func aStoreInAReadOnlyDirectory() throws {
        let dir = try TemporaryDirectory()
        let shared = dir.url.appendingPathComponent("shared")
        try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
        let path = shared.appendingPathComponent("class.db").path
        try record(path)
        let original = try #require(bytes(path))
        chmod(shared.path, 0o555)
        defer { chmod(shared.path, 0o755) }

        let save = try sluice(["--db", path, "-c", ".save mine", "-c", "SET nodes = 2;"], mergingStderr: true)
        #expect(save.status == 1)
        #expect(save.stdout == """
            ERROR: cannot write the session store \(path): its directory \(shared.path) is not writable (SQLite keeps its -wal and -shm files there)
            HINT: make it writable (chmod u+w on the file and its directory), or choose another file with --db PATH or SLUICE_DB; or run without saving
            SET

            """)
        let fresh = shared.appendingPathComponent("new.db").path
        let create = try sluice(["--db", fresh, "-c", ".save mine"], mergingStderr: true)
        #expect(create.status == 1)
        #expect(create.stdout == """
            ERROR: cannot create the session store \(fresh): the directory \(shared.path) is not writable
            HINT: create the directory or choose another file with --db PATH or SLUICE_DB; or run without saving

            """)
        #expect(!FileManager.default.fileExists(atPath: fresh))
        #expect(bytes(path) == original)

        // Replaying a store one may not write is what read-only opening is for.
        let replay = try sluice(["replay", "demo", "--db", path, "--verify"])
        #expect(replay.status == 0)
        #expect(replay.stdout == "verified: all 4 cells of demo match the recording\n")
        #expect(bytes(path) == original)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: shared.path)) ?? []).sorted() == ["class.db"])
    }

    /// As a user who cannot write the directory (root ignores permissions, so the test drops
    /// to `nobody`), a read-only replay of a WAL-mode store must still work.
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func replayOfAStoreInADirectoryNobodyMayWrite() throws {
        let dir = try TemporaryDirectory()
        let shared = dir.url.appendingPathComponent("shared")
        try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
        let path = shared.appendingPathComponent("class.db").path
        try record(path)
        chmod(dir.url.path, 0o755)
        chmod(path, 0o644)
        let binary = try #require(SluiceBinary.url).path
        // In a directory the user may write, replay works (and leaves -wal and -shm behind).
        chmod(shared.path, 0o777)
        let writable = try runProcess("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", binary,
                                                          "replay", "demo", "--db", path, "--verify"])
        #expect(writable.status == 0, "\(writable.stderr)")
        #expect(writable.stdout == "verified: all 4 cells of demo match the recording\n")
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        chmod(shared.path, 0o555)
        let readOnly = try runProcess("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", binary,
                                                          "replay", "demo", "--db", path, "--verify"])
        #expect(readOnly.status == 0, "\(readOnly.stderr)")
        #expect(readOnly.stdout == "verified: all 4 cells of demo match the recording\n")
    }

    // MARK: replay --verify

    @Test func verifyOfAnUntouchedSessionExitsZero() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("store.db")
        try record(db)
        let verify = try sluice(["replay", "demo", "--db", db, "--verify"])
        #expect(verify.status == 0)
        #expect(verify.stdout == "verified: all 4 cells of demo match the recording\n")
        #expect(verify.stderr == "")

        // Without --verify, the cells are printed as recorded.
        let replay = try sluice(["replay", "demo", "--db", db])
        #expect(replay.status == 0)
        #expect(replay.stdout.hasPrefix("[1] CREATE SOURCE s (a INT) WITH (rate = 100, keys = 5);\nCREATE SOURCE\n[2] "))
        #expect(replay.stdout.contains("[3] RUN 1s;\nRUN 1s: now 1.000s\n[4] SELECT * FROM v ORDER BY a;\n┌───┬────┐\n"))

        let missing = try sluice(["replay", "dmeo", "--db", db])
        #expect(missing.status == 1)
        #expect(missing.stdout == "")
        #expect(missing.stderr == "ERROR: no saved session named dmeo in \(db)\nHINT: did you mean demo?\n")
    }

    @Test(.enabled(if: hasSQLite3CLI))
    func verifyOfAnAlteredCellExitsOneWithAUnifiedDiff() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("store.db")
        try record(db)
        let recorded = try sqlite3(db, "SELECT output FROM cell WHERE seq = 4;")
        #expect(recorded.contains("│ 0 │"))
        try sqlite3(db, "UPDATE cell SET output = replace(output, '│ 0 │', '│ 9 │') WHERE seq = 4;")
        let verify = try sluice(["replay", "demo", "--db", db, "--verify"], mergingStderr: true)
        #expect(verify.status == 1)
        let lines = verify.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(Array(lines.prefix(3)) == ["ERROR: cell 4 of demo differs from the recording", "--- recorded cell 4", "+++ replayed cell 4"])
        #expect(lines.contains { $0.hasPrefix("-│ 9 │") })
        #expect(lines.contains { $0.hasPrefix("+│ 0 │") })
        #expect(lines.contains(" ┌───┬────┐"), "context lines start with a space")
        // A unified diff's hunk header counts the lines on each side: @@ -1,8 +1,8 @@.
        let hunk = lines.first { $0.hasPrefix("@@") } ?? ""
        let body = lines.drop { !$0.hasPrefix("@@") }.dropFirst().filter { !$0.isEmpty }
        let old = body.filter { !$0.hasPrefix("+") }.count, new = body.filter { !$0.hasPrefix("-") }.count
        #expect(hunk == "@@ -1,\(old) +1,\(new) @@")
        // The store is untouched by the replay.
        #expect(try sqlite3(db, "SELECT count(*) FROM cell;") == "4\n")
    }

    @Test(.enabled(if: hasSQLite3CLI))
    func verifyReportsAnEngineVersionDifferenceBeforeAnyDiff() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("store.db")
        try record(db)
        try sqlite3(db, "UPDATE session SET engine_version = '0.0.1';")
        let note = "note: demo was recorded with engine 0.0.1; this is engine \(Engine.version), so outputs may differ\n"
        let same = try sluice(["replay", "demo", "--db", db, "--verify"])
        #expect(same.status == 0)
        #expect(same.stdout == note + "verified: all 4 cells of demo match the recording\n")

        try sqlite3(db, "UPDATE cell SET output = 'something else' || char(10) WHERE seq = 2;")
        let differs = try sluice(["replay", "demo", "--db", db, "--verify"], mergingStderr: true)
        #expect(differs.status == 1)
        #expect(differs.stdout.hasPrefix(note + "ERROR: cell 2 of demo differs from the recording\n--- recorded cell 2\n+++ replayed cell 2\n"))
        #expect(differs.stdout.contains("-something else\n+CREATE MATERIALIZED VIEW (2 fragments, 2 actors)\n"))
    }

    // MARK: export and sessions

    @Test func exportAndSessionsSubcommands() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("store.db")
        try record(db, "demo", Self.cells + ["PLOT lag(s) LAST 1s;"])
        let html = dir.path("demo.html")
        let export = try sluice(["export", "demo", "--db", db, "--to", html])
        #expect(export.status == 0)
        #expect(export.stdout == "exported demo (5 cells) to \(html)\n")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<svg"))
        #expect(!page.lowercased().contains("<script"))
        #expect(!page.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http"))

        let badFormat = try sluice(["export", "demo", "--db", db, "--to", dir.path("demo.pdf")])
        #expect(badFormat.status == 2)
        #expect(badFormat.stderr == "sluice export: cannot tell the format of \(dir.path("demo.pdf"))\nHINT: export to FILE.md or FILE.html\n")

        let sessions = try sluice(["sessions", "--db", db])
        #expect(sessions.status == 0)
        #expect(sessions.stdout.contains("│ demo │     5 │"))

        // A store that does not exist yet, or an empty file, simply has no sessions.
        let missing = try sluice(["sessions", "--db", dir.path("none.db")])
        #expect(missing.status == 0)
        #expect(missing.stdout == "no sessions saved yet (store \(dir.path("none.db")))\n")
        #expect(missing.stderr == "")
        let empty = try dir.write("empty.db", "")
        let none = try sluice(["sessions", "--db", empty])
        #expect(none.status == 0)
        #expect(none.stdout == "no sessions saved yet (store \(empty))\n")
        let replayMissing = try sluice(["replay", "demo", "--db", dir.path("none.db")])
        #expect(replayMissing.status == 1)
        #expect(replayMissing.stderr == "sluice replay: no session demo: the store \(dir.path("none.db")) does not exist\n")
        let exportEmpty = try sluice(["export", "demo", "--db", empty, "--to", dir.path("x.md")])
        #expect(exportEmpty.status == 1)
        #expect(exportEmpty.stderr == "sluice export: no session demo: the store \(empty) is empty\n")
        #expect(bytes(empty) == Data())
        #expect(!FileManager.default.fileExists(atPath: dir.path("none.db")), "a read-only command created the store")
    }

    /// `sluice export --to` the store itself (or a link to it, or its -wal) is refused: it
    /// used to write the notebook over every saved session.
    @Test func exportRefusesToWriteOverTheStore() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("store.md")
        try record(db)
        let original = try #require(bytes(db))
        try FileManager.default.createSymbolicLink(atPath: dir.path("link.md"), withDestinationPath: db)
        for target in [db, dir.path("link.md")] {
            let export = try sluice(["export", "demo", "--db", db, "--to", target])
            #expect(export.status == 2)
            #expect(export.stderr == "sluice export: cannot export to \(target): it is the session store itself\nHINT: export to another file; the store was not changed.\n")
        }
        let viaLink = try sluice(["export", "demo", "--db", dir.path("link.md"), "--to", db])
        #expect(viaLink.status == 2)
        let shell = try sluice(["--db", db, "-c", ".export \(db)"])
        #expect(shell.status == 1)
        #expect(bytes(db) == original)
        #expect(SessionStore.isStoreFile(db + "-wal", store: dir.path("link.md")))
        #expect(SessionStore.isStoreFile(dir.path("./store.md-journal"), store: db))
        #expect(!SessionStore.isStoreFile(dir.path("other.md"), store: db))
    }

    /// A store one may not write (chmod 444): the shell lists, opens and replays it, warns
    /// once that nothing is saved, and leaves the file as it was.
    @Test func aReadOnlyStoreIsListedOpenedAndReplayedInTheShell() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("ro.db")
        try record(db)
        chmod(db, 0o444)
        let original = try #require(bytes(db))
        let run = try sluice(["--db", db, "-c", ".sessions", "-c", ".open demo", "-c", ".replay demo --verify"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("│ demo │     4 │"))
        #expect(run.stdout.contains("opened demo: 4 cells re-executed"))
        #expect(run.stdout.hasSuffix("verified: all 4 cells of demo match the recording\n"))
        #expect(!run.stdout.contains("ERROR"))
        #expect(bytes(db) == original)
    }

    /// `sluice replay` never changes the recorded file.
    @Test func replayLeavesTheStoreAsItWas() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("store.db")
        try record(db)
        let original = try #require(bytes(db))
        #expect(listing(dir) == ["store.db"], "the writer closed the store cleanly")
        #expect(try sluice(["replay", "demo", "--db", db, "--verify"]).status == 0)
        #expect(try sluice(["sessions", "--db", db]).status == 0)
        #expect(bytes(db) == original)
        #expect(listing(dir) == ["store.db"])
    }

    // MARK: Crash safety

    /// Killed with SIGKILL in the middle of a long RUN: every cell that finished is in the store.
    @Test func aKilledShellLosesOnlyTheRunningCell() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("store.db")
        let script = """
            .save crash
            CREATE SOURCE s (a INT) WITH (rate = 200000, keys = 1000);
            CREATE MATERIALIZED VIEW v AS SELECT a, count(*) AS n FROM s GROUP BY a;
            RUN 10ms;
            SET chunk_rows = 64;
            RUN 1h;
            SET chunk_rows = 1;

            """
        let process = Process()
        process.executableURL = SluiceBinary.url
        process.arguments = ["--db", db]
        process.environment = ["NO_COLOR": "1", "HOME": NSTemporaryDirectory(), "SLUICE_HISTORY": dir.path("history")]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(script.utf8))
        try input.fileHandleForWriting.close()

        // Wait until the four cells before the long RUN are in the store, then kill.
        let deadline = Date().addingTimeInterval(20)
        var recorded = 0
        while Date() < deadline {
            if let store = try? SessionStore(path: db, options: StoreOptions(readOnly: true)),
               let info = try? store.session(named: "crash") {
                recorded = (try? store.cells(sessionID: info.id).count) ?? 0
                try? store.close()
            }
            if recorded >= 4 { break }
            usleep(20_000)
        }
        usleep(100_000)
        #expect(process.isRunning, "the long RUN should still be running")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        // Reopen, as the next shell would.
        let store = try SessionStore(path: db)
        let info = try #require(try store.session(named: "crash"))
        let cells = try store.cells(sessionID: info.id)
        #expect(cells.map(\.input) == [
            "CREATE SOURCE s (a INT) WITH (rate = 200000, keys = 1000);",
            "CREATE MATERIALIZED VIEW v AS SELECT a, count(*) AS n FROM s GROUP BY a;",
            "RUN 10ms;",
            "SET chunk_rows = 64;",
        ])
        #expect(cells.map(\.status) == [.ok, .ok, .ok, .ok])
        #expect(cells.map(\.seq) == [1, 2, 3, 4])
        // The next shell appends after them.
        _ = try store.appendCell(sessionID: info.id, cell: CellRecord(input: "SHOW ALL;", output: "", status: .ok, error: nil,
                                                                      virtualTimeBefore: 0, virtualTimeAfter: 0, wallTimeNanos: 0, charts: []))
        #expect(try store.cells(sessionID: info.id).map(\.seq) == [1, 2, 3, 4, 5])
        try store.close()
    }

    // MARK: Two writers

    @Test func twoShellsAppendingToOneStoreKeepEveryCell() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("shared.db")
        let count = 60
        let body = (1...count).map { "SET chunk_rows = \($0);" }.joined(separator: "\n") + "\n"
        let results = ResultsBox()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let run = try? sluice(["--db", db], stdin: ".save \(i == 0 ? "left" : "right")\n" + body)
            results.set(i, run)
        }
        for i in 0..<2 {
            let run = results.get(i)
            #expect(run?.status == 0, "\(run?.stdout ?? "")\(run?.stderr ?? "")")
        }
        let store = try SessionStore(path: db, options: StoreOptions(readOnly: true))
        for name in ["left", "right"] {
            let info = try #require(try store.session(named: name))
            let cells = try store.cells(sessionID: info.id)
            #expect(cells.map(\.seq) == Array(1...count), "\(name)")
            #expect(cells.map(\.input) == (1...count).map { "SET chunk_rows = \($0);" }, "\(name)")
            #expect(cells.allSatisfy { $0.output == "SET\n" && $0.status == .ok }, "\(name)")
        }
        try store.close()
    }
}

/// Results of processes run on several threads.
final class ResultsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Int: ProcessResult] = [:]
    func set(_ i: Int, _ r: ProcessResult?) { lock.lock(); results[i] = r; lock.unlock() }
    func get(_ i: Int) -> ProcessResult? { lock.lock(); defer { lock.unlock() }; return results[i] }
}

/// Runs any program and collects its output.
func runProcess(_ path: String, _ args: [String]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = args
    process.environment = ["NO_COLOR": "1", "HOME": "/tmp", "SLUICE_HISTORY": "/nonexistent/history"]
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                         stderr: String(decoding: e, as: UTF8.self))
}
