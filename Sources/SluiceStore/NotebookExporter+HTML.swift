// The HTML notebook: one self-contained file (inline CSS and SVG; no script, font or
// image from anywhere) that opens in any browser with no network. It is also
// well-formed XML, so tests and tools can parse it.

extension NotebookExporter {
    /// The session as one self-contained HTML page: numbered cells, inputs and outputs
    /// in `<pre>`, failed cells highlighted with their error, charts as inline SVG.
    public func html(session: SessionInfo, cells: [CellRecord]) -> String {
        let title = TextEscaping.xml("Sluice session: \(session.name)")
        var out: [String] = []
        out.append("<!DOCTYPE html>")
        out.append(#"<html lang="en">"#)
        out.append("<head>")
        out.append(#"<meta charset="utf-8"/>"#)
        out.append(#"<meta name="viewport" content="width=device-width, initial-scale=1"/>"#)
        out.append(#"<meta name="generator" content="Sluice"/>"#)
        out.append("<title>\(title)</title>")
        out.append("<style>\n\(Self.css)</style>")
        out.append("</head>")
        out.append("<body>")
        out.append("<main>")
        out.append("<h1>\(title)</h1>")
        out.append(#"<p class="meta">\#(metadata(session, count: cells.count).map(TextEscaping.xml).joined(separator: " · "))</p>"#)
        if let settings = shownSettings(session) {
            out.append(#"<p class="meta">settings <code>\#(TextEscaping.xml(settings))</code></p>"#)
        }
        let failed = cells.filter { $0.status == .error }.count
        if failed > 0 {
            out.append(#"<p class="summary">\#(failed == 1 ? "1 cell" : "\(failed) cells") failed.</p>"#)
        }
        for cell in cells {
            out += htmlCell(cell)
        }
        out.append("</main>")
        out.append("</body>")
        out.append("</html>")
        return out.joined(separator: "\n") + "\n"
    }

    private func htmlCell(_ cell: CellRecord) -> [String] {
        var out: [String] = []
        out.append(#"<section class="cell \#(cell.status.rawValue)" id="cell-\#(cell.seq)">"#)
        out.append(##"<div class="head"><a class="num" href="#cell-\##(cell.seq)">[\##(cell.seq)]</a> <span class="status">\##(cell.status.rawValue)</span> <span class="time">virtual time \##(TextEscaping.seconds(cell.virtualTimeBefore)) → \##(TextEscaping.seconds(cell.virtualTimeAfter))</span></div>"##)
        out.append(#"<pre class="input"><code>\#(TextEscaping.xml(cell.input))</code></pre>"#)
        if cell.status == .error, let error = cell.error, !error.isEmpty {
            out.append(#"<p class="error-message"><strong>Error:</strong> \#(TextEscaping.xml(error))</p>"#)
        }
        if !cell.output.isEmpty {
            out.append(#"<pre class="output">\#(TextEscaping.xml(cell.output))</pre>"#)
        }
        for chart in cell.charts {
            out.append(#"<figure class="chart">"#)
            out.append(SVGChart.render(chart, width: chartWidth, height: chartHeight))
            out.append("</figure>")
        }
        out.append("</section>")
        return out
    }

    /// The page's style: system fonts only, light background, status colours on the
    /// cell's left edge. Written without `<` or `&`, so the page stays well-formed XML.
    static let css = """
        :root { color-scheme: light; }
        body { margin: 0; background: #f6f7f9; color: #1d2330;
               font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.45; }
        main { max-width: 980px; margin: 0 auto; padding: 24px 16px 64px; }
        h1 { font-size: 1.6rem; margin: 0 0 4px; }
        .meta { color: #5b6472; margin: 2px 0; font-size: 0.9rem; }
        .summary { color: #b71c1c; font-weight: 600; }
        code, pre { font-family: ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 13px; }
        .cell { background: #ffffff; border: 1px solid #d9dde3; border-left: 5px solid #0072B2;
                border-radius: 6px; margin: 18px 0; padding: 8px 14px 10px; }
        .cell.error { border-left-color: #c62828; background: #fffafa; }
        .cell.cancelled { border-left-color: #E69F00; }
        .head { font-size: 0.85rem; color: #5b6472; }
        .num { font-weight: 700; color: #1d2330; text-decoration: none; }
        .cell.error .status { color: #c62828; font-weight: 700; }
        .cell.cancelled .status { color: #a66f00; font-weight: 700; }
        pre { margin: 6px 0; padding: 8px 10px; border-radius: 4px; overflow-x: auto; white-space: pre; }
        pre.input { background: #eef2f7; }
        pre.output { background: #fbfbfc; border: 1px solid #eceff3; }
        .cell.error pre.output { border-color: #f3c6c6; }
        .error-message { color: #b71c1c; margin: 6px 0; white-space: pre-wrap; }
        figure.chart { margin: 10px 0 4px; }
        figure.chart svg { max-width: 100%; height: auto; border: 1px solid #eceff3; border-radius: 4px; }
        @media print { body { background: #ffffff; } .cell { break-inside: avoid; } }

        """
}
