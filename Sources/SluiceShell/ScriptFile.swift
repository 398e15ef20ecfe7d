import Foundation

/// Reading a script file, the one way `.read FILE` and `sluice FILE.sql` both do: a file
/// that cannot be read, or is not text (a binary, a file in another encoding), is refused
/// with one line before any of it runs, rather than run as hundreds of failing statements.
public enum ScriptFile {
    /// Why a script file was refused.
    public enum Refusal: Error, Equatable, Sendable {
        /// No such file.
        case missing(path: String)
        /// A directory, not a file.
        case directory(path: String)
        /// There, but this user may not read it (or reading it failed).
        case unreadable(path: String)
        /// Not UTF-8, or with a NUL byte: not a file of SQL statements.
        case notText(path: String)

        /// One line saying what is wrong: `blob.sql is not a text file`.
        public var message: String {
            switch self {
            case .missing(let path): "cannot read \(path): no such file"
            case .directory(let path): "cannot read \(path): it is a directory"
            case .unreadable(let path): "cannot read \(path): permission denied"
            case .notText(let path): "\(path) is not a text file"
            }
        }
    }

    /// The text of the file at `path`, or why it is refused. Any readable file will do: a
    /// pipe or `/dev/null` (an empty script) as well as a regular file.
    public static func read(_ path: String) -> Result<String, Refusal> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .failure(.missing(path: path)) }
        guard !isDirectory.boolValue else { return .failure(.directory(path: path)) }
        guard let handle = FileHandle(forReadingAtPath: path) else { return .failure(.unreadable(path: path)) }
        defer { try? handle.close() }
        guard let data = try? handle.readToEnd() ?? Data() else { return .failure(.unreadable(path: path)) }
        guard let text = String(data: data, encoding: .utf8), !text.contains("\0") else {
            return .failure(.notText(path: path))
        }
        return .success(text)
    }

    /// The lines of a script, as every script is split (a file, `-c`, `.read`, `.edit`'s
    /// text): LF, CRLF and a lone CR each end a line, so a script written on Windows (or an
    /// old Mac) runs cell by cell as it does through stdin, whose lines `readLine` splits
    /// the same way. (`split(separator: "\n")` misses CRLF: `"\r\n"` is one `Character`.)
    /// A last line break ends the last line rather than starting an empty one.
    public static func lines(of text: String) -> [String] {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: isLineBreak).map(String.init)
        if let last = text.last, isLineBreak(last) { lines.removeLast() }
        return lines
    }

    private static func isLineBreak(_ c: Character) -> Bool { c == "\n" || c == "\r\n" || c == "\r" }
}
