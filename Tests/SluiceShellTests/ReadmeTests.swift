import Foundation
import Testing
import SluiceShell

/// Every command the README shows must run as shown. The README's ```sql blocks are
/// extracted in order and run through `ScriptRunner`, as `sluice --echo` would run them:
/// one fresh `Session` per `##` section, shared by that section's blocks (the tour builds
/// on its earlier blocks; the language reference's blocks build on each other), and every
/// cell must succeed. ```text and ```sh blocks are not SQL and are not run, but the files,
/// dot-commands and sample sessions they name must exist.
@Suite struct ReadmeTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Block {
        let section: String
        let language: String
        let text: String
        let line: Int
    }

    static func readme() throws -> String {
        try String(contentsOf: repository.appendingPathComponent("README.md"), encoding: .utf8)
    }

    /// The fenced code blocks, each with the `##` section it is in.
    static func blocks() throws -> [Block] {
        var blocks: [Block] = []
        var section = ""
        var language: String?
        var lines: [String] = []
        var start = 0
        for (i, line) in try readme().split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let open = language {
                if line.hasPrefix("```") {
                    blocks.append(Block(section: section, language: open, text: lines.joined(separator: "\n"), line: start))
                    language = nil
                    lines = []
                } else {
                    lines.append(String(line))
                }
            } else if line.hasPrefix("```") {
                language = String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                start = i + 1
            } else if line.hasPrefix("## ") {
                section = String(line.dropFirst(3))
            }
        }
        return blocks
    }

    static var sections: [String] {
        var seen: [String] = []
        for block in (try? blocks()) ?? [] where block.language == "sql" && !seen.contains(block.section) {
            seen.append(block.section)
        }
        return seen
    }

    @Test func theReadmeHasSQLToRun() throws {
        let sql = try Self.blocks().filter { $0.language == "sql" }
        #expect(sql.count >= 8)
        #expect(Self.sections.contains("A five-minute tour"))
        #expect(Self.sections.contains("The language"))
    }

    @Test(arguments: ReadmeTests.sections)
    func everySQLBlockRuns(_ section: String) throws {
        let session = Session(options: RenderOptions(mode: .table, color: false, width: 80))
        let runner = ScriptRunner(session: session)
        for block in try Self.blocks() where block.section == section && block.language == "sql" {
            let (transcript, ok) = runner.run(block.text + "\n")
            #expect(ok, "README.md line \(block.line) (section \"\(section)\") failed:\n\(transcript)")
        }
    }

    /// The tour's promises: the queues fill and DIAGNOSE names the sink; after the fix
    /// there is no bottleneck and no lag.
    @Test func theTourDoesWhatItSays() throws {
        let session = Session(options: RenderOptions(mode: .table, color: false, width: 80))
        let runner = ScriptRunner(session: session)
        let tour = try Self.blocks().filter { $0.section == "A five-minute tour" && $0.language == "sql" }
        #expect(tour.count == 4)
        #expect(runner.run(tour[0].text + "\n").ok)
        let watched = runner.run(tour[1].text + "\n")
        #expect(watched.ok)
        // The frame the README shows is the one the engine draws (it is deterministic).
        let shown = try #require(try Self.blocks().first { $0.section == "A five-minute tour" && $0.language == "text" })
        #expect(watched.transcript.contains(shown.text), "the tour's frame is out of date:\n\(watched.transcript)")
        let queues = session.engine.channelSnapshots()
        #expect(queues.count == 2)
        #expect(queues.allSatisfy { $0.flowState.hasPrefix("credit 0") })
        #expect(try #require(session.engine.actorSnapshot(named: "crm.sink.0")).busyTimeMsPerSecond >= 950)
        #expect(runner.run(tour[2].text + "\n").transcript.contains("bottleneck: crm.sink.0"))
        let fixed = runner.run(tour[3].text + "\n")
        #expect(fixed.ok)
        #expect(fixed.transcript.contains("no bottleneck found"))
        #expect(session.engine.consumerSnapshots().allSatisfy { $0.lag < 100 })
    }

    /// The set-up section keeps the commands a newcomer needs.
    @Test func setUpShowsMakeRunTestAndBench() throws {
        let setUp = try Self.blocks().filter { $0.section == "Set up" && $0.language == "sh" }.map(\.text).joined(separator: "\n")
        for command in ["make run", "make test", "make bench"] {
            #expect(setUp.contains(command), "the set-up section lost \(command)")
        }
    }

    /// Every lesson is listed, every example path the README names exists, and every
    /// dot-command it shows is one the shell knows.
    @Test func namesOnlyThingsThatExist() throws {
        let text = try Self.readme()
        let examples = try FileManager.default.contentsOfDirectory(atPath: Self.repository.appendingPathComponent("examples").path)
            .filter { $0.hasSuffix(".sql") }.sorted()
        #expect(examples.count == 16)
        for file in examples { #expect(text.contains("examples/\(file)"), "README does not list \(file)") }
        let paths = text.matches(of: /examples\/[0-9]{2}-[a-z0-9-]+\.sql/).map { String($0.output) }
        for path in paths {
            #expect(FileManager.default.fileExists(atPath: Self.repository.appendingPathComponent(path).path), "README names \(path)")
        }
        let dots = Set(text.matches(of: /(?:^|[\s`(])(\.[a-z]+)\b/).map { String($0.output.1) })
            .filter { !["sql", "sqlite", "md", "html", "out", "build", "local", "ci"].contains(String($0.dropFirst())) }
        for command in dots {
            #expect(Session.dotCommands.contains(command), "README shows \(command), which the shell does not know")
        }
        for name in ["lesson-01", "lesson-03", "lesson-08"] where text.contains(name) {
            #expect(SampleSessionTests.expected.contains(name))
        }
    }
}
