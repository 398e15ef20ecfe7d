#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One actor's cost stream: `SeededRandom.totalCost`, value for value, with the logarithms
/// of single-row exponential draws computed a batch ahead.
///
/// Record-at-a-time with `exp` costs draws one `log` per row. Called one at a time, between
/// the event handling that needs its result, the call's latency shows; computed sixteen at a
/// time, in a loop of independent calls, the logarithms pipeline (measured: 5 % more rows per
/// second on the three-station model; rounding the durations ahead too gained nothing). The
/// draws are the generator's own, in its order, and the mean is applied at use, so an `ALTER`
/// of the mean needs nothing; any other draw (a chunk's gamma, a uniform) first rewinds the
/// generator to just after the last draw used, so values never depend on the batching.
struct CostDraws {
    /// The generator after the last prefetched draw.
    private var rng: SeededRandom
    /// The generator before the first prefetched draw, for a rewind.
    private var batchStart: SeededRandom
    /// `log(1 − u)` for the batch's uniforms; `used` of `filled` are taken.
    private var logs: InlineArray<16, Double> = .init(repeating: 0)
    private var used = 0
    private var filled = 0

    init(_ rng: SeededRandom) {
        self.rng = rng
        self.batchStart = rng
    }

    /// The sum of `count` draws of `spec`, in nanoseconds: `SeededRandom.totalCost`.
    @inline(__always)
    mutating func totalCost(_ spec: CostSpec, rows count: Int) -> Int64 {
        if case .exponential(let mean) = spec, count == 1, mean != 0 {
            if used == filled { refill() }
            let draw = logs[used]
            used &+= 1
            // `SeededRandom.exponential(mean:)`, operation for operation.
            return SeededRandom.nanoseconds(-Double(mean) * draw)
        }
        rewind()
        return rng.totalCost(spec, rows: count)
    }

    private mutating func refill() {
        batchStart = rng
        for i in 0..<logs.count { logs[i] = rng.logOfUnitComplement() }
        used = 0
        filled = logs.count
    }

    /// Puts the generator back just after the last draw used and drops the rest of the batch.
    private mutating func rewind() {
        guard filled > 0 else { return }
        rng = batchStart
        for _ in 0..<used { _ = rng.next() }
        used = 0
        filled = 0
    }
}
