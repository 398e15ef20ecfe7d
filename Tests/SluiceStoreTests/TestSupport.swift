// Helpers shared by the store tests: scratch directories, sample cells, file bytes,
// and running the sqlite3 client.
import Foundation
import Testing
@testable import SluiceStore

/// A fresh directory under the system temp directory, removed when released.
final class ScratchDirectory {
    let path: String

    init(_ label: String = #function) {
        let name = "sluice-store-\(label.filter { $0.isLetter || $0.isNumber })-\(UUID().uuidString.prefix(8))"
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent(name)
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    deinit {
        chmod(path, 0o755)
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A settable clock, so that `created` and `updated` are known in tests.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: Date

    init(_ iso: String = "2025-06-01T09:30:00Z") {
        now = try! Date(iso, strategy: .iso8601)
    }

    func advance(by seconds: Double) { lock.withLock { now += seconds } }

    var options: StoreOptions {
        StoreOptions(clock: { [self] in lock.withLock { now } })
    }
}

/// The bytes of a file, to check that a failed open left it unchanged.
func bytes(_ path: String) -> Data {
    FileManager.default.contents(atPath: path) ?? Data()
}

/// The files in a directory, to check that a failed open created nothing beside it.
func listing(_ directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
}

/// A cell as the shell would record it, with a chart when `plot` is set.
func sampleCell(_ n: Int, plot: Bool = false, status: CellStatus = .ok) -> CellRecord {
    CellRecord(
        input: "STEP \(n)00ms;",
        output: "stepped to \(n).\(n)00s\n  actors: 3 busy, 1 idle\n",
        status: status,
        error: status == .error ? "something failed in cell \(n)" : nil,
        virtualTimeBefore: Int64(n - 1) * 100_000_000,
        virtualTimeAfter: Int64(n) * 100_000_000,
        wallTimeNanos: Int64(n) * 1_000,
        charts: plot ? [sampleChart()] : [])
}

func sampleChart(title: String = "queue(spend.agg.0)") -> ChartData {
    ChartData(
        title: title, yUnit: "rows",
        series: [
            ChartSeries(name: "spend.agg.0", points: (0...20).map { ChartPoint(x: Double($0) * 0.5, y: Double($0 * $0) * 3.25) }),
            ChartSeries(name: "spend.agg.1", points: (0...20).map { ChartPoint(x: Double($0) * 0.5, y: Double(400 - $0 * 7)) }),
        ])
}

/// Creates a store with one session of `cellCount` cells and closes it (so the WAL
/// is checkpointed into the file); returns the session's id.
@discardableResult
func makeStore(at path: String, cellCount: Int, name: String = "demo") throws -> Int64 {
    let store = try SessionStore(path: path)
    let info = try store.createSession(name: name, engineVersion: "0.1.0", seed: 42, settings: "{}")
    if cellCount > 0 {
        for n in 1...cellCount {
            try store.appendCell(sessionID: info.id, cell: sampleCell(n, plot: n % 4 == 0))
        }
    }
    try store.close()
    return info.id
}

/// The result of running a child process.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `sqlite3 path` with `script` on stdin and waits for it.
@discardableResult
func sqlite3(_ path: String, _ script: String) throws -> ProcessResult {
    let process = try startSqlite3(path, script)
    let out = process.standardOutput as! Pipe, err = process.standardError as! Pipe
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus,
                         stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: stderr, as: UTF8.self))
}

/// Starts `sqlite3 path` reading `script` from stdin; the caller waits for it or kills it.
/// Its output is discarded unless `capture` is set.
func startSqlite3(_ path: String, _ script: String, capture: Bool = true) throws -> Process {
    let (process, input) = try startInteractiveSqlite3(path, script, capture: capture)
    try input.close()
    return process
}

/// Starts `sqlite3 path`, writes `script` to its stdin and leaves stdin open: the
/// client executes the script and then waits for more input, still holding any
/// transaction the script began. Write more to `input`, close it, or kill the process.
func startInteractiveSqlite3(_ path: String, _ script: String, capture: Bool = false) throws -> (Process, FileHandle) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = ["-batch", "-bail", path]
    let input = Pipe()
    process.standardInput = input
    if capture {
        process.standardOutput = Pipe()
        process.standardError = Pipe()
    } else {
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
    }
    try process.run()
    input.fileHandleForWriting.write(Data(script.utf8))
    return (process, input.fileHandleForWriting)
}

let sqlite3Available = FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3")

/// Waits until `condition` holds, polling every 10 ms, for at most `seconds`.
func waitUntil(seconds: Double = 20, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}

/// Expects `body` to throw exactly `expected`.
func expectStoreError(_ expected: StoreError, sourceLocation: SourceLocation = #_sourceLocation,
                      _ body: () throws -> Void) {
    let error = storeError(body)
    #expect(error == expected, sourceLocation: sourceLocation)
}

/// The error `body` throws, or nil.
func storeError(_ body: () throws -> Void) -> StoreError? {
    do {
        try body()
        return nil
    } catch let error as StoreError {
        return error
    } catch {
        Issue.record("expected a StoreError, got \(error)")
        return nil
    }
}
