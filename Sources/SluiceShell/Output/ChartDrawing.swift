import Foundation
import SluiceEngine

/// Terminal line charts of `ChartSpec`s, readable at 80 columns:
///
///     queue depth
///     rows
///     2000 ┤        ⢀⡠⠔⠒⠉⠉⠒⠢⢄
///     1000 ┤   ⢀⡠⠔⠊        ⠈⠑⢄
///        0 ┤⣀⠔⠊              ⠑⠤
///          └┬──────┬──────┬────
///           0s     10s    20s
///          ⣿ queue(spend.agg.0)
///
/// One series is drawn as a braille line (2×4 dots per cell); several series share a
/// grid of cells, each with its own glyph (and colour), and a legend names them.
public enum ChartDrawing {
    /// Glyphs that tell several series apart without colour, in series order.
    static let glyphs: [Character] = ["•", "×", "+", "o", "*", "#", "@", "%"]
    /// Colours of the series, in order.
    static let colors: [ANSI] = [.cyan, .magenta, .yellow, .green, .blue, .red]

    /// Draws a chart at most `width` columns wide; always ends with a newline.
    public static func draw(_ chart: ChartSpec, width: Int = 80, color: Bool = false) -> String {
        var out = ANSI.bold.apply(chart.title, enabled: color) + "\n"
        let series = chart.series.map { Renderer.sortedPoints($0) }
        let all = series.flatMap { $0 }
        guard !all.isEmpty else {
            if !chart.yUnit.isEmpty { out += chart.yUnit + "\n" }
            out += "(no data)\n"
            return out + legend(chart, series: series, width: width, color: color)
        }
        let axis = YAxis(values: all.map(\.y))
        let labels = axis.ticks.map { NumberText.compact($0) }
        let labelWidth = max(labels.map { TerminalText.width(of: $0) }.max() ?? 1, 1)
        let plotWidth = max(10, min(width, 100) - labelWidth - 5)   // 3 more for the last x label
        let height = axis.height
        let xs = all.map(\.x)
        let xAxis = XAxis(low: min(xs.min()!, chart.xRange?.lowerBound ?? .infinity),
                          high: max(xs.max()!, chart.xRange?.upperBound ?? -.infinity), columns: plotWidth)

        let joined = chart.series.map { !$0.marksOnly }
        let grid = series.count == 1
            ? brailleGrid(series[0], joined: joined[0], x: xAxis, y: axis, columns: plotWidth, rows: height)
            : glyphGrid(series, joined: joined, x: xAxis, y: axis, columns: plotWidth, rows: height, color: color)

        if !chart.yUnit.isEmpty {
            out += TerminalText.pad(chart.yUnit, to: labelWidth, alignment: .right) + "\n"
        }
        for row in 0..<height {
            let tick = row % axis.rowsPerInterval == 0 ? row / axis.rowsPerInterval : nil
            let label = tick.map { labels[$0] } ?? ""
            let mark = tick == nil ? "│" : "┤"
            var line = TerminalText.pad(label, to: labelWidth, alignment: .right) + " "
                + ANSI.dim.apply(mark, enabled: color) + grid[row].joined()
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        var rule = Array(repeating: "─", count: plotWidth)
        for tick in xAxis.ticks { rule[tick.column] = "┬" }
        out += String(repeating: " ", count: labelWidth + 1) + ANSI.dim.apply("└" + rule.joined(), enabled: color) + "\n"
        out += String(repeating: " ", count: labelWidth + 2) + xAxis.labelLine() + "\n"
        return out + legend(chart, series: series, width: width, color: color)
    }

    // MARK: - Plots

    /// The pairs of mapped points to draw lines between: consecutive ones when `joined`, else
    /// each point alone (a mark).
    static func segments(_ mapped: [(Int, Int)], joined: Bool) -> [((Int, Int), (Int, Int))] {
        joined && mapped.count > 1 ? Array(zip(mapped, mapped.dropFirst())) : mapped.map { ($0, $0) }
    }

    /// One series as braille dots joined by straight lines (or dots alone: `joined` false).
    static func brailleGrid(_ points: [ChartPointSpec], joined: Bool = true, x: XAxis, y: YAxis, columns: Int, rows: Int) -> [[String]] {
        let dotColumns = columns * 2, dotRows = rows * 4
        var masks = Array(repeating: Array(repeating: UInt32(0), count: columns), count: rows)
        let bits: [[UInt32]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
        let mapped = points.map { (x.position($0.x, steps: dotColumns), y.position($0.y, steps: dotRows)) }
        for (a, b) in segments(mapped, joined: joined) {
            for (dx, dy) in line(from: a, to: b) {
                masks[dy / 4][dx / 2] |= bits[dx % 2][dy % 4]
            }
        }
        return masks.map { row in row.map { $0 == 0 ? " " : String(Unicode.Scalar(0x2800 + $0)!) } }
    }

    /// Several series on a grid of cells, each with its glyph; later series draw on top.
    static func glyphGrid(_ series: [[ChartPointSpec]], joined: [Bool], x: XAxis, y: YAxis, columns: Int, rows: Int,
                          color: Bool) -> [[String]] {
        var grid = Array(repeating: Array(repeating: " ", count: columns), count: rows)
        for (index, points) in series.enumerated() {
            let glyph = ANSI.apply(String(glyphs[index % glyphs.count]), colors[index % colors.count], color)
            let mapped = points.map { (x.position($0.x, steps: columns), y.position($0.y, steps: rows)) }
            for (a, b) in segments(mapped, joined: joined[index]) {
                for (cx, cy) in line(from: a, to: b) { grid[cy][cx] = glyph }
            }
        }
        return grid
    }

    /// The cells of a straight line (Bresenham), both ends included.
    static func line(from a: (Int, Int), to b: (Int, Int)) -> [(Int, Int)] {
        var (x, y) = a
        let dx = abs(b.0 - x), dy = -abs(b.1 - y)
        let sx = x < b.0 ? 1 : -1, sy = y < b.1 ? 1 : -1
        var error = dx + dy
        var cells: [(Int, Int)] = []
        while true {
            cells.append((x, y))
            if x == b.0 && y == b.1 { return cells }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x += sx }
            if e2 <= dx { error += dx; y += sy }
        }
    }

    /// `⣿ name` for one series, `• a   × b` for several; `(no data)` after empty ones.
    static func legend(_ chart: ChartSpec, series: [[ChartPointSpec]], width: Int, color: Bool) -> String {
        guard !chart.series.isEmpty else { return "" }
        let entries = chart.series.indices.map { i -> (plain: String, styled: String) in
            let glyph = chart.series.count == 1 ? "⣿" : String(glyphs[i % glyphs.count])
            let name = chart.series[i].name + (series[i].isEmpty ? " (no data)" : "")
            let styled = ANSI.apply(glyph, colors[i % colors.count], color && chart.series.count > 1)
            return (glyph + " " + name, styled + " " + name)
        }
        var out = "", line = "", used = 0
        for entry in entries {
            let w = TerminalText.width(of: entry.plain)
            if used > 0 && used + 3 + w > width { out += line + "\n"; line = ""; used = 0 }
            if used > 0 { line += "   "; used += 3 }
            line += entry.styled
            used += w
        }
        return out + line + "\n"
    }

    // MARK: - Sparkline

    /// `▁▂▃▄▅▆▇█` scaled between the smallest and largest finite value.
    public static func sparkline(_ values: [Double]) -> String {
        let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else {
            return String(repeating: " ", count: values.count)
        }
        return String(values.map { v -> Character in
            guard v.isFinite else { return " " }
            if high == low { return low == 0 ? "▁" : "▄" }
            return levels[Int(((v - low) / (high - low) * 7).rounded())]
        })
    }
}

extension ANSI {
    /// `text` in `style` when `enabled`.
    static func apply(_ text: String, _ style: ANSI, _ enabled: Bool) -> String {
        style.apply(text, enabled: enabled)
    }
}

// MARK: - Axes

/// A y axis with 3–5 round ticks covering the values (and 0 when all are of one sign).
struct YAxis {
    let ticks: [Double]            // top to bottom
    let low: Double, high: Double  // the values at the bottom and the top row
    let rowsPerInterval: Int

    init(values: [Double]) {
        var lo = values.min() ?? 0, hi = values.max() ?? 1
        if lo > 0 { lo = 0 }
        if hi < 0 { hi = 0 }
        if hi == lo { hi = lo + 1 }
        let (step, bottom, intervals) = YAxis.bestScale(low: lo, high: hi)
        ticks = (0...intervals).reversed().map { i in
            let v = bottom + Double(i) * step
            return abs(v) < step * 1e-9 ? 0 : v
        }
        low = bottom
        high = bottom + Double(intervals) * step
        rowsPerInterval = max(2, 9 / intervals)
    }

    /// The tick step with 2–4 intervals that wastes the least height, preferring the
    /// roundest steps (1, 2, 5, then 2.5, then 1.5, 3, 4, 6, 7.5, 8 times a power of ten).
    static func bestScale(low: Double, high: Double) -> (step: Double, bottom: Double, intervals: Int) {
        let factors: [(Double, Double)] = [(1, 0), (2, 0), (5, 0), (2.5, 0.03), (1.5, 0.06), (3, 0.06),
                                           (4, 0.06), (6, 0.06), (7.5, 0.06), (8, 0.06)]
        let base = Int((log10((high - low) / 4)).rounded(.down))
        var best: (score: Double, step: Double, bottom: Double, intervals: Int)?
        for power in (base - 1)...(base + 1) {
            for (factor, penalty) in factors {
                let step = factor * Double.pow10(power)
                let bottom = (low / step).rounded(.down) * step
                let top = (high / step - 1e-9).rounded(.up) * step
                let intervals = Int(((top - bottom) / step).rounded())
                guard (2...4).contains(intervals) else { continue }
                let score = 1 - (high - low) / (top - bottom) + penalty
                if best == nil || score < best!.score - 1e-12 { best = (score, step, bottom, intervals) }
            }
        }
        if let best { return (best.step, best.bottom, best.intervals) }
        return (high - low, low, 1)
    }

    var height: Int { (ticks.count - 1) * rowsPerInterval + 1 }

    /// 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
    static func niceStep(atLeast raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let power = Double.pow10(Int((log10(raw)).rounded(.down)))
        for factor in [1.0, 2.0, 2.5, 5.0, 10.0] where factor * power >= raw * (1 - 1e-12) {
            return factor * power
        }
        return 10 * power
    }

    /// Row (or dot row) from the top, in `0..<steps`.
    func position(_ y: Double, steps: Int) -> Int {
        let f = (high - y) / (high - low)
        return min(max(Int((f * Double(steps - 1)).rounded()), 0), steps - 1)
    }
}

/// An x axis in virtual seconds with round, non-overlapping labels (`0s`, `250ms`, `10s`).
struct XAxis {
    let low: Double, high: Double, columns: Int
    let ticks: [(column: Int, label: String)]

    init(low: Double, high: Double, columns: Int) {
        // A single instant gets a two-second window around it (starting at 0 at the earliest).
        let degenerate = !(high > low)
        let low = degenerate ? (low >= 1 || low < 0 ? low - 1 : 0) : low
        let hi = degenerate ? low + 2 : high
        self.low = low
        self.high = hi
        self.columns = columns
        var step = YAxis.niceStep(atLeast: (hi - low) / 6)
        var chosen: [(Int, String)] = []
        for _ in 0..<40 {
            let first = (low / step).rounded(.up)
            var candidate: [(Int, String)] = []
            var k = first
            while k * step <= hi * (1 + 1e-12) + 1e-12 {
                let t = k * step
                let column = Int(((t - low) / (hi - low) * Double(columns - 1)).rounded())
                candidate.append((min(max(column, 0), columns - 1), VirtualTime.format(Int64((t * 1e9).rounded()))))
                k += 1
            }
            // A short window late in time (LAST 1ms at 3s): the short form rounds every tick
            // to the same `2.999s`; seconds with the digits the step needs tell them apart.
            if Set(candidate.map(\.1)).count < candidate.count {
                let digits = max(0, Int((-log10(step)).rounded(.up)))
                candidate = candidate.enumerated().map { i, tick in
                    (tick.0, String(format: "%.\(digits)fs", (first + Double(i)) * step))
                }
            }
            let widest = candidate.map { TerminalText.width(of: $0.1) }.max() ?? 0
            let spacing = zip(candidate, candidate.dropFirst()).map { $1.0 - $0.0 }.min() ?? Int.max
            chosen = candidate
            if spacing >= widest + 2 { break }
            step = YAxis.niceStep(atLeast: step * 1.0001)
        }
        ticks = chosen
    }

    /// Column (or dot column) from the left, in `0..<steps`.
    func position(_ x: Double, steps: Int) -> Int {
        let f = (x - low) / (high - low)
        return min(max(Int((f * Double(steps - 1)).rounded()), 0), steps - 1)
    }

    /// The tick labels, each starting under its tick (shifted left at the right end so
    /// that the line stays within the chart; a label that would touch the previous one is left out).
    func labelLine() -> String {
        var line = ""
        var end = 0
        for tick in ticks {
            let w = TerminalText.width(of: tick.label)
            let start = max(0, min(tick.column, columns + 3 - w))
            if start < (line.isEmpty ? 0 : end + 1) { continue }
            line += String(repeating: " ", count: start - end) + tick.label
            end = start + w
        }
        return line
    }
}

extension Double {
    /// 10 to an integer power, exactly for the usual range.
    static func pow10(_ n: Int) -> Double {
        var result = 1.0
        if n >= 0 { for _ in 0..<n { result *= 10 } } else { for _ in 0..<(-n) { result /= 10 } }
        return result
    }
}
