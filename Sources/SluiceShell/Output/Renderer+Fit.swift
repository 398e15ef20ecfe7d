/// Box tables on a terminal narrower than they are: text columns narrow and their texts wrap
/// (psql's wrapped format), a table of figures turns into one record per row (psql's
/// expanded display), footers and long lines of text wrap at words. Only the display does
/// this; scripts and recordings keep every character (`RenderOptions.fitsTables`). Help
/// wraps everywhere (`wrappedText`), at the width it is rendered for.
extension Renderer {
    /// Cells a box table of these column widths takes, borders included.
    static func tableWidth(_ widths: [Int]) -> Int { widths.reduce(1) { $0 + $1 + 3 } }

    /// Column widths shrunk until the table fits `limit` cells, or as far as they go: the
    /// widest shrinkable column loses a cell at a time, none below its header or 16 cells (a
    /// name broken onto more lines than that is hard to read).
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
    /// column names down the left, each row's values on the right. A value wider than the
    /// terminal leaves wraps onto more lines (so does a long column name): nothing is cut,
    /// the actor or setting a record is about least of all.
    ///
    ///     ┌─[ RECORD 1 ]─┬───────────────────────┐
    ///     │ actor        │ big_spenders.source.0 │
    ///     │ status       │ backpressured         │
    ///     ├─[ RECORD 2 ]─┼───────────────────────┤
    static func expandedTable(header: [Cell], body: [[Cell]], into limit: Int) -> String {
        // A long column name wraps before values do, down to half the width.
        let widest = body.flatMap { $0 }.map(\.width).max() ?? 0
        var names = min(header.map(\.width).max() ?? 0, max(8, limit - 7 - max(12, min(widest, (limit - 7) / 2))))
        var labels = body.indices.map { "─[ RECORD \($0 + 1) ]" }
        let labelWidth = labels.map(TerminalText.width).max() ?? 0
        if labelWidth - 1 > names {
            if labelWidth - 1 <= limit - 7 - 12 { names = labelWidth - 1 } else { labels = body.indices.map { "─[ \($0 + 1) ]" } }
        }
        let room = max(1, limit - names - 7)
        let cells = body.map { row in row.map { wrapping(Cell(plain: $0.plain, styled: $0.styled, alignment: .left, continuation: $0.continuation), to: room) } }
        let keys = header.map { wrapping(Cell(plain: $0.plain, styled: $0.styled, alignment: .left), to: names) }
        let values = cells.flatMap { $0 }.map(\.width).max() ?? 0
        var out = ""
        for (k, row) in cells.enumerated() {
            let label = labels[k]
            let dashes = String(repeating: "─", count: max(0, names + 2 - TerminalText.width(of: label)))
            out += (k == 0 ? "┌" : "├") + label + dashes + (k == 0 ? "┬" : "┼") + String(repeating: "─", count: values + 2) + (k == 0 ? "┐" : "┤") + "\n"
            for (i, value) in row.enumerated() {
                for j in 0..<max(value.height, keys[i].height) {
                    out += "│ " + keys[i].padded(line: j, to: names) + " │ " + value.padded(line: j, to: values) + " │\n"
                }
            }
        }
        if !cells.isEmpty { out += "└" + String(repeating: "─", count: names + 2) + "┴" + String(repeating: "─", count: values + 2) + "┘\n" }
        return out
    }

    /// The cell as lines of at most `width` cells: broken at spaces where it can, inside a
    /// word where it must (a styled cell that has to break loses its styling).
    /// With `hanging`, the lines a line wraps onto are indented by that many cells, so that
    /// each of several entries (a barrier's places) still starts at the left.
    static func wrapping(_ cell: Cell, to width: Int, hanging: Int = 0) -> Cell {
        guard cell.width > width else { return cell }
        let indent = width - hanging >= min(20, width / 2) ? hanging : 0
        let lines = ([cell.plain] + cell.continuation).flatMap { line -> [String] in
            let first = wrapped(line, to: width).split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let pieces = broken(first, to: width)
            let rest = String(line.dropFirst(first.count)).drop(while: { $0 == " " })
            guard !rest.isEmpty else { return pieces }
            let more = wrapped(String(rest), to: width - indent).split(separator: "\n", omittingEmptySubsequences: false)
                .flatMap { broken(String($0), to: width - indent) }
            return pieces + more.map { String(repeating: " ", count: indent) + $0 }
        }
        return Cell(plain: lines.first ?? "", styled: lines.first ?? "", alignment: cell.alignment, continuation: Array(lines.dropFirst()))
    }

    /// Preformatted text (help, EXPLAIN, DIAGNOSE's advice, errors): a line longer than
    /// `width` wraps at words instead of being broken mid-word by the terminal, and what it
    /// wraps onto is indented under its text (`hangingIndent`).
    static func wrappedText(_ text: String, to width: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let line = String(line)
            guard TerminalText.width(of: line) > width else { return line }
            // The leading spaces stay in front of every piece; the rest wraps in what is left,
            // under its text where that leaves room for some words.
            let spaces = line.prefix { $0 == " " }.count
            // Indented too deep for the width: the text alone, from the left.
            let lead = width - spaces >= 20 ? spaces : 0
            let indent = hangingIndent(of: line)
            let hang = width - indent >= 20 ? indent : lead
            let body = String(line.dropFirst(spaces))
            let wrapped = wrapping(Cell(plain: body, styled: body, alignment: .left), to: width - lead, hanging: hang - lead)
            let margin = String(repeating: " ", count: lead)
            return ([wrapped.plain] + wrapped.continuation).map { margin + $0 }.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Where the text of a line starts: after its leading spaces and a list's `- `, or a
    /// plan tree's branches (`  └─StreamHashAgg`), or a short label's colon, or its first gap
    /// of two spaces or more (a label column: `Define   CREATE …`).
    static func hangingIndent(of line: String) -> Int {
        let characters = Array(line)
        var i = 0
        while i < characters.count && characters[i] == " " { i += 1 }
        if i + 1 < characters.count && characters[i] == "-" && characters[i + 1] == " " { return i + 2 }
        let branch = i
        while i < characters.count && "│├└─".contains(characters[i]) { i += 1 }
        if i > branch { return i }
        // A label of a word or two and its colon: `Example: RUN 1s; …`, `Not supported: …`.
        if let colon = characters[i..<max(i, min(characters.count, 16))].firstIndex(of: ":"), colon + 1 < characters.count,
           characters[colon + 1] == " ", characters[i..<colon].filter({ $0 == " " }).count < 2 { return colon + 2 }
        var k = i
        while k + 2 < characters.count {
            if characters[k] == " " && characters[k + 1] == " " {
                var end = k
                while end < characters.count && characters[end] == " " { end += 1 }
                return end
            }
            k += 1
        }
        return i
    }

    /// `text` in pieces of at most `width` cells, cut after its last `|` or `,` that fits
    /// (`SOURCES|TABLES|…` is a list of words), else between characters.
    static func broken(_ text: String, to width: Int) -> [String] {
        guard TerminalText.width(of: text) > width else { return [text] }
        var pieces: [String] = [], current = "", used = 0
        for character in text {
            let w = TerminalText.width(of: character)
            if used + w > width && !current.isEmpty {
                var rest = ""
                if let cut = current.lastIndex(where: { $0 == "|" || $0 == "," }) {
                    rest = String(current[current.index(after: cut)...])
                    current = String(current[...cut])
                }
                pieces.append(current)
                current = rest
                used = TerminalText.width(of: rest)
            }
            current.append(character)
            used += w
        }
        pieces.append(current)
        return pieces
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
