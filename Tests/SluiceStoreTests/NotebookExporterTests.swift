// Notebook exports: the Markdown layout exactly, the HTML well-formed, escaped,
// self-contained and highlighted; both from stored data alone, both deterministic.
import Foundation
import Testing
@testable import SluiceStore

@Suite struct NotebookExporterTests {
    let session = SessionInfo(id: 1, name: "credit-vs-tcp", created: "2025-06-01T09:30:00.000Z",
                              updated: "2025-06-01T09:41:12.345Z", engineVersion: "0.3.1", seed: 42,
                              settings: #"{"flow_control":"tcp"}"#, cellCount: 2)
    let cells = [
        CellRecord(seq: 1, input: "STEP 250ms;", output: "virtual time 0.250s\n",
                   virtualTimeBefore: 0, virtualTimeAfter: 250_000_000, wallTimeNanos: 1234),
        CellRecord(seq: 2, input: "SELECT * FROM nowhere;", output: "", status: .error,
                   error: "unknown view 'nowhere'", virtualTimeBefore: 250_000_000, virtualTimeAfter: 250_000_000),
    ]

    @Test func markdownLayout() {
        let markdown = NotebookExporter().markdown(session: session, cells: cells)
        #expect(markdown == """
            # Sluice session: credit-vs-tcp

            engine 0.3.1 · seed 42 · 2 cells · created 2025-06-01T09:30:00.000Z · updated 2025-06-01T09:41:12.345Z

            Settings: ` {"flow_control":"tcp"} `

            ## [1] ok · virtual time 0.000s → 0.250s

            ```sql
            STEP 250ms;
            ```

            ```text
            virtual time 0.250s
            ```

            ## [2] error · virtual time 0.250s → 0.250s

            > **Error:** unknown view 'nowhere'

            ```sql
            SELECT * FROM nowhere;
            ```

            """)
    }

    @Test func markdownEmbedsChartsAsSVGAndLeavesNoBlankLineInside() {
        let plot = CellRecord(seq: 3, input: "PLOT queue(spend.agg.0) LAST 10s;", output: "(chart)\n", charts: [sampleChart()])
        let markdown = NotebookExporter().markdown(session: session, cells: cells + [plot])
        let svg = SVGChart.render(sampleChart())
        #expect(markdown.contains("```text\n(chart)\n```\n\n" + svg + "\n"))
        #expect(markdown.hasSuffix("</svg>\n"))
    }

    @Test func markdownFencesSurviveBackticksAndNamesAreEscaped() {
        var odd = session
        odd.name = "my *best* <session>"
        let cell = CellRecord(seq: 1, input: "-- ``` inside", output: "a\n```\nb\n````\n")
        let markdown = NotebookExporter().markdown(session: odd, cells: [cell])
        #expect(markdown.hasPrefix("# Sluice session: my \\*best\\* \\<session\\>\n"))
        #expect(markdown.contains("````sql\n-- ``` inside\n````"))
        #expect(markdown.contains("`````text\na\n```\nb\n````\n`````"))
    }

    @Test func htmlIsWellFormedAndSelfContained() {
        let plot = CellRecord(seq: 3, input: "PLOT lag(clicks);", output: "", charts: [sampleChart(), sampleChart(title: "b")])
        let html = NotebookExporter().html(session: session, cells: cells + [plot])
        let xml = XMLCheck(html)
        #expect(xml.wellFormed, "\(xml.error ?? "")")
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(xml.elements.filter { $0 == "svg" }.count == 2)
        #expect(xml.elements.filter { $0 == "section" }.count == 3)
        // Nothing from the network: no script, no stylesheet or font link, no URL
        // except the SVG namespace name, which is never fetched.
        for forbidden in ["<script", "<link", "@import", "url(", "<img", "<iframe", "src="] {
            #expect(!html.contains(forbidden), "found \(forbidden)")
        }
        let urls = html.matches(of: /https?:\/\/[^"\s]*/).map { String($0.0) }
        #expect(urls.allSatisfy { $0 == "http://www.w3.org/2000/svg" })
        #expect(html.contains("<style>"))
    }

    @Test func htmlNumbersCellsAndHighlightsErrors() {
        let html = NotebookExporter().html(session: session, cells: cells)
        let xml = XMLCheck(html)
        let sections = xml.attributes(of: "section")
        #expect(sections.map { $0["id"] ?? "" } == ["cell-1", "cell-2"])
        #expect(sections.map { $0["class"] ?? "" } == ["cell ok", "cell error"])
        #expect(html.contains(##"<a class="num" href="#cell-2">[2]</a>"##))
        #expect(html.contains(#"<p class="error-message"><strong>Error:</strong> unknown view &#39;nowhere&#39;</p>"#))
        #expect(html.contains(#"<p class="summary">1 cell failed.</p>"#))
        #expect(html.contains(".cell.error {"))
    }

    @Test func htmlEscapesInputsAndOutputs() {
        let cell = CellRecord(seq: 1, input: "SELECT a FROM t WHERE a < 3 && b > 'x';",
                              output: "<b>bold?</b> & \"quotes\"\n\u{1B}[31mred\u{1B}[0m\n")
        var odd = session
        odd.name = "</title><script>alert(1)</script>"
        let html = NotebookExporter().html(session: odd, cells: [cell])
        #expect(html.contains(#"<pre class="input"><code>SELECT a FROM t WHERE a &lt; 3 &amp;&amp; b &gt; &#39;x&#39;;</code></pre>"#))
        #expect(html.contains(#"<pre class="output">&lt;b&gt;bold?&lt;/b&gt; &amp; &quot;quotes&quot;"#))
        #expect(html.contains("␛[31mred␛[0m"))
        #expect(!html.contains("<script"))
        let xml = XMLCheck(html)
        #expect(xml.wellFormed, "\(xml.error ?? "")")
        #expect(xml.text.contains("SELECT a FROM t WHERE a < 3 && b > 'x';"))
    }

    @Test func exportsAreDeterministicAndLeaveOutWallTime() {
        let exporter = NotebookExporter()
        var slower = cells
        slower[0].wallTimeNanos = 999_999_999
        #expect(exporter.markdown(session: session, cells: cells) == exporter.markdown(session: session, cells: slower))
        #expect(exporter.html(session: session, cells: cells) == exporter.html(session: session, cells: slower))
    }

    @Test func exportFromAStoreRoundTrip() throws {
        let dir = ScratchDirectory()
        let store = try SessionStore(path: dir.file("s.sqlite"))
        let info = try store.createSession(name: "demo", engineVersion: "0.1.0", seed: 42)
        for n in 1...4 { try store.appendCell(sessionID: info.id, cell: sampleCell(n, plot: n == 4)) }
        let stored = try #require(try store.session(named: "demo"))
        let html = NotebookExporter().html(session: stored, cells: try store.cells(sessionID: info.id))
        #expect(XMLCheck(html).wellFormed)
        #expect(html.contains("4 cells"))
        #expect(html.contains("spend.agg.1"))
    }
}
