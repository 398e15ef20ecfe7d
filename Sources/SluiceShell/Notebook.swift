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
///
/// One shell records into a session at a time: the notebook claims the session it records
/// into (SessionStore+Writers.swift), and `.open` of a session another live shell records
/// into continues in a copy. A saved session never has a hole: a cell that cannot be written
/// (the store is locked, another process changed the session) stops the recording, with a
/// warning, and `.save NAME` saves the whole notebook again.
public final class Notebook {
    public let store: SessionStore
    /// The saved session cells are appended to; nil until `.save` (or automatic recording).
    public private(set) var current: SessionInfo?
    /// Whether `current` was opened from the store rather than started here (see above).
    public private(set) var currentIsOpened = false
    /// Record every cell as it runs, starting a session on the first one.
    public var autoRecord: Bool
    /// This notebook as a writer of the store, named in its claims.
    public let writer = SessionWriter.thisProcess()
    /// How many cells `current` holds, the first `saved` of the shell's cells: a cell is
    /// appended only while the session still holds exactly these.
    public private(set) var saved = 0
    /// Sessions whose claim could not be released (the store was locked); `close()` tries again.
    private var unreleased: [Int64] = []

    public init(store: SessionStore, autoRecord: Bool) {
        self.store = store
        self.autoRecord = autoRecord
    }

    deinit { close() }

    /// Whether cells can be saved at all (a read-only store is listed, opened and replayed only).
    public var isWritable: Bool { !store.options.readOnly }

    /// Records the cell that has just run, the last of `session.history`. Returns a warning
    /// when it could not be saved: recording then stops, so that the saved session keeps
    /// the cells before it and nothing after a hole.
    func record(_ cell: RecordedCell, session: Session) -> String? {
        guard isWritable else { return nil }
        let number = session.history.count
        do {
            if let existing = current {
                try store.appendCells(sessionID: existing.id, after: saved, cells: [Notebook.record(cell)], writer: writer,
                                      state: session.savedState)
                saved += 1
            } else {
                guard autoRecord else { return nil }
                // The cells before this one made the engine too: all are saved, in one transaction.
                let info = try store.createSession(name: Notebook.autoName(store), engineVersion: Engine.version,
                                                   state: session.savedState,
                                                   cells: session.history.map(Notebook.record), writer: writer)
                follow(info, opened: false, saved: number)
            }
            return nil
        } catch {
            let kept = current.map { ", and nothing more is added to \($0.name)" } ?? ""
            let reason = Notebook.message(error, session: current?.name)
            let locked = Notebook.isLocked(error)
            // A locked store would make the release wait as long again: it waits for close().
            stopRecording(releasing: !locked)
            autoRecord = false
            let when = locked ? " once the store is free" : ""
            return "cell \(number) was not saved: \(reason); recording stopped\(kept) "
                + "(.save NAME saves the whole notebook, \(Session.cells(number)), as a new session\(when))"
        }
    }

    /// What `.save` did.
    struct Saved {
        var info: SessionInfo
        /// The opened session that was copied (and left unchanged), if `.save NAME` copied one.
        var copyOf: String?
        /// The name the session had, if `.save NAME` renamed it.
        var renamedFrom: String?
    }

    /// Names the current session (or starts one holding every cell so far). An opened
    /// session is not renamed: `.save NAME` saves a copy of the cells under NAME and new
    /// cells go to the copy.
    func save(as name: String?, session: Session) throws -> Saved {
        if let existing = current {
            if currentIsOpened, let name, name != existing.name {
                let copy = try store.createSession(name: name, engineVersion: Engine.version, state: session.savedState,
                                                   cells: session.history.map(Notebook.record), writer: writer)
                follow(copy, opened: false, saved: session.history.count)
                return Saved(info: copy, copyOf: existing.name)
            }
            let renamed = name != nil && name != existing.name
            if let name, renamed { current = try store.renameSession(id: existing.id, to: name) }
            // Counted again: .rewind may have changed the cells since the header was read.
            current = try store.session(id: existing.id) ?? current
            return Saved(info: current!, renamedFrom: renamed ? existing.name : nil)
        }
        let info = try store.createSession(name: name ?? Notebook.autoName(store), engineVersion: Engine.version,
                                           state: session.savedState,
                                           cells: session.history.map(Notebook.record), writer: writer)
        follow(info, opened: false, saved: session.history.count)
        return Saved(info: info)
    }

    /// After `.rewind` or `.edit`: the saved session's cells become `cells`. Returns the name
    /// of the new session when the current one was opened from the store and so is left as it
    /// was (a fork, `NAME-2`), nil when the current session was rewritten in place.
    func rewrite(with cells: [CellRecord], session: Session) throws -> String? {
        guard let existing = current else { return nil }
        if currentIsOpened {
            let name = try store.unusedName(after: existing.name)
            let fork = try store.createSession(name: name, engineVersion: Engine.version, state: session.savedState,
                                               cells: cells, writer: writer)
            follow(fork, opened: false, saved: cells.count)
            return name
        }
        _ = try store.replaceCells(sessionID: existing.id, from: 1, with: cells, writer: writer, state: session.savedState)
        saved = cells.count
        return nil
    }

    /// How `.open` went on from a session read from the store.
    enum Attachment: Equatable {
        /// New cells are added to the session; nothing else changes it.
        case following
        /// Another live shell records into it: new cells go to `copy`, a new session holding
        /// the same cells; `because` names the other shell.
        case copied(copy: String, because: String)
        /// The store is read-only: nothing is saved.
        case readOnly
        /// The session could not be claimed (the store is locked…): nothing is saved.
        case notRecording(String)
    }

    /// Follows a session read from the store, which holds `count` cells (those the shell has
    /// just re-executed), unless another live shell records into it: then the cells go on
    /// in a copy of it (`NAME-2`), so that the two shells' cells never interleave.
    func attach(_ info: SessionInfo, count: Int, session: Session) -> Attachment {
        guard isWritable else {
            stopRecording()
            current = info
            currentIsOpened = true
            return .readOnly
        }
        let claimed: StoreError
        do throws(StoreError) {
            try store.claimSession(id: info.id, for: writer)
            follow(info, opened: true, saved: count)
            return .following
        } catch {
            claimed = error
        }
        guard case .sessionInUse(let name, let other, let since) = claimed else { return notRecording(claimed) }
        do throws(StoreError) {
            let copy = try store.createSession(name: try store.unusedName(after: name), engineVersion: Engine.version,
                                               state: session.savedState,
                                               cells: session.history.map(Notebook.record), writer: writer)
            follow(copy, opened: false, saved: session.history.count)
            return .copied(copy: copy.name, because: "another sluice (\(other)) has been recording into it since \(since)")
        } catch {
            return notRecording(error)
        }
    }

    private func notRecording(_ error: StoreError) -> Attachment {
        stopRecording()
        autoRecord = false
        return .notRecording(error.message)
    }

    /// Stops recording: no session is current, and this notebook's claim on it is released
    /// (by `close()` when `releasing` is false: a locked store would make it wait again).
    func detach(releasing: Bool = true) {
        stopRecording(releasing: releasing)
    }

    /// Releases every claim; nothing more is recorded. The shell calls it when it exits (a
    /// shell that is killed leaves claims that the next one finds gone, and takes over).
    public func close() {
        stopRecording(releasing: false)
        autoRecord = false
        let pending = unreleased
        unreleased = []
        for id in pending { try? store.releaseSession(id: id, for: writer) }
    }

    /// Makes `info` the session cells go to, releasing the claim on the one before.
    private func follow(_ info: SessionInfo, opened: Bool, saved count: Int) {
        if let previous = current, previous.id != info.id { release(previous.id) }
        current = info
        currentIsOpened = opened
        saved = count
        // The store took a write: release what it could not take before.
        let pending = unreleased.filter { $0 != info.id }
        unreleased = []
        for id in pending { release(id) }
    }

    private func stopRecording(releasing: Bool = true) {
        if let existing = current, isWritable {
            if releasing { release(existing.id) } else { unreleased.append(existing.id) }
        }
        current = nil
        currentIsOpened = false
        saved = 0
    }

    private func release(_ id: Int64) {
        do { try store.releaseSession(id: id, for: writer) } catch { unreleased.append(id) }
    }

    /// What went wrong, in words; the session this shell recorded into, deleted by another
    /// process, is named (the store only knows its id by then).
    static func message(_ error: any Error, session: String? = nil) -> String {
        if case .sessionIDNotFound = error as? StoreError, let session {
            return "session '\(session)' was deleted by another process"
        }
        return (error as? StoreError)?.message ?? "\(error)"
    }

    static func isLocked(_ error: any Error) -> Bool {
        if case .locked = error as? StoreError { return true }
        return false
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
                   wallTimeNanos: cell.wallTimeNanos, stopEvents: cell.stopEvents, charts: cell.charts.map(chartData))
    }

    static func chartData(_ chart: ChartSpec) -> ChartData {
        ChartData(title: chart.title, xLabel: "virtual time", xUnit: "s", yUnit: chart.yUnit,
                  series: chart.series.map { ChartSeries(name: $0.name, points: $0.points.map { ChartPoint(x: $0.x, y: $0.y) },
                                                         marksOnly: $0.marksOnly) })
    }
}
