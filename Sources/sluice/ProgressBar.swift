import CEditLine
import Foundation
import SluiceEngine
import Synchronization

/// The progress line of a long RUN (and of a rebuild re-executing cells), redrawn in place on
/// stderr with `\r`.
///
/// A line wider than the terminal wraps, and each redraw then leaves a stale row behind: so
/// every line is laid out for the width the terminal has at that draw (the window may be
/// resized while a RUN goes on), one column short of it, so that the cursor never waits at
/// the right margin, where terminals disagree on what `\r` does next.
enum ProgressBar {
    /// What the last draw left on screen: its width in cells, and the terminal's width then.
    private static let shown = Mutex<(cells: Int, width: Int)?>(nil)

    /// RUN: how far through the stretch from `from` to `target` virtual time is, and the
    /// rows the simulation takes per wall second.
    static func draw(from: Int64, now: Int64, target: Int64, rowsPerSecond: Double) {
        let fraction = target > from ? min(1, max(0, Double(now - from) / Double(target - from))) : 1
        let rate = rowsPerSecond >= 1e6 ? String(format: "%.1fM", rowsPerSecond / 1e6) : String(format: "%.0fk", rowsPerSecond / 1e3)
        let time = "\(VirtualTime.formatSeconds(now)) of \(VirtualTime.formatSeconds(target))"
        show { width in line(fraction: fraction, time: time, rate: "\(rate) rows/s", width: width) }
    }

    /// A rebuild (`.rewind`, `.edit`, `.open`) re-executing its cells, which draw no progress of their own.
    static func drawRebuild(cell: Int, of total: Int) {
        show { width in
            fitted(["re-executing cell \(cell) of \(total)", "(Ctrl-C cancels; nothing changes)"], width: width)
        }
    }

    /// Erases the line, when one was drawn.
    static func clear() {
        let last = shown.withLock { last in defer { last = nil }; return last }
        guard let last else { return }
        fputs(erasing(last, width: width()), sluice_stderr())
        fflush(sluice_stderr())
    }

    // MARK: - Layout

    /// The widest bar, and the narrowest worth drawing.
    static let barCells = 30, minimumBarCells = 10

    /// `██████░░░░ 12.300s of 30.000s  2.1M rows/s  (Ctrl-C stops)` in at most `width` cells.
    /// When it does not fit, the bar shrinks to `minimumBarCells`; then the parts go, least
    /// telling first: the Ctrl-C hint, the bar (the times say as much), the rate (which, when
    /// virtual time stands still, is what shows that the engine works).
    static func line(fraction: Double, time: String, rate: String, width: Int) -> String {
        let hint = "(Ctrl-C stops)"
        for parts in [[time, rate, hint], [time, rate]] {
            let text = parts.joined(separator: "  ")
            let room = min(barCells, width - text.count - 1)
            if room >= minimumBarCells { return bar(fraction, cells: room) + " " + text }
        }
        return fitted([time, rate, hint], width: width)
    }

    /// As many of `parts` as fit in `width`, from the first, two spaces apart; the first
    /// cut to `width` when even it does not fit.
    static func fitted(_ parts: [String], width: Int) -> String {
        var text = ""
        for part in parts {
            let longer = text.isEmpty ? part : text + "  " + part
            guard longer.count <= width else { break }
            text = longer
        }
        return text.isEmpty ? String(parts.first?.prefix(max(0, width)) ?? "") : text
    }

    /// `cells` blocks, the first `fraction` of them full.
    static func bar(_ fraction: Double, cells: Int) -> String {
        let filled = Int((fraction * Double(cells)).rounded(.down))
        return String(repeating: "█", count: filled) + String(repeating: "░", count: cells - filled)
    }

    // MARK: - Drawing

    /// The width stderr's terminal has now.
    private static func width() -> Int { Terminal.width(of: STDERR_FILENO) }

    /// Replaces the line on screen with the one `layout` makes for the terminal's width now.
    private static func show(_ layout: (Int) -> String) {
        let width = width()
        let text = layout(max(1, width - 1))
        let erase = shown.withLock { last in
            defer { last = (text.count, width) }
            return last.map { erasing($0, width: width) } ?? "\r"
        }
        fputs(erase + text, sluice_stderr())
        fflush(sluice_stderr())
    }

    /// Back to the start of the line last drawn, and everything from there down cleared. A
    /// terminal that rewraps lines on a resize (tmux, VTE, iTerm2, kitty) has spread a line
    /// drawn for a wider window over several rows, the cursor on the last.
    private static func erasing(_ last: (cells: Int, width: Int), width: Int) -> String {
        let rows = last.width > width && last.cells > width ? (last.cells - 1) / width : 0
        return (rows > 0 ? "\u{1B}[\(rows)A" : "") + "\r\u{1B}[J"
    }
}
