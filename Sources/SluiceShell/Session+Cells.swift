import SluiceEngine

/// `.cells`: the notebook's cells listed, or one shown whole.
extension Session {
    /// `.cells`: one row per cell. On screen (table, markdown) the input is its first
    /// statement line, past the comment lines a lesson opens its cells with, cut at 60
    /// characters, with "..." where anything is left out; csv and json, for other programs,
    /// get the whole input. `.cells N` shows one cell whole.
    func cellsTable(_ only: Int? = nil) -> ResultTable {
        let whole = options.mode == .csv || options.mode == .json || only != nil
        let rows = history.enumerated().compactMap { i, c -> [ResultValue]? in
            if let only, only != i + 1 { return nil }
            return [.int(Int64(i + 1)), .text(whole ? c.input : Self.cellSummary(c.input)),
                    .text(c.cancelled ? "cancelled" : (c.ok ? "ok" : "error")),
                    .instant(c.virtualTimeBefore), .instant(c.virtualTimeAfter)]
        }
        return ResultTable(columns: [ResultColumn("cell", alignment: .right), ResultColumn("input"), ResultColumn("status"),
                                     ResultColumn("from"), ResultColumn("to")], rows: rows, footer: nil)
    }

    /// `.cells N`: on screen, a line on the cell, then its input as it was typed; in csv and
    /// json, its row of `.cells` with the whole input.
    func cell(_ n: Int) -> [OutputBlock] {
        guard options.mode == .table || options.mode == .markdown else { return [.table(cellsTable(n))] }
        let c = history[n - 1]
        let status = c.cancelled ? "cancelled" : (c.ok ? "ok" : "error")
        return [.notice("cell \(n): \(status), \(VirtualTime.formatSeconds(c.virtualTimeBefore)) → \(VirtualTime.formatSeconds(c.virtualTimeAfter))"),
                .text(c.input.trimmingCharacters(in: .whitespacesAndNewlines))]
    }

    /// A cell's input in one line: its first statement line, past blank lines and comments
    /// (`--` and `/* */`; the first comment line when there is nothing else), cut at 60
    /// characters, with "..." where more statement text is left out.
    static func cellSummary(_ input: String) -> String {
        let statement = withoutLeadingComments(Substring(input))
        guard !statement.isEmpty else {
            return input.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        }
        let line = statement.prefix { $0 != "\n" }.trimmingCharacters(in: .whitespaces)
        if line.count > 60 { return String(line.prefix(57)) + "..." }
        let more = !withoutLeadingComments(statement.drop { $0 != "\n" }).isEmpty
        return more ? line + " ..." : line
    }

    /// `text` from its first character that is not blank or in a comment.
    private static func withoutLeadingComments(_ text: Substring) -> Substring {
        var rest = text
        while true {
            rest = rest.drop { $0.isWhitespace }
            if rest.hasPrefix("--") {
                rest = rest.drop { $0 != "\n" }
            } else if rest.hasPrefix("/*"), let end = rest.range(of: "*/") {
                rest = rest[end.upperBound...]
            } else {
                return rest
            }
        }
    }
}
