// A store that is not there yet: nothing to list, open or replay, and nothing to create by
// looking (a read-only open could not create it, and need not).
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a path holds no sessions without being an error: no file, an empty file, or a SQLite
/// database with nothing in it (a store not created yet, as an empty file is).
public enum StoreAbsence: Sendable, Equatable {
    case missing, empty, blank

    /// What follows "the store PATH": `does not exist`, `is empty`, ….
    public var why: String {
        switch self {
        case .missing: "does not exist"
        case .empty: "is empty"
        case .blank: "is a SQLite database with no sessions in it yet"
        }
    }

    /// Why the file at `path` holds no store yet; nil when something is there to open (a
    /// store, or a file that opening reports as not one).
    public init?(path: String) {
        var info = stat()
        if stat(path, &info) != 0 {
            guard errno == ENOENT else { return nil }
            self = .missing
            return
        }
        guard info.st_mode & S_IFMT == S_IFREG else { return nil }
        if info.st_size == 0 {
            self = .empty
        } else if SessionStore.isBlankDatabase(path: path) {
            self = .blank
        } else {
            return nil
        }
    }
}
