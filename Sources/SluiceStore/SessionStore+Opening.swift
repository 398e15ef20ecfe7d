// Opening a store without ever damaging a file that is not ours: the file is checked
// by hand first (type, SQLite header, permissions), then inspected through a
// read-only connection, and only then opened for writing and migrated.
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SessionStore {
    /// What was found at the path before SQLite was allowed to open it.
    enum FileState: Equatable {
        /// Nothing there yet; the directory is writable.
        case missing
        /// An empty file, which SQLite treats as an empty database.
        case empty
        /// A file that starts with the SQLite header.
        case sqlite
    }

    /// The 16 bytes every SQLite 3 database file starts with.
    static let sqliteHeader: [UInt8] = Array("SQLite format 3".utf8) + [0]

    // MARK: - Opening

    /// Checks, inspects, opens and migrates, retrying while another connection is
    /// creating or converting the same file (for at most the busy timeout): SQLite
    /// reports those races at once, without calling the busy handler.
    static func open(path: String, options: StoreOptions) throws(StoreError) -> (DatabaseQueue, Int) {
        let deadline = Date().addingTimeInterval(max(options.busyTimeout, 0.5))
        var pause: UInt32 = 5_000
        while true {
            do {
                let state = try preflight(path: path, options: options)
                if case .sqlite = state {
                    try inspect(path: path, options: options)
                }
                return try openAndMigrate(path: path, options: options)
            } catch where error.isTransient && Date() < deadline {
                usleep(pause)
                pause = min(pause * 2, 100_000)
            }
        }
    }

    // MARK: - The store's own files

    /// Whether writing `other` would overwrite this store: the same file (after symbolic
    /// links), or its `-wal`, `-shm` or `-journal` file. An export must never write there.
    public func isOwnFile(_ other: String) -> Bool {
        Self.isStoreFile(other, store: path)
    }

    /// Whether `other` is the store at `store`, or one of its companion files.
    public static func isStoreFile(_ other: String, store: String) -> Bool {
        let target = canonical(other)
        return ["", "-wal", "-shm", "-journal"].contains { suffix in
            let file = store + suffix
            var a = stat(), b = stat()
            if stat(other, &a) == 0 && stat(file, &b) == 0 { return a.st_dev == b.st_dev && a.st_ino == b.st_ino }
            return target == canonical(store) + suffix
        }
    }

    /// An absolute path with symbolic links resolved, as far as the path exists.
    static func canonical(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        if let resolved = realpath(absolute, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        // Not there (yet): resolve the directory, keep the name.
        let directory = (absolute as NSString).deletingLastPathComponent
        let name = (absolute as NSString).lastPathComponent
        guard directory != absolute, let resolved = realpath(directory, nil) else { return (absolute as NSString).standardizingPath }
        defer { free(resolved) }
        return (String(cString: resolved) as NSString).appendingPathComponent(name)
    }

    // MARK: - Before SQLite

    /// Checks the path with the file system only: no SQLite call, no write.
    static func preflight(path: String, options: StoreOptions) throws(StoreError) -> FileState {
        guard !path.isEmpty else { throw .cannotCreate(path: path, reason: "the path is empty") }
        let directory = (path as NSString).deletingLastPathComponent
        let parent = directory.isEmpty ? "." : directory
        if options.createDirectory && !options.readOnly {
            do {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            } catch {
                throw .cannotCreate(path: path, reason: "cannot create the directory \(parent)")
            }
        }

        var info = stat()
        if stat(path, &info) != 0 {
            let code = errno
            switch code {
            case ENOENT:
                return try checkCreatable(path: path, parent: parent, options: options)
            case ENOTDIR:
                throw .cannotCreate(path: path, reason: "a component of the path is a file, not a directory")
            default:
                throw .cannotCreate(path: path, reason: String(cString: strerror(code)))
            }
        }
        if info.st_mode & S_IFMT == S_IFDIR {
            throw .cannotOpen(path: path, reason: "it is a directory")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw .cannotOpen(path: path, reason: "it is not a regular file")
        }
        guard access(path, R_OK) == 0 else {
            throw .cannotOpen(path: path, reason: "it is not readable")
        }
        let state: FileState = info.st_size == 0 ? .empty : .sqlite
        if state == .sqlite {
            try checkHeader(path: path, size: Int(info.st_size))
        }
        if state == .empty && options.readOnly {
            throw .readOnly(path: path, reason: "it is empty, and a store opened read-only cannot be created")
        }
        if !options.readOnly {
            guard isWritable(path) else {
                throw .readOnly(path: path, reason: "the file is not writable")
            }
            guard isWritable(parent) else {
                throw .readOnly(path: path, reason: "its directory \(parent) is not writable (SQLite keeps its -wal and -shm files there)")
            }
        }
        return state
    }

    private static func checkCreatable(path: String, parent: String, options: StoreOptions) throws(StoreError) -> FileState {
        if options.readOnly {
            throw .readOnly(path: path, reason: "it does not exist, and a store opened read-only cannot be created")
        }
        var info = stat()
        guard stat(parent, &info) == 0 else {
            let code = errno
            if code == ENOENT { throw .cannotCreate(path: path, reason: "the directory \(parent) does not exist") }
            if code == ENOTDIR { throw .cannotCreate(path: path, reason: "a component of the path is a file, not a directory") }
            throw .cannotCreate(path: path, reason: "\(parent): \(String(cString: strerror(code)))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw .cannotCreate(path: path, reason: "\(parent) is not a directory")
        }
        guard isWritable(parent) else {
            throw .cannotCreate(path: path, reason: "the directory \(parent) is not writable")
        }
        return .missing
    }

    /// Reads the first 16 bytes and compares them with the SQLite header.
    private static func checkHeader(path: String, size: Int) throws(StoreError) {
        // Open through SQLite here already: a SQLite file, and reading it raw would drop its locks.
        if OpenStoreFiles.contains(path) { return }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .cannotOpen(path: path, reason: "it is not readable")
        }
        defer { try? handle.close() }
        let bytes = Array((try? handle.read(upToCount: sqliteHeader.count)) ?? Data())
        if bytes == sqliteHeader { return }
        if bytes.count < sqliteHeader.count && !bytes.isEmpty && sqliteHeader.starts(with: bytes) {
            throw .corrupt(path: path, detail: "the file is only \(size) bytes long")
        }
        throw .notSQLite(path: path)
    }

    /// Writable for us, and with at least one write permission bit: a file or
    /// directory made read-only with `chmod a-w` is treated as read-only even when
    /// running as root, who would otherwise bypass the permission.
    static func isWritable(_ path: String) -> Bool {
        guard access(path, W_OK) == 0 else { return false }
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return info.st_mode & 0o222 != 0
    }

    // MARK: - Through a read-only connection

    /// Inspects an existing SQLite file through a read-only connection: integrity,
    /// then whether it is empty, a Sluice store this build can read, or something else.
    ///
    /// A read-only connection to a WAL-mode file creates `-wal` and `-shm` files beside
    /// it. When neither exists (no connection is open and there is nothing to recover)
    /// the file is read as `immutable` instead, so that a file we refuse is left
    /// exactly as found, with nothing new beside it.
    static func inspect(path: String, options: StoreOptions) throws(StoreError) {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(options.busyTimeout)
        config.label = "SluiceStore.inspect"
        do {
            let queue = try openQuietly(path: path, configuration: config)
            defer { try? queue.close() }
            try queue.read { db in
                let problems = try String.fetchAll(db, sql: "PRAGMA quick_check(5)")
                if problems != ["ok"] {
                    // One line: SQLite's report can hold line breaks of its own.
                    let report = problems.map { $0.split(whereSeparator: \.isNewline).joined(separator: " ") }.joined(separator: "; ")
                    throw StoreError.corrupt(path: path, detail: "PRAGMA quick_check reports: " + report)
                }
                try checkIdentity(db, path: path)
                try checkRows(db, path: path)
            }
        } catch {
            throw StoreError.from(error, path: path, busyTimeout: options.busyTimeout)
        }
    }

    /// Every session and every cell decodes, and no session has a hole in its cells: a store
    /// with one damaged row is damaged, refused whole for reading and writing alike (before,
    /// `.sessions` listed nothing, `.save` wrote beside the damage, and `.delete` deleted).
    /// Reading each row once at opening costs little next to a replay, which reads them all.
    static func checkRows(_ db: Database, path: String) throws {
        guard try db.tableExists("session"), try db.tableExists("cell"), try db.tableExists("chart") else { return }
        // What decoding would let pass: a real where an integer belongs (1.5 read as 1), a
        // blob where text belongs, a timestamp or settings of another shape, a cell of no session.
        if let bad = try Row.fetchOne(db, sql: """
            SELECT name, CASE
                WHEN typeof(name) != 'text' OR name = '' THEN 'name'
                WHEN typeof(seed) != 'integer' THEN 'seed'
                WHEN typeof(created) != 'text' OR created NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*' THEN 'created'
                WHEN typeof(updated) != 'text' OR updated NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*' THEN 'updated'
                WHEN typeof(engine_version) != 'text' THEN 'engine_version'
                WHEN typeof(settings) != 'text' OR json_valid(settings) = 0 THEN 'settings'
                WHEN json_type(settings) != 'object' THEN 'settings'
                END AS bad
            FROM session WHERE bad IS NOT NULL LIMIT 1
            """) {
            let name = (bad["name"] as String?).map { $0.isEmpty ? "''" : $0 } ?? "?"
            throw StoredDataError(detail: "session \(name) has an unreadable \(bad["bad"] as String? ?? "column")")
        }
        if let bad = try Row.fetchOne(db, sql: """
            SELECT s.name AS name, c.seq AS seq, CASE
                WHEN s.id IS NULL THEN 'session_id'
                WHEN typeof(c.seq) != 'integer' THEN 'seq'
                WHEN typeof(c.input) != 'text' THEN 'input'
                WHEN typeof(c.output) != 'text' THEN 'output'
                WHEN c.error IS NOT NULL AND typeof(c.error) != 'text' THEN 'error'
                WHEN typeof(c.virtual_time_before_ns) != 'integer' THEN 'virtual_time_before_ns'
                WHEN typeof(c.virtual_time_after_ns) != 'integer' THEN 'virtual_time_after_ns'
                WHEN typeof(c.wall_time_ns) != 'integer' THEN 'wall_time_ns'
                END AS bad
            FROM cell c LEFT JOIN session s ON s.id = c.session_id WHERE bad IS NOT NULL LIMIT 1
            """) {
            let what = bad["bad"] as String? ?? "column"
            throw StoredDataError(detail: what == "session_id" ? "a cell belongs to no session"
                                  : "session \(bad["name"] as String? ?? "?"), cell \(bad["seq"] as DatabaseValue) has an unreadable \(what)")
        }
        for row in try Row.fetchAll(db, sql: selectSessions) {
            let session = try sessionInfo(row)
            _ = try cells(db, sessionID: session.id, path: path)
        }
    }

    /// Whether `path` is a SQLite database with nothing in it (no table, no index): a store
    /// not created yet, as an empty file is. False for anything else, or when it cannot be read.
    public static func isBlankDatabase(path: String) -> Bool {
        var config = Configuration()
        config.readonly = true
        config.label = "SluiceStore.isBlankDatabase"
        if !OpenStoreFiles.contains(path) {
            // Not open through SQLite in this process: the raw read drops no lock of ours.
            guard let handle = FileHandle(forReadingAtPath: path) else { return false }
            let header = Array((try? handle.read(upToCount: sqliteHeader.count)) ?? Data())
            try? handle.close()
            guard header == sqliteHeader else { return false }
        }
        guard let queue = try? openQuietly(path: path, configuration: config) else { return false }
        defer { try? queue.close() }
        return (try? queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master") }) == 0
    }

    /// Opens read-only. When no `-wal`, `-shm` or `-journal` file sits beside the store
    /// (nobody is writing, nothing to recover) it is read as `immutable`, so that nothing
    /// is created beside it; otherwise the plain path is used.
    static func openQuietly(path: String, configuration config: Configuration) throws -> DatabaseQueue {
        let quiet = ["-wal", "-shm", "-journal"].allSatisfy { !FileManager.default.fileExists(atPath: path + $0) }
        do {
            // Needs a SQLite built with URI file names (SQLITE_USE_URI), as the Linux and
            // macOS system libraries are; otherwise the plain path is used.
            return try DatabaseQueue(path: quiet ? immutableURI(path) : path, configuration: config)
        } catch let error as DatabaseError where quiet && error.resultCode == .SQLITE_CANTOPEN {
            return try DatabaseQueue(path: path, configuration: config)
        }
    }

    /// `file:PATH?immutable=1`, the path percent-encoded as SQLite's URI syntax asks.
    static func immutableURI(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var encoded = ""
        for byte in absolute.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if c.isASCII && (c.isLetter || c.isNumber || "/-._~".contains(c)) {
                encoded.append(c)
            } else {
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return "file:" + encoded + "?immutable=1"
    }

    /// Throws unless the database is empty, or a Sluice store of a version this build knows.
    static func checkIdentity(_ db: Database, path: String) throws {
        let tables = try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master
            WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
            ORDER BY name
            """)
        if tables.isEmpty { return }
        guard tables.contains("meta"),
              let format = try? String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format'"),
              format == formatMarker
        else {
            // A process killed between creating GRDB's migrations table and running
            // the first migration leaves only that table, empty: still ours to create.
            if tables == ["grdb_migrations"],
               try Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations") == 0 {
                return
            }
            throw StoreError.notASluiceStore(path: path, tables: tables)
        }
        let version = try storedSchemaVersion(db, path: path)
        if version > currentSchemaVersion {
            throw StoreError.newerSchema(path: path, found: version, supported: currentSchemaVersion)
        }
        // Each migration creates its tables in one transaction, marker included: a marked
        // store without them was damaged (or forged), and migrating it would write to it.
        let missing = requiredTables.filter { !tables.contains($0) }
        if !missing.isEmpty {
            throw StoreError.corrupt(path: path, detail: "it is marked as a session store but has no \(missing.joined(separator: ", ")) table\(missing.count == 1 ? "" : "s")")
        }
    }

    /// The tables every Sluice store has (GRDB's record of the migrations included).
    static let requiredTables = ["cell", "chart", "grdb_migrations", "meta", "session"]
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
