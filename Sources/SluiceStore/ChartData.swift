// The data behind a PLOT cell, stored with the cell so that an export can draw the
// chart again without re-running the session.

/// The data of one chart drawn by a `PLOT` cell: a title, the axes' labels and units,
/// and one or more series of points over virtual time.
///
/// Stored with its cell, so `.export` draws it without re-running the session.
public struct ChartData: Codable, Sendable, Equatable, Hashable {
    /// The chart's title, e.g. `queue(spend.agg.0)`.
    public var title: String
    /// The x axis's label; Sluice always plots over `"virtual time"`.
    public var xLabel: String
    /// The x axis's unit, e.g. `"s"`.
    public var xUnit: String
    /// The y axis's unit, e.g. `"rows"`, `"ms"`, `"ms/s"`.
    public var yUnit: String
    /// The lines of the chart, drawn in this order with one colour each.
    public var series: [ChartSeries]

    /// A chart over virtual time in seconds unless told otherwise.
    public init(
        title: String,
        xLabel: String = "virtual time",
        xUnit: String = "s",
        yUnit: String,
        series: [ChartSeries]
    ) {
        self.title = title
        self.xLabel = xLabel
        self.xUnit = xUnit
        self.yUnit = yUnit
        self.series = series
    }
}

/// One named line of a chart.
public struct ChartSeries: Codable, Sendable, Equatable, Hashable {
    /// The series' name, shown in the legend.
    public var name: String
    /// The points in drawing order (normally increasing x). Non-finite points are
    /// kept in the store but leave a gap in the drawn line.
    public var points: [ChartPoint]
    /// Separate events (a checkpoint's expiry), drawn as marks, not joined into a line.
    public var marksOnly: Bool

    /// A series from its name and points.
    public init(name: String, points: [ChartPoint], marksOnly: Bool = false) {
        self.name = name
        self.points = points
        self.marksOnly = marksOnly
    }
}

/// One point of a series: `x` in the chart's x unit, `y` in its y unit.
public struct ChartPoint: Codable, Sendable, Equatable, Hashable {
    /// The position on the x axis (virtual time, in the chart's `xUnit`).
    public var x: Double
    /// The value, in the chart's `yUnit`.
    public var y: Double

    /// A point from its coordinates.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}
