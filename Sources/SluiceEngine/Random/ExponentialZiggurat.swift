#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Marsaglia and Tsang's ziggurat for the standard exponential ("The Ziggurat Method for
/// Generating Random Variables", 2000), with 256 layers and 53-bit points as in NumPy.
///
/// The area under `e^-x` is cut into 256 horizontal layers of equal area: layer 0 is the
/// base strip with the tail beyond `r`, layer `i` spans `0 … x[i]`. One 64-bit draw picks a
/// layer (8 bits) and a point in it (53 bits); 98.9 % of the time the point lies inside the
/// part of the layer that is wholly under the curve, and it is the result after one
/// multiply and one compare: no logarithm. The rest take a second uniform (the wedge
/// between that rectangle and the curve, one `exp`) or the tail (`r − log(1 − u)`), so the
/// draw is exact. Only those rare paths call libm; the tables are literals
/// (`ExponentialZiggurat+Tables.swift`), the values `derive()` computes.
enum ExponentialZiggurat {
    /// Right edge of the base layer, and the area of every layer (NumPy's `ziggurat_exp_r`).
    static let r = 7.69711747013104972
    static let area = 3.9496598225815571993e-3
    static let scale = 0x1.0p53

    /// The tables from the layers' edges: `x[255] = r`, and going down, each layer's area
    /// fixes the next edge, `x[i-1] = −log(area / x[i] + e^-x[i])` (Marsaglia and Tsang's
    /// `zigset`).
    static func derive() -> (bounds: [UInt64], widths: [Double], heights: [Double]) {
        var bounds = [UInt64](repeating: 0, count: 256)
        var widths = [Double](repeating: 0, count: 256)
        var heights = [Double](repeating: 0, count: 256)
        // The base strip: a rectangle of width `q` with the same area, tail included.
        let q = area / exp(-r)
        bounds[0] = UInt64(r / q * scale)
        widths[0] = q / scale
        heights[0] = 1
        heights[255] = exp(-r)
        widths[255] = r / scale
        var x = r
        for i in stride(from: 254, through: 1, by: -1) {
            let outer = x
            x = -log(area / outer + exp(-outer))
            bounds[i + 1] = UInt64(x / outer * scale)
            widths[i] = x / scale
            heights[i] = exp(-x)
        }
        // Layer 1 is the top: all wedge, no rectangle.
        bounds[1] = 0
        return (bounds, widths, heights)
    }
}

extension SeededRandom {
    /// A standard exponential draw (mean 1) by the ziggurat.
    @inline(__always)
    public mutating func standardExponential() -> Double {
        let bits = next() >> 3
        let layer = Int(truncatingIfNeeded: bits & 0xFF)
        let point = bits >> 8
        let (bound, width) = ExponentialZiggurat.bounds.withUnsafeBufferPointer { bounds in
            ExponentialZiggurat.widths.withUnsafeBufferPointer { (bounds[layer], $0[layer]) }
        }
        let x = Double(point) * width
        if point < bound { return x }
        return exponentialOutsideRectangle(layer: layer, x: x)
    }

    /// The ziggurat's rare paths: the tail beyond `r`, or the wedge above layer `layer`'s
    /// rectangle (accepted under the curve, otherwise a fresh draw).
    @inline(never)
    mutating func exponentialOutsideRectangle(layer: Int, x: Double) -> Double {
        if layer == 0 { return ExponentialZiggurat.r - log(1 - unit()) }
        let heights = ExponentialZiggurat.heights
        if (heights[layer - 1] - heights[layer]) * unit() + heights[layer] < exp(-x) { return x }
        return standardExponential()
    }
}
