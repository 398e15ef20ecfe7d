import Foundation
import Testing
@testable import SluiceShell
import SluiceEngine

/// The catalog most session tests start from: a partitioned source, a keyed table and an
/// aggregate view over the source.
let standardCatalog = """
    CREATE SOURCE clicks (user_id INT, url VARCHAR, amount DOUBLE) WITH (rate = 1000, partitions = 2);
    CREATE TABLE users (user_id INT PRIMARY KEY, region VARCHAR) WITH (rows = 100);
    CREATE MATERIALIZED VIEW spend AS SELECT user_id, count(*) AS n, sum(amount) AS total FROM clicks WHERE amount > 10 GROUP BY user_id;
    """

/// A session (plain 80-column tables) that has run `setup`; every setup cell must succeed.
func session(_ setup: String = "", sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Session {
    let session = Session(options: RenderOptions(mode: .table, color: false, width: 80))
    if !setup.isEmpty {
        let result = session.execute(setup)
        if !result.ok { Issue.record("setup failed:\n\(result.output)", sourceLocation: sourceLocation) }
    }
    return session
}

extension Session {
    /// The rendered output of one cell.
    @discardableResult
    func run(_ cell: String) -> String { execute(cell).output }

    /// What a failed statement must leave alone: the catalog, the variables, virtual time.
    var visibleState: String {
        ["SHOW SOURCES;", "SHOW VIEWS;", "SHOW SINKS;", "SHOW ALL;"].map { execute($0).output }.joined()
            + "now \(engine.now)\n"
    }
}

// MARK: - The sluice executable

/// `.build/debug/sluice` (or whichever configuration built these tests), found from this file.
enum SluiceBinary {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var url: URL? {
        let build = packageRoot.appendingPathComponent(".build")
        for candidate in ["debug", "release"] {
            let url = build.appendingPathComponent(candidate).appendingPathComponent("sluice")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    static var isBuilt: Bool { url != nil }
}

/// What one run of the executable did.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `sluice args…` in `directory`, feeding `stdin`, with a clean environment (no colour,
/// no store from the caller's environment, a history file that must never be written).
/// `mergingStderr` sends stderr into stdout's pipe, as a terminal shows both: `stdout` then
/// holds the errors among the results, in order, and `stderr` is empty.
@discardableResult
func sluice(_ args: [String], stdin: String? = nil, in directory: URL? = nil, mergingStderr: Bool = false,
            environment extra: [String: String] = [:], timeout: Double = 30) throws -> ProcessResult {
    let process = Process()
    process.executableURL = try #require(SluiceBinary.url as URL?, "the sluice executable is not built")
    process.arguments = args
    if let directory { process.currentDirectoryURL = directory }
    var environment = ["PATH": "/usr/bin:/bin", "NO_COLOR": "1", "HOME": NSTemporaryDirectory(), "TERM": "dumb",
                       "SLUICE_HISTORY": "/nonexistent/sluice-tests/history"]
    for (k, v) in extra { environment[k] = v }
    process.environment = environment
    let out = Pipe(), err = mergingStderr ? nil : Pipe()
    process.standardOutput = out
    process.standardError = err ?? out
    let input = Pipe()
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    // Read both pipes while the process runs, so a large output cannot block it.
    let group = DispatchGroup()
    let outData = DataBox(), errData = DataBox()
    group.enter()
    DispatchQueue.global().async { outData.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    if let err {
        group.enter()
        DispatchQueue.global().async { errData.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    }
    if group.wait(timeout: .now() + timeout) == .timedOut {
        process.terminate()
        Issue.record("sluice \(args.joined(separator: " ")) did not finish within \(timeout) s")
        group.wait()
    }
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData.data, as: UTF8.self),
                         stderr: String(decoding: errData.data, as: UTF8.self))
}

/// Bytes filled by a reader thread and read after it has finished.
final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// A fresh directory under the system's temporary directory, removed at the end of the test.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("sluice-tests-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func write(_ name: String, _ text: String) throws -> String {
        let path = path(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
    deinit {
        // Undo any chmod a test made, then remove.
        if let items = FileManager.default.enumerator(atPath: url.path) {
            for case let item as String in items { chmod(url.appendingPathComponent(item).path, 0o755) }
        }
        chmod(url.path, 0o755)
        try? FileManager.default.removeItem(at: url)
    }
}

/// The bytes of a file, or nil.
func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

/// Runs the sqlite3 command-line client on `path`.
@discardableResult
func sqlite3(_ path: String, _ sql: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = [path, sql]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

var hasSQLite3CLI: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") }
