import Foundation

/// The interactive history, kept in a file so that it survives restarts and crashes.
///
/// One entry per line; a multi-line statement is one entry, its newlines written as `\n`
/// and backslashes as `\\`. Each entry is appended (and the file closed) as soon as it is
/// added, so a crash loses nothing; consecutive duplicates are not added. The file is
/// created private (0600). Batch mode never makes one.
final class HistoryFile {
    /// `$SLUICE_HISTORY`, else `~/.sluice_history`.
    static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["SLUICE_HISTORY"], !path.isEmpty { return path }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.sluice_history"
    }

    /// Entries kept; older ones are dropped when the file is loaded.
    static let limit = 1000

    let path: String
    private(set) var entries: [String] = []
    /// Why the last entry could not be written, until `takeWarning` says it once: history
    /// that silently goes unsaved is a surprise at the next start (psql and sqlite3 warn).
    private var failure: String?
    private var warned = false

    /// Loads the entries already in the file (none if it does not exist).
    init(path: String) {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        entries = lines.map { HistoryFile.decode(String($0)) }
        if entries.count > HistoryFile.limit {
            entries = Array(entries.suffix(HistoryFile.limit))
            rewrite()
        }
    }

    /// Adds an entry unless it is empty or repeats the previous one; returns whether it was added.
    @discardableResult
    func add(_ entry: String) -> Bool {
        guard !entry.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, entry != entries.last else { return false }
        entries.append(entry)
        append(HistoryFile.encode(entry) + "\n")
        return true
    }

    static func encode(_ entry: String) -> String {
        var out = ""
        for ch in entry {
            switch ch {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.append(ch)
            }
        }
        return out
    }

    static func decode(_ line: String) -> String {
        var out = ""
        var escaped = false
        for ch in line {
            if escaped {
                out += ch == "n" ? "\n" : (ch == "r" ? "\r" : String(ch))
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else {
                out.append(ch)
            }
        }
        return out
    }

    private func append(_ text: String) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else { return fail(errno) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written != bytes.count { fail(written < 0 ? errno : ENOSPC) }
    }

    private func fail(_ code: Int32) {
        failure = "history is not saved: cannot write \(path): \(String(cString: strerror(code)))"
    }

    /// The warning for a history that could not be written, the first time only.
    func takeWarning() -> String? {
        guard let failure, !warned else { return nil }
        warned = true
        return failure
    }

    private func rewrite() {
        let text = entries.map { HistoryFile.encode($0) + "\n" }.joined()
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8),
                                             attributes: [.posixPermissions: 0o600]) else { return }
        _ = rename(temporary, path)
    }
}
