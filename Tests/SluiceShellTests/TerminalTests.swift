import Foundation
import Testing
import SluiceShell

/// The interactive shell as a user meets it: the built binary (the real session) in a
/// real terminal (tmux). Covers the prompt, tab completion of keywords and names,
/// multi-line statements recalled as one history entry, Ctrl-C at the prompt and during
/// a long RUN, Ctrl-D, and history kept across restarts.
@Suite(.serialized, .enabled(if: TerminalHarness.unavailableReason == nil,
                             "needs tmux and a built sluice: \(TerminalHarness.unavailableReason ?? "")"))
struct TerminalTests {
    /// The first prompt (tmux drops the trailing space).
    let prompt = "sluice [1] 0.000s>"

    /// Runs one statement and waits for the prompt of the next cell.
    func run(_ t: TerminalHarness, _ statement: String, cell: Int) throws {
        try t.type(statement)
        try t.press("Enter")
        try t.waitFor("sluice [\(cell + 1)] ")
    }

    @Test func promptShowsAndTabCompletesKeywordsAndNames() throws {
        let t = try TerminalHarness()
        try t.start()
        try t.waitFor(prompt)
        try run(t, "CREATE SOURCE clicks (user_id INT, amount DOUBLE) WITH (rate = 1000, keys = 100);", cell: 1)
        try run(t, "CREATE MATERIALIZED VIEW spend AS SELECT user_id, count(*) AS n FROM clicks GROUP BY user_id "
                   + "WITH (parallelism = 2);", cell: 2)
        try t.type("SEL")
        try t.press("Tab")
        try t.waitFor("sluice [3] 0.000s> SELECT")
        try t.type("* FROM sp")
        try t.press("Tab")
        try t.waitFor("sluice [3] 0.000s> SELECT * FROM spend")
        try t.press("C-u")
        try t.type("SHOW METRICS spend.agg.")
        try t.press("Tab", "Tab")                        // ambiguous: the second Tab lists both
        try t.waitFor("both actors") { $0.contains("spend.agg.0") && $0.contains("spend.agg.1") }
    }

    /// Tab completes a session name or a path with a blank in the quoted form the
    /// dot-commands accept, so that Enter runs it (it inserted `my lesson`, which `.open` refused).
    @Test func tabQuotesNamesAndPathsWithBlanks() throws {
        let t = try TerminalHarness()
        let folder = t.directory.appendingPathComponent("my dir")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "SET chunk_rows = 8;\n".write(to: folder.appendingPathComponent("set chunk.sql"), atomically: true, encoding: .utf8)
        try t.start()
        try t.waitFor(prompt)
        try run(t, "SET nodes = 2;", cell: 1)
        try t.type(".save 'my lesson'")
        try t.press("Enter")
        try t.waitFor("saved as 'my lesson'")
        try t.type(".open my")
        try t.press("Tab")
        try t.waitFor("sluice [2] 0.000s> .open 'my lesson'")
        try t.press("Enter")
        try t.waitFor("opened 'my lesson': 1 cell re-executed")
        try t.type(".read '\(t.directory.path)/my d")
        try t.press("Tab")
        try t.waitFor("the directory, its quote open") { $0.contains("/my dir/") && !$0.contains("/my dir/'") }
        try t.press("Tab")
        try t.waitFor("/my dir/set chunk.sql'")
        try t.press("Enter")
        try t.waitFor("SET\nsluice [3] 0.000s>")
    }

    /// Tab quotes only the names that need it, and a listing shows the names themselves:
    /// `.open` Tab inserted a lone `'` (every name quoted when one had a blank), and the
    /// second Tab listed `lesson-01'  my lesson'`.
    @Test func tabListsSessionNamesWithoutBrokenQuotes() throws {
        let t = try TerminalHarness()
        let store = t.directory.appendingPathComponent("sessions.sqlite").path
        for name in ["lesson-01", "'my lesson'"] {
            let saved = try TerminalHarness.spawn(TerminalHarness.binary, ["--db", store, "-c", "SET nodes = 2;", "-c", ".save \(name)"])
            #expect(saved.status == 0)
        }
        try t.start()
        try t.waitFor(prompt)
        try t.type(".open ")
        try t.press("Tab", "Tab")
        let listing = try t.waitFor("the names listed") { $0.contains("lesson-01") && $0.contains("my lesson") }
        #expect(listing.contains("lesson-01  my lesson") && !listing.contains("'"), "\(listing)")
        #expect(listing.hasSuffix(prompt + " .open"), "nothing inserted: \(listing)")
        try t.type("m")
        try t.press("Tab")
        try t.waitFor(prompt + " .open 'my lesson'")
    }

    @Test func aMultiLineStatementIsRecalledAsOneEntry() throws {
        let t = try TerminalHarness()
        try t.start()
        try t.waitFor(prompt)
        try t.type("SHOW")
        try t.press("Enter")
        try t.waitFor("...>")
        try t.type("VIEWS;")
        try t.press("Enter")
        try t.waitFor("(0 rows)")
        try t.press("Up")
        try t.waitFor("the whole statement") { $0.contains("sluice [2] 0.000s> SHOW\nVIEWS;") }
        try t.press("Enter")
        try t.waitFor("two results") { $0.components(separatedBy: "(0 rows)").count == 3 }
        #expect(try String(contentsOfFile: t.historyPath, encoding: .utf8) == "SHOW\\nVIEWS;\n")
    }

    /// psql's habits at the prompt: `help`, `\?` show help, `quit` leaves; a comment line
    /// keeps the main prompt; a statement without `;` still waits for it.
    @Test func psqlWordsAndCommentLinesAtThePrompt() throws {
        let t = try TerminalHarness()
        try t.start()
        try t.waitFor(prompt)
        try t.type("help")
        try t.press("Enter")
        try t.waitFor("Dot-commands are one line")
        try t.waitFor("the prompt back") { $0.hasSuffix(prompt) }
        try t.press("C-l")
        try t.type("  \\?  ")
        try t.press("Enter")
        try t.waitFor("the help again") { $0.contains(".help [TOPIC]") && $0.hasSuffix(prompt) }
        try t.press("C-l")
        try t.type("-- a comment")
        try t.press("Enter")
        try t.waitFor("the main prompt after a comment") { $0.hasSuffix(prompt) && !$0.contains("...>") }
        try t.type("SHOW seed")
        try t.press("Enter")
        try t.waitFor("...>")
        try t.type("quit;")                              // inside a statement: part of it
        try t.press("Enter")
        try t.waitFor("the statement's error") { $0.contains("ERROR") && $0.hasSuffix("sluice [2] 0.000s>") }
        try t.type("quit")
        try t.press("Enter")
        try t.waitFor("exited=0")
    }

    /// A psql backslash command runs, or is refused, as its line ends (`\d` opened a
    /// statement that swallowed the lines after it, dot-commands included, up to a `;`);
    /// one typed inside a statement leaves the statement waiting for its `;`.
    @Test func backslashCommandsAnswerAtOnce() throws {
        let t = try TerminalHarness()
        try t.start()
        try t.waitFor(prompt)
        try t.type("\\d")
        try t.press("Enter")
        try t.waitFor("ERROR: invalid command \\d\nHINT: SHOW SOURCES; SHOW TABLES; SHOW VIEWS; SHOW SINKS; list them; DESCRIBE name; shows one\n" + prompt)
        try t.type(".timer on")
        try t.press("Enter")
        try t.waitFor("Timing is on.")
        try t.type("SHOW seed")
        try t.press("Enter")
        try t.waitFor("...>")
        try t.type("\\dt")
        try t.press("Enter")
        try t.waitFor("HINT: SHOW TABLES; lists the tables (SHOW SOURCES; the sources)\n" + String(repeating: " ", count: 14) + "...>")
        try t.type(";")
        try t.press("Enter")
        try t.waitFor("the statement ran") { $0.contains("│ 42   │") && $0.hasSuffix("sluice [2] 0.000s>") }
        try t.type("\\q")
        try t.press("Enter")
        try t.waitFor("exited=0")
    }

    /// SQL indented with tabs, pasted: the tabs are spacing, not completion (`\tFROM s` became
    /// `FROM FROM s`); a Tab typed alone still completes.
    @Test func pastedTabsAreSpacing() throws {
        let t = try TerminalHarness()
        try t.start()
        try t.waitFor(prompt)
        try run(t, "CREATE SOURCE s (k INT) WITH (rate = 10);", cell: 1)
        try t.paste("CREATE MATERIALIZED VIEW v AS\n\tSELECT k, count(*) AS n\n\tFROM s\tGROUP BY k;\n")
        let screen = try t.waitFor("sluice [3] ")
        #expect(screen.contains("CREATE MATERIALIZED VIEW (2 fragments, 2 actors)"), "\(screen)")
        try t.type("SHOW ME")
        try t.press("Tab")
        try t.waitFor("sluice [3] 0.000s> SHOW METRICS")
    }

    /// Ctrl-Z, then `fg`: the prompt and the half-typed line come back, and keys are libedit's
    /// again (before, the terminal stayed cooked: typed keys echoed twice and Up printed `^[[A`).
    @Test func aLineStoppedAndContinuedIsRedrawnAndEditable() throws {
        let t = try TerminalHarness()
        try t.start()
        try t.waitFor(prompt)
        try t.type("SHOW se")
        try t.waitFor(prompt + " SHOW se")
        try t.stopAndContinue()
        Thread.sleep(forTimeInterval: 0.5)                // the redraw comes within 100 ms
        try t.waitFor(prompt + " SHOW se")
        try t.type("ed;")
        try t.press("Enter")
        let screen = try t.waitFor("sluice [2] ")
        // Cooked, the terminal echoed the keys on a line of their own as well.
        #expect(screen.contains(prompt + " SHOW seed;\n┌") && !screen.contains("\ned;"), "\(screen)")
        #expect(screen.contains("│ 42"), "\(screen)")
        try t.press("Up")
        try t.waitFor("sluice [2] 0.000s> SHOW seed;")
        #expect(!(try t.screen()).contains("^[["))
    }

    @Test func ctrlCClearsTheLineAndAnUnfinishedStatement() throws {
        let t = try TerminalHarness()
        try t.start()
        try t.waitFor(prompt)
        try t.type("SHOW")
        try t.press("Enter")
        try t.waitFor("...>")
        try t.type("abc def")
        try t.waitFor("abc def")                         // ^C flushes input not yet read
        try t.press("C-c")
        try t.waitFor("a fresh prompt") { $0.contains("abc def^C") && $0.hasSuffix(prompt) }
        try run(t, "SHOW SOURCES;", cell: 1)             // runs alone: the unfinished SHOW is gone
        let screen = try t.screen()
        #expect(screen.contains("(0 rows)") && !screen.contains("ERROR"))
    }

    @Test func ctrlCStopsALongRunAndTheShellGoesOn() throws {
        let t = try TerminalHarness()
        try t.start()
        try t.waitFor(prompt)
        try run(t, "CREATE SOURCE clicks (user_id INT, amount DOUBLE) WITH (rate = 100000, keys = 1000);", cell: 1)
        try run(t, "CREATE MATERIALIZED VIEW spend AS SELECT user_id, count(*) AS n FROM clicks GROUP BY user_id;", cell: 2)
        try t.type("RUN 1h;")
        try t.press("Enter")
        try t.waitFor("RUN 1h;")
        Thread.sleep(forTimeInterval: 0.5)
        try t.press("C-c")
        try t.waitFor("cancelled: virtual time stopped at")
        try t.waitFor("the next prompt") { $0.contains("sluice [4] ") }
        try run(t, "SHOW SOURCES;", cell: 4)             // the engine is consistent and goes on
        #expect(!(try t.screen()).contains("exited="))
    }

    /// At `.replay --step`'s prompt, Ctrl-C and Ctrl-D stop the replay and return to the
    /// sluice prompt (Ctrl-C used to leave the process spinning in stdio's readLine).
    @Test func ctrlCAndCtrlDStopAStepByStepReplay() throws {
        let t = try TerminalHarness()
        try t.start()
        try t.waitFor(prompt)
        try run(t, "CREATE SOURCE s (a INT) WITH (rate = 10);", cell: 1)
        try run(t, "RUN 1s;", cell: 2)
        try t.type(".save demo")
        try t.press("Enter")
        try t.waitFor("saved as demo (2 cells)")
        for (key, shown) in [("C-c", "q stops ^C"), ("C-d", "q stops")] {
            try t.type(".replay demo --step")
            try t.press("Enter")
            try t.waitFor("the step prompt") { $0.split(separator: "\n").last?.hasPrefix("-- cell 1 of 2: Enter runs it, q stops") == true }
            try t.press(key)
            try t.waitFor(shown)
            try t.waitFor("the sluice prompt after \(key)") {
                $0.hasSuffix("stopped before cell 1 of 2\nsluice [3] 1.000s>")
            }
        }
        try run(t, "SHOW SOURCES;", cell: 3)
        #expect(!(try t.screen()).contains("exited="))
    }

    @Test func ctrlDExitsAndHistoryPersistsAcrossRestarts() throws {
        let t = try TerminalHarness()
        try t.start()
        try t.waitFor(prompt)
        try run(t, "SHOW SOURCES;", cell: 1)
        for cell in [2, 3] {                              // a consecutive duplicate is not added
            try t.type("SHOW")
            try t.press("Enter")
            try t.waitFor("...>")
            try t.type("VIEWS;")
            try t.press("Enter")
            try t.waitFor("sluice [\(cell + 1)] ")
        }
        try t.press("C-d")
        try t.waitFor("exited=0")
        let history = try String(contentsOfFile: t.historyPath, encoding: .utf8)
        #expect(history == "SHOW SOURCES;\nSHOW\\nVIEWS;\n")

        try t.restart()
        try t.waitFor(prompt)
        try t.press("Up")
        try t.waitFor(prompt + " SHOW\nVIEWS;")
        try t.press("Up")
        try t.waitFor("the older entry") { $0.hasSuffix(prompt + " SHOW SOURCES;") }
    }

    /// A history file that cannot be written is said once, not lost in silence.
    @Test func anUnwritableHistoryIsSaidOnce() throws {
        let t = try TerminalHarness()
        try FileManager.default.createDirectory(atPath: t.historyPath, withIntermediateDirectories: true)
        try t.start()
        try t.waitFor(prompt)
        try run(t, "SHOW seed;", cell: 1)
        try run(t, "SHOW nodes;", cell: 2)
        let screen = try t.screen()
        #expect(screen.components(separatedBy: "warning: history is not saved: cannot write").count == 2, "\(screen)")
        #expect(screen.replacingOccurrences(of: "\n", with: "").contains("\(t.historyPath): Is a directory"), "\(screen)")
    }

    /// A table wider than the terminal fits it: a record per row when its figures do not.
    @Test func aWideTableFitsTheTerminal() throws {
        let t = try TerminalHarness()
        try t.start()
        try t.waitFor(prompt)
        try run(t, "CREATE SOURCE clickstream_events (user_id INT, amount DOUBLE) WITH (rate = 1000, keys = 100);", cell: 1)
        try run(t, "CREATE MATERIALIZED VIEW spend_by_user_in_window AS SELECT user_id, count(*) AS n FROM clickstream_events GROUP BY user_id;", cell: 2)
        try run(t, "RUN 1s;", cell: 3)
        try run(t, "SHOW ACTORS;", cell: 4)
        let screen = try t.screen()
        #expect(screen.contains("┌─[ RECORD 1 ]"), "\(screen)")
        #expect(screen.contains("│ actor        │ spend_by_user_in_window.source.0 │"), "\(screen)")
        #expect(screen.split(separator: "\n").allSatisfy { TerminalText.width(of: String($0)) <= 100 }, "\(screen)")
    }
}
