import Foundation
import Testing
@testable import SluiceEngine

/// The ziggurat must draw the standard exponential exactly: every layer, the wedges above
/// the rectangles and the tail beyond `r`. Seeds are fixed, so each check passes or fails
/// the same way every run; the bounds are far out in the statistic's distribution.
@Suite struct ZigguratTests {
    private func draws(_ n: Int, seed: UInt64) -> [Double] {
        var rng = SeededRandom(seed: seed)
        return (0..<n).map { _ in rng.standardExponential() }
    }

    @Test func theDistributionIsTheStandardExponential() {
        let n = 400_000
        let sample = draws(n, seed: 11).sorted()
        #expect(sample.first! >= 0)
        // Kolmogorov–Smirnov: the critical value at α = 0.001 is 1.95/√n.
        var d = 0.0
        for (i, x) in sample.enumerated() {
            let cdf = 1 - exp(-x)
            d = max(d, abs(cdf - Double(i) / Double(n)), abs(Double(i + 1) / Double(n) - cdf))
        }
        #expect(d < 1.95 / Double(n).squareRoot(), "KS distance \(d)")
        // Chi-square over 200 bins of equal probability: 199 degrees of freedom (sd ≈ 20).
        let bins = 200
        var counts = [Int](repeating: 0, count: bins)
        for x in sample { counts[min(bins - 1, Int((1 - exp(-x)) * Double(bins)))] += 1 }
        let expected = Double(n) / Double(bins)
        let chi2 = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        #expect(chi2 < 199 + 5 * 20, "chi-square \(chi2)")
    }

    @Test func meanAndVarianceAreOne() {
        let n = 1_000_000
        let sample = draws(n, seed: 5)
        let mean = sample.reduce(0, +) / Double(n)
        let variance = sample.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        // Standard errors: 1/√n for the mean, √8/√n for the variance (fourth central moment 9).
        #expect(abs(mean - 1) < 5 / Double(n).squareRoot(), "mean \(mean)")
        #expect(abs(variance - 1) < 5 * 8.0.squareRoot() / Double(n).squareRoot(), "variance \(variance)")
    }

    /// The base layer's tail (beyond r ≈ 7.7, probability e^-r) and the thin top layers are
    /// what a table off by one layer gets wrong first.
    @Test func theTailAndTheTopLayersHaveTheirMass() {
        let n = 2_000_000
        let sample = draws(n, seed: 23)
        let r = ExponentialZiggurat.r
        for edge in [r, 5.0, 0.01, 0.001] {
            let p = exp(-edge)
            let beyond = sample.reduce(0) { $0 + ($1 > edge ? 1 : 0) }
            let sd = (Double(n) * p * (1 - p)).squareRoot()
            #expect(abs(Double(beyond) - Double(n) * p) < 5 * sd, "P(X > \(edge)): \(beyond) of \(n)")
        }
        // Memorylessness: past r, the excess is again exponential with mean 1.
        let tail = sample.filter { $0 > r }.map { $0 - r }
        let tailMean = tail.reduce(0, +) / Double(tail.count)
        #expect(abs(tailMean - 1) < 5 / Double(tail.count).squareRoot(), "tail excess mean \(tailMean)")
    }

    @Test func theTablesAreTheDerivedOnes() {
        let derived = ExponentialZiggurat.derive()
        #expect(ExponentialZiggurat.bounds.count == 256 && ExponentialZiggurat.widths.count == 256
                && ExponentialZiggurat.heights.count == 256)
        for i in 0..<256 {
            // Exact on this libm; within an ulp or two on another one.
            #expect(abs(Int64(bitPattern: ExponentialZiggurat.bounds[i] &- derived.bounds[i])) <= 2, "bound \(i)")
            #expect(abs(ExponentialZiggurat.widths[i] - derived.widths[i]) <= 4 * derived.widths[i].ulp, "width \(i)")
            #expect(abs(ExponentialZiggurat.heights[i] - derived.heights[i]) <= 4 * derived.heights[i].ulp, "height \(i)")
        }
    }

    @Test func layersHaveEqualAreaUnderTheCurve() {
        // Layer i ≥ 2 spans 0…x[i] between heights e^-x[i] and e^-x[i-1]: its area, the
        // rectangle under the curve plus the wedge, is the same for every layer.
        let widths = ExponentialZiggurat.widths, heights = ExponentialZiggurat.heights
        for i in 2..<256 {
            let x = widths[i] * ExponentialZiggurat.scale
            let area = x * (heights[i - 1] - heights[i])
            #expect(abs(area - ExponentialZiggurat.area) < 1e-9, "layer \(i): area \(area)")
        }
        // The top layer, from height e^-x[1] to 1, and the base strip with its tail, too.
        #expect(abs(widths[1] * ExponentialZiggurat.scale * (1 - heights[1]) - ExponentialZiggurat.area) < 1e-9)
        let r = ExponentialZiggurat.r
        #expect(abs(r * exp(-r) + exp(-r) - ExponentialZiggurat.area) < 1e-9)
        // A point accepted at once lies inside the rectangle: bound / 2^53 = x[i-1] / x[i] < 1.
        for i in 2..<256 {
            let ratio = Double(ExponentialZiggurat.bounds[i]) / ExponentialZiggurat.scale
            let expected = widths[i - 1] / widths[i]
            #expect(ratio < 1 && abs(ratio - expected) < 1e-12, "layer \(i): bound \(ratio) vs \(expected)")
        }
    }

    @Test func aCostIsTheMeanTimesOneDrawRounded() {
        var a = SeededRandom(seed: 3), b = SeededRandom(seed: 3)
        for _ in 0..<10_000 {
            let cost = a.totalCost(.exponential(mean: 666_667), rows: 1)
            #expect(cost == SeededRandom.nanoseconds(666_667 * b.standardExponential()))
        }
    }
}
