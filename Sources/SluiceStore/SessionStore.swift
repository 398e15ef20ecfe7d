// SluiceStore: the SQLite session store and its notebook export.
//
// Map of the module:
//   Records.swift, ChartData.swift     the values saved and returned (SessionInfo, CellRecord, ChartData)
//   StoreError.swift                   every failure, with a message naming the file and a hint
//   SessionStore.swift                 the store: options, default path, transactions (this file)
//   SessionStore+Opening.swift         checks a file before SQLite touches it; refuses what is not ours
//   SessionStore+Schema.swift          the schema, its migrations (GRDB's DatabaseMigrator) and the meta marker
//   SessionStore+Sessions.swift        create, rename, list, delete sessions
//   SessionStore+Cells.swift           append, read and replace cells (and their charts)
//   StoreAbsence.swift                 a store not there yet (no file, an empty one), which holds no sessions
//   OpenStoreFiles.swift               the files this process has open through SQLite (no raw reads of those)
//   NotebookExporter.swift (+HTML)     a session as a Markdown or a self-contained HTML notebook
//   SVGChart.swift (+Axes)             a chart as a deterministic inline SVG line chart
//   TextEscaping.swift                 XML escaping and locale-free number formatting
//   SCHEMA.md                          the schema, documented for users of the sqlite3 client
import Foundation
import GRDB
import Synchronization

/// How a ``SessionStore`` opens its file.
public struct StoreOptions: Sendable {
    /// How long a write waits for another connection's write lock before failing
    /// with ``StoreError/locked(path:seconds:)``, in seconds.
    public var busyTimeout: Double
    /// Create the file's directory (and its parents) when missing; done for the default path.
    public var createDirectory: Bool
    /// Open without ever writing: for replaying or exporting a store that is not
    /// writable. Every write then fails with ``StoreError/readOnly(path:reason:)``.
    public var readOnly: Bool
    /// The clock that stamps `created` and `updated`; tests pass a fixed one.
    public var clock: @Sendable () -> Date

    /// Options with a 5 s busy timeout, read-write, using the system clock.
    public init(
        busyTimeout: Double = 5,
        createDirectory: Bool = false,
        readOnly: Bool = false,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.busyTimeout = busyTimeout
        self.createDirectory = createDirectory
        self.readOnly = readOnly
        self.clock = clock
    }
}

/// A file of saved sessions: each a sequence of cells, written one transaction per
/// cell as soon as the cell finishes, so a crash loses at most the running cell.
///
/// Several stores, in one process or several, may share a file: writers serialize
/// on SQLite's write lock (WAL mode, `BEGIN IMMEDIATE`, a busy timeout) and every
/// cell gets the next sequence number inside its own transaction.
public final class SessionStore: Sendable {
    /// The schema version this build creates and understands.
    public static let currentSchemaVersion = 1
    /// The value of `meta.format` that marks a file as a Sluice session store.
    public static let formatMarker = "sluice-session-store"

    /// The store file's path, as given.
    public let path: String
    /// The schema version of the open file (``currentSchemaVersion`` once migrated).
    public let schemaVersion: Int
    /// The options the store was opened with.
    public let options: StoreOptions
    let dbQueue: DatabaseQueue
    /// The file, counted among those this process has open (`OpenStoreFiles`) until closed.
    private let openFile: OpenStoreFiles.FileID?
    /// Set by `close()`; checked inside each serialized access, because GRDB's
    /// connection must not be used once closed.
    private let isClosed = Mutex(false)

    /// Opens the store at `path`, creating it (and its schema) when missing or empty.
    ///
    /// The file is checked before SQLite touches it, and on any error it is left
    /// unchanged: not a SQLite file, a SQLite database that is not a Sluice store,
    /// a store from a newer schema version, a truncated or corrupt file, a read-only
    /// file or location, or a lock held longer than the busy timeout.
    public init(path: String, options: StoreOptions = StoreOptions()) throws(StoreError) {
        self.path = path
        self.options = options
        (dbQueue, schemaVersion) = try Self.open(path: path, options: options)
        openFile = OpenStoreFiles.register(path)
    }

    deinit {
        // Closed first: the file stays counted while its connection holds locks.
        guard let openFile, !isClosed.withLock({ $0 }) else { return }
        try? dbQueue.close()
        OpenStoreFiles.unregister(openFile)
    }

    /// Opens the store at ``defaultPath``, creating its directory when missing.
    public static func openDefault(options: StoreOptions = StoreOptions()) throws(StoreError) -> SessionStore {
        var options = options
        options.createDirectory = true
        return try SessionStore(path: defaultPath, options: options)
    }

    /// Closes the connection; later calls fail with ``StoreError/closed(path:)``.
    /// Closing is also done when the store is released.
    public func close() throws(StoreError) {
        let wasClosed = isClosed.withLock { closed in
            defer { closed = true }
            return closed
        }
        if wasClosed { return }
        do { try dbQueue.close() } catch { throw mapError(error) }
        // Only once closed: a connection still open keeps its locks, which a raw read would drop.
        if let openFile { OpenStoreFiles.unregister(openFile) }
    }

    // MARK: - Default path

    /// `$SLUICE_DB` if set, else `$XDG_DATA_HOME/sluice/sessions.sqlite`, else
    /// `~/.local/share/sluice/sessions.sqlite`.
    public static var defaultPath: String {
        defaultPath(environment: ProcessInfo.processInfo.environment)
    }

    /// The default path for a given environment (``defaultPath`` uses the process's).
    /// Empty variables count as unset, and a relative `XDG_DATA_HOME` is ignored, as
    /// the XDG specification asks.
    public static func defaultPath(environment: [String: String]) -> String {
        if let db = environment["SLUICE_DB"], !db.isEmpty { return db }
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            return join(data, "sluice/sessions.sqlite")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return join(home, ".local/share/sluice/sessions.sqlite")
    }

    private static func join(_ directory: String, _ rest: String) -> String {
        directory.hasSuffix("/") ? directory + rest : directory + "/" + rest
    }

    // MARK: - Transactions

    /// Runs `body` in a read-only transaction: a consistent snapshot of the file.
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try access { db in
            var result: T?
            try db.inTransaction(.deferred) {
                result = try db.readOnly { try body(db) }
                return .commit
            }
            return result!
        }
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction: the write lock is taken first
    /// (waiting up to the busy timeout), so concurrent writers serialize instead of
    /// failing on a stale snapshot; commits when `body` returns, rolls back if it throws.
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try access { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    /// Runs `body` on the connection's serial queue, unless the store is closed.
    private func access<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try dbQueue.writeWithoutTransaction { db in
                if isClosed.withLock({ $0 }) { throw StoreError.closed(path: path) }
                return try body(db)
            }
        } catch {
            throw mapError(error)
        }
    }

    func mapError(_ error: any Error) -> StoreError {
        StoreError.from(error, path: path, busyTimeout: options.busyTimeout)
    }

    /// The current time as stored: ISO-8601 UTC with milliseconds.
    func timestamp() -> String {
        Self.timestamp(options.clock())
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!))
    }
}
