/// The one renderer of every result (STYLE.md item 7): box tables, markdown, csv and json
/// are four views of the same `OutputBlock`s. Output is byte-deterministic for the same
/// input; colour is added only when `RenderOptions.color` is set, and only in table mode.
public enum Renderer {
    /// Renders blocks in order. Each block ends with a newline; a blank line separates
    /// blocks except between consecutive notices and (but in markdown) around an error, so that an error
    /// reads the same whether its statement shared a line (one cell) with the one before
    /// or not. An empty list renders as "".
    public static func render(_ blocks: [OutputBlock], options: RenderOptions = RenderOptions()) -> String {
        pieces(blocks, options: options).map(\.text).joined()
    }

    /// `render`, cut where the stream changes: the shell writes errors to stderr and the
    /// rest to stdout (as psql, sqlite3 and DuckDB do). The blank line separating two blocks
    /// goes with the second. In csv and json modes only results go to stdout (`dataPieces`).
    public static func pieces(_ blocks: [OutputBlock], options: RenderOptions = RenderOptions()) -> [RenderedPiece] {
        if options.mode.isData { return dataPieces(blocks, options: options) }
        var out: [RenderedPiece] = []
        var previous: OutputBlock?
        for block in blocks {
            var text = render(block, options: options)
            guard !text.isEmpty else { continue }
            let error = isError(block)
            let besideError = options.mode != .markdown && (isError(previous ?? block) || error)
            if let previous, !(isNotice(previous) && isNotice(block)), !besideError { text = "\n" + text }
            if let last = out.last, last.toStandardError == error {
                out[out.count - 1].text += text
            } else {
                out.append(RenderedPiece(text: text, toStandardError: error))
            }
            previous = block
        }
        return out
    }

    /// Renders a single block, ending with a newline (or "" for an empty text).
    public static func render(_ block: OutputBlock, options: RenderOptions = RenderOptions()) -> String {
        let color = options.color && options.mode == .table
        switch block {
        case .table(let table):
            switch options.mode {
            case .table: return boxTable(table, color: color, fitting: options.fitsTables ? options.width : nil)
            case .markdown: return markdownTable(table)
            case .csv: return csvTable(table)
            case .json: return jsonTable(table)
            }
        case .text(let raw):
            guard !raw.isEmpty else { return "" }
            let text = TerminalText.visible(raw)
            switch options.mode {
            // On a terminal, long lines wrap at words (`wrappedText`).
            case .table: return withNewline(options.fitsTables ? wrappedText(text, to: options.width) : text)
            case .markdown: return fenced(text)
            case .csv: return csvTable(linesTable(text))
            case .json: return jsonTable(linesTable(text))
            }
        case .prose(let raw):
            guard !raw.isEmpty else { return "" }
            let text = TerminalText.visible(raw)
            switch options.mode {
            case .table: return withNewline(wrappedText(text, to: options.width))
            case .markdown: return fenced(wrappedText(text, to: options.width))
            case .csv: return csvTable(linesTable(text))
            case .json: return jsonTable(linesTable(text))
            }
        case .graph(let graph):
            switch options.mode {
            case .table: return withNewline(GraphDrawing.draw(graph, width: options.width, color: color))
            case .markdown: return fenced(GraphDrawing.draw(graph, width: options.width, color: false))
            case .csv: return csvGraph(graph)
            case .json: return jsonGraph(graph)
            }
        case .notice(let text):
            // Prose: on a terminal it wraps at words, as table footers do.
            let visible = TerminalText.visible(text)
            return withNewline(options.fitsTables && options.mode == .table ? wrapped(visible, to: options.width) : visible)
        case .error(let report):
            let text = errorText(report, color: color, width: options.fitsTables && options.mode == .table ? options.width : nil)
            return options.mode == .markdown ? fenced(text) : text
        case .warning(let text):
            return ANSI.yellow.apply("warning:", enabled: color) + " " + withNewline(TerminalText.visible(text))
        case .chart(let chart):
            switch options.mode {
            case .table: return ChartDrawing.draw(chart, width: options.width, color: color)
            case .markdown: return fenced(ChartDrawing.draw(chart, width: options.width, color: false))
            case .csv: return csvChart(chart)
            case .json: return jsonChart(chart)
            }
        }
    }

    /// `▁▂▃▄▅▆▇█`, one glyph per value, scaled between the smallest and largest value.
    /// Constant input draws a flat middle line; non-finite values draw a space.
    public static func sparkline(_ values: [Double]) -> String {
        ChartDrawing.sparkline(values)
    }

    // MARK: - Errors

    /// `ERROR: message` (after `file.sql:8: ` in a script file), the context lines as given,
    /// then `HINT: hint`. Given a terminal's `width`, the message and the hint wrap at words,
    /// under their text.
    static func errorText(_ report: ErrorReport, color: Bool, width: Int? = nil) -> String {
        func line(_ label: String, _ text: String, _ tint: ANSI, after lead: String = "") -> String {
            let plain = lead + label + " " + bounded(text)
            let shown = width.map { wrappedText(plain, to: $0) } ?? plain
            return lead + tint.apply(label, enabled: color) + shown.dropFirst(lead.count + label.count) + "\n"
        }
        var out = line("ERROR:", report.message, .red, after: report.location.map { TerminalText.visible($0) + ": " } ?? "")
        if let context = report.context, !context.isEmpty { out += withNewline(TerminalText.visible(context)) }
        if let hint = report.hint, !hint.isEmpty { out += line("HINT:", hint, .cyan) }
        return out
    }

    // MARK: - Helpers

    /// The longest line of an error's message or hint, in terminal cells: a name of a
    /// megabyte quoted in a message is cut, not printed whole.
    static let maxErrorLine = 1000

    /// `text` made visible and each of its lines cut to `maxErrorLine` cells.
    static func bounded(_ text: String) -> String {
        TerminalText.visible(text).split(separator: "\n", omittingEmptySubsequences: false)
            .map { TerminalText.truncate(String($0), to: maxErrorLine) }.joined(separator: "\n")
    }

    static func withNewline(_ text: String) -> String {
        text.hasSuffix("\n") ? text : text + "\n"
    }

    static func fenced(_ text: String) -> String {
        "```\n" + withNewline(text) + "```\n"
    }

    /// Errors and warnings: they go to stderr, with no blank line around them.
    private static func isError(_ block: OutputBlock) -> Bool {
        switch block {
        case .error, .warning: return true
        default: return false
        }
    }

    private static func isNotice(_ block: OutputBlock) -> Bool {
        if case .notice = block { return true }
        return false
    }

    /// The row count line, psql style: `(1 row)`, `(3 rows)`.
    static func rowCount(_ n: Int) -> String {
        n == 1 ? "(1 row)" : "(\(n) rows)"
    }

    /// Rows padded (or cut) to the number of columns.
    static func normalizedRows(_ table: ResultTable) -> [[ResultValue]] {
        let n = table.columns.count
        return table.rows.map { row in
            row.count == n ? row : Array((row + Array(repeating: .null, count: max(0, n - row.count))).prefix(n))
        }
    }
}
