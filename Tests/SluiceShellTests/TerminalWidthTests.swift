import Foundation
import Testing
import SluiceShell
import SluiceEngine

/// The terminal's width as it changes, in a real terminal (tmux): a wrapped input line
/// redrawn when the window is resized, and RUN's progress line kept within the width the
/// terminal has at each redraw.
@Suite(.serialized, .enabled(if: TerminalHarness.unavailableReason == nil,
                             "needs tmux and a built sluice: \(TerminalHarness.unavailableReason ?? "")"))
struct TerminalWidthTests {
    let prompt = "sluice [1] 0.000s> "

    /// The screen's rows.
    func rows(_ screen: String) -> [String] {
        screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// After a resize, libedit draws the line at the new width: Ctrl-A then X inserts X at
    /// the start and draws it there (without SIGWINCH handling it was drawn mid-line, libedit
    /// still counting the old width). The line takes two rows at every width here: libedit
    /// itself mis-draws an insertion into a line of three rows or more, resized or not.
    @Test func aWrappedLineIsRedrawnWhenTheWindowIsResized() throws {
        let t = try TerminalHarness()
        try t.start(width: 100, height: 12)
        try t.waitFor(prompt.trimmingCharacters(in: .whitespaces))
        let text = "SELECT " + String(repeating: "aaaaaaaaaa, ", count: 8) + "b FROM m"    // 111 characters
        try t.type(text)
        try t.waitFor("FROM m")
        var typed = text
        for (width, key, letter) in [(70, "C-a", "X"), (120, "C-e", "Y"), (68, "C-a", "Z")] {
            try t.resize(width: width)
            Thread.sleep(forTimeInterval: 0.3)
            try t.press(key)
            try t.type(letter)
            typed = key == "C-a" ? letter + typed : typed + letter
            let line = prompt + typed
            let screen = try t.waitFor("\(letter) drawn where it was inserted, at width \(width)") { screen in
                // From the prompt on (the banner is above it).
                let shown = rows(screen).filter { !$0.isEmpty }.drop { !$0.hasPrefix("sluice [") }
                return shown.joined() == line && shown.dropLast().allSatisfy { $0.count == width }
            }
            #expect(rows(screen).allSatisfy { $0.count <= width }, "\(screen)")
            #expect(screen.hasPrefix("sluice \(Engine.version): type \"help\" for help"), "\(screen)")
        }
    }

    /// RUN's progress line fits the terminal, at 80 columns past 100 s of virtual time (it
    /// took 81, wrapped, and every redraw left a row behind), and after the window shrinks
    /// to 40 and to 30 while the RUN goes on: one progress line on screen, never wider.
    @Test func theProgressLineFitsTheWidthAtEachRedraw() throws {
        let t = try TerminalHarness()
        try t.start(width: 80, height: 12)
        try t.waitFor(prompt.trimmingCharacters(in: .whitespaces))
        for (cell, statement) in ["RUN 1000s;", "CREATE SOURCE s (k INT, v DOUBLE) WITH (rate = 1000000);",
                                  "CREATE MATERIALIZED VIEW m AS SELECT k, count(*) AS c FROM s GROUP BY k;"].enumerated() {
            try t.type(statement)
            try t.press("Enter")
            try t.waitFor("sluice [\(cell + 2)] ")
        }
        try t.type("RUN 200s;")
        try t.press("Enter")
        for width in [80, 40, 30] {
            if width != 80 { try t.resize(width: width) }
            try t.waitFor("a progress line at width \(width)") { $0.contains("of 1200.000s") }
            Thread.sleep(forTimeInterval: 1)                 // several redraws
            let screen = try t.screen()
            let progress = rows(screen).filter { $0.contains("of 1200.000s") }
            #expect(progress.count == 1, "\(screen)")
            #expect(progress.allSatisfy { TerminalText.width(of: $0) < width }, "\(screen)")
            if width == 80 { #expect(screen.contains("rows/s  (Ctrl-C stops)") && screen.contains("░"), "\(screen)") }
        }
        try t.press("C-c")
        try t.waitFor("the next prompt") { $0.contains("sluice [5] ") }
        #expect(!(try t.screen()).contains("of 1200.000s"), "the progress line is cleared")
    }
}
