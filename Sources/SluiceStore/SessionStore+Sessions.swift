// Sessions: a named header (engine version, seed, settings) that owns a sequence of cells.
import Foundation
import GRDB

extension SessionStore {
    /// Creates a session holding `cells` (numbered 1, 2, …; none by default) in one
    /// transaction: a new session, a copy of one under another name, or a fork of it with
    /// some cells changed. Nothing is created if any part fails. Names are unique (compared
    /// exactly, case-sensitive).
    ///
    /// - Parameters:
    ///   - name: the name given by `.save NAME`; must not be empty.
    ///   - engineVersion: the engine that records it, so replay can report a difference.
    ///   - seed: the session's seed after its last cell (``SessionState``).
    ///   - settings: the changed session variables as a JSON object (``SessionState``).
    ///   - writer: the shell that will record into it, which claims it in the same transaction
    ///     (SessionStore+Writers.swift).
    /// - Throws: ``StoreError/duplicateSessionName(_:)`` when the name is taken,
    ///   ``StoreError/invalidArgument(_:)`` when `settings` is not a JSON object.
    @discardableResult
    public func createSession(
        name: String, engineVersion: String, seed: UInt64, settings: String = "{}", cells: [CellRecord] = [],
        writer: SessionWriter? = nil
    ) throws(StoreError) -> SessionInfo {
        try Self.validate(name: name)
        try Self.validate(settings: settings)
        let clock = options.clock()
        let now = Self.timestamp(clock)
        return try write { db in
            try Self.ensureNameFree(db, name)
            try db.execute(
                sql: """
                    INSERT INTO session (name, created, updated, engine_version, seed, settings)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [name, now, now, engineVersion, Int64(bitPattern: seed), settings])
            let id = db.lastInsertedRowID
            for (offset, cell) in cells.enumerated() {
                var record = cell
                record.seq = offset + 1
                try Self.insert(db, sessionID: id, cell: record)
            }
            if let writer { try self.takeClaim(db, sessionID: id, for: writer, now: clock) }
            return SessionInfo(
                id: id, name: name, created: now, updated: now,
                engineVersion: engineVersion, seed: seed, settings: settings, cellCount: cells.count)
        }
    }

    /// Creates a session whose header holds `state` (seed and settings); see the other overload.
    @discardableResult
    public func createSession(
        name: String, engineVersion: String, state: SessionState, cells: [CellRecord] = [], writer: SessionWriter? = nil
    ) throws(StoreError) -> SessionInfo {
        try createSession(name: name, engineVersion: engineVersion, seed: state.seed, settings: state.settings,
                          cells: cells, writer: writer)
    }

    /// A name no session has yet: `base-2`, `base-3`, … (the name of a fork of `base`).
    public func unusedName(after base: String) throws(StoreError) -> String {
        let names = Set(try sessions().map(\.name))   // membership only, never iterated
        var n = 2
        while names.contains("\(base)-\(n)") { n += 1 }
        return "\(base)-\(n)"
    }

    /// Renames a session and returns its new header; `updated` becomes now.
    /// - Throws: ``StoreError/duplicateSessionName(_:)``, ``StoreError/sessionIDNotFound(_:)``.
    @discardableResult
    public func renameSession(id: Int64, to newName: String) throws(StoreError) -> SessionInfo {
        try Self.validate(name: newName)
        let now = timestamp()
        return try write { db in
            guard let current = try Self.fetchSession(db, id: id) else {
                throw StoreError.sessionIDNotFound(id)
            }
            if current.name != newName { try Self.ensureNameFree(db, newName) }
            try db.execute(sql: "UPDATE session SET name = ?, updated = ? WHERE id = ?",
                           arguments: [newName, now, id])
            var renamed = current
            renamed.name = newName
            renamed.updated = now
            return renamed
        }
    }

    /// The session with this exact name, or nil.
    public func session(named name: String) throws(StoreError) -> SessionInfo? {
        try read { db in
            try Row.fetchOne(db, sql: Self.selectSessions + " WHERE s.name = ?", arguments: [name])
                .map(Self.sessionInfo)
        }
    }

    /// The session with this id, or nil.
    public func session(id: Int64) throws(StoreError) -> SessionInfo? {
        try read { db in try Self.fetchSession(db, id: id) }
    }

    /// Every session with its cell count, most recently updated first, then by name.
    public func sessions() throws(StoreError) -> [SessionInfo] {
        try read { db in
            try Row.fetchAll(db, sql: Self.selectSessions + " ORDER BY s.updated DESC, s.name ASC")
                .map(Self.sessionInfo)
        }
    }

    /// Deletes a session and all its cells and charts, in one transaction, and returns
    /// its header as it was (with its cell count). A session that another live shell records
    /// into is not deleted: that shell would lose every cell after, with a warning about a
    /// session it never deleted. `writer`'s own claim, and a claim whose writer is gone, do
    /// not stop it (SessionStore+Writers.swift).
    /// - Throws: ``StoreError/sessionNotFound(_:)`` when no session has this name,
    ///   ``StoreError/deletingRecordedSession(name:writer:since:)`` when another live shell claims it.
    @discardableResult
    public func deleteSession(named name: String, by writer: SessionWriter? = nil) throws(StoreError) -> SessionInfo {
        let now = options.clock()
        return try write { db in
            guard let info = try Row.fetchOne(db, sql: Self.selectSessions + " WHERE s.name = ?", arguments: [name])
                .map(Self.sessionInfo) else { throw StoreError.sessionNotFound(name) }
            if let claim = try Self.fetchClaim(db, sessionID: info.id), claim.holds(against: writer, now: now) {
                throw StoreError.deletingRecordedSession(name: name, writer: claim.writer.description, since: claim.claimed)
            }
            try db.execute(sql: "DELETE FROM session WHERE id = ?", arguments: [info.id])
            return info
        }
    }

    // MARK: - Rows

    static let selectSessions = """
        SELECT s.id, s.name, s.created, s.updated, s.engine_version, s.seed, s.settings,
               (SELECT count(*) FROM cell c WHERE c.session_id = s.id) AS cell_count
        FROM session s
        """

    static func fetchSession(_ db: Database, id: Int64) throws -> SessionInfo? {
        try Row.fetchOne(db, sql: selectSessions + " WHERE s.id = ?", arguments: [id]).map(Self.sessionInfo)
    }

    static func sessionInfo(_ row: Row) throws -> SessionInfo {
        let id: Int64 = try row.stored("id", of: "a session")
        let name: String = try row.stored("name", of: "session \(id)")
        let owner = "session \(name)"
        return SessionInfo(
            id: id, name: name, created: try row.stored("created", of: owner), updated: try row.stored("updated", of: owner),
            engineVersion: try row.stored("engine_version", of: owner),
            seed: UInt64(bitPattern: try row.stored("seed", of: owner) as Int64),
            settings: try row.stored("settings", of: owner), cellCount: try row.stored("cell_count", of: owner))
    }

    /// A session name is typed after `.open`, `.replay` and `sluice replay`: it cannot be
    /// empty, read as an option (`--step`), hold control characters, or run past a line.
    static func validate(name: String) throws(StoreError) {
        if name.isEmpty { throw .invalidArgument("a session name cannot be empty") }
        if name.hasPrefix("-") { throw .invalidArgument("a session name cannot start with '-': \(name) would read as an option") }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .invalidArgument("a session name cannot contain control characters")
        }
        if name.count > maxNameLength { throw .invalidArgument("a session name has at most \(maxNameLength) characters, not \(name.count)") }
    }

    /// The longest session name.
    public static let maxNameLength = 128

    /// `settings` must be a JSON object (the column is documented as one).
    static func validate(settings: String) throws(StoreError) {
        let object = try? JSONSerialization.jsonObject(with: Data(settings.utf8))
        if !(object is [String: Any]) {
            let shown = settings.count > 40 ? String(settings.prefix(40)) + "…" : settings
            throw .invalidArgument("a session's settings must be a JSON object, not \(shown)")
        }
    }

    private static func ensureNameFree(_ db: Database, _ name: String) throws {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM session WHERE name = ?", arguments: [name]) == true {
            throw StoreError.duplicateSessionName(name)
        }
    }
}
