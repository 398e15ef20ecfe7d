import Foundation
import Testing
import SluiceShell

/// The terminal's width as it changes, in a real terminal (tmux): RUN's progress line kept
/// within the width the terminal has at each redraw.
@Suite(.serialized, .enabled(if: TerminalHarness.unavailableReason == nil,
                             "needs tmux and a built sluice: \(TerminalHarness.unavailableReason ?? "")"))
struct TerminalWidthTests {
    let prompt = "sluice [1] 0.000s> "

    /// The screen's rows.
    func rows(_ screen: String) -> [String] {
        screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
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
