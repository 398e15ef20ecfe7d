/// csv and json modes are for other programs (`sluice --mode json script.sql | jq`), so
/// standard output carries results and nothing else:
///
/// - json: each result is one JSON value on a line of its own (JSON Lines): a table an
///   array of objects, preformatted text (EXPLAIN, HELP, STEP's events) an array of
///   `{"line": ...}`, a chart or the graph one object. A statement that shows several
///   tables (SHOW BARRIERS, SHOW LAG, SHOW LEDGER, SHOW METRICS) gives one line each, in
///   the order table mode shows them.
/// - csv: each result is a header line and its rows; results are separated by a blank line
///   (between cells, the executable adds it: `RenderedPiece.separatingResults`).
///
/// Status lines (`CREATE SOURCE`, `RUN 1s: now 1.000s`, DIAGNOSE's finding, the timer)
/// go to standard error with the errors, one line each, as they would to a terminal; the
/// titles and footers that explain a table on screen are left out, as psql leaves them
/// out of its csv. A statement that only changes something prints nothing on stdout, as
/// in sqlite3 and DuckDB.
extension Renderer {
    static func dataPieces(_ blocks: [OutputBlock], options: RenderOptions) -> [RenderedPiece] {
        var out: [RenderedPiece] = []
        var resultsBefore = false
        func append(_ text: String, toStandardError: Bool) {
            if let last = out.last, last.toStandardError == toStandardError {
                out[out.count - 1].text += text
            } else {
                out.append(RenderedPiece(text: text, toStandardError: toStandardError))
            }
        }
        for block in blocks {
            switch block {
            case .notice(let text):
                append(withNewline(text), toStandardError: true)
            case .error(let report):
                append(errorText(report, color: false, width: options.fitsTables && options.mode == .table ? options.width : nil),
                       toStandardError: true)
            case .warning:
                append(render(block, options: options), toStandardError: true)
            case .table, .text, .prose, .chart, .graph:
                let text = render(block, options: options)
                guard !text.isEmpty else { continue }
                append((options.mode == .csv && resultsBefore ? "\n" : "") + text, toStandardError: false)
                resultsBefore = true
            }
        }
        return out
    }
}

extension RenderedPiece {
    /// A cell's pieces as they go on in a stream where results were written before (`after`):
    /// in csv and markdown a blank line separates results, so the cell's first result starts with one.
    /// Whether results are written after these is the second value.
    public static func separatingResults(_ pieces: [RenderedPiece], mode: OutputMode,
                                         after: Bool) -> (pieces: [RenderedPiece], results: Bool) {
        guard mode.isData || mode == .markdown, let first = pieces.firstIndex(where: { !$0.toStandardError }) else { return (pieces, after) }
        var pieces = pieces
        // Markdown too: two tables (or a line and a table) with no blank line between them
        // would read as one table.
        if (mode == .csv || mode == .markdown) && after { pieces[first].text = "\n" + pieces[first].text }
        return (pieces, true)
    }
}
