// The values the store saves and returns: a session's header and its cells.

/// How a cell ended.
public enum CellStatus: String, Codable, Sendable, Equatable, Hashable, CaseIterable {
    /// The cell ran to completion.
    case ok
    /// The cell failed; `CellRecord.error` says why.
    case error
    /// The cell was stopped by the user (Ctrl-C during `RUN` or `WATCH`).
    case cancelled
}

/// A saved session's header, as listed by `.sessions`.
public struct SessionInfo: Codable, Sendable, Equatable, Hashable {
    /// The row id in the `session` table; never reused after a delete.
    public var id: Int64
    /// The unique name given by `.save NAME`.
    public var name: String
    /// When the session was created: ISO-8601 UTC text with milliseconds,
    /// e.g. `2025-06-01T09:30:00.000Z`.
    public var created: String
    /// When a cell was last appended or the session renamed, in the same format.
    public var updated: String
    /// The version of the engine that recorded the session.
    public var engineVersion: String
    /// The seed in effect after the session's last cell (see ``SessionState``).
    public var seed: UInt64
    /// The session variables that differ from their defaults after its last cell, as a JSON
    /// object, e.g. `{"flow_control":"permits","seed":7}` (see ``SessionState``).
    public var settings: String
    /// How many cells the session holds.
    public var cellCount: Int

    /// A session header from all its fields.
    public init(
        id: Int64, name: String, created: String, updated: String,
        engineVersion: String, seed: UInt64, settings: String, cellCount: Int
    ) {
        self.id = id
        self.name = name
        self.created = created
        self.updated = updated
        self.engineVersion = engineVersion
        self.seed = seed
        self.settings = settings
        self.cellCount = cellCount
    }
}

/// What a session's header says about the engine after the session's last cell: its seed,
/// and the session variables that differ from their defaults as a compact JSON object with
/// its keys in alphabetical order (`{}` when none do). The shell passes it with every cell it
/// appends or replaces, so that it stays up to date. It describes the session; a replay does
/// not read it, since it starts from the defaults and re-executes the cells, `SET` included.
/// Sessions saved before the header was kept hold `{}` until a cell is added to them.
public struct SessionState: Sendable, Equatable, Hashable {
    /// The seed (the `seed` session variable).
    public var seed: UInt64
    /// The changed session variables as a JSON object.
    public var settings: String

    /// A state from its seed and its settings JSON.
    public init(seed: UInt64, settings: String) {
        self.seed = seed
        self.settings = settings
    }
}

/// One executed cell of a session: what was typed and what it printed.
public struct CellRecord: Codable, Sendable, Equatable, Hashable {
    /// The cell's position in its session, from 1. Assigned by the store when the
    /// cell is appended; the value passed in is ignored.
    public var seq: Int
    /// The statement or dot-command as typed.
    public var input: String
    /// The rendered output without colour, exactly as replay must reproduce it.
    public var output: String
    /// How the cell ended.
    public var status: CellStatus
    /// The error message when `status` is `.error`.
    public var error: String?
    /// Virtual time when the cell started, in nanoseconds.
    public var virtualTimeBefore: Int64
    /// Virtual time when the cell ended, in nanoseconds.
    public var virtualTimeAfter: Int64
    /// Wall-clock time the cell took, in nanoseconds (informative; not replayed).
    public var wallTimeNanos: Int64
    /// A cancelled cell: the scheduler events it processed before Ctrl-C stopped it, where a
    /// replay stops again. Nil for other cells, and for cells recorded before it was kept
    /// (a replay then stops at `virtualTimeAfter`, after that instant's events).
    public var stopEvents: Int64?
    /// The charts a `PLOT` cell drew, in order; empty for other cells.
    public var charts: [ChartData]

    /// A cell; `seq` is normally left at 0 and assigned by the store.
    public init(
        seq: Int = 0,
        input: String,
        output: String,
        status: CellStatus = .ok,
        error: String? = nil,
        virtualTimeBefore: Int64 = 0,
        virtualTimeAfter: Int64 = 0,
        wallTimeNanos: Int64 = 0,
        stopEvents: Int64? = nil,
        charts: [ChartData] = []
    ) {
        self.seq = seq
        self.input = input
        self.output = output
        self.status = status
        self.error = error
        self.virtualTimeBefore = virtualTimeBefore
        self.virtualTimeAfter = virtualTimeAfter
        self.wallTimeNanos = wallTimeNanos
        self.stopEvents = stopEvents
        self.charts = charts
    }
}
