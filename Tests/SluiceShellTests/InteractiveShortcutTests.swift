import Testing
@testable import SluiceShell

/// psql's habits: its words at the interactive prompt, as dot-commands, and its backslash
/// commands, which run (or are refused) as soon as their line ends, in a script too (the
/// line editor and the batch runner ask; TerminalTests and BatchTests check them in the binary).
@Suite struct InteractiveShortcutTests {
    typealias Backslash = InteractiveShortcut.Backslash

    @Test func psqlWordsMapToDotCommands() {
        #expect(InteractiveShortcut.dotCommand(for: "help") == ".help")
        #expect(InteractiveShortcut.dotCommand(for: "  HELP ") == ".help")
        #expect(InteractiveShortcut.dotCommand(for: "help;") == ".help")
        #expect(InteractiveShortcut.dotCommand(for: "quit") == ".quit")
        #expect(InteractiveShortcut.dotCommand(for: "exit") == ".quit")
        #expect(InteractiveShortcut.dotCommand(for: "\texit ; ") == ".quit")
    }

    @Test func anythingElseIsAStatement() {
        for line in ["help me", "quit now", "SHOW seed", "", "helpx", "\\q", "-- quit", "help flow_control"] {
            #expect(InteractiveShortcut.dotCommand(for: line) == nil, "\(line)")
        }
        for line in ["SHOW seed", "help", "", "x \\d", "-- \\d", "'\\d'"] {
            #expect(InteractiveShortcut.backslashCommand(for: line) == nil, "\(line)")
        }
    }

    @Test func backslashCommandsSluiceHasRun() {
        let runs: [(String, String)] = [
            ("\\q", ".quit"), ("\\quit", ".quit"), ("  \\q  ", ".quit"), ("\\q;", ".quit"),
            ("\\?", ".help"), ("\\h", ".help"), ("\\help", ".help"), ("\\h credit", ".help credit"),
            // psql's \h takes a statement's words.
            ("\\h CREATE  TABLE", ".help CREATE TABLE"), ("\\h CREATE TABLE;", ".help CREATE TABLE"),
        ]
        for (line, command) in runs {
            #expect(InteractiveShortcut.backslashCommand(for: line) == .run(command), "\(line)")
        }
    }

    /// Every other backslash command is refused at once, with what to write instead (`\d`
    /// opened a statement that swallowed the lines after it, dot-commands too, up to a `;`).
    @Test func psqlHabitsAreRefusedWithSluicesWay() {
        func refusal(_ line: String) -> ErrorReport? {
            guard case .refuse(let error) = InteractiveShortcut.backslashCommand(for: line) else { return nil }
            return error
        }
        let hints: [(String, String)] = [
            ("\\d", "SHOW SOURCES; SHOW TABLES; SHOW VIEWS; SHOW SINKS; list them; DESCRIBE name; shows one"),
            ("\\d+", "SHOW SOURCES; SHOW TABLES; SHOW VIEWS; SHOW SINKS; list them; DESCRIBE name; shows one"),
            ("\\d orders", "DESCRIBE orders; shows its columns, what it is and its definition"),
            ("\\dS+ orders;", "DESCRIBE orders; shows its columns, what it is and its definition"),
            ("\\dt", "SHOW TABLES; lists the tables (SHOW SOURCES; the sources)"),
            ("\\dt;", "SHOW TABLES; lists the tables (SHOW SOURCES; the sources)"),
            ("\\dv", "SHOW VIEWS; lists the materialized views"),
            ("\\dn", "SHOW SOURCES; SHOW TABLES; SHOW VIEWS; SHOW SINKS; list them; DESCRIBE name; shows one"),
            ("\\l", ".sessions lists the saved sessions; .open NAME continues from one"),
            ("\\c lesson-01", ".open lesson-01 continues from a saved session"),
            ("\\x", "nothing to switch: a table too wide for the terminal shows one record per row by itself"),
            ("\\x auto", "nothing to switch: a table too wide for the terminal shows one record per row by itself"),
            ("\\timing", ".timer on times each cell"),
            ("\\timing off", ".timer off"),
            ("\\i lesson.sql", ".read lesson.sql runs a script"),
            ("\\i my lesson.sql", ".read 'my lesson.sql' runs a script"),
            ("\\o out.txt", "there is no output file: redirect a script's output (sluice FILE.sql > OUT), or .export FILE.md writes the session as a notebook"),
            ("\\pset format csv", ".mode table|markdown|csv|json sets the output format"),
            ("\\H", ".mode table|markdown|csv|json sets the output format"),
            ("\\set x 1", "SET name = value; sets a session variable (SHOW ALL lists them)"),
            ("\\foo", "Sluice's commands are SQL and dot-commands (.help lists them); of psql's, \\q, \\? and \\h work"),
            ("\\", "Sluice's commands are SQL and dot-commands (.help lists them); of psql's, \\q, \\? and \\h work"),
        ]
        for (line, hint) in hints {
            #expect(refusal(line)?.hint == hint, "\(line)")
        }
        #expect(refusal("\\dt") == ErrorReport(message: "invalid command \\dt", hint: "SHOW TABLES; lists the tables (SHOW SOURCES; the sources)"))
        #expect(refusal("  \\d orders ")?.message == "invalid command \\d")
    }

    /// Inside a statement a backslash line is still a command, as in psql, unless it
    /// continues a string or comment the lines before it opened.
    @Test func insideAStringOrCommentALineIsText() {
        #expect(InteractiveShortcut.backslashCommand(for: "\\q", after: ["SHOW seed"]) == .run(".quit"))
        #expect(InteractiveShortcut.backslashCommand(for: "\\d'", after: ["SELECT 'a"]) == nil)
        #expect(InteractiveShortcut.backslashCommand(for: "\\d */", after: ["SELECT /* a"]) == nil)
        #expect(InteractiveShortcut.backslashCommand(for: "\\d", after: ["SELECT 'a' -- it's"]) != nil)
    }
}
