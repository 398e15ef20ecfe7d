// A saved session as a notebook to read without Sluice: Markdown for a repository or
// a wiki, HTML for a browser. Both come from the stored cells alone (charts included),
// and both are deterministic: the same session exports to the same bytes.
import Foundation

/// Writes a session's cells, outputs and charts as a Markdown or HTML notebook.
///
/// Wall-clock times are left out on purpose: they differ between runs, and an export
/// of a replayed session should be identical to the teacher's.
public struct NotebookExporter: Sendable {
    /// The size of each chart's SVG, in pixels.
    public var chartWidth: Int
    /// The height of each chart's SVG, in pixels.
    public var chartHeight: Int

    /// An exporter drawing charts at `chartWidth` × `chartHeight` pixels.
    public init(chartWidth: Int = 640, chartHeight: Int = 280) {
        self.chartWidth = chartWidth
        self.chartHeight = chartHeight
    }

    // MARK: - Markdown

    /// The session as Markdown: a title, a metadata line, then for each cell a
    /// heading, its input in a ```` ```sql ```` block, its output in a ```` ```text ````
    /// block, an error line when it failed, and each chart as an inline `<svg>`.
    public func markdown(session: SessionInfo, cells: [CellRecord]) -> String {
        var out: [String] = []
        out.append("# Sluice session: \(TextEscaping.markdown(session.name))")
        out.append("")
        out.append(metadata(session, count: cells.count).map(TextEscaping.markdown).joined(separator: " · "))
        if let settings = shownSettings(session) {
            out.append("")
            out.append("Settings: " + inlineCode(settings))
        }
        for cell in cells {
            out.append("")
            out.append("## [\(cell.seq)] \(heading(cell))")
            out.append("")
            if cell.status == .error, let error = cell.error, !error.isEmpty {
                let lines = error.split(separator: "\n", omittingEmptySubsequences: false)
                out.append("> **Error:** " + lines.map { TextEscaping.markdown(String($0)) }.joined(separator: "  \n> "))
                out.append("")
            }
            out.append(fenced(cell.input, language: "sql"))
            if !cell.output.isEmpty {
                out.append("")
                out.append(fenced(cell.output, language: "text"))
            }
            for chart in cell.charts {
                out.append("")
                out.append(SVGChart.render(chart, width: chartWidth, height: chartHeight))
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: - Shared

    /// `engine 0.3.1`, `seed 42`, `12 cells`, `created ...`, `updated ...`; a session never
    /// saved (`.export` of an unsaved notebook) has no dates, and shows none.
    func metadata(_ session: SessionInfo, count: Int) -> [String] {
        ["engine \(session.engineVersion)", "seed \(session.seed)", count == 1 ? "1 cell" : "\(count) cells"]
            + (session.created.isEmpty ? [] : ["created \(session.created)"])
            + (session.updated.isEmpty ? [] : ["updated \(session.updated)"])
    }

    /// The settings, unless there are none.
    func shownSettings(_ session: SessionInfo) -> String? {
        let trimmed = session.settings.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty || trimmed == "{}" ? nil : trimmed
    }

    /// `ok · virtual time 0.000s → 1.250s`, or `error · ...`, `cancelled · ...`.
    func heading(_ cell: CellRecord) -> String {
        "\(cell.status.rawValue) · virtual time \(TextEscaping.seconds(cell.virtualTimeBefore)) → \(TextEscaping.seconds(cell.virtualTimeAfter))"
    }

    private func fenced(_ text: String, language: String) -> String {
        let body = text.hasSuffix("\n") ? String(text.dropLast()) : text
        let fence = TextEscaping.fence(for: body)
        return "\(fence)\(language)\n\(body)\n\(fence)"
    }

    private func inlineCode(_ text: String) -> String {
        let ticks = String(repeating: "`", count: TextEscaping.longestBacktickRun(text) + 1)
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return "\(ticks) \(flat) \(ticks)"
    }
}
