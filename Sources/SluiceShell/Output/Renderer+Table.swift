import Foundation
import SluiceEngine

/// Box-drawn and markdown tables.
extension Renderer {
    /// One cell ready to lay out: `plain` measures the width, `styled` is what is printed.
    struct Cell {
        var plain: String
        var styled: String
        var alignment: ResultColumn.Alignment
        /// The lines after the first, for a `.lines` value.
        var continuation: [String] = []

        var width: Int { continuation.reduce(TerminalText.width(of: plain)) { max($0, TerminalText.width(of: $1)) } }
        var height: Int { 1 + continuation.count }

        func padded(to width: Int) -> String {
            let fill = String(repeating: " ", count: max(0, width - TerminalText.width(of: plain)))
            return alignment == .left ? styled + fill : fill + styled
        }

        /// Line `k` of the cell (0 is the first) padded to `width`; blank below its last line.
        func padded(line k: Int, to width: Int) -> String {
            if k == 0 { return padded(to: width) }
            let text = k <= continuation.count ? continuation[k - 1] : ""
            return Cell(plain: text, styled: text, alignment: alignment).padded(to: width)
        }
    }

    /// Width of the fill bar in cells.
    static let barCells = 10

    /// `████░░░░░░`: a non-zero fraction shows at least one full cell, a fraction below
    /// one leaves at least one empty cell, so "a little" and "almost full" stay visible.
    static func barGlyphs(_ fraction: Double) -> (full: String, empty: String) {
        let f = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        var filled = Int((f * Double(barCells)).rounded())
        if f > 0 && filled == 0 { filled = 1 }
        if f < 1 && filled == barCells { filled = barCells - 1 }
        return (String(repeating: "█", count: filled), String(repeating: "░", count: barCells - filled))
    }

    /// The cell for a value in table and markdown modes; `alignment` is the column's
    /// (numbers are always right-aligned, bars always left-aligned).
    static func cell(_ value: ResultValue, alignment: ResultColumn.Alignment, color: Bool) -> Cell {
        switch value {
        case .null:
            return Cell(plain: "NULL", styled: ANSI.dim.apply("NULL", enabled: color), alignment: alignment)
        case .missing:
            return Cell(plain: "-", styled: "-", alignment: alignment)
        case .text(let s), .setting(let s), .absent(let s):
            let text = TerminalText.singleLine(s)
            return Cell(plain: text, styled: text, alignment: alignment)
        case .int(let v):
            return Cell(plain: String(v), styled: String(v), alignment: .right)
        case .double(let v, let decimals):
            let text = NumberText.fixed(v, decimals: decimals)
            return Cell(plain: text, styled: text, alignment: .right)
        case .real(let v):
            let text = NumberText.real(v)
            return Cell(plain: text, styled: text, alignment: .right)
        case .boolean(let b):
            return Cell(plain: b ? "t" : "f", styled: b ? "t" : "f", alignment: alignment)
        // Times keep the column's alignment, as the text they were before (saved sessions
        // replay byte for byte).
        case .duration(let ns):
            let text = VirtualTime.format(ns)
            return Cell(plain: text, styled: text, alignment: alignment)
        case .instant(let ns):
            let text = VirtualTime.formatSeconds(ns)
            return Cell(plain: text, styled: text, alignment: alignment)
        case .keyed(let entries):
            let text = TerminalText.singleLine(entries.map(\.text).joined(separator: " "))
            return Cell(plain: text, styled: text, alignment: alignment)
        case .bar(let fraction, let label):
            let (full, empty) = barGlyphs(fraction)
            let suffix = label.isEmpty ? "" : " " + TerminalText.singleLine(label)
            let tint: ANSI = fraction >= 0.9 ? .red : (fraction >= 0.5 ? .yellow : .green)
            return Cell(plain: full + empty + suffix,
                        styled: tint.apply(full, enabled: color) + ANSI.dim.apply(empty, enabled: color) + suffix,
                        alignment: .left)
        case .level(let level):
            return Cell(plain: level.rawValue, styled: ANSI.of(level).apply(level.rawValue, enabled: color),
                        alignment: alignment)
        case .lines(let lines):
            let texts = lines.map(TerminalText.singleLine)
            return Cell(plain: texts.first ?? "", styled: texts.first ?? "", alignment: alignment,
                        continuation: Array(texts.dropFirst()))
        }
    }

    /// A column whose values are all numbers (or NULL, or `-`) is right-aligned, header included.
    static func headerAlignment(_ column: Int, _ table: ResultTable, _ rows: [[ResultValue]]) -> ResultColumn.Alignment {
        var sawNumber = false
        for row in rows {
            switch row[column] {
            case .int, .double, .real: sawNumber = true
            case .null, .missing, .absent: continue
            default: return table.columns[column].alignment
            }
        }
        return sawNumber ? .right : table.columns[column].alignment
    }

    // MARK: - Box

    /// psql-like box table: title, header, rows, `(N rows)`, footer. Given a width to fit
    /// (a terminal's), a wider table shrinks its text columns (`fitted`) and wraps its footer.
    static func boxTable(_ table: ResultTable, color: Bool, fitting limit: Int? = nil) -> String {
        var out = ""
        if let title = table.title, !title.isEmpty { out += ANSI.bold.apply(limit.map { wrapped(title, to: $0) } ?? title, enabled: color) + "\n" }
        let rows = normalizedRows(table)
        if !table.columns.isEmpty {
            let header = table.columns.indices.map { i -> Cell in
                let name = TerminalText.singleLine(table.columns[i].name)
                return Cell(plain: name, styled: ANSI.bold.apply(name, enabled: color),
                            alignment: headerAlignment(i, table, rows))
            }
            let aligns = header.map(\.alignment)
            var body = rows.map { row in row.indices.map { cell(row[$0], alignment: aligns[$0], color: color) } }
            var widths = table.columns.indices.map { i in body.reduce(header[i].width) { max($0, $1[i].width) } }
            if let limit, tableWidth(widths) > limit {
                // The first column names the row (an actor, a channel, a setting): it stays whole.
                let texts = table.columns.indices.map { i in i > 0 && aligns[i] == .left && rows.allSatisfy { $0[i].isText } }
                let narrower = fitted(widths, into: limit, shrinking: texts, headers: header.map(\.width))
                // Too many figures to fit side by side: a record per row, as psql's `\x auto`.
                guard tableWidth(narrower) <= limit else {
                    return out + expandedTable(header: header, body: body, into: limit) + rowCount(rows.count) + "\n"
                        + (table.footer.map { $0.isEmpty ? "" : withNewline(wrapped($0, to: limit)) } ?? "")
                }
                widths = narrower
                // Texts wrap at words, as psql's wrapped format does: nothing is cut. A cell
                // of several lines (the places a barrier is) indents what each line wraps onto.
                body = body.indices.map { r in
                    body[r].indices.map { i in
                        if case .lines = rows[r][i] { return wrapping(body[r][i], to: widths[i], hanging: 2) }
                        return wrapping(body[r][i], to: widths[i])
                    }
                }
            }
            func rule(_ left: String, _ mid: String, _ right: String) -> String {
                left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: mid) + right + "\n"
            }
            func line(_ cells: [Cell]) -> String {
                let height = cells.reduce(1) { max($0, $1.height) }
                return (0..<height).map { k in
                    "│ " + cells.indices.map { cells[$0].padded(line: k, to: widths[$0]) }.joined(separator: " │ ") + " │\n"
                }.joined()
            }
            // Rows of several lines are told apart by a rule between them.
            let separated = body.contains { row in row.contains { $0.height > 1 } }
            out += rule("┌", "┬", "┐") + line(header) + rule("├", "┼", "┤")
            for (k, row) in body.enumerated() {
                if separated && k > 0 { out += rule("├", "┼", "┤") }
                out += line(row)
            }
            out += rule("└", "┴", "┘")
        }
        out += rowCount(rows.count) + "\n"
        if let footer = table.footer, !footer.isEmpty { out += withNewline(limit.map { wrapped(footer, to: $0) } ?? footer) }
        return out
    }

    // MARK: - Markdown

    /// A GitHub table; `|` in cells is escaped, the title is bold above, the footer below.
    static func markdownTable(_ table: ResultTable) -> String {
        var out = ""
        if let title = table.title, !title.isEmpty { out += "**\(escapeMarkdown(title))**\n\n" }
        let rows = normalizedRows(table)
        if !table.columns.isEmpty {
            let header = table.columns.indices.map { i in
                Cell(plain: escapeMarkdown(TerminalText.singleLine(table.columns[i].name)), styled: "",
                     alignment: headerAlignment(i, table, rows))
            }
            let body = rows.map { row in
                row.indices.map { i -> Cell in
                    // One line per table row in markdown: several lines are joined.
                    let value = if case .lines(let lines) = row[i] { ResultValue.text(lines.joined(separator: "; ")) } else { row[i] }
                    var c = cell(value, alignment: header[i].alignment, color: false)
                    c.plain = escapeMarkdown(c.plain)
                    return c
                }
            }
            let widths = table.columns.indices.map { i in
                body.reduce(max(3, TerminalText.width(of: header[i].plain))) { max($0, TerminalText.width(of: $1[i].plain)) }
            }
            func line(_ cells: [Cell]) -> String {
                "| " + cells.indices.map { i in
                    var c = cells[i]
                    c.styled = c.plain
                    return c.padded(to: widths[i])
                }.joined(separator: " | ") + " |\n"
            }
            out += line(header)
            out += "|" + widths.indices.map { i in
                header[i].alignment == .right
                    ? String(repeating: "-", count: widths[i] + 1) + ":"
                    : String(repeating: "-", count: widths[i] + 2)
            }.joined(separator: "|") + "|\n"
            for row in body { out += line(row) }
        }
        if let footer = table.footer, !footer.isEmpty { out += "\n" + withNewline(escapeMarkdown(footer)) }
        return out
    }

    static func escapeMarkdown(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }
}
