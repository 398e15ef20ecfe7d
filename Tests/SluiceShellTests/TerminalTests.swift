import Foundation
import Testing

/// The interactive shell, driven through a real terminal (tmux) with the built binary.
/// The binary runs its stand-in backend until the session is wired: these tests check
/// the line editor, history and signals, not statements.
@Suite(.serialized, .enabled(if: TerminalHarness.unavailableReason == nil,
                             "needs tmux and a built sluice: \(TerminalHarness.unavailableReason ?? "")"))
struct TerminalTests {
    let prompt = "sluice [1] 0.000s>"   // tmux drops the trailing space

    @Test func promptShowsAndTabCompletesKeywordsAndNames() throws {
        let t = try TerminalHarness()
        try t.start()
        try t.waitFor(prompt)
        try t.type("SEL")
        try t.press("Tab")
        try t.waitFor(prompt + " SELECT")
        try t.type("* FROM sp")
        try t.press("Tab")
        try t.waitFor(prompt + " SELECT * FROM spend")
        try t.press("C-u")
        try t.type("SHOW METRICS spend.agg.")
        try t.press("Tab", "Tab")                        // ambiguous: the second Tab lists both
        try t.waitFor("spend.agg.0") { $0.contains("spend.agg.0") && $0.contains("spend.agg.1") }
    }

    @Test func aMultiLineStatementIsRecalledAsOneEntry() throws {
        let t = try TerminalHarness()
        try t.start()
        try t.waitFor(prompt)
        try t.type("SELECT *")
        try t.press("Enter")
        try t.waitFor("...>")
        try t.type("FROM clicks;")
        try t.press("Enter")
        try t.waitFor("(2 rows)")
        try t.press("Up")
        try t.waitFor("the whole statement") { $0.contains("sluice [2] 0.000s> SELECT *\nFROM clicks;") }
        try t.press("Enter")
        try t.waitFor("two results") { $0.components(separatedBy: "(2 rows)").count == 3 }
    }

    @Test func ctrlCClearsTheLineAndAnUnfinishedStatement() throws {
        let t = try TerminalHarness()
        try t.start()
        try t.waitFor(prompt)
        try t.type("SELECT")
        try t.press("Enter")
        try t.waitFor("...>")
        try t.type("abc def")
        try t.waitFor("abc def")                         // ^C flushes input not yet read
        try t.press("C-c")
        try t.waitFor("a fresh prompt") { $0.contains("abc def^C") && $0.hasSuffix(prompt) }
        try t.type("x;")
        try t.press("Enter")
        try t.waitFor("ECHO x;")                         // not "SELECT abc def x;"
        #expect(!(try t.screen()).contains("ECHO SELECT"))
    }

    @Test func ctrlCStopsALongRunAndTheShellGoesOn() throws {
        let t = try TerminalHarness()
        try t.start()
        try t.waitFor(prompt)
        try t.type("RUN 60s;")
        try t.press("Enter")
        try t.waitFor("RUN 60s;")
        Thread.sleep(forTimeInterval: 0.3)
        try t.press("C-c")
        try t.waitFor("RUN interrupted at")
        try t.waitFor("the next prompt") { $0.contains("sluice [2] ") }
        #expect(!(try t.screen()).contains("exited="))
    }

    @Test func ctrlDExitsAndHistoryPersistsAcrossRestarts() throws {
        let t = try TerminalHarness()
        try t.start()
        try t.waitFor(prompt)
        try t.type("first;")
        try t.press("Enter")
        try t.waitFor("ECHO first;")
        try t.type("second")
        try t.press("Enter")
        try t.type("line;")
        try t.press("Enter")
        try t.waitFor("ECHO second line;")
        try t.type("second")                              // a consecutive duplicate is not added
        try t.press("Enter")
        try t.type("line;")
        try t.press("Enter")
        try t.waitFor("twice") { $0.components(separatedBy: "ECHO second line;").count == 3 }
        try t.press("C-d")
        try t.waitFor("exited=0")
        let history = try String(contentsOfFile: t.historyPath, encoding: .utf8)
        #expect(history == "first;\nsecond\\nline;\n")

        try t.restart()
        try t.waitFor(prompt)
        try t.press("Up")
        try t.waitFor(prompt + " second\nline;")
        try t.press("Up")
        try t.waitFor("the older entry") { $0.hasSuffix(prompt + " first;") }
    }
}
