/// The flow-control mechanism on every exchange channel (session variable `flow_control`).
public enum FlowControlKind: String, Sendable, CaseIterable, Hashable {
    /// Flink ≥ 1.5: exclusive + floating buffers, one credit per buffer, backlog announcements.
    case credit
    /// RisingWave: row permits per channel, batched permit return, a separate barrier permit.
    case permits
    /// Flink before 1.5: channels between two nodes share one TCP connection window.
    case tcp
    /// No bound at all: the queue and the memory grow.
    case unbounded
    /// Bounded queue that drops the newest rows when full.
    case dropTail = "drop_tail"
    /// Bounded queue that drops the oldest queued rows to make room.
    case dropHead = "drop_head"

    /// Whether a full channel blocks its sender (true) or loses rows / grows instead.
    public var blocksSender: Bool {
        switch self {
        case .credit, .permits, .tcp: true
        case .unbounded, .dropTail, .dropHead: false
        }
    }
}

/// Flink's `execution.checkpointing.unaligned`.
public enum CheckpointMode: String, Sendable, CaseIterable, Hashable {
    case aligned, unaligned
}

/// Kafka `auto.offset.reset`: where a consumer group with no position starts, and where it
/// jumps when retention deleted the rows at its position.
public enum OffsetReset: String, Sendable, CaseIterable, Hashable {
    /// The log start (Flink's and RisingWave's Kafka sources start here by default).
    case earliest
    /// The log end (the Kafka client's default): what is there already is skipped.
    case latest
}

/// Every knob the engine reads. The language layer validates and names them; the engine
/// checks them again (see `validate()`), against the same ranges (`Limits`), for every
/// caller of its API.
public struct EngineSettings: Sendable, Hashable {
    public var flowControl: FlowControlKind = .credit
    /// Flink `taskmanager.network.memory.buffers-per-channel`: exclusive buffers, the initial credit.
    public var buffersPerChannel: Int = 2
    /// Flink `taskmanager.network.memory.floating-buffers-per-gate`.
    public var floatingBuffersPerGate: Int = 8
    /// Flink `taskmanager.network.memory.max-buffers-per-channel`: buffers a sender keeps
    /// unsent on one remote channel before it stops (`OutputPool`).
    public var maxBuffersPerChannel: Int = 10
    /// Flink `taskmanager.memory.segment-size`.
    public var bufferBytes: Int = 32_768
    /// Rows per network buffer; 0 derives it from `bufferBytes` and the row width.
    public var bufferRows: Int = 0
    /// RisingWave `exchange_initial_permits`.
    public var exchangeInitialPermits: Int = 2048
    /// RisingWave `exchange_batched_permits`.
    public var exchangeBatchedPermits: Int = 256
    /// RisingWave `exchange_concurrent_barriers`.
    public var exchangeConcurrentBarriers: Int = 1
    /// RisingWave `barrier_interval_ms`; 0 injects barriers only on demand.
    public var barrierIntervalMs: Int = 1000
    /// RisingWave `in_flight_barrier_nums`: periodic injection is skipped at this many in flight.
    public var inFlightBarrierNums: Int = 10_000
    /// The work each actor does for a barrier it passes (a source: emits): Flink's synchronous
    /// snapshot, which follows the barrier downstream, RisingWave's flush of the epoch's state.
    /// Free by default; what makes frequent barriers cost throughput (`Engine.chargeBarrierCost`).
    public var barrierCost: CostSpec = .free
    public var checkpointMode: CheckpointMode = .aligned
    /// Flink `execution.checkpointing.timeout` (10 minutes): a checkpoint that has not
    /// completed this long after its injection expires and is aborted; 0 never (RisingWave).
    public var checkpointTimeoutMs: Int = 600_000
    /// Flink `execution.checkpointing.aligned-checkpoint-timeout` (0): with unaligned
    /// checkpoints, each one starts aligned and turns unaligned once it is this old; 0 starts
    /// every one unaligned.
    public var alignedCheckpointTimeoutMs: Int = 0
    /// RisingWave `streaming_enable_unaligned_join`: a log store after every join.
    public var unalignedJoin: Bool = false
    /// RisingWave `sink_decouple`: every sink reads from its own log.
    public var sinkDecouple: Bool = false
    /// Kafka `max.poll.records`.
    public var maxPollRecords: Int = 500
    /// Kafka `max.poll.interval.ms`: a consumer that goes this long without calling `poll()`
    /// leaves its group, and its partitions are rebalanced to the other members.
    public var maxPollIntervalMs: Int = 300_000
    /// Kafka `fetch.min.bytes`: the broker holds a fetch until this many bytes are available…
    public var fetchMinBytes: Int = 1
    /// …or until `fetch.max.wait.ms` has passed since the fetch was sent.
    public var fetchMaxWaitMs: Int = 500
    /// Kafka `auto.offset.reset` for the groups of new views and sinks.
    public var autoOffsetReset: OffsetReset = .earliest
    /// Compute nodes actors are placed on.
    public var nodes: Int = 1
    /// RisingWave `stream_chunk_size`: rows an actor takes at once; 1 is record-at-a-time.
    public var chunkRows: Int = 256
    /// The one seed of every random draw.
    public var seed: UInt64 = 42

    public init() {}

    /// The rows one network buffer holds for rows of `width` bytes.
    public func rowsPerBuffer(rowWidth: Int) -> Int {
        if bufferRows > 0 { return bufferRows }
        return max(1, bufferBytes / max(1, rowWidth))
    }

    /// The rows a drop or permit channel holds at most.
    public var boundedChannelRows: Int { exchangeInitialPermits }

    /// Checks the invariants the engine relies on: every number within its range in
    /// `Limits` (the ranges SET accepts), and the rules that bind two settings. The first
    /// setting out of place is named, with its value and what it must be.
    public func validate() throws(EngineError) {
        func check(_ value: Int, _ name: String, _ range: ClosedRange<Int>, zero: String = "") throws(EngineError) {
            guard !range.contains(value) else { return }
            let low = range.lowerBound == 0 && !zero.isEmpty ? "0 (\(zero))" : String(range.lowerBound)
            throw .invalidSetting(name: name, value: String(value), reason: "must be between \(low) and \(range.upperBound)")
        }
        try check(buffersPerChannel, "buffers_per_channel", Limits.buffersPerChannel)
        try check(floatingBuffersPerGate, "floating_buffers_per_gate", Limits.floatingBuffersPerGate)
        try check(maxBuffersPerChannel, "max_buffers_per_channel", Limits.maxBuffersPerChannel)
        try check(bufferBytes, "buffer_bytes", Limits.bufferBytes)
        try check(bufferRows, "buffer_rows", Limits.bufferRows, zero: "derived")
        try check(exchangeInitialPermits, "exchange_initial_permits", Limits.exchangeInitialPermits)
        try check(exchangeBatchedPermits, "exchange_batched_permits", Limits.exchangeBatchedPermits)
        try check(exchangeConcurrentBarriers, "exchange_concurrent_barriers", Limits.exchangeConcurrentBarriers)
        try check(barrierIntervalMs, "barrier_interval_ms", Limits.barrierIntervalMs, zero: "manual")
        try check(inFlightBarrierNums, "in_flight_barrier_nums", Limits.inFlightBarrierNums)
        try check(checkpointTimeoutMs, "checkpoint_timeout_ms", Limits.checkpointTimeoutMs, zero: "never")
        try check(alignedCheckpointTimeoutMs, "aligned_checkpoint_timeout_ms", Limits.alignedCheckpointTimeoutMs, zero: "unaligned from the start")
        if let reason = barrierCost.invalidity {
            throw .invalidSetting(name: "barrier_cost", value: barrierCost.description, reason: reason)
        }
        try check(maxPollRecords, "max_poll_records", Limits.maxPollRecords)
        try check(maxPollIntervalMs, "max_poll_interval_ms", Limits.maxPollIntervalMs)
        try check(fetchMinBytes, "fetch_min_bytes", Limits.fetchMinBytes)
        try check(fetchMaxWaitMs, "fetch_max_wait_ms", Limits.fetchMaxWaitMs)
        try check(nodes, "nodes", Limits.nodes)
        try check(chunkRows, "chunk_rows", Limits.chunkRows)
        if buffersPerChannel + floatingBuffersPerGate < 1 {
            throw .invalidSetting(name: "floating_buffers_per_gate", value: String(floatingBuffersPerGate),
                                  reason: "a gate needs at least one buffer: buffers_per_channel + floating_buffers_per_gate must be at least 1")
        }
        if exchangeBatchedPermits >= exchangeInitialPermits && exchangeInitialPermits != 1 {
            throw .invalidSetting(name: "exchange_batched_permits", value: String(exchangeBatchedPermits),
                                  reason: "must be below exchange_initial_permits (\(exchangeInitialPermits))")
        }
    }

    /// Rows a chunk may take in permits: RisingWave's `initial − batched` cap.
    public var maxChunkPermits: Int { max(1, exchangeInitialPermits - exchangeBatchedPermits) }
}
