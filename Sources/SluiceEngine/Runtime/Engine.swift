import DequeModule
import OrderedCollections

/// The deterministic streaming engine.
///
/// Module map:
/// - `Config/`      settings, cost and load specs, errors, virtual-time formatting
/// - `Values/`      schemas, 64-bit row values, chunks, the string pool
/// - `Random/`      the seeded generator and key samplers
/// - `Plan/`        what the planner hands over: sources, jobs, fragments, operators
/// - `Operators/`   filter, project, hash aggregate, hash join, materialize
/// - `FlowControl/` credit (Flink), permits (RisingWave), tcp (pre-1.5 Flink), unbounded, drop
/// - `Runtime/`     actors, channels, the source logs, the event loop, barriers
/// - `Metrics/`     time series, snapshots for inspection, the ledger
///
/// Time is virtual (integer nanoseconds) and moves only through `step()`, `advance(by:)`,
/// `run(until:)`; ties between events break by scheduling order. The engine never prints,
/// reads files or looks at a clock.
public final class Engine {
    /// Virtual time now, in nanoseconds.
    public internal(set) var now: Int64 = 0
    public internal(set) var settings: EngineSettings
    public internal(set) var strings = StringPool()

    var sources: [SourceLog] = []
    var sourceIndex: [String: Int] = [:]
    var jobs = OrderedDictionary<String, JobRuntime>()
    var actors: [Actor] = []
    var channels: [Channel] = []
    /// The same actors and channels, unretained, for the hot path (`withActor`,
    /// `withChannel`). Valid for the engine's lifetime: neither table ever drops an entry.
    private(set) var actorRefs: [Unmanaged<Actor>] = []
    private(set) var channelRefs: [Unmanaged<Channel>] = []
    /// The sources, unretained, for the generator's tick, once a millisecond (the engine keeps
    /// every source it created, dropped ones too).
    var sourceRefs: [Unmanaged<SourceLog>] = []
    /// Whether RUN passes quiet generator ticks in a loop (`processGeneratorTick`); tests turn
    /// it off to check that the loop changes nothing but the time it takes.
    var passesQuietTicks = true
    /// Per actor, per input side.
    var gates: [[Gate]] = []
    var connections: [Int: Connection] = [:]
    /// One instance of every flow-control scheme (they keep their state on the channels).
    let schemes = Schemes()

    var events = EventQueue()
    /// Actors ready to run at the current instant, in the order they became ready.
    let ready = RingQueue<Int>()
    var generation: UInt32 = 0
    var generatorTickScheduled = false
    var lastGeneratorTick: Int64 = 0
    static let generatorTick: Int64 = VirtualTime.millisecond
    var eventsProcessed: Int64 = 0
    var consumerSerial = 0

    // Barriers and checkpoints.
    var nextEpoch: Int64 = 1
    var inFlight = Deque<EpochState>()
    public internal(set) var checkpoints: [Checkpoint] = []
    var barrierLatencies: [Int64] = []
    var barrierTickGeneration: UInt32 = 0
    var skippedBarriers: Int64 = 0
    /// The checkpoint timer's time (`Engine+CheckpointTimeout`), -1 when none is pending.
    var checkpointTimerAt: Int64 = -1
    /// Epochs whose checkpoint expired, in order: their barriers are ignored.
    var abortedEpochs: [Int64] = []
    var expiredCheckpoints: [ExpiredCheckpoint] = []
    var expiredCount: Int64 = 0
    /// The aligned-checkpoint timeout's timer (`Engine+AlignedTimeout`), -1 when none is pending.
    var alignedTimerAt: Int64 = -1

    // Metrics.
    var metrics = MetricsStore()
    var resetAt: Int64 = 0
    var resetSnapshot = MetricsSnapshotBase()

    // Ledger counters that outlive actors and channels (drops and rescales).
    var retired = RetiredCounters()

    // Tracing.
    public var traceCategories: Set<TraceCategory> = [] {
        didSet { tracing = !traceCategories.isEmpty }
    }
    var traceLog: [TraceEvent] = []
    /// Whether any category is traced: one load on the hot path, not a look into the set.
    private(set) var tracing = false

    public init(settings: EngineSettings = EngineSettings()) throws(EngineError) {
        try settings.validate()
        self.settings = settings
    }

    /// Engine version recorded with saved sessions.
    public static let version = "0.13.0"

    // MARK: Tracing

    /// Out of line, so that the message's interpolation stays in its closure, off the hot
    /// paths that call this behind `tracing`.
    @inline(never)
    func trace(_ category: TraceCategory, _ text: @autoclosure () -> String) {
        guard traceCategories.contains(category) else { return }
        traceLog.append(TraceEvent(time: now, category: category, text: text()))
    }

    /// Trace events recorded since the last call, in order.
    public func drainTrace() -> [TraceEvent] {
        defer { traceLog.removeAll() }
        return traceLog
    }

    // MARK: Tables

    func add(_ actor: Actor) {
        precondition(actor.id == actors.count)
        actors.append(actor)
        actorRefs.append(.passUnretained(actor))
    }

    func add(_ channel: Channel) {
        precondition(channel.id == channels.count)
        channels.append(channel)
        channelRefs.append(.passUnretained(channel))
    }

    /// Runs `body` on actor `id` without retaining it (the engine keeps every actor alive).
    @inline(__always)
    func withActor<R>(_ id: Int, _ body: (Actor) -> R) -> R { actorRefs[id]._withUnsafeGuaranteedRef(body) }

    /// Runs `body` on channel `id` without retaining it (the engine keeps every channel alive).
    @inline(__always)
    func withChannel<R>(_ id: Int, _ body: (Channel) -> R) -> R { channelRefs[id]._withUnsafeGuaranteedRef(body) }

    /// `withChannel` handing `chunk` on to `body`: a closure cannot capture a consuming value.
    /// The chunk moves through an optional here, in a closure small enough to be inlined, so
    /// the emptied optional costs nothing.
    @inline(__always)
    func withChannel<R>(_ id: Int, passing chunk: consuming Chunk, _ body: (Channel, consuming Chunk) -> R) -> R {
        var chunk: Chunk? = consume chunk
        return channelRefs[id]._withUnsafeGuaranteedRef { channel in body(channel, chunk.take()!) }
    }

    // MARK: Names

    func channelName(_ c: Channel) -> String { "\(actors[c.sender].name) → \(actors[c.receiver].name)" }

    func gate(of channel: Channel) -> Gate { channel.gateObject }

    func connection(of channel: Channel) -> Connection? {
        guard settings.flowControl == .tcp, channel.role == .exchange, !channel.isLocal else { return nil }
        let from = channel.senderActor.node, to = channel.receiverActor.node
        let key = from * 4096 + to
        if let c = connections[key] { return c }
        let c = Connection(fromNode: from, toNode: to)
        connections[key] = c
        return c
    }

    /// The scheme that bounds `channel`: the session's on exchanges; log stores and sink logs
    /// are unbounded. (The hot path dispatches statically instead: `schemePump`, `schemeReleased`.)
    func scheme(for channel: Channel) -> FlowControlScheme {
        channel.role == .exchange ? schemes[settings.flowControl] : schemes.unbounded
    }
}

/// One instance of every scheme, held by concrete type. The hot path switches on the
/// session's scheme once per message and calls the concrete type, so the optimizer sees the
/// whole path (a protocol call is opaque to it: every reference alive across it must be
/// retained). Cold paths (attach, describe) go through the `FlowControlScheme` protocol.
struct Schemes {
    let credit = CreditScheme()
    let permits = PermitScheme()
    let tcp = TcpScheme()
    let unbounded = UnboundedScheme()
    let dropTail = DropScheme(head: false)
    let dropHead = DropScheme(head: true)

    subscript(_ kind: FlowControlKind) -> FlowControlScheme {
        switch kind {
        case .credit: credit
        case .permits: permits
        case .tcp: tcp
        case .unbounded: unbounded
        case .dropTail: dropTail
        case .dropHead: dropHead
        }
    }
}

extension Engine {
    /// Moves what the channel's scheme lets through from its outbox to its inbox.
    @inline(__always)
    func schemePump(_ channel: Channel) {
        guard channel.role == .exchange else { return schemes.unbounded.pump(channel, engine: self) }
        switch settings.flowControl {
        case .credit: schemes.credit.pump(channel, engine: self)
        case .permits: schemes.permits.pump(channel, engine: self)
        case .tcp: schemes.tcp.pump(channel, engine: self)
        case .unbounded: schemes.unbounded.pump(channel, engine: self)
        case .dropTail: schemes.dropTail.pump(channel, engine: self)
        case .dropHead: schemes.dropHead.pump(channel, engine: self)
        }
    }

    /// Gives the channel's scheme what the receiver's consumption frees.
    @inline(__always)
    func schemeReleased(_ channel: Channel, rows: Int, buffers: Int, floating: Int = 0, permits: Int, barrier: Bool) {
        guard channel.role == .exchange else { return }
        switch settings.flowControl {
        case .credit: schemes.credit.released(channel, rows: rows, buffers: buffers, floating: floating, permits: permits, barrier: barrier, engine: self)
        case .permits: schemes.permits.released(channel, rows: rows, buffers: buffers, floating: floating, permits: permits, barrier: barrier, engine: self)
        case .tcp: schemes.tcp.released(channel, rows: rows, buffers: buffers, floating: floating, permits: permits, barrier: barrier, engine: self)
        case .unbounded, .dropTail, .dropHead: break
        }
    }
}

/// A running job: its spec and its actors, fragment by fragment.
struct JobRuntime {
    var spec: JobSpec
    /// Actor ids per fragment, in fragment order.
    var fragmentActors: [[Int]]
    var consumers: [Consumer]
    var createdAt: Int64
    var createdEpoch: Int64
    /// A rescaled sink's earlier actors: the rows they delivered, those they had delivered
    /// when the metrics window started, and their log (sink_decouple) then.
    var retiredDelivered: Int64 = 0
    var retiredDeliveredBase: Int64 = 0
    var retiredLogBase = 0
    var lastActors: [Int] { fragmentActors.last ?? [] }
}
