import Foundation
import Testing
import SluiceStore

/// Ctrl-C pressed in a real terminal while `.rewind` re-executes cells: the signal reaches
/// the session (`Session.interrupt()`), the rebuild is cancelled as a whole, and the prompt,
/// the engine and the saved session are as before. (It used to print "rewound to the state
/// after cell 4" with the prompt at 1.957s instead of 8.000s, and store cell 3 as cancelled.)
@Suite(.serialized, .enabled(if: TerminalHarness.unavailableReason == nil,
                             "needs tmux and a built sluice: \(TerminalHarness.unavailableReason ?? "")"))
struct TerminalRebuildTests {
    @Test func ctrlCDuringARewindPutsEverythingBack() throws {
        let t = try TerminalHarness()
        try t.start()
        try t.waitFor("sluice [1] 0.000s>")
        for (i, cell) in RebuildInterruptTests.cells.enumerated() {
            try t.type(cell)
            try t.press("Enter")
            try t.waitFor("sluice [\(i + 2)] ")
        }
        try t.waitFor("sluice [6] 1.500s>")
        try t.type(".rewind 4")
        try t.press("Enter")
        // The rebuild says which cell it re-executes, and that Ctrl-C cancels it.
        try t.waitFor("re-executing cell 3 of 4  (Ctrl-C cancels; nothing changes)")
        try t.press("C-c")
        let cancelled = "cancelled by Ctrl-C while re-executing cell 3 of 4: nothing was rewound; the session is as it was (5 cells, 1.500s)"
        try t.waitFor("the rewind cancelled") { $0.replacingOccurrences(of: "\n", with: " ").contains(cancelled) }   // wrapped at words, 100 columns
        try t.waitFor("the prompt as it was") { $0.hasSuffix("sluice [6] 1.500s>") }

        let store = try SessionStore(path: t.directory.appendingPathComponent("sessions.sqlite").path,
                                     options: StoreOptions(readOnly: true))
        let info = try #require(try store.sessions().first)
        let cells = try store.cells(sessionID: info.id)
        #expect(cells.map(\.input) == RebuildInterruptTests.cells)
        #expect(cells.map(\.status) == Array(repeating: .ok, count: 5))
        #expect(cells[2].virtualTimeAfter == 1_500_000_000)
    }
}
