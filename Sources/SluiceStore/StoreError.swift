// Everything that can go wrong with a session store, as values with a message that
// names the file and a hint that says what to do.
import Foundation
import GRDB

/// An error from the session store.
///
/// Every case that concerns the store file names it, and every error raised while
/// opening a file guarantees that the file was left byte-for-byte unchanged.
/// ``message`` says what is wrong; ``hint`` says what the user can do;
/// `description` is both, for a one-line report.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The file exists but does not start with the 16-byte header `SQLite format 3\0`.
    case notSQLite(path: String)
    /// The file is a SQLite database with tables of its own and no Sluice marker.
    case notASluiceStore(path: String, tables: [String])
    /// The store was written by a build that knows a newer schema version.
    case newerSchema(path: String, found: Int, supported: Int)
    /// The file is truncated or damaged: SQLite reports it corrupt, or not a database,
    /// or `PRAGMA quick_check` finds a problem.
    case corrupt(path: String, detail: String)
    /// The store does not exist and cannot be created there.
    case cannotCreate(path: String, reason: String)
    /// The path exists but cannot be opened as a file: a directory, a device, unreadable.
    case cannotOpen(path: String, reason: String)
    /// The store or its directory cannot be written.
    case readOnly(path: String, reason: String)
    /// Another connection held the write lock for longer than the busy timeout.
    case locked(path: String, seconds: Double)
    /// The store was closed with ``SessionStore/close()``.
    case closed(path: String)
    /// A session with this name already exists.
    case duplicateSessionName(String)
    /// No session has this name.
    case sessionNotFound(String)
    /// No session has this id (it was deleted, perhaps by another process).
    case sessionIDNotFound(Int64)
    /// Another live shell records into this session (it claimed it at `since`).
    case sessionInUse(name: String, writer: String, since: String)
    /// A delete of a session that another live shell records into (it claimed it at `since`).
    case deletingRecordedSession(name: String, writer: String, since: String)
    /// The session no longer holds the cells this shell saved in it: another process
    /// added or removed cells.
    case sessionChanged(name: String, expected: Int, found: Int)
    /// A session's cells skip number `seq` (a saved session never has a hole): the file was
    /// edited or damaged.
    case missingCell(path: String, session: String, seq: Int)
    /// A caller passed a value the store cannot accept.
    case invalidArgument(String)
    /// Any other SQLite failure, with SQLite's result code and message.
    case sqlite(path: String, code: Int32, message: String)

    /// What is wrong, in one sentence that names the file.
    public var message: String {
        switch self {
        case let .notSQLite(path):
            return "\(path) is not a SQLite database: it does not start with the header \"SQLite format 3\""
        case let .notASluiceStore(path, tables):
            let list = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", ..." : "")
            return "\(path) is a SQLite database but not a Sluice session store (it holds the tables \(list) and no Sluice marker)"
        case let .newerSchema(path, found, supported):
            return "\(path) was written by a newer Sluice: schema version \(found), this build knows up to \(supported)"
        case let .corrupt(path, detail):
            return "\(path) is truncated or damaged: \(detail)"
        case let .cannotCreate(path, reason):
            return "cannot create the session store \(path): \(reason)"
        case let .cannotOpen(path, reason):
            return "cannot open the session store \(path): \(reason)"
        case let .readOnly(path, reason):
            return "cannot write the session store \(path): \(reason)"
        case let .locked(path, seconds):
            return "\(path) is locked by another process (waited \(Self.formatSeconds(seconds)) s for its write lock)"
        case let .closed(path):
            return "the session store \(path) is closed"
        case let .duplicateSessionName(name):
            return "a session named '\(name)' already exists"
        case let .sessionNotFound(name):
            return "no session named '\(name)'"
        case let .sessionIDNotFound(id):
            return "no session with id \(id)"
        case let .sessionInUse(name, writer, since):
            return "another sluice (\(writer)) is recording into session '\(name)' (since \(since))"
        case let .deletingRecordedSession(name, writer, since):
            return "cannot delete session '\(name)': another sluice (\(writer)) is recording into it (since \(since))"
        case let .sessionChanged(name, expected, found):
            return "session '\(name)' was changed by another process: it holds \(found) cells where this shell saved \(expected)"
        case let .missingCell(_, session, seq):
            return "cell \(seq) of \(session) is missing (the store is damaged)"
        case let .invalidArgument(text):
            return text
        case let .sqlite(path, code, message):
            return "SQLite error \(code) on \(path): \(message)"
        }
    }

    /// What the user can do about it.
    public var hint: String {
        let elsewhere = "choose another file with --db PATH or SLUICE_DB"
        switch self {
        case .notSQLite, .notASluiceStore:
            return "the file was not modified; \(elsewhere)"
        case .newerSchema:
            return "the file was not modified; upgrade sluice to read it, or \(elsewhere)"
        case let .corrupt(path, _):
            return "the file was not modified; restore it from a backup, or move it aside and start a new store ('sqlite3 \(path) .recover' may salvage cells)"
        case .cannotOpen:
            return "the file was not modified; \(elsewhere)"
        case .cannotCreate:
            return "create the directory or \(elsewhere); or run without saving"
        case .readOnly:
            return "make it writable (chmod u+w on the file and its directory), or \(elsewhere); or run without saving"
        case .locked:
            return "finish or close the other sluice or sqlite3 that is writing to it, then retry"
        case .closed:
            return "open the store again"
        case let .duplicateSessionName(name):
            let quoted = Self.quoted(name)
            return "choose another name, or delete the existing session first: .delete \(quoted) in the shell, sluice delete \(quoted) from the command line"
        case .sessionNotFound, .sessionIDNotFound:
            return "'.sessions' lists the saved sessions"
        case .sessionInUse:
            return "close that shell first, or save this notebook under another name (.save NAME)"
        case .deletingRecordedSession:
            return "nothing was deleted; quit that shell (or .rewind 0 in it, which stops its recording) first, then delete the session"
        case .sessionChanged:
            return "nothing was written to it; save this notebook under another name (.save NAME)"
        case let .missingCell(path, _, _):
            return "the file \(path) was not modified; restore it from a backup, or move it aside and start a new store ('sqlite3 \(path) .recover' may salvage cells)"
        case .invalidArgument:
            return "nothing was changed"
        case .sqlite:
            return "the store may be unusable; \(elsewhere)"
        }
    }

    /// The message and the hint on one line.
    public var description: String { "\(message). \(hint)" }

    /// The same as `description`, for `localizedDescription`.
    public var errorDescription: String? { description }

    /// A session name as it is typed after a dot-command or on a command line: quoted when
    /// it has blanks or quotes (`.delete 'my lesson'`).
    public static func quoted(_ name: String) -> String {
        guard name.contains(where: { $0.isWhitespace || $0 == "'" || $0 == "\"" }) else { return name }
        return name.contains("'") ? "\"\(name)\"" : "'\(name)'"
    }

    private static func formatSeconds(_ seconds: Double) -> String {
        let tenths = Int((seconds * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

// MARK: - From SQLite errors

extension StoreError {
    /// Errors that another connection causes for a moment: its write lock, or the
    /// schema changing under us while it creates the store (SQLITE_ERROR, SQLITE_SCHEMA).
    var isTransient: Bool {
        switch self {
        case .locked: return true
        case let .sqlite(_, code, _): return code == 1 || code == 17
        default: return false
        }
    }
}

extension StoreError {
    /// Maps any error thrown inside a database access to a store error about `path`.
    static func from(_ error: any Error, path: String, busyTimeout: Double) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? StoredDataError { return .corrupt(path: path, detail: error.detail) }
        guard let error = error as? DatabaseError else {
            return .sqlite(path: path, code: -1, message: String(describing: error))
        }
        let message = error.message ?? "unknown error"
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .locked(path: path, seconds: busyTimeout)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return .corrupt(path: path, detail: message)
        case .SQLITE_READONLY:
            return .readOnly(path: path, reason: message)
        case .SQLITE_CANTOPEN:
            return .cannotCreate(path: path, reason: message)
        case .SQLITE_MISUSE where message.contains("closed"):
            return .closed(path: path)
        default:
            return .sqlite(path: path, code: error.resultCode.rawValue, message: message)
        }
    }
}

/// A row the store cannot read back (an unknown status, unreadable chart JSON):
/// thrown where the path is not known, reported as ``StoreError/corrupt(path:detail:)``.
struct StoredDataError: Error {
    var detail: String
}

extension Row {
    /// Column `column` as a `Value`, or a ``StoredDataError`` saying whose value it is when
    /// the store holds something else there (text or a real where an integer belongs, after
    /// a hand edit): GRDB's subscript would trap on it.
    func stored<Value: DatabaseValueConvertible>(_ column: String, of owner: @autoclosure () -> String) throws -> Value {
        do {
            return try decode(Value.self, forColumn: column)
        } catch {
            throw StoredDataError(detail: "\(owner()) has an unreadable \(column)")
        }
    }
}
