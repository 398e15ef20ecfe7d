/// What psql users type out of habit at an interactive prompt, as Sluice's dot-commands.
///
/// psql takes `help`, `quit` and `exit` alone on a line, and `\q`, `\?`, `\h`; sqlite3
/// and DuckDB users type `.quit`. The line editor asks this before treating a line as the
/// start of a statement, so those words never leave a user at the `...>` prompt. Batch
/// input does not come here: in a script they stay errors, with a hint.
public enum InteractiveShortcut {
    /// The dot-command a line typed alone at the main prompt stands for, or nil.
    ///
    /// `help`, `\?`, `\h` → `.help`; `\h topic` → `.help topic` (`\h CREATE TABLE` too, as in
    /// psql); `quit`, `exit`, `\q` → `.quit`.
    /// Surrounding spaces and, for the words, a trailing `;` are allowed; case is ignored.
    public static func dotCommand(for line: String) -> String? {
        var text = line.trimmingSpaces
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        if let first = words.first?.lowercased(), ["\\h", "\\help"].contains(first) {
            return ([".help"] + words.dropFirst().map(String.init)).joined(separator: " ")
        }
        if text.hasSuffix(";") { text = String(text.dropLast()).trimmingSpaces }
        switch text.lowercased() {
        case "help", "\\?": return ".help"
        case "quit", "exit", "\\q": return ".quit"
        default: return nil
        }
    }
}

private extension String {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}
