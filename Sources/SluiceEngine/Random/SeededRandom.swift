#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// xoshiro256** seeded through SplitMix64: the engine's only source of randomness. A value
/// type, so every stream (a source's generator, an actor's costs) owns its own and the
/// order of draws in one stream never depends on another.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var x = seed
        func splitMix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(&x); s1 = splitMix(&x); s2 = splitMix(&x); s3 = splitMix(&x)
    }

    /// A generator for a named sub-stream: same seed and label ⇒ same stream in every process.
    public init(seed: UInt64, stream: UInt64) {
        self.init(seed: seed ^ (stream &* 0xD6E8_FEB8_6659_FD93) &+ stream)
    }

    /// The first `next()` of `SeededRandom(seed: seed)` without building the generator: it
    /// depends on the second SplitMix64 output alone.
    @inline(__always)
    public static func firstOutput(seed: UInt64) -> UInt64 {
        var z = seed &+ 2 &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        let s1 = z ^ (z >> 31)
        return ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1).
    @inline(__always)
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [0, n).
    @inline(__always)
    public mutating func below(_ n: Int) -> Int {
        Int((UInt128(next()) &* UInt128(UInt64(n))) >> 64)
    }

    /// Exponential with the given mean (by the ziggurat: no logarithm on the common path).
    @inline(__always)
    public mutating func exponential(mean: Double) -> Double {
        mean * standardExponential()
    }

    /// Standard normal (Box–Muller, one value per call).
    public mutating func normal() -> Double {
        let u1 = 1 - unit(), u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Gamma(shape k, scale θ): the sum of k exponentials of mean θ in one draw
    /// (Marsaglia–Tsang), so a chunk's total cost costs one draw, not one per row.
    public mutating func gamma(shape k: Double, scale: Double) -> Double {
        if k < 1 {
            let u = unit()
            return gamma(shape: k + 1, scale: scale) * pow(u, 1 / k)
        }
        let d = k - 1.0 / 3.0
        let c = 1.0 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = unit()
            if u < 1 - 0.0331 * x * x * x * x { return d * v * scale }
            if log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v * scale }
        }
    }

    /// Poisson with the given mean: inversion for small means, PTRS (Hörmann) above 10.
    public mutating func poisson(mean: Double) -> Int {
        if mean <= 0 { return 0 }
        if mean < 10 {
            let limit = exp(-mean)
            var product = unit(), count = 0
            while product > limit { product *= unit(); count += 1 }
            return count
        }
        let slam = mean.squareRoot(), loglam = log(mean)
        let b = 0.931 + 2.53 * slam
        let a = -0.059 + 0.02483 * b
        let invalpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = unit() - 0.5, v = unit()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + mean + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if log(v) + log(invalpha) - log(a / (us * us) + b) <= -mean + k * loglam - lgamma(k + 1) {
                return Int(k)
            }
        }
    }

    /// `Int64(x.rounded())` (half away from zero) without the call to libm's `round`: the
    /// truncation plus one when the fraction, exact in binary floating point, is at least ½.
    /// Saturating: from 2^63 on (and for infinity and NaN) it gives the largest double below
    /// 2^63, with x's sign, so that no draw traps whatever the parameters. Validated costs
    /// stay far below; a sink's write at a vanishing throughput does not.
    ///
    /// Branch-free: whether a drawn cost rounds up is a coin toss, and a branch on it
    /// mispredicts every other draw, flushing the work in flight (measured: 22 → 7 ns per
    /// `exp` draw). The sign of `fraction − ½` is exact (Sterbenz's lemma above ¼, and no
    /// rounding reaches zero below), so its sign bit is the comparison. The saturation is a
    /// `min` (NaN compares false and takes the bound), no branch either.
    @inline(__always)
    static func nanoseconds(_ x: Double) -> Int64 {
        let magnitude = min(Self.largestNanoseconds, abs(x))
        let whole = Int64(magnitude)
        let roundsUp = Int64(bitPattern: ~(magnitude - Double(whole) - 0.5).bitPattern >> 63)
        let rounded = whole &+ roundsUp
        let sign = Int64(bitPattern: x.bitPattern) >> 63
        return (rounded ^ sign) &- sign
    }

    /// The largest double below 2^63 (2^63 − 1024), where `nanoseconds` saturates; a
    /// literal, so the hot path reads a constant.
    static let largestNanoseconds: Double = 0x1.fffffffffffffp62

    /// The sum of `count` draws of `spec`, in nanoseconds, drawn in as few steps as the
    /// distribution allows.
    @inline(__always)
    public mutating func totalCost(_ spec: CostSpec, rows count: Int) -> Int64 {
        // Record-at-a-time with `exp` costs, once per row: inline in the actor's hot path.
        if case .exponential(let mean) = spec, count == 1, mean != 0 {
            return Self.nanoseconds(exponential(mean: Double(mean)))
        }
        return totalCostOfRows(spec, rows: count)
    }

    private mutating func totalCostOfRows(_ spec: CostSpec, rows count: Int) -> Int64 {
        if count <= 0 { return 0 }
        switch spec {
        case .fixed(let ns):
            return ns &* Int64(count)
        case .exponential(let mean):
            if mean == 0 { return 0 }
            if count == 1 { return Self.nanoseconds(exponential(mean: Double(mean))) }
            return Self.nanoseconds(gamma(shape: Double(count), scale: Double(mean)))
        case .uniform(let low, let high):
            let span = Double(high - low)
            if count <= 12 {
                var total = 0.0
                for _ in 0..<count { total += Double(low) + span * unit() }
                return Self.nanoseconds(total)
            }
            // Irwin–Hall is normal to within sampling error past a dozen terms.
            let n = Double(count)
            let mean = n * Double(low + high) / 2
            let sd = (n * span * span / 12).squareRoot()
            let draw = mean + sd * normal()
            return Self.nanoseconds(min(max(draw, n * Double(low)), n * Double(high)))
        }
    }
}
