// Axis ranges and tick marks at round values (1, 2 or 5 times a power of ten), and
// their labels, shortened with k, M or G when large.
import Foundation

extension SVGChart {
    /// One axis: the drawn range and its ticks.
    struct Axis: Equatable {
        /// The lowest and highest value the axis shows (multiples of `step`).
        var low: Double
        var high: Double
        /// The distance between ticks: 1, 2 or 5 times a power of ten.
        var step: Double
        /// The power of ten of `step`, e.g. -1 for 0.5 and 2 for 200.
        var exponent: Int

        /// Tick values from `low` to `high`, computed as multiples of `step` so that
        /// no rounding error accumulates.
        var ticks: [Double] {
            let first = (low / step).rounded(), last = (high / step).rounded()
            // `covering` keeps about `target` steps; anything else (an axis built by hand) gets
            // its two ends rather than a trap or millions of ticks.
            guard abs(first) < 0x1p62, abs(last) < 0x1p62, last - first <= Double(Self.maxTicks) else { return [low, high] }
            return (Int64(first)...max(Int64(first), Int64(last))).map { Double($0) * step }
        }

        /// More ticks than any chart draws.
        static let maxTicks = 1000

        /// Ticks covering `low...high` with about `target` intervals. An empty or
        /// single-valued range is widened so that it still has ticks.
        static func covering(_ low: Double, _ high: Double, target: Int) -> Axis {
            var low = low, high = high
            if !(low.isFinite && high.isFinite) { (low, high) = (0, 1) }
            if low == high {
                let pad = low == 0 ? 1 : abs(low) * 0.5
                (low, high) = (low == 0 ? 0 : low - pad, high + pad)
            }
            // Values near ±Double.greatestFiniteMagnitude: the span itself would overflow.
            let intervals = Double(max(target, 1))
            let span = high - low
            let (step, exponent) = niceStep(span.isFinite ? span / intervals : high / intervals - low / intervals)
            let lowTick = (low / step).rounded(.down) * step
            let highTick = (high / step).rounded(.up) * step
            return Axis(low: lowTick, high: max(highTick, lowTick + step), step: step, exponent: exponent)
        }

        /// The 1, 2 or 5 × 10^e nearest to `rough` (on a log scale, as in Heckbert's
        /// "nice numbers"), with e.
        static func niceStep(_ rough: Double) -> (Double, Int) {
            guard rough > 0, rough.isFinite else { return (1, 0) }
            var exponent = Int(log10(rough).rounded(.down))
            let fraction = rough / pow(10, Double(exponent))
            let nice: Double
            if fraction < 1.5 { nice = 1 }
            else if fraction < 3 { nice = 2 }
            else if fraction < 7 { nice = 5 }
            else { nice = 1; exponent += 1 }
            return (nice * pow(10, Double(exponent)), exponent)
        }

        /// The labels of the ticks, with one suffix for the whole axis: `G` (10⁹) or
        /// `M` (10⁶) when the largest tick reaches it, `k` from 10 000 (so 1000 to 9000
        /// stay plain); as many decimals as the step needs, the same for all ticks.
        var labels: [String] {
            let largest = max(abs(low), abs(high))
            var divisorExponent = 0, suffix = ""
            for (exp, name, from) in [(9, "G", 1e9), (6, "M", 1e6), (3, "k", 1e4)] where largest >= from {
                divisorExponent = exp
                suffix = name
                break
            }
            let decimals = max(0, divisorExponent - exponent)
            let divisor = pow(10, Double(divisorExponent))
            return ticks.map { TextEscaping.fixed($0 / divisor, decimals: decimals) + ($0 == 0 ? "" : suffix) }
        }

        /// Maps a value on this axis to a pixel between `from` and `to`.
        func position(_ value: Double, from: Double, to: Double) -> Double {
            from + (value - low) / (high - low) * (to - from)
        }
    }

    /// The x and y axes for the finite points of all series; y includes 0 when
    /// every value has the same sign, so bars of queue depth or lag start at zero.
    static func axes(for chart: ChartData, xTicks: Int, yTicks: Int) -> (x: Axis, y: Axis) {
        var xLow = Double.infinity, xHigh = -Double.infinity
        var yLow = Double.infinity, yHigh = -Double.infinity
        for series in chart.series {
            for point in series.points where point.x.isFinite && point.y.isFinite {
                xLow = min(xLow, point.x); xHigh = max(xHigh, point.x)
                yLow = min(yLow, point.y); yHigh = max(yHigh, point.y)
            }
        }
        if xLow > xHigh { (xLow, xHigh, yLow, yHigh) = (0, 1, 0, 1) }
        if yLow > 0 { yLow = 0 }
        if yHigh < 0 { yHigh = 0 }
        return (Axis.covering(xLow, xHigh, target: xTicks), Axis.covering(yLow, yHigh, target: yTicks))
    }
}
