import Foundation
import Testing

/// Batch mode of the built binary: files, `-c` and stdin run without the line editor,
/// print plain output, never write history, and exit 0 only if every statement succeeded.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: TerminalHarness.binary),
                 "needs a built sluice: swift build --product sluice"))
struct TerminalBatchTests {
    let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-batch-\(getpid())-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    var history: String { directory.appendingPathComponent("history").path }

    func sluice(_ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
        let environment = ["HOME=\(directory.path)", "PATH=/usr/bin:/bin", "SLUICE_HISTORY=\(history)",
                           "SLUICE_DB=\(directory.path)/sessions.sqlite"]
        // Errors go to stderr: merged into the output here, as a terminal shows them.
        return try TerminalHarness.spawn(TerminalHarness.binary, arguments, environment: environment, input: input,
                                         mergingStderr: true)
    }

    @Test func commandStringsRunAndSucceed() throws {
        let (status, output) = try sluice(["-c", "SHOW SOURCES; SHOW VIEWS;"])
        #expect(status == 0)
        #expect(output.components(separatedBy: "(0 rows)").count == 3)
        #expect(!output.contains("\u{1B}["))                  // plain: not a terminal
        #expect(!FileManager.default.fileExists(atPath: history))
    }

    @Test func aScriptOnStdinGoesOnAfterAnErrorAndExitsOne() throws {
        let (status, output) = try sluice([], input: "SHOW SOURCES;\nSHOW NOTHING;\nSHOW\nVIEWS;\n")
        #expect(status == 1)
        #expect(output.contains("ERROR"))
        #expect(output.components(separatedBy: "(0 rows)").count == 3)
        #expect(!FileManager.default.fileExists(atPath: history))
    }

    @Test func bailStopsAtTheFirstErrorAndEchoShowsStatements() throws {
        let (status, output) = try sluice(["--bail", "--echo"], input: "SHOW SOURCES;\nSHOW NOTHING;\nSHOW VIEWS;\n")
        #expect(status == 1)
        #expect(output.hasPrefix("SHOW SOURCES;\n"))
        #expect(output.contains("SHOW NOTHING;\n<stdin>:2: ERROR"))
        #expect(!output.contains("SHOW VIEWS;"))
    }

    @Test func filesRunInOrderAndAMissingFileFails() throws {
        let file = directory.appendingPathComponent("script.sql")
        try "SHOW SOURCES;\n".write(to: file, atomically: true, encoding: .utf8)
        let ok = try sluice([file.path, "-c", "SHOW VIEWS;"])
        #expect(ok.status == 0)
        #expect(ok.output.components(separatedBy: "(0 rows)").count == 3)
        let missing = try sluice([directory.appendingPathComponent("nope.sql").path])
        #expect(missing.status == 1)
    }

    @Test func jsonMode() throws {
        let (status, output) = try sluice(["--mode", "json", "-c", "SHOW SOURCES;"])
        #expect(status == 0)
        #expect(output == "[]\n")
    }

    /// psql, sqlite3 and DuckDB take `-c 'SHOW seed'` without the `;`.
    @Test func aLastStatementWithoutItsSemicolonRuns() throws {
        let (status, output) = try sluice(["-c", "SHOW SOURCES"])
        #expect(status == 0)
        #expect(output.contains("(0 rows)"))
        let (cutStatus, cut) = try sluice(["-c", "SHOW SOURCES; CREATE SOURCE s (a INT"])
        #expect(cutStatus == 1)
        #expect(cut.contains("ERROR: expected ')' or ',' after the column, found end of input"))
    }
}
