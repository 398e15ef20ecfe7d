/// The data of a `PLOT` result: one or more series over virtual time. It is part of the
/// cell's result (not only its drawing) so that a notebook export can draw it again as SVG.
public struct ChartSpec: Sendable, Equatable, Codable {
    /// What is plotted, e.g. `queue depth`.
    public var title: String
    /// The unit of the y values, e.g. `rows`, `ms`.
    public var yUnit: String
    public var series: [ChartSeriesSpec]
    /// The stretch of virtual time (seconds) the chart covers, when it was asked for (`LAST
    /// 4s`): the x axis spans it even where the points do not (a few sparse events).
    public var xRange: ClosedRange<Double>?

    /// Creates a chart.
    public init(title: String, yUnit: String, series: [ChartSeriesSpec], xRange: ClosedRange<Double>? = nil) {
        self.title = title
        self.yUnit = yUnit
        self.series = series
        self.xRange = xRange
    }
}

/// One named line of a chart, e.g. `queue(spend.agg.0)`.
public struct ChartSeriesSpec: Sendable, Equatable, Codable {
    public var name: String
    /// Points in any order; they are drawn sorted by `x`.
    public var points: [ChartPointSpec]
    /// Separate events, drawn as marks only; a series of samples is a line joining them.
    public var marksOnly: Bool

    /// Creates a series from points.
    public init(name: String, points: [ChartPointSpec], marksOnly: Bool = false) {
        self.name = name
        self.points = points
        self.marksOnly = marksOnly
    }

    /// Creates a series from `(x, y)` pairs.
    public init(name: String, points: [(x: Double, y: Double)], marksOnly: Bool = false) {
        self.init(name: name, points: points.map { ChartPointSpec(x: $0.x, y: $0.y) }, marksOnly: marksOnly)
    }
}

/// One sample of a series.
public struct ChartPointSpec: Sendable, Equatable, Codable {
    /// Virtual time in seconds.
    public var x: Double
    /// The value, in the chart's `yUnit`.
    public var y: Double

    /// Creates a point.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}
