/// What inspection returns: plain values computed from the engine's state over the current
/// averaging window (since start or `RESET METRICS`).

/// One actor, as `SHOW ACTORS` and `SHOW METRICS` read it.
public struct ActorSnapshot: Sendable, Hashable {
    public let id: Int
    public let name: String
    public let job: String
    public let fragment: String
    /// Operator chain, e.g. "StreamHashAgg → StreamMaterialize".
    public let chain: String
    public let role: String
    public let node: Int
    public let status: String
    /// The nanoseconds of the metrics window this actor measured: the engine's window, or
    /// less for an actor created inside it (by a rescale, say), counted from its creation.
    /// When it is 0 no virtual time has passed, the time metrics and rates below are all 0,
    /// and they mean "not measured yet", not "idle".
    public let window: Int64
    /// Flink's task time metrics over the window; they add up to 1000 (0 over an empty window).
    public let busyTimeMsPerSecond: Double
    public let idleTimeMsPerSecond: Double
    public let backPressuredTimeMsPerSecond: Double
    /// RisingWave's actor output blocking time ratio (0…1).
    public let outputBlockingRatio: Double
    public let rowsIn: Int64
    public let rowsOut: Int64
    public let rowsInPerSecond: Double
    public let rowsOutPerSecond: Double
    /// Rows and buffers waiting in the actor's input channels now.
    public let inputRows: Int
    public let inputBuffers: Int
    /// How full the input channels are in their flow control's unit, and their capacity.
    public let inputFill: Int
    public let inputCapacity: Int?
    public let inputUnit: String
    /// Time-averaged input depth over the window (0 over an empty one).
    public let averageInputRows: Double
    /// How fast the rows queued on the input channels grew over the window (negative while
    /// they drain), and how many rows per second the input channels dropped (drop_tail,
    /// drop_head): where an overloaded actor shows when nothing backpressures.
    public let inputGrowthPerSecond: Double
    public let inputDroppedPerSecond: Double
    /// Flow-control state of the input channels ("credit 2, backlog 0, …").
    public let flowState: String
    public let stateRows: Int
    public let filteredRows: Int64
    /// Sinks: rows written and writes done.
    public let delivered: Int64
    public let writes: Int64
    /// `stream_barrier_align_duration_ns` over the window.
    public let alignNs: Int64
    /// Work for the barriers passed in the window (`barrier_cost`), part of the busy time.
    public let barrierNs: Int64
    public let inputCount: Int
    public let upstream: [String]
    public let downstream: [String]

    /// `barrierNs` as milliseconds per second of the window, as the busy time is measured.
    public var barrierTimeMsPerSecond: Double { window > 0 ? Double(barrierNs) / Double(window) * 1000 : 0 }
}

/// One channel, as `SHOW QUEUES` reads it.
public struct ChannelSnapshot: Sendable, Hashable {
    public let from: String
    public let to: String
    public let kind: String
    public let isLocal: Bool
    public let rows: Int
    public let buffers: Int
    public let outboxRows: Int
    /// The most rows the channel can hold (nil: unbounded).
    public let capacityRows: Int?
    /// How full the channel is in its flow control's unit (buffers, permits, rows).
    public let fill: Int
    public let capacity: Int?
    public let unit: String
    public let averageRows: Double
    /// The time-averaged depth in network buffers (the unit of credit and tcp).
    public let averageBuffers: Double
    public let peakRows: Int
    public let sentRows: Int64
    public let receivedRows: Int64
    public let droppedRows: Int64
    public let flowState: String
    /// Bytes the queued rows take, for the unbounded scheme's memory.
    public let queuedBytes: Int
}

/// One partition of one consumer group, as `SHOW LAG` reads it.
public struct PartitionLagSnapshot: Sendable, Hashable {
    public let source: String
    public let consumer: String
    public let partition: Int
    public let logStartOffset: Int64
    public let logEndOffset: Int64
    public let position: Int64
    public let lag: Int64
    public let expired: Int64
    public let paused: Bool
    /// The source actor (group member) the partition is assigned to; nil when unassigned.
    public let member: String?
}

/// One consumer group's summary (Kafka's consumer fetch metrics).
public struct ConsumerSnapshot: Sendable, Hashable {
    public let source: String
    public let consumer: String
    /// The nanoseconds the rates below are measured over (from the job's creation if it is
    /// younger than the metrics window); both rates are 0 when it is 0.
    public let window: Int64
    public let lag: Int64
    /// How fast the lag grew over `window`, in rows per second: what the log received less
    /// what the group consumed. Negative while the group catches up.
    public let lagGrowthPerSecond: Double
    /// `records-lag-max` over the window.
    public let recordsLagMax: Int64
    /// `records-consumed-rate` over the window.
    public let recordsConsumedRate: Double
    /// `poll-rate` over the window.
    public let pollRate: Double
    public let expired: Int64
    /// Retained rows the group jumped over when retention passed its position and
    /// `auto_offset_reset = latest` sent it to the log's end: lost to it as expired ones are.
    public let skipped: Int64
    /// `records-per-request-avg`: rows per fetch that returned rows, over the window.
    public let recordsPerRequest: Double
    /// `fetch-latency-avg` in ms: how long the broker held those fetches (`fetch.min.bytes`).
    public let fetchLatencyAvgMs: Double
    /// Rebalances since the group started: members leaving (`max.poll.interval.ms`), rejoining,
    /// or changed by a rescale.
    public let rebalances: Int64
}

/// A source, as `SHOW SOURCES` reads it.
public struct SourceSnapshot: Sendable, Hashable {
    public let name: String
    public let isTable: Bool
    /// Its columns' names and types (the shell writes them as SQL, quoting names that need it).
    public let schema: Schema
    public let rate: Double
    public let pattern: String
    public let partitions: Int
    public let generated: Int64
    public let logEnd: Int64
    public let retention: Int64?
    /// Rows retention deleted from the log, read or not (a consumer's `expired` counts those
    /// it had not read).
    public let deleted: Int64
}

/// A job, as `SHOW VIEWS`/`SHOW SINKS` read it.
public struct JobSnapshot: Sendable, Hashable {
    public let name: String
    public let kind: JobKind
    public let actors: Int
    public let fragments: Int
    public let rows: Int
    public let delivered: Int64
    /// The nanoseconds `throughput` and `logGrowthPerSecond` are measured over: the metrics
    /// window, from the job's creation if that is later. Both are 0 when it is 0.
    public let window: Int64
    /// Rows delivered per second over `window`.
    public let throughput: Double
    public let definition: String
    public let dependsOn: [String]
    /// A decoupled sink's log: rows written to it and not yet consumed.
    public let logLag: Int?
    /// How fast that log grew over the window (from the job's creation if later), in rows
    /// per second: what it received less what the sink took. Negative while it drains.
    public let logGrowthPerSecond: Double?
    public let parallelism: Int
}
