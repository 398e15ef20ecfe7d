import Foundation
import Testing
@testable import SluiceShell

/// Terminal line charts and sparklines.
@Suite struct RenderChartTests {
    func chart(_ series: [ChartSeriesSpec], unit: String = "rows") -> ChartSpec {
        ChartSpec(title: "queue depth", yUnit: unit, series: series)
    }

    let ramp = ChartSeriesSpec(name: "queue(spend.agg.0)", points: (0...30).map { (x: Double($0), y: Double($0 * $0) * 2.3) })

    @Test func singleSeriesIsABrailleLineWithAxesAndLegend() {
        let out = ChartDrawing.draw(chart([ramp]))
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "queue depth")
        #expect(lines[1] == "rows")
        #expect(lines[2].hasPrefix("2250 ┤"))
        #expect(lines.contains { $0.hasPrefix("   0 ┤⣀") })
        #expect(lines.contains { $0.hasPrefix("     └┬─") && $0.hasSuffix("─┬") })
        #expect(lines.contains { $0.hasPrefix("      0s  ") && $0.hasSuffix(" 30s") })
        #expect(lines.contains("⣿ queue(spend.agg.0)"))
        #expect(out.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })
    }

    @Test func yTicksAreRoundAndThreeToFive() {
        for values in [[0, 2070.0], [0, 1.0], [0, 7.0], [-40, 37.0], [0, 1e6], [5, 5.0], [0, 0.003], [-3, -1.0]] {
            let axis = YAxis(values: values)
            #expect((3...5).contains(axis.ticks.count), "\(values) → \(axis.ticks)")
            #expect(axis.high >= values.max()! && axis.low <= values.min()!)
            for label in axis.ticks.map(NumberText.compact) { #expect(label.count <= 6, "\(label)") }
        }
        #expect(YAxis(values: [0, 1]).ticks == [1, 0.5, 0])
        #expect(YAxis(values: [0, 100]).ticks == [100, 50, 0])
    }

    @Test func fitsTheWidth() {
        for width in [40, 60, 80, 120] {
            let out = ChartDrawing.draw(chart([ramp]), width: width)
            for line in out.split(separator: "\n") {
                #expect(TerminalText.width(of: String(line)) <= max(width, 40), "\(width): \(line)")
            }
        }
    }

    @Test func severalSeriesHaveDistinctGlyphsAndALegend() {
        let falling = ChartSeriesSpec(name: "lag(clicks)", points: (0...30).map { (x: Double($0), y: 2000 - Double($0) * 60) })
        let out = ChartDrawing.draw(chart([ramp, falling]))
        #expect(out.contains("•") && out.contains("×"))
        #expect(out.contains("• queue(spend.agg.0)   × lag(clicks)"))
        let coloured = ChartDrawing.draw(chart([ramp, falling]), color: true)
        #expect(coloured.contains("\u{1B}[36m•\u{1B}[0m"))
        #expect(stripANSI(coloured) == out)
    }

    @Test func degradesGracefully() {
        let empty = ChartDrawing.draw(chart([ChartSeriesSpec(name: "a", points: [ChartPointSpec]())]))
        #expect(empty == "queue depth\nrows\n(no data)\n⣿ a (no data)\n")
        #expect(ChartDrawing.draw(chart([])) == "queue depth\nrows\n(no data)\n")

        let single = ChartDrawing.draw(chart([ChartSeriesSpec(name: "a", points: [(x: 3, y: 5)])]))
        #expect(single.contains("2s") && single.contains("4s"))
        #expect(single.unicodeScalars.filter { (0x2801...0x28FF).contains($0.value) }.count == 2)   // the point and the legend's ⣿

        let flat = ChartDrawing.draw(chart([ChartSeriesSpec(name: "a", points: [(x: 0, y: 7), (x: 10, y: 7)])]))
        #expect(flat.contains("⣀⣀⣀") || flat.contains("⠉⠉⠉") || flat.contains("⠤⠤⠤") || flat.contains("⠒⠒⠒"))

        let nonFinite = ChartDrawing.draw(chart([ChartSeriesSpec(name: "a", points: [(x: 0, y: .nan), (x: 1, y: .infinity)])]))
        #expect(nonFinite.contains("(no data)"))
    }

    @Test func deterministicAndOrderIndependent() {
        let shuffled = ChartSeriesSpec(name: ramp.name, points: ramp.points.reversed())
        #expect(ChartDrawing.draw(chart([ramp])) == ChartDrawing.draw(chart([shuffled])))
    }

    @Test func chartsInDataModes() {
        let small = chart([ChartSeriesSpec(name: "a", points: [(x: 0.5, y: 1), (x: 0, y: 2.25)])])
        #expect(Renderer.render([.chart(small)], options: RenderOptions(mode: .csv)) == "series,x,y\na,0,2.25\na,0.5,1\n")
        #expect(Renderer.render([.chart(small)], options: RenderOptions(mode: .json))
                == "{\"title\":\"queue depth\",\"y_unit\":\"rows\",\"series\":[{\"name\":\"a\",\"points\":[[0,2.25],[0.5,1]]}]}\n")
        #expect(Renderer.render([.chart(small)], options: RenderOptions(mode: .markdown)).hasPrefix("```\nqueue depth\n"))
    }

    @Test func sparkline() {
        #expect(Renderer.sparkline([1, 2, 3, 8, 5, 3, 1, 0]) == "▂▃▄█▅▄▂▁")
        #expect(Renderer.sparkline([]) == "")
        #expect(Renderer.sparkline([4, 4, 4]) == "▄▄▄")
        #expect(Renderer.sparkline([0, 0]) == "▁▁")
        #expect(Renderer.sparkline([0, .nan, 1]) == "▁ █")
    }

    @Test func xLabelsAreVirtualTimes() {
        let out = ChartDrawing.draw(chart([ChartSeriesSpec(name: "a", points: (0...40).map { (x: Double($0) * 0.05, y: sin(Double($0) / 5)) })]))
        #expect(out.contains("500ms") && out.contains("1.5s"))
    }

    /// Separate events (a checkpoint's expiries) are marks, not a line: three expiries draw
    /// three ×, where joined they drew a run of them from the first to the last.
    @Test func eventsAreMarksNotALine() {
        let chart = ChartSpec(title: "barrier_latency", yUnit: "ms", series: [
            ChartSeriesSpec(name: "barrier latency", points: [(x: 4, y: 3800)]),
            ChartSeriesSpec(name: "expired", points: [(x: 10, y: 5000), (x: 15, y: 5000), (x: 20, y: 5000)], marksOnly: true),
        ])
        let drawn = ChartDrawing.draw(chart, width: 80)
        let plot = drawn.split(separator: "\n").dropLast(1).joined(separator: "\n")   // not the legend
        #expect(plot.filter { $0 == "×" }.count == 3, "\(drawn)")
        let joined = ChartDrawing.draw(ChartSpec(title: chart.title, yUnit: "ms", series: [chart.series[0],
            ChartSeriesSpec(name: "expired", points: chart.series[1].points)]), width: 80)
        #expect(joined.split(separator: "\n").dropLast(1).joined().filter { $0 == "×" }.count > 3)
    }
}

/// The x axis's labels tell its ticks apart, however short the window and late the time.
@Suite("chart x axis labels")
struct ChartXAxisLabelTests {
    @Test func aShortWindowLateInTimeHasDistinctLabels() {
        let axis = XAxis(low: 2.999, high: 3.0, columns: 72)
        let labels = axis.ticks.map(\.label)
        #expect(Set(labels).count == labels.count, "\(labels)")
        #expect(labels.first == "2.9990s" && labels.last == "3.0000s", "\(labels)")
        // The usual windows keep the short form.
        #expect(XAxis(low: 0, high: 10, columns: 72).ticks.map(\.label).first == "0s")
    }
}
