import Foundation
// The store's schema and its migrations. Each schema version is one GRDB migration
// (`grdb_migrations` records which ran) and writes its number to `meta.schema_version`,
// which is what an older build reads to refuse a newer store. SCHEMA.md documents
// the tables for users of the sqlite3 client; keep the two in step.
import GRDB

extension SessionStore {
    /// The migrations, one per schema version, in order.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: schemaV1)
        }
        return migrator
    }

    /// Schema version 1.
    static let schemaV1 = """
        CREATE TABLE meta (
          key   TEXT NOT NULL PRIMARY KEY,
          value TEXT NOT NULL
        );
        INSERT INTO meta (key, value) VALUES
          ('format', '\(formatMarker)'),
          ('schema_version', '1');

        CREATE TABLE session (
          id             INTEGER PRIMARY KEY AUTOINCREMENT,
          name           TEXT NOT NULL UNIQUE CHECK (name <> ''),
          created        TEXT NOT NULL,
          updated        TEXT NOT NULL,
          engine_version TEXT NOT NULL,
          seed           INTEGER NOT NULL,
          settings       TEXT NOT NULL DEFAULT '{}'
        );

        CREATE TABLE cell (
          session_id             INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
          seq                    INTEGER NOT NULL CHECK (seq >= 1),
          input                  TEXT NOT NULL,
          output                 TEXT NOT NULL,
          status                 TEXT NOT NULL CHECK (status IN ('ok', 'error', 'cancelled')),
          error                  TEXT,
          virtual_time_before_ns INTEGER NOT NULL,
          virtual_time_after_ns  INTEGER NOT NULL,
          wall_time_ns           INTEGER NOT NULL,
          PRIMARY KEY (session_id, seq)
        );

        CREATE TABLE chart (
          session_id INTEGER NOT NULL,
          seq        INTEGER NOT NULL,
          position   INTEGER NOT NULL CHECK (position >= 0),
          title      TEXT NOT NULL,
          x_label    TEXT NOT NULL,
          x_unit     TEXT NOT NULL,
          y_unit     TEXT NOT NULL,
          series     TEXT NOT NULL,
          PRIMARY KEY (session_id, seq, position),
          FOREIGN KEY (session_id, seq) REFERENCES cell(session_id, seq) ON DELETE CASCADE
        );
        """

    /// `meta.schema_version`, or 0 for a database with no `meta` table yet.
    static func storedSchemaVersion(_ db: Database, path: String) throws -> Int {
        guard try db.tableExists("meta") else { return 0 }
        let text = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema_version'")
        guard let text, let version = Int(text), version >= 1 else {
            throw StoreError.corrupt(path: path, detail: "meta.schema_version is \(text.map { "'\($0)'" } ?? "missing")")
        }
        return version
    }

    /// Opens the checked file for good: WAL mode, full sync, busy timeout, foreign keys; runs
    /// the migrations unless read-only; returns the connection and the schema version.
    static func openAndMigrate(path: String, options: StoreOptions) throws(StoreError) -> (DatabaseQueue, Int) {
        var config = Configuration()
        config.busyMode = .timeout(options.busyTimeout)
        config.foreignKeysEnabled = true
        config.label = "SluiceStore"
        if options.readOnly {
            config.readonly = true
        } else {
            config.journalMode = .wal
        }
        do {
            // Read-only leaves the directory as it was (a read-only WAL connection would
            // create -wal and -shm beside the store, or fail where it cannot).
            let queue = options.readOnly ? try openQuietly(path: path, configuration: config)
                                         : try DatabaseQueue(path: path, configuration: config)
            if !options.readOnly {
                // GRDB sets NORMAL for WAL, which survives a killed process but may lose
                // the last commits on power loss; a cell is small and human-paced, so
                // pay one fsync per cell and make "written" mean durable.
                try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
                try migrate(queue, path: path)
            }
            let version = try queue.read { db in
                try checkIdentity(db, path: path)
                return try storedSchemaVersion(db, path: path)
            }
            if options.readOnly && version < currentSchemaVersion {
                let what = version == 0 ? "it holds no store yet" : "it has schema version \(version)"
                throw StoreError.readOnly(path: path, reason: "\(what), and upgrading it to version \(currentSchemaVersion) needs write access")
            }
            return (queue, version)
        } catch {
            throw StoreError.from(error, path: path, busyTimeout: options.busyTimeout)
        }
    }

    /// Runs the missing migrations. Two processes creating the same new store at
    /// once race here; the loser's migration fails on existing tables, so a failure
    /// is accepted when the migrations are complete after all.
    private static func migrate(_ queue: DatabaseQueue, path: String) throws {
        let migrator = self.migrator
        if try queue.read({ try migrator.hasBeenSuperseded($0) }) {
            let version = try queue.read { try storedSchemaVersion($0, path: path) }
            throw StoreError.newerSchema(path: path, found: max(version, currentSchemaVersion + 1), supported: currentSchemaVersion)
        }
        do {
            try migrator.migrate(queue)
        } catch {
            guard try queue.read({ try migrator.hasCompletedMigrations($0) }) else { throw error }
        }
    }
}
