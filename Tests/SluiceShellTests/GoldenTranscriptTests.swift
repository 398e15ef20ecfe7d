import Foundation
import Testing
@testable import SluiceShell

/// Every `examples/NAME.sql` must reproduce `examples/NAME.out` byte for byte, as
/// `sluice --echo examples/NAME.sql` prints it. `RECORD=1 make test` re-records them.
@Suite struct GoldenTranscriptTests {
    static let examples: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples")

    static var scripts: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: examples.path)) ?? [])
            .filter { $0.hasSuffix(".sql") }.sorted()
    }

    @Test(arguments: GoldenTranscriptTests.scripts)
    func transcriptMatches(_ script: String) throws {
        let sql = try String(contentsOf: Self.examples.appendingPathComponent(script), encoding: .utf8)
        let runner = ScriptRunner(session: Session(options: RenderOptions(mode: .table, color: false, width: 80)))
        let transcript = runner.run(sql).transcript
        let golden = Self.examples.appendingPathComponent(String(script.dropLast(4)) + ".out")
        if ProcessInfo.processInfo.environment["RECORD"] == "1" {
            try transcript.write(to: golden, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        if transcript != expected {
            let diff = UnifiedDiff.make(old: expected, new: transcript, oldLabel: golden.lastPathComponent, newLabel: "this run")
            Issue.record("\(script) differs from its recording (RECORD=1 make test re-records):\n\(diff)")
        }
    }
}
