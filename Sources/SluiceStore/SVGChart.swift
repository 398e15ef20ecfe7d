// A PLOT cell's chart as an inline SVG line chart: title, legend, axes with round
// ticks and labelled units, one colour per series. The text is deterministic (fixed
// decimals, no locale, no ids), so an export is byte-identical from the same data.

/// Draws a ``ChartData`` as a self-contained SVG line chart.
public enum SVGChart {
    /// One colour per series, in order, cycling after eight: the Okabe–Ito palette
    /// (distinguishable with colour-blindness) without its yellow, plus grey.
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                 "#E69F00", "#56B4E9", "#000000", "#999999"]

    /// The chart as an `<svg>` element, `width` × `height` pixels, with no blank line
    /// inside (so it can sit in Markdown as one HTML block) and no external reference.
    ///
    /// Non-finite points leave a gap in their line; a chart with no finite point
    /// says "no data".
    public static func render(_ chart: ChartData, width: Int = 640, height: Int = 280) -> String {
        let width = max(width, 200), height = max(height, 120)
        let layout = Layout(chart: chart, width: width, height: height)
        let (xAxis, yAxis) = axes(for: chart, xTicks: max(2, (width - 90) / 90), yTicks: max(2, (height - 100) / 40))
        var svg: [String] = []
        let label = TextEscaping.xml(chart.title)
        svg.append(##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(width)" height="\##(height)" viewBox="0 0 \##(width) \##(height)" role="img" aria-label="\##(label)" font-family="sans-serif" font-size="11">"##)
        svg.append("<title>\(label)</title>")
        svg.append(##"<rect x="0" y="0" width="\##(width)" height="\##(height)" fill="#ffffff"/>"##)
        svg.append(##"<text x="\##(width / 2)" y="18" text-anchor="middle" font-size="13" font-weight="bold" fill="#1d2330">\##(label)</text>"##)
        svg += legend(chart, layout: layout)
        svg += grid(xAxis: xAxis, yAxis: yAxis, layout: layout)
        svg += axisLabels(chart, layout: layout)
        let drawn = lines(chart, xAxis: xAxis, yAxis: yAxis, layout: layout)
        if drawn.isEmpty {
            svg.append(##"<text x="\##(f((layout.left + layout.right) / 2))" y="\##(f((layout.top + layout.bottom) / 2))" text-anchor="middle" fill="#5b6472">no data</text>"##)
        }
        svg += drawn
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }

    // MARK: - Layout

    /// The plot area's edges, after room for the title, the legend and the labels.
    struct Layout {
        var left: Double, right: Double, top: Double, bottom: Double
        /// Each series' legend entry: its swatch's left x and its row's baseline y.
        var legendPositions: [(x: Double, y: Double)]

        init(chart: ChartData, width: Int, height: Int) {
            left = 64
            right = Double(width) - 16
            var positions: [(Double, Double)] = []
            var x = left, row = 0.0
            for series in chart.series {
                let entry = 22 + SVGChart.textWidth(series.name) + 16
                if x + entry > right && x > left {
                    x = left
                    row += 1
                }
                positions.append((x, 38 + row * 16))
                x += entry
            }
            legendPositions = positions
            top = chart.series.isEmpty ? 34 : 38 + row * 16 + 14
            bottom = Double(height) - 40
        }
    }

    /// A rough width of `text` at 11 px, enough to space legend entries.
    static func textWidth(_ text: String) -> Double { Double(text.count) * 6.5 }

    // MARK: - Parts

    private static func legend(_ chart: ChartData, layout: Layout) -> [String] {
        var out: [String] = []
        for (index, series) in chart.series.enumerated() {
            let (x, y) = layout.legendPositions[index]
            let colour = palette[index % palette.count]
            out.append(##"<line x1="\##(f(x))" y1="\##(f(y - 4))" x2="\##(f(x + 16))" y2="\##(f(y - 4))" stroke="\##(colour)" stroke-width="3"/>"##)
            out.append(##"<text x="\##(f(x + 22))" y="\##(f(y))" fill="#1d2330">\##(TextEscaping.xml(series.name))</text>"##)
        }
        return out
    }

    private static func grid(xAxis: Axis, yAxis: Axis, layout: Layout) -> [String] {
        var out: [String] = []
        for (value, text) in zip(yAxis.ticks, yAxis.labels) {
            let y = f(yAxis.position(value, from: layout.bottom, to: layout.top))
            out.append(##"<line x1="\##(f(layout.left))" y1="\##(y)" x2="\##(f(layout.right))" y2="\##(y)" stroke="#e3e6ea" stroke-width="1"/>"##)
            out.append(##"<text x="\##(f(layout.left - 6))" y="\##(y)" dy="4" text-anchor="end" fill="#5b6472">\##(text)</text>"##)
        }
        for (value, text) in zip(xAxis.ticks, xAxis.labels) {
            let x = f(xAxis.position(value, from: layout.left, to: layout.right))
            out.append(##"<line x1="\##(x)" y1="\##(f(layout.bottom))" x2="\##(x)" y2="\##(f(layout.bottom + 5))" stroke="#5b6472" stroke-width="1"/>"##)
            out.append(##"<text x="\##(x)" y="\##(f(layout.bottom + 17))" text-anchor="middle" fill="#5b6472">\##(text)</text>"##)
        }
        out.append(##"<line x1="\##(f(layout.left))" y1="\##(f(layout.bottom))" x2="\##(f(layout.right))" y2="\##(f(layout.bottom))" stroke="#5b6472" stroke-width="1"/>"##)
        out.append(##"<line x1="\##(f(layout.left))" y1="\##(f(layout.top))" x2="\##(f(layout.left))" y2="\##(f(layout.bottom))" stroke="#5b6472" stroke-width="1"/>"##)
        return out
    }

    private static func axisLabels(_ chart: ChartData, layout: Layout) -> [String] {
        let xText = chart.xUnit.isEmpty ? chart.xLabel : "\(chart.xLabel) (\(chart.xUnit))"
        let middleX = f((layout.left + layout.right) / 2), middleY = f((layout.top + layout.bottom) / 2)
        return [
            ##"<text x="\##(middleX)" y="\##(f(layout.bottom + 33))" text-anchor="middle" fill="#1d2330">\##(TextEscaping.xml(xText))</text>"##,
            ##"<text x="16" y="\##(middleY)" text-anchor="middle" transform="rotate(-90 16 \##(middleY))" fill="#1d2330">\##(TextEscaping.xml(chart.yUnit))</text>"##,
        ]
    }

    /// One `<polyline>` per unbroken run of finite points; a lone point is a dot, as is every
    /// point of a series of separate events (`marksOnly`).
    private static func lines(_ chart: ChartData, xAxis: Axis, yAxis: Axis, layout: Layout) -> [String] {
        var out: [String] = []
        for (index, series) in chart.series.enumerated() {
            let colour = palette[index % palette.count]
            var run: [String] = []
            func flush() {
                if run.count == 1 || series.marksOnly {
                    for point in run {
                        let xy = point.split(separator: ",")
                        out.append(##"<circle cx="\##(xy[0])" cy="\##(xy[1])" r="2.5" fill="\##(colour)"/>"##)
                    }
                } else if run.count > 1 {
                    out.append(##"<polyline fill="none" stroke="\##(colour)" stroke-width="1.5" stroke-linejoin="round" points="\##(run.joined(separator: " "))"/>"##)
                }
                run = []
            }
            for point in series.points {
                guard point.x.isFinite && point.y.isFinite else {
                    flush()
                    continue
                }
                let x = xAxis.position(point.x, from: layout.left, to: layout.right)
                let y = yAxis.position(point.y, from: layout.bottom, to: layout.top)
                run.append("\(f(x)),\(f(y))")
            }
            flush()
        }
        return out
    }

    /// A coordinate with one decimal.
    static func f(_ value: Double) -> String { TextEscaping.fixed(value, decimals: 1) }
}
