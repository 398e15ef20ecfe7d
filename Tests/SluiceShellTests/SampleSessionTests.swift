import Foundation
import Testing
import SluiceShell
import SluiceStore

/// `sessions/samples.sqlite` holds sessions recorded from `examples/` by
/// `sessions/record.sh` (`make sessions`). Each must replay cell for cell, exactly as
/// `sluice replay NAME --db sessions/samples.sqlite --verify` does: the engine is
/// deterministic, so a student replaying a teacher's session sees the same outputs.
@Suite struct SampleSessionTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samples = repository.appendingPathComponent("sessions/samples.sqlite")
    static let expected = ["lesson-01", "lesson-03", "lesson-08"]

    /// The committed store, copied to a temporary directory: even a read-only SQLite
    /// connection to a WAL-mode file creates `-wal` and `-shm` files beside it, and the
    /// test must not leave anything in the working tree.
    static func openCopy() throws -> (SessionStore, URL) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sluice-samples-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let copy = directory.appendingPathComponent("samples.sqlite")
        try FileManager.default.copyItem(at: samples, to: copy)
        let store = try SessionStore(path: copy.path, options: StoreOptions(readOnly: true))
        return (store, directory)
    }

    @Test func theStoreHoldsTheSampleSessions() throws {
        let (store, directory) = try Self.openCopy()
        defer { try? FileManager.default.removeItem(at: directory) }
        let names = try store.sessions().map(\.name).sorted()
        #expect(names == Self.expected)
        for info in try store.sessions() {
            #expect(info.cellCount > 10, "\(info.name) has only \(info.cellCount) cells")
        }
    }

    @Test(arguments: SampleSessionTests.expected)
    func sampleReplaysCellForCell(_ name: String) throws {
        let (store, directory) = try Self.openCopy()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The same options as `sluice replay`: plain tables, 80 columns.
        let replayer = Replayer(store: store, options: RenderOptions(mode: .table, color: false, width: 80))
        var replayed = 0
        let report = try replayer.replay(name, verify: true) { _, _, _ in
            replayed += 1
            return true
        }
        let text = report.blocks.map { "\($0)" }.joined(separator: "\n")
        #expect(report.ok, "\(name) does not replay as recorded (make sessions re-records):\n\(text)")
        let info = try #require(try store.session(named: name))
        #expect(report.cells == info.cellCount)
        #expect(replayed == info.cellCount)
    }
}

extension SampleSessionTests {
    /// On a narrow terminal a replay shows each cell as the live display would, fitted to its
    /// width (it printed the recorded 80-column tables, which the terminal broke mid-row),
    /// and still compares the recorded form.
    @Test func aReplayShowsCellsAtTheDisplaysWidth() throws {
        let (store, directory) = try Self.openCopy()
        defer { try? FileManager.default.removeItem(at: directory) }
        var replayer = Replayer(store: store, options: RenderOptions(mode: .table, color: false, width: 80))
        replayer.display = RenderOptions(mode: .table, color: false, width: 60, fitsTables: true)
        var shown: [String] = []
        let report = try replayer.replay("lesson-01", verify: true, after: { cell, _, _ in
            shown.append(cell.output)
            return true
        })
        #expect(report.ok)
        let wide = shown.joined().split(separator: "\n").filter { TerminalText.width(of: String($0)) > 60 }
        #expect(wide.isEmpty, "\(wide.prefix(3))")
    }
}
