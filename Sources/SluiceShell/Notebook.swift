import Foundation
import SluiceEngine
import SluiceStore

/// The session's link to the SQLite store: which saved session the cells go to, and the
/// conversions between what the shell records and what the store keeps.
public final class Notebook {
    public let store: SessionStore
    /// The saved session cells are appended to; nil until `.save` (or automatic recording).
    public private(set) var current: SessionInfo?
    /// Record every cell as it runs, starting a session on the first one.
    public var autoRecord: Bool
    /// The last store error, reported once by the next dot-command.
    public private(set) var lastError: String?

    public init(store: SessionStore, autoRecord: Bool) {
        self.store = store
        self.autoRecord = autoRecord
    }

    func record(_ cell: RecordedCell, session: Session) {
        do {
            if current == nil {
                guard autoRecord else { return }
                current = try store.createSession(name: Notebook.autoName(store), engineVersion: Engine.version,
                                                  seed: session.engine.settings.seed, settings: "{}")
                // The cells before this one made the engine too.
                for earlier in session.history.dropLast() { _ = try store.appendCell(sessionID: current!.id, cell: Notebook.record(earlier)) }
            }
            _ = try store.appendCell(sessionID: current!.id, cell: Notebook.record(cell))
        } catch {
            lastError = "could not record the cell in \(store.path): \(error)"
        }
    }

    /// Names the current session (or starts one holding every cell so far).
    func save(as name: String?, session: Session) throws -> SessionInfo {
        if let existing = current {
            if let name, name != existing.name { current = try store.renameSession(id: existing.id, to: name) }
            return current!
        }
        let info = try store.createSession(name: name ?? Notebook.autoName(store), engineVersion: Engine.version,
                                           seed: session.engine.settings.seed, settings: "{}")
        for cell in session.history { _ = try store.appendCell(sessionID: info.id, cell: Notebook.record(cell)) }
        current = try store.session(id: info.id)
        return current!
    }

    func attach(_ info: SessionInfo) { current = info }
    func detach() { current = nil }

    func takeError() -> String? {
        defer { lastError = nil }
        return lastError
    }

    static func autoName(_ store: SessionStore) -> String {
        let existing = Set((try? store.sessions().map(\.name)) ?? [])
        var n = existing.count + 1
        while existing.contains("session-\(n)") { n += 1 }
        return "session-\(n)"
    }

    // MARK: Conversions

    static func record(_ cell: RecordedCell) -> CellRecord {
        CellRecord(input: cell.input, output: cell.output, status: cell.cancelled ? .cancelled : (cell.ok ? .ok : .error),
                   error: cell.ok ? nil : cell.output.split(separator: "\n").first { $0.hasPrefix("ERROR") }.map(String.init),
                   virtualTimeBefore: cell.virtualTimeBefore, virtualTimeAfter: cell.virtualTimeAfter,
                   wallTimeNanos: cell.wallTimeNanos, charts: cell.charts.map(chartData))
    }

    static func chartData(_ chart: ChartSpec) -> ChartData {
        ChartData(title: chart.title, xLabel: "virtual time", xUnit: "s", yUnit: chart.yUnit,
                  series: chart.series.map { ChartSeries(name: $0.name, points: $0.points.map { ChartPoint(x: $0.x, y: $0.y) }) })
    }
}
