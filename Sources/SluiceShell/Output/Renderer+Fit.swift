/// Box tables on a terminal narrower than they are: text columns shrink, a table of figures
/// turns into one record per row (psql's expanded display), footers wrap at words. Only the
/// display does this; scripts and recordings keep every character (`RenderOptions.fitsTables`).
extension Renderer {
    /// Cells a box table of these column widths takes, borders included.
    static func tableWidth(_ widths: [Int]) -> Int { widths.reduce(1) { $0 + $1 + 3 } }

    /// Column widths shrunk until the table fits `limit` cells, or as far as they go: the
    /// widest shrinkable column loses a cell at a time, none below its header or 16 cells (a
    /// name cut shorter is no longer one).
    static func fitted(_ widths: [Int], into limit: Int, shrinking: [Bool], headers: [Int]) -> [Int] {
        var widths = widths
        let floor = widths.indices.map { min(widths[$0], max(headers[$0], 16)) }
        var excess = tableWidth(widths) - limit
        while excess > 0 {
            let candidates = widths.indices.filter { shrinking[$0] && widths[$0] > floor[$0] }
            guard let widest = candidates.max(by: { widths[$0] < widths[$1] }) else { break }
            widths[widest] -= 1
            excess -= 1
        }
        return widths
    }

    /// A table too wide for the terminal as one record per row, psql's expanded display:
    /// column names down the left, each row's values on the right, long texts cut to fit.
    ///
    ///     ┌─[ RECORD 1 ]─┬───────────────────────┐
    ///     │ actor        │ big_spenders.source.0 │
    ///     │ status       │ backpressured         │
    ///     ├─[ RECORD 2 ]─┼───────────────────────┤
    static func expandedTable(header: [Cell], body: [[Cell]], into limit: Int) -> String {
        let labels = body.indices.map { "─[ RECORD \($0 + 1) ]" }
        let names = max(header.map(\.width).max() ?? 0, (labels.map(TerminalText.width).max() ?? 0) - 1)
        // Figures keep their width; text is cut to what the terminal leaves.
        var cells = body.map { row in row.map { c in Cell(plain: c.plain, styled: c.styled, alignment: .left, continuation: c.continuation) } }
        let room = max(limit - names - 7, 10)
        cells = cells.map { row in row.map { $0.width > room ? $0.cut(to: room) : $0 } }
        let values = cells.flatMap { $0 }.map(\.width).max() ?? 0
        var out = ""
        for (k, row) in cells.enumerated() {
            let label = labels[k]
            let dashes = String(repeating: "─", count: max(0, names + 2 - TerminalText.width(of: label)))
            out += (k == 0 ? "┌" : "├") + label + dashes + (k == 0 ? "┬" : "┼") + String(repeating: "─", count: values + 2) + (k == 0 ? "┐" : "┤") + "\n"
            for (i, value) in row.enumerated() {
                for j in 0..<value.height {
                    let name = j == 0 ? Cell(plain: header[i].plain, styled: header[i].styled, alignment: .left) : Cell(plain: "", styled: "", alignment: .left)
                    out += "│ " + name.padded(to: names) + " │ " + value.padded(line: j, to: values) + " │\n"
                }
            }
        }
        if !cells.isEmpty { out += "└" + String(repeating: "─", count: names + 2) + "┴" + String(repeating: "─", count: values + 2) + "┘\n" }
        return out
    }

    /// `text` with each line broken at spaces to at most `width` cells (a word longer than
    /// that stays whole).
    static func wrapped(_ text: String, to width: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var lines: [String] = []
            var current = ""
            for word in line.split(separator: " ", omittingEmptySubsequences: false) {
                let candidate = current.isEmpty ? String(word) : current + " " + word
                if TerminalText.width(of: candidate) > width && !current.isEmpty {
                    lines.append(current)
                    current = String(word)
                } else {
                    current = candidate
                }
            }
            lines.append(current)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
