/// What psql users type out of habit, as Sluice's dot-commands.
///
/// psql takes `help`, `quit` and `exit` alone on a line at an interactive prompt, and
/// `\q`, `\?`, `\h`; sqlite3 and DuckDB users type `.quit`. The line editor asks this
/// before treating a line as the start of a statement, so those words never leave a user
/// at the `...>` prompt. A line that starts with a backslash is psql's backslash command,
/// which psql runs as soon as the line ends, at a prompt and in a script alike: so does
/// Sluice (`backslashCommand(for:)`), else `\d` would open a statement that swallows the
/// lines after it up to a `;`. In a script the words stay statements, as in psql.
public enum InteractiveShortcut {
    /// The dot-command psql's word typed alone at the main prompt stands for, or nil:
    /// `help` → `.help`; `quit`, `exit` → `.quit`. Surrounding spaces and a trailing `;` are
    /// allowed; case is ignored.
    public static func dotCommand(for line: String) -> String? {
        var text = line.trimmingSpaces
        if text.hasSuffix(";") { text = String(text.dropLast()).trimmingSpaces }
        switch text.lowercased() {
        case "help": return ".help"
        case "quit", "exit": return ".quit"
        default: return nil
        }
    }

    /// What a line that starts with `\` does, at once: nil for any other line.
    public enum Backslash: Equatable, Sendable {
        /// Runs this dot-command: `\q`, `\?`, `\h [topic]`.
        case run(String)
        /// Not a Sluice command: the error says what to write instead.
        case refuse(ErrorReport)
    }

    /// The backslash command on `line`, or nil when the line does not start with `\` (after
    /// blanks) or continues a string or comment that `earlier` lines (of an unfinished
    /// statement) opened. psql's commands Sluice has by another name are refused with that
    /// name: `\dt` → `SHOW TABLES;`, `\d name` → `DESCRIBE name;`, `\i file` → `.read file`.
    public static func backslashCommand(for line: String, after earlier: [String] = []) -> Backslash? {
        let text = line.trimmingSpaces
        guard text.hasPrefix("\\") else { return nil }
        if !earlier.isEmpty && CompletionLexer.tokens(earlier.joined(separator: "\n") + "\n").unterminated { return nil }
        var words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        // psql takes `\dt;` and `\q;` as it takes `\dt` and `\q`.
        if let last = words.last, last.hasSuffix(";") {
            words[words.count - 1] = String(last.dropLast())
            if words.last == "" { words.removeLast() }
        }
        let command = words.first ?? "\\"
        let argument = words.dropFirst().joined(separator: " ")
        switch command {
        case "\\q", "\\quit": return .run(".quit")
        case "\\?": return .run(".help")
        // psql's `\h CREATE TABLE` takes a statement's words, as `.help` does.
        case "\\h", "\\help": return .run(([".help"] + words.dropFirst()).joined(separator: " "))
        default:
            return .refuse(ErrorReport(message: "invalid command \(command)",
                                       hint: psqlHint(command, argument.isEmpty ? nil : argument)))
        }
    }

    /// What to write in Sluice for psql's `command` (with its argument, if any).
    static func psqlHint(_ command: String, _ argument: String?) -> String {
        // `\d+` and `\dS` are `\d` with details or system objects: the same here.
        var base = command
        while base.count > 2, base.hasSuffix("+") || base.hasSuffix("S") { base.removeLast() }
        if base.hasPrefix("\\d") {
            if let argument { return "DESCRIBE \(argument); shows its columns, what it is and its definition" }
            switch base {
            case "\\dt": return "SHOW TABLES; lists the tables (SHOW SOURCES; the sources)"
            case "\\dv", "\\dm", "\\dmv": return "SHOW VIEWS; lists the materialized views"
            default: return "SHOW SOURCES; SHOW TABLES; SHOW VIEWS; SHOW SINKS; list them; DESCRIBE name; shows one"
            }
        }
        // A dot-command's argument with a blank is quoted, as `Session.dotWords` reads it.
        let path = argument.map { $0.contains(" ") && !$0.hasPrefix("'") && !$0.hasPrefix("\"") ? "'\($0)'" : $0 }
        switch base {
        case "\\l", "\\list": return ".sessions lists the saved sessions; .open NAME continues from one"
        case "\\c", "\\connect": return ".open \(path ?? "NAME") continues from a saved session"
        case "\\x": return "nothing to switch: a table too wide for the terminal shows one record per row by itself"
        case "\\timing": return argument?.lowercased() == "off" ? ".timer off" : ".timer on times each cell"
        case "\\i", "\\ir", "\\include", "\\include_relative": return ".read \(path ?? "FILE.sql") runs a script"
        case "\\o", "\\out":
            return "there is no output file: redirect a script's output (sluice FILE.sql > OUT), or .export FILE.md writes the session as a notebook"
        case "\\e", "\\edit": return ".edit N edits cell N in $EDITOR and re-executes from it"
        case "\\s": return "Up recalls earlier statements; .cells lists this session's cells"
        case "\\a", "\\H", "\\pset", "\\t", "\\f": return ".mode table|markdown|csv|json sets the output format"
        case "\\r", "\\reset": return "Ctrl-C clears an unfinished statement"
        case "\\g": return "end a statement with ; to run it"
        case "\\set": return "SET name = value; sets a session variable (SHOW ALL lists them)"
        default:
            return "Sluice's commands are SQL and dot-commands (.help lists them); of psql's, \\q, \\? and \\h work"
        }
    }
}

private extension String {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}
