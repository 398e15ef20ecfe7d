import Foundation
import Synchronization

/// The store files this process has open through SQLite, by device and inode.
///
/// POSIX record locks belong to the process, not to a descriptor: closing any descriptor of
/// a file drops every lock the process holds on it, SQLite's included. A raw read of the
/// header of a file this process already has open through SQLite would leave its
/// connection unlocked, and another process could checkpoint and delete the WAL from under
/// it. Such a file is known to be SQLite, so the raw read is skipped.
enum OpenStoreFiles {
    struct FileID: Hashable, Sendable {
        let device: UInt64
        let inode: UInt64
    }

    private static let counts = Mutex<[FileID: Int]>([:])

    /// The file's identity, or nil when it cannot be examined.
    static func id(of path: String) -> FileID? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Counts one more connection to the file at `path`; returns what `unregister` takes.
    static func register(_ path: String) -> FileID? {
        guard let id = id(of: path) else { return nil }
        counts.withLock { $0[id, default: 0] += 1 }
        return id
    }

    static func unregister(_ id: FileID) {
        counts.withLock { counts in
            let left = (counts[id] ?? 1) - 1
            counts[id] = left > 0 ? left : nil
        }
    }

    /// Whether this process has a connection open to the file at `path`.
    static func contains(_ path: String) -> Bool {
        guard let id = id(of: path) else { return false }
        return counts.withLock { $0[id] != nil }
    }
}
