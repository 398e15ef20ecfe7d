/// The largest values the engine accepts, and why they are enough.
///
/// Virtual time, costs and log offsets are Int64 nanoseconds and rows. Within these bounds
/// no sum the engine forms of them (the clock plus a delay, a log's end plus an append)
/// comes near Int64.max, so no input can overflow; a value past one is refused with an
/// ``EngineError`` that names it, and the engine is left as it was.
public enum Limits {
    /// The end of virtual time: 100 years (876 000 h, about 3.2 × 10^18 ns), a third of
    /// Int64.max, so the clock plus any delay the engine schedules still fits. The shell
    /// refuses a RUN, STEP or WATCH that would pass it; the engine's `advance`, `run(until:)`,
    /// `step` and `stepBarrier` stop there.
    public static let maxVirtualTime: Int64 = 876_000 * 3_600 * VirtualTime.second

    /// Rows per second of a source's rate, a ramp's target and a sink's throughput. At 10^8
    /// each virtual second already takes seconds of wall time to simulate, and 100 years of
    /// it (twice the rate at a sine's top) append 6.3 × 10^17 rows: log offsets stay far
    /// from Int64.max.
    public static let maxRate: Double = 100_000_000

    /// The longest cost: a fixed cost, an exponential mean or a uniform bound, per row or per
    /// poll; one hour. A draw stays below two days (an exponential one below 45 times its
    /// mean); work that would outlast virtual time (a huge chunk, a sink's write at a
    /// vanishing throughput) ends with it.
    public static let maxCost: Int64 = 3_600 * VirtualTime.second

    /// Rows one INJECT appends. Ten seconds of the highest rate: more is a typo.
    public static let maxInjectRows = 1_000_000_000

    /// Rows INJECT may bring a source's log to, over its life (10^15). With what generators
    /// can add before the end of virtual time, every offset and every sum of them over a
    /// source's partitions stays below Int64.max.
    public static let maxLogRows: Int64 = 1_000_000_000_000_000

    /// The largest Zipf exponent. At 100 the second key draws one row in 10^30 and the rest
    /// none: a larger exponent changes nothing but the number shown.
    public static let maxZipfExponent: Double = 100

    /// Actors per fragment: a view's or sink's parallelism (RisingWave's default is the
    /// cluster's cores; a lesson needs a handful).
    public static let parallelism: ClosedRange<Int> = 1...256

    /// Partitions of a source's log (Kafka topics in practice have tens to hundreds).
    public static let partitions: ClosedRange<Int> = 1...1024
}

extension Int64 {
    /// `self + other`, or the bound it passed: a sum of durations that cannot wrap around.
    @inline(__always)
    func addingSaturated(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
