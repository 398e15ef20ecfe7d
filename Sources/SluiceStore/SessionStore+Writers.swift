// One shell records into a session at a time. A shell claims a session (a row in `writer`)
// before it records into it and releases it when it stops; a second shell finds the claim
// and continues elsewhere instead of interleaving its cells with the first one's. A claim
// whose shell is gone (killed, crashed, its machine restarted) is taken over, so no session
// stays locked. Every write that records cells checks the claim in its own transaction.
//
// The `writer` table is created by the first claim, outside the schema migrations: a store
// written only by an older sluice has none until a shell records into it, and an older
// sluice, which does not know the table, reads and writes the store as before, without
// looking at claims. (A migration would make an older sluice refuse the store as newer,
// and a read-only open of an older store could not apply it.)
import Foundation
import GRDB

/// A claim on a session, as the `writer` table holds it.
public struct WriterClaim: Sendable, Equatable {
    public var sessionID: Int64
    public var writer: SessionWriter
    /// When the writer claimed the session, and when it last claimed or wrote to it.
    public var claimed: String
    public var seen: String

    /// Whether the claim stops `writer` (nil: anyone) at `now`: it is another writer's, and
    /// that writer is not gone.
    func holds(against writer: SessionWriter?, now: Date) -> Bool {
        self.writer.token != writer?.token
            && !self.writer.isGone(seenAgo: now.timeIntervalSince(SessionStore.date(seen) ?? .distantPast))
    }
}

extension SessionStore {
    /// Claims session `id` for `writer`, or renews its claim. A claim by a writer that is
    /// gone is taken over.
    /// - Throws: ``StoreError/sessionInUse(name:writer:since:)`` when another live writer holds it,
    ///   ``StoreError/sessionIDNotFound(_:)``.
    public func claimSession(id: Int64, for writer: SessionWriter) throws(StoreError) {
        let now = options.clock()
        try write { db in try self.takeClaim(db, sessionID: id, for: writer, now: now) }
    }

    /// Releases `writer`'s claim on session `id`; another writer's claim is left alone.
    public func releaseSession(id: Int64, for writer: SessionWriter) throws(StoreError) {
        try write { db in
            guard try db.tableExists("writer") else { return }
            try db.execute(sql: "DELETE FROM writer WHERE session_id = ? AND token = ?", arguments: [id, writer.token])
        }
    }

    /// The claim on session `id`, live or not; nil when no writer has claimed it.
    public func claim(onSession id: Int64) throws(StoreError) -> WriterClaim? {
        try read { db in try Self.fetchClaim(db, sessionID: id) }
    }

    // MARK: - Inside a write transaction

    /// Throws unless `writer` may write to the session (no claim, its own, or one whose
    /// writer is gone), then records its claim with `seen` = now.
    func takeClaim(_ db: Database, sessionID: Int64, for writer: SessionWriter, now: Date) throws {
        guard let info = try Self.fetchSession(db, id: sessionID) else { throw StoreError.sessionIDNotFound(sessionID) }
        try db.execute(sql: Self.writerTable)
        let stamp = Self.timestamp(now)
        var claimed = stamp
        if let existing = try Self.fetchClaim(db, sessionID: sessionID) {
            if existing.writer.token == writer.token {
                claimed = existing.claimed
            } else if existing.holds(against: writer, now: now) {
                throw StoreError.sessionInUse(name: info.name, writer: existing.writer.description, since: existing.claimed)
            }
        }
        try db.execute(sql: """
            INSERT OR REPLACE INTO writer (session_id, token, host, boot_id, pid, process_start, claimed, seen)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [sessionID, writer.token, writer.host, writer.bootID, writer.pid, writer.processStart, claimed, stamp])
    }

    static let writerTable = """
        CREATE TABLE IF NOT EXISTS writer (
          session_id    INTEGER NOT NULL PRIMARY KEY REFERENCES session(id) ON DELETE CASCADE,
          token         TEXT NOT NULL,
          host          TEXT NOT NULL,
          boot_id       TEXT NOT NULL,
          pid           INTEGER NOT NULL,
          process_start TEXT NOT NULL,
          claimed       TEXT NOT NULL,
          seen          TEXT NOT NULL
        )
        """

    static func fetchClaim(_ db: Database, sessionID: Int64) throws -> WriterClaim? {
        guard try db.tableExists("writer"),
              let row = try Row.fetchOne(db, sql: "SELECT * FROM writer WHERE session_id = ?", arguments: [sessionID])
        else { return nil }
        let owner = "the writer of session \(sessionID)"
        let writer = SessionWriter(token: try row.stored("token", of: owner), host: try row.stored("host", of: owner),
                                   bootID: try row.stored("boot_id", of: owner), pid: try row.stored("pid", of: owner),
                                   processStart: try row.stored("process_start", of: owner))
        return WriterClaim(sessionID: sessionID, writer: writer, claimed: try row.stored("claimed", of: owner),
                           seen: try row.stored("seen", of: owner))
    }

    /// A stored timestamp read back; nil if it is not one.
    static func date(_ timestamp: String) -> Date? {
        try? Date(timestamp, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!))
    }
}
