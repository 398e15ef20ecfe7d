/// The range of every whole-number setting (`EngineSettings`): what `EngineSettings.validate()`
/// accepts, and what SET accepts, since the shell's session variables take their ranges
/// from here.
///
/// Each range holds the real system's default with room to spare. The time settings are
/// milliseconds the engine multiplies into nanoseconds: at most a day (8.64 × 10^13 ns), so
/// the end of virtual time plus any of them stays far below Int64.max. With the counts at
/// their tops a channel holds at most 11 000 buffers of at most 2^26 rows (below 10^12 rows),
/// or 2^24 permits, and a chunk is at most 65 536 rows: sizes the engine can count in Int
/// and allocate.
extension Limits {
    /// Flink's exclusive buffers per input channel (default 2). Ten buffers already reach
    /// 320 MB/s at 1 ms round trip (Flink's network-memory tuning guide); 1000 is a hundred
    /// times that.
    public static let buffersPerChannel: ClosedRange<Int> = 0...1000

    /// Flink's cap on the buffers one output subpartition holds (default 10); 1 stops a
    /// sender at its first unsent buffer.
    public static let maxBuffersPerChannel: ClosedRange<Int> = 1...1000

    /// Flink's floating buffers per input gate (default 8).
    public static let floatingBuffersPerGate: ClosedRange<Int> = 0...10_000

    /// Flink's `taskmanager.memory.segment-size`, bytes per network buffer (default 32 KiB):
    /// 64 bytes to 64 MiB.
    public static let bufferBytes: ClosedRange<Int> = 64...(1 << 26)

    /// Rows per network buffer when set (0 derives it from `bufferBytes`): up to 2^20.
    public static let bufferRows: ClosedRange<Int> = 0...(1 << 20)

    /// RisingWave's `exchange_initial_permits`, rows per channel (default 2048): up to 2^24.
    public static let exchangeInitialPermits: ClosedRange<Int> = 1...(1 << 24)

    /// RisingWave's `exchange_batched_permits` (default 256); it must also stay below
    /// `exchange_initial_permits`.
    public static let exchangeBatchedPermits: ClosedRange<Int> = 1...(1 << 24)

    /// RisingWave's `exchange_concurrent_barriers`, barrier permits per channel (default 1).
    public static let exchangeConcurrentBarriers: ClosedRange<Int> = 1...1024

    /// RisingWave's `barrier_interval_ms` (default 1000; 0 injects only on demand): up to an
    /// hour. RisingWave already warns above five minutes.
    public static let barrierIntervalMs: ClosedRange<Int> = 0...3_600_000

    /// RisingWave's `in_flight_barrier_nums` (default 10 000).
    public static let inFlightBarrierNums: ClosedRange<Int> = 1...100_000

    /// Flink's `execution.checkpointing.timeout` (default 10 minutes; 0 never expires a
    /// checkpoint): up to a day.
    public static let checkpointTimeoutMs: ClosedRange<Int> = 0...86_400_000

    /// Flink's `execution.checkpointing.aligned-checkpoint-timeout` (default 0: unaligned from
    /// the start): up to a day.
    public static let alignedCheckpointTimeoutMs: ClosedRange<Int> = 0...86_400_000

    /// Kafka's `max.poll.records` (default 500).
    public static let maxPollRecords: ClosedRange<Int> = 1...1_000_000

    /// Kafka's `max.poll.interval.ms` (default 300 000, five minutes): up to a day.
    public static let maxPollIntervalMs: ClosedRange<Int> = 1...86_400_000

    /// Kafka's `fetch.min.bytes` (default 1): up to 1 GiB.
    public static let fetchMinBytes: ClosedRange<Int> = 0...(1 << 30)

    /// Kafka's `fetch.max.wait.ms` (default 500): up to an hour.
    public static let fetchMaxWaitMs: ClosedRange<Int> = 0...3_600_000

    /// Compute nodes actors are placed on (default 1).
    public static let nodes: ClosedRange<Int> = 1...64

    /// RisingWave's `stream_chunk_size`, rows an actor takes at once (default 256): up to 2^16.
    public static let chunkRows: ClosedRange<Int> = 1...65_536
}
