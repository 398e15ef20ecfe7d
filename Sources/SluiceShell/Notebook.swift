import Foundation
import SluiceEngine
import SluiceStore

/// The session's link to the SQLite store: which saved session the cells go to, and the
/// conversions between what the shell records and what the store keeps.
///
/// A session opened from the store (`.open`) may be someone else's recording, a teacher's
/// lesson: it is never rewritten. New cells are added to it; the first change that would
/// rewrite it (`.rewind N`, `.edit N`) continues in a new session named after it (`L1-2`)
/// holding the kept cells, and `.save NAME` saves a copy under NAME. A session started in
/// this shell is the user's own: `.rewind` and `.edit` rewrite it, `.save NAME` renames it.
public final class Notebook {
    public let store: SessionStore
    /// The saved session cells are appended to; nil until `.save` (or automatic recording).
    public private(set) var current: SessionInfo?
    /// Whether `current` was opened from the store rather than started here (see above).
    public private(set) var currentIsOpened = false
    /// Record every cell as it runs, starting a session on the first one.
    public var autoRecord: Bool
    /// The last store error, reported once by the next dot-command.
    public private(set) var lastError: String?

    public init(store: SessionStore, autoRecord: Bool) {
        self.store = store
        self.autoRecord = autoRecord
    }

    /// Whether cells can be saved at all (a read-only store is listed, opened and replayed only).
    public var isWritable: Bool { !store.options.readOnly }

    func record(_ cell: RecordedCell, session: Session) {
        guard isWritable else { return }
        do {
            if current == nil {
                guard autoRecord else { return }
                current = try store.createSession(name: Notebook.autoName(store), engineVersion: Engine.version,
                                                  state: session.savedState)
                // The cells before this one made the engine too.
                for earlier in session.history.dropLast() { _ = try store.appendCell(sessionID: current!.id, cell: Notebook.record(earlier)) }
            }
            _ = try store.appendCell(sessionID: current!.id, cell: Notebook.record(cell), state: session.savedState)
        } catch {
            lastError = "could not record the cell in \(store.path): \(error)"
        }
    }

    /// What `.save` did.
    struct Saved {
        var info: SessionInfo
        /// The opened session that was copied (and left unchanged), if `.save NAME` copied one.
        var copyOf: String?
    }

    /// Names the current session (or starts one holding every cell so far). An opened
    /// session is not renamed: `.save NAME` saves a copy of the cells under NAME and new
    /// cells go to the copy.
    func save(as name: String?, session: Session) throws -> Saved {
        if let existing = current {
            if currentIsOpened, let name, name != existing.name {
                current = try store.createSession(name: name, engineVersion: Engine.version, state: session.savedState,
                                                  cells: session.history.map(Notebook.record))
                currentIsOpened = false
                return Saved(info: current!, copyOf: existing.name)
            }
            if let name, name != existing.name { current = try store.renameSession(id: existing.id, to: name) }
            // Counted again: .rewind may have changed the cells since the header was read.
            current = try store.session(id: existing.id) ?? current
            return Saved(info: current!)
        }
        current = try store.createSession(name: name ?? Notebook.autoName(store), engineVersion: Engine.version,
                                          state: session.savedState, cells: session.history.map(Notebook.record))
        currentIsOpened = false
        return Saved(info: current!)
    }

    /// After `.rewind` or `.edit`: the saved session's cells become `cells`. Returns the name
    /// of the new session when the current one was opened from the store and so is left as it
    /// was (a fork, `NAME-2`), nil when the current session was rewritten in place.
    func rewrite(with cells: [CellRecord], session: Session) throws -> String? {
        guard let existing = current else { return nil }
        if currentIsOpened {
            let name = try store.unusedName(after: existing.name)
            current = try store.createSession(name: name, engineVersion: Engine.version, state: session.savedState,
                                              cells: cells)
            currentIsOpened = false
            return name
        }
        _ = try store.replaceCells(sessionID: existing.id, from: 1, with: cells, state: session.savedState)
        return nil
    }

    /// Follows a session read from the store: new cells are added to it, nothing else changes it.
    func attach(_ info: SessionInfo) {
        current = info
        currentIsOpened = true
    }

    func detach() {
        current = nil
        currentIsOpened = false
    }

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
