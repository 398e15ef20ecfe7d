// The SVG line chart: well-formed, complete, escaped, deterministic, round ticks.
import Foundation
import Testing
@testable import SluiceStore

@Suite struct SVGChartTests {
    @Test func isWellFormedXMLWithAnSVGRoot() {
        let svg = SVGChart.render(sampleChart())
        let xml = XMLCheck(svg)
        #expect(xml.wellFormed, "\(xml.error ?? "")")
        #expect(xml.elements.first == "svg")
        let root = xml.attributes(of: "svg").first ?? [:]
        #expect(root["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root["width"] == "640" && root["height"] == "280" && root["viewBox"] == "0 0 640 280")
        #expect(svg.hasPrefix("<svg ") && svg.hasSuffix("</svg>"))
        #expect(!svg.contains("\n\n"), "a blank line would end the HTML block in Markdown")
    }

    @Test func showsTitleSeriesNamesAndAxisLabelsWithUnits() {
        var chart = sampleChart()
        chart.yUnit = "ms/s"
        let xml = XMLCheck(SVGChart.render(chart))
        #expect(xml.text.contains("queue(spend.agg.0)"))
        #expect(xml.text.contains("spend.agg.0") && xml.text.contains("spend.agg.1"))
        #expect(xml.text.contains("virtual time (s)"))
        #expect(xml.text.contains("ms/s"))
    }

    @Test func eachSeriesHasItsOwnColour() {
        var chart = sampleChart()
        chart.series += (2..<5).map { n in
            ChartSeries(name: "s\(n)", points: [ChartPoint(x: 0, y: Double(n)), ChartPoint(x: 10, y: Double(n * 10))])
        }
        let xml = XMLCheck(SVGChart.render(chart))
        let strokes = xml.attributes(of: "polyline").compactMap { $0["stroke"] }
        #expect(strokes.count == 5)
        #expect(Set(strokes).count == 5)
        #expect(strokes == Array(SVGChart.palette.prefix(5)))
        // The legend uses the same colours, in the same order.
        let swatches = xml.attributes(of: "line").compactMap { $0["stroke-width"] == "3" ? $0["stroke"] : nil }
        #expect(swatches == strokes)
    }

    @Test func escapesMarkupInTitlesAndNames() {
        let chart = ChartData(title: "a<b & c>\"d\"", yUnit: "rows<&>",
                              series: [ChartSeries(name: "x</text><script>", points: [ChartPoint(x: 0, y: 1), ChartPoint(x: 1, y: 2)])])
        let svg = SVGChart.render(chart)
        #expect(svg.contains("a&lt;b &amp; c&gt;&quot;d&quot;"))
        #expect(!svg.contains("<script"))
        let xml = XMLCheck(svg)
        #expect(xml.wellFormed, "\(xml.error ?? "")")
        #expect(xml.text.contains("a<b & c>\"d\""))
        #expect(xml.text.contains("x</text><script>"))
        #expect(xml.text.contains("rows<&>"))
        #expect(!xml.elements.contains("script"))
    }

    @Test func ticksAreRoundNumbers() {
        let chart = ChartData(title: "t", yUnit: "rows", series: [
            ChartSeries(name: "a", points: [ChartPoint(x: 0, y: 0), ChartPoint(x: 10, y: 1000)]),
        ])
        let xml = XMLCheck(SVGChart.render(chart))
        let anchoredEnd = zip(xml.attributes(of: "text"), textContents(SVGChart.render(chart)))
            .filter { $0.0["text-anchor"] == "end" }.map(\.1)
        #expect(anchoredEnd == ["0", "200", "400", "600", "800", "1000"])
        let middle = zip(xml.attributes(of: "text"), textContents(SVGChart.render(chart)))
            .filter { $0.0["text-anchor"] == "middle" && $0.0["font-size"] == nil && $0.0["transform"] == nil }.map(\.1)
        #expect(middle == ["0", "2", "4", "6", "8", "10", "virtual time (s)"])
    }

    @Test func axisStepsAndLabels() {
        #expect(SVGChart.Axis.niceStep(1.67) == (2, 0))
        #expect(SVGChart.Axis.niceStep(0.034) == (0.05, -2))
        #expect(SVGChart.Axis.niceStep(7.5) == (10, 1))
        #expect(SVGChart.Axis.covering(0, 123_456, target: 5).labels == ["0", "20k", "40k", "60k", "80k", "100k", "120k", "140k"])
        #expect(SVGChart.Axis.covering(0, 0.9, target: 4).labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(SVGChart.Axis.covering(-3, 7, target: 5).labels == ["-4", "-2", "0", "2", "4", "6", "8"])
        #expect(SVGChart.Axis.covering(0, 25_000_000, target: 5).labels == ["0", "5M", "10M", "15M", "20M", "25M"])
        #expect(SVGChart.Axis.covering(0, 4_440_000, target: 4).labels == ["0", "1M", "2M", "3M", "4M", "5M"])
        #expect(SVGChart.Axis.covering(0, 2_200_000, target: 4).labels == ["0.0", "0.5M", "1.0M", "1.5M", "2.0M", "2.5M"])
        #expect(SVGChart.Axis.covering(0, 8000, target: 4).labels == ["0", "2000", "4000", "6000", "8000"])
        #expect(SVGChart.Axis.covering(0, 9000, target: 3).labels == ["0", "5k", "10k"])
        #expect(SVGChart.Axis.covering(5, 5, target: 5).low < 5)
        #expect(SVGChart.Axis.covering(0, 0, target: 5).labels.last == "1.0")
    }

    @Test func gapsAndEmptyCharts() {
        let gappy = ChartData(title: "lag", yUnit: "rows", series: [ChartSeries(name: "p0", points: [
            ChartPoint(x: 0, y: 1), ChartPoint(x: 1, y: 2), ChartPoint(x: 2, y: .nan),
            ChartPoint(x: 3, y: 4), ChartPoint(x: 4, y: 3), ChartPoint(x: 5, y: .infinity), ChartPoint(x: 6, y: 1),
        ])])
        let xml = XMLCheck(SVGChart.render(gappy))
        #expect(xml.attributes(of: "polyline").count == 2)
        #expect(xml.attributes(of: "circle").count == 1)
        #expect(!SVGChart.render(gappy).contains("nan") && !SVGChart.render(gappy).contains("inf"))

        let empty = ChartData(title: "nothing yet", yUnit: "rows", series: [ChartSeries(name: "a", points: [])])
        let emptyXML = XMLCheck(SVGChart.render(empty))
        #expect(emptyXML.wellFormed)
        #expect(emptyXML.text.contains("no data"))
        #expect(XMLCheck(SVGChart.render(ChartData(title: "none", yUnit: "", series: []))).wellFormed)
    }

    /// Values at the ends of the doubles (a stored chart edited by hand, or an overflowing
    /// sum) draw a well-formed chart, where the axis maths once trapped converting a tick.
    @Test(arguments: [(1e308, -1e308), (Double.greatestFiniteMagnitude, 0), (-1e300, 1e-300), (0, 9.3e18)] as [(Double, Double)])
    func extremeValuesDrawAChart(_ a: Double, _ b: Double) {
        let chart = ChartData(title: "extreme", yUnit: "rows", series: [ChartSeries(name: "a", points: [
            ChartPoint(x: 1, y: a), ChartPoint(x: 2, y: b), ChartPoint(x: a, y: 1),
        ])])
        let xml = XMLCheck(SVGChart.render(chart))
        #expect(xml.wellFormed)
        let axis = SVGChart.Axis.covering(min(a, b), max(a, b), target: 5)
        #expect(axis.ticks.count >= 2 && axis.ticks.count <= 12, "\(axis)")
        #expect(SVGChart.Axis(low: -1e308, high: 1e308, step: 1, exponent: 0).ticks == [-1e308, 1e308])
        #expect(SVGChart.Axis(low: 1e19, high: 1e19, step: 1, exponent: 0).ticks == [1e19, 1e19])
    }

    /// A series of separate events is drawn as dots, never joined; its JSON says so, and reads
    /// back the same (every other series' JSON is as it always was).
    @Test func aSeriesOfEventsIsDrawnAsMarks() throws {
        let events = ChartSeries(name: "expired", points: [ChartPoint(x: 10, y: 5000), ChartPoint(x: 15, y: 5000), ChartPoint(x: 20, y: 5000)],
                                 marksOnly: true)
        let line = ChartSeries(name: "latency", points: [ChartPoint(x: 5, y: 10), ChartPoint(x: 12, y: 20)])
        let xml = XMLCheck(SVGChart.render(ChartData(title: "barrier_latency", yUnit: "ms", series: [line, events])))
        #expect(xml.attributes(of: "polyline").count == 1)
        #expect(xml.attributes(of: "circle").count == 3)
        let json = try SessionStore.encodeSeries([line, events])
        #expect(json == #"[{"name":"latency","points":[[5,10],[12,20]]},{"marks":true,"name":"expired","points":[[10,5000],[15,5000],[20,5000]]}]"#)
        #expect(try SessionStore.decodeSeries(json, seq: 1) == [line, events])
    }

    @Test func outputIsDeterministicAndLocaleFree() {
        let chart = sampleChart()
        let svg = SVGChart.render(chart, width: 500, height: 240)
        #expect(svg == SVGChart.render(chart, width: 500, height: 240))
        // Coordinates use a point and one decimal, never a comma or an exponent.
        let polyline = XMLCheck(svg).attributes(of: "polyline").first?["points"] ?? ""
        let numbers = polyline.split(separator: " ").flatMap { $0.split(separator: ",") }
        #expect(numbers.count == 42)
        #expect(numbers.allSatisfy { $0.wholeMatch(of: /-?[0-9]+\.[0-9]/) != nil })
    }

    @Test func fixedPointFormatting() {
        #expect(TextEscaping.fixed(1.25, decimals: 1) == "1.3")
        #expect(TextEscaping.fixed(-1.25, decimals: 1) == "-1.3")
        #expect(TextEscaping.fixed(-0.04, decimals: 1) == "0.0")
        #expect(TextEscaping.fixed(0.05, decimals: 2) == "0.05")
        #expect(TextEscaping.fixed(123.456, decimals: 0) == "123")
        #expect(TextEscaping.fixed(1_000_000, decimals: 1) == "1000000.0")
        #expect(TextEscaping.fixed(.nan, decimals: 1) == "nan")
        #expect(TextEscaping.seconds(12_400_000_000) == "12.400s")
        #expect(TextEscaping.seconds(5_000_000) == "0.005s")
    }

    /// The text of each `<text>` element, in order.
    private func textContents(_ svg: String) -> [String] {
        svg.matches(of: /<text[^>]*>([^<]*)<\/text>/).map { String($0.1) }
    }
}
