#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Marsaglia and Tsang's ziggurat for the standard exponential ("The Ziggurat Method for
/// Generating Random Variables", 2000), with 256 layers and 53-bit abscissae as in NumPy.
///
/// The density under `e^-x` is cut into 256 horizontal layers of equal area: layer 0 is the
/// base strip with the tail beyond `r`, layer `i` spans `0 … x[i]`. One 64-bit draw picks a
/// layer (8 bits) and a point in it (53 bits); 98.9 % of the time the point lies inside the
/// rectangle that is wholly under the curve, and it is the result after one multiply and one
/// compare: no logarithm. The rest take a second uniform (the wedge between the rectangle and
/// the curve, one `exp`) or the tail (`r − log(1 − u)`), and the draw is exact.
///
/// The common path is integer arithmetic and one IEEE multiplication; only the tables (built
/// once per process) and the rare paths call libm's `exp` and `log`.
struct ExponentialZiggurat: Sendable {
    /// Right edge of the base layer, and the area of every layer (NumPy's `ziggurat_exp_r`).
    static let r = 7.69711747013104972
    static let area = 3.9496598225815571993e-3
    static let scale = 0x1.0p53

    /// Per layer: accept when the 53-bit point is below `bound`; the abscissa is point × `width`.
    struct Layer: Sendable {
        var bound: UInt64
        var width: Double
    }

    /// 256 layers, then `e^-x` at each layer's edge (for the wedge test).
    let layers: [Layer]
    let heights: [Double]

    static let shared = ExponentialZiggurat()

    private init() {
        var layers = [Layer](repeating: Layer(bound: 0, width: 0), count: 256)
        var heights = [Double](repeating: 0, count: 256)
        let q = Self.area / exp(-Self.r)
        layers[0] = Layer(bound: UInt64(Self.r / q * Self.scale), width: q / Self.scale)
        heights[0] = 1
        heights[255] = exp(-Self.r)
        var x = Self.r, previous = Self.r
        layers[255].width = x / Self.scale
        for i in stride(from: 254, through: 1, by: -1) {
            x = -log(Self.area / x + exp(-x))
            layers[i + 1].bound = UInt64(x / previous * Self.scale)
            layers[i].width = x / Self.scale
            heights[i] = exp(-x)
            previous = x
        }
        layers[1].bound = 0
        self.layers = layers
        self.heights = heights
    }
}

extension SeededRandom {
    /// A standard exponential draw (mean 1) by the ziggurat.
    @inline(__always)
    public mutating func standardExponential() -> Double {
        let bits = next() >> 3
        let layer = Int(truncatingIfNeeded: bits & 0xFF)
        let point = bits >> 8
        let entry = ExponentialZiggurat.shared.layers.withUnsafeBufferPointer { $0[layer] }
        let x = Double(point) * entry.width
        if point < entry.bound { return x }
        return exponentialOutsideRectangle(layer: layer, x: x)
    }

    /// The ziggurat's rare paths: the tail beyond `r`, or the wedge above layer `layer`'s
    /// rectangle (accepted under the curve, otherwise a fresh draw).
    @inline(never)
    mutating func exponentialOutsideRectangle(layer: Int, x: Double) -> Double {
        if layer == 0 { return ExponentialZiggurat.r - log(1 - unit()) }
        let heights = ExponentialZiggurat.shared.heights
        if (heights[layer - 1] - heights[layer]) * unit() + heights[layer] < exp(-x) { return x }
        return standardExponential()
    }
}
