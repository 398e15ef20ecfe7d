/// The virtual time one row costs at a source, operator or sink: fixed, or drawn from the
/// session's seeded generator. Written `'20us'`, `'exp(20us)'` or `'uniform(5us,40us)'`.
public enum CostSpec: Sendable, Hashable, CustomStringConvertible {
    /// Every row costs exactly this many nanoseconds.
    case fixed(Int64)
    /// Exponentially distributed with this mean, in nanoseconds (a Poisson server).
    case exponential(mean: Int64)
    /// Uniform between the two bounds, in nanoseconds, inclusive.
    case uniform(low: Int64, high: Int64)

    /// No cost at all: the default for operators that nobody slowed down.
    public static let free = CostSpec.fixed(0)

    /// The expected cost of one row, in nanoseconds.
    public var mean: Double {
        switch self {
        case .fixed(let ns): Double(ns)
        case .exponential(let mean): Double(mean)
        case .uniform(let low, let high): Double(low + high) / 2
        }
    }

    public var isFree: Bool { self == .fixed(0) }

    /// Why the engine refuses this cost (negative, inverted bounds, above `Limits.maxCost`),
    /// or nil when it is valid.
    public var invalidity: String? {
        switch self {
        case .fixed(let ns) where ns < 0, .exponential(let ns) where ns < 0:
            "must not be negative"
        case .uniform(let a, let b) where a < 0 || b < a:
            "needs 0 ≤ low ≤ high"
        case .fixed(let ns) where ns > Limits.maxCost, .exponential(let ns) where ns > Limits.maxCost,
             .uniform(_, let ns) where ns > Limits.maxCost:
            "must be at most \(VirtualTime.format(Limits.maxCost))"
        default:
            nil
        }
    }

    public var description: String {
        switch self {
        case .fixed(let ns): VirtualTime.format(ns)
        case .exponential(let mean): "exp(\(VirtualTime.format(mean)))"
        case .uniform(let low, let high): "uniform(\(VirtualTime.format(low)),\(VirtualTime.format(high)))"
        }
    }
}

/// How a source's generator spreads its `rate` over virtual time.
public enum LoadPattern: Sendable, Hashable, CustomStringConvertible {
    /// Exactly `rate` rows per second, evenly spaced.
    case constant
    /// Poisson arrivals with mean `rate` rows per second.
    case poisson
    /// `rate` during `on`, nothing during `off`, repeating.
    case burst(on: Int64, off: Int64)
    /// `rate × (1 + sin(2πt/period))`: between 0 and twice the rate.
    case sine(period: Int64)
    /// From `rate` to `to` rows per second linearly over `over`, then flat.
    case ramp(to: Double, over: Int64)

    public var description: String {
        switch self {
        case .constant: "constant"
        case .poisson: "poisson"
        case .burst(let on, let off): "burst(on=\(VirtualTime.format(on)), off=\(VirtualTime.format(off)))"
        case .sine(let period): "sine(period=\(VirtualTime.format(period)))"
        case .ramp(let to, let over): "ramp(to=\(VirtualTime.formatNumber(to)), over=\(VirtualTime.format(over)))"
        }
    }
}

/// How a generator picks the key column among `keys` distinct keys.
public enum KeyDistribution: Sendable, Hashable, CustomStringConvertible {
    case uniform
    /// Zipf with exponent `s` (`'zipf(1.1)'`): key 0 is the hottest.
    case zipf(Double)

    public var description: String {
        switch self {
        case .uniform: "uniform"
        case .zipf(let s): "zipf(\(VirtualTime.formatNumber(s)))"
        }
    }
}
