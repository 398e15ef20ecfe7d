import DequeModule

/// What an actor is doing, for Flink's three time metrics.
enum ActorStatus: UInt8 {
    /// No input to work on: `idleTimeMsPerSecond`.
    case idle
    /// Processing a chunk: `busyTimeMsPerSecond`.
    case busy
    /// Holding output that flow control does not let through: `backPressuredTimeMsPerSecond`.
    case backpressured
}

/// What kind of work an actor's chain ends in; decides barrier collection and sink timing.
enum ActorRole: Equatable {
    case source
    case transform
    case logStore
    case materialize
    case sink
}

/// Routes a fragment's output to the actors of one downstream fragment.
struct Dispatcher {
    var distribution: Distribution {
        didSet { mode = Mode(distribution) }
    }
    /// The distribution without its keys, for a switch that copies nothing.
    private(set) var mode: Mode
    /// One channel per downstream actor, in actor order.
    var channels: [Int]
    /// Key columns for hash routing.
    var keys: [Int]
    var roundRobin = 0
    /// The output buffers of its remote channels (`OutputPool`); nil when all are local.
    var pool: OutputPool?
    /// Epoch below which receivers that joined later do not expect barriers.
    var minEpoch: Int64 = 0

    enum Mode {
        case simple, broadcast, roundRobin, hash
        init(_ distribution: Distribution) {
            switch distribution {
            case .simple: self = .simple
            case .broadcast: self = .broadcast
            case .roundRobin: self = .roundRobin
            case .hash: self = .hash
            }
        }
    }

    init(distribution: Distribution, channels: [Int], keys: [Int], minEpoch: Int64) {
        self.distribution = distribution
        self.mode = Mode(distribution)
        self.channels = channels
        self.keys = keys
        self.minEpoch = minEpoch
    }
}

/// One instance of a fragment: the unit the scheduler runs. A class for identity and speed;
/// the engine owns every actor and refers to them by index.
final class Actor {
    let id: Int
    let name: String
    let job: String
    let fragment: String
    let index: Int
    let node: Int
    let role: ActorRole
    let operators: [StreamOperator]
    /// The same operators by concrete type, for the hot path.
    let chain: [ChainedOperator]
    /// Cost per row; a source actor's is its source's (`ALTER SOURCE` keeps it current, and
    /// `ALTER MATERIALIZED VIEW | SINK … SET (cost)` a fragment's).
    var cost: CostSpec
    /// How a sink actor writes; `ALTER SINK … SET (…)` changes it for the next write.
    var sink: SinkSpec?
    /// The actor's own stream of cost draws.
    var costs: SeededRandom

    var inputs: [Int] = []
    var inputSides: [Int] = []
    var dispatchers: [Dispatcher] = []
    var alive = true
    /// First of this actor's five metric series (see `takeSample`); -1 until the first sample.
    var seriesSlot = -1

    // Scheduling.
    var status: ActorStatus = .idle
    var statusSince: Int64 = 0
    var readyQueued = false
    var nextInput = 0
    /// Among several inputs, those whose inbox may hold messages: each delivery adds its
    /// input, and the round robin drops one it finds empty. Nil with a single input.
    var queuedInputs: InputSet?
    /// Output of the chunk in progress, dispatched when the processing time has elapsed.
    var pendingOutput: Chunk?
    var inProgressRows = 0
    /// What holds the actor's output back: its channels whose unsent output stops it
    /// (`Engine.holdsSender`: any at all, or a full subpartition when it keeps buffers), and
    /// its exhausted output pools (`OutputPool`). The actor is blocked while this is above 0.
    /// Always: outputHolds = #(channels with countedHolding) + #(pools holding), where a
    /// channel's countedHolding == holdsSender(channel) and a pool's holding == isExhausted.
    var outputHolds = 0
    /// Input channels whose front goes before the round robin: a barrier that overtook the
    /// channel's data, or rows a rescale moved here (`Engine.startPriorityInput`).
    var priorityInputs: [Int] = []
    /// Inside `takeBarrier`: a barrier that arrives meanwhile waits its turn.
    var takingBarrier = false
    /// A sink at `throughput = 0` with rows waiting: stuck in a write that never returns, busy
    /// with no end scheduled, until its throughput changes (`Engine.alterJob`).
    var stuckWriting = false
    /// Work owed for barriers passed (`barrier_cost`), done before the next chunk, or at once
    /// when there is nothing else to do (`Engine.chargeBarrierCost`).
    var barrierDebt: Int64 = 0

    // Metrics: cumulative since the engine started.
    var busyNs: Int64 = 0
    var idleNs: Int64 = 0
    var backpressuredNs: Int64 = 0
    var rowsIn: Int64 = 0
    var rowsOut: Int64 = 0
    var chunksIn: Int64 = 0
    /// Virtual nanoseconds of barrier work charged (`barrier_cost`), part of the busy time.
    var barrierNs: Int64 = 0
    var writes: Int64 = 0
    /// Rows a sink has written.
    var delivered: Int64 = 0

    // Barriers.
    /// Barriers this actor does not expect: it was created after they were injected.
    var minEpoch: Int64 = 0
    /// Epoch being aligned, the inputs that already delivered it (held), and when the first arrived.
    var aligningEpoch: Int64 = -1
    var alignedInputs = InputSet()
    var alignStart: Int64 = 0
    var alignNs: Int64 = 0
    /// Rows on its input channels when it was made: those a rescale moved in (the start of
    /// its input's growth, for an actor made inside the metrics window).
    var queuedAtCreation = 0
    var alignments: Int64 = 0
    var lastBarrierAt: Int64 = 0
    /// The last epoch the actor sent on: aligned, once every input brought it; unaligned, at
    /// its first copy (later copies are only counted).
    var forwardedEpoch: Int64 = 0
    /// Per epoch not yet on every input, how many inputs brought it (both modes, and a
    /// decoupled sink's log; looked up only, never iterated).
    var barrierInputsSeen: [Int64: Int] = [:]

    // Sources.
    var consumer: Consumer?
    /// A source actor's chained operators' own cost per row (the fragment's `cost`: a view
    /// chained into its source's actor), drawn before the source's; nil when free.
    var chainedCost: CostSpec?
    /// The source partitions this actor reads, and where its next poll starts.
    var partitions: [Int] = []
    var nextPartition = 0
    var pendingBarriers = Deque<BarrierMark>()
    /// Rows polled from the log but not yet emitted (Kafka's fetched records); the source
    /// takes chunks off the front of this view without copying the rest.
    var fetched: Chunk?
    /// Which partitions the fetched rows came from, in order (for checkpoint offsets).
    var fetchedFrom: [(partition: Int, rows: Int)] = []
    var polls: Int64 = 0
    /// Kafka group membership: when this consumer last called `poll()` (the start of its
    /// `max.poll.interval.ms`), when its deadline check is scheduled (-1: none), and whether
    /// it is a member.
    var lastPollAt: Int64 = 0
    var pollDeadlineAt: Int64 = -1
    var inGroup = true
    /// A fetch the broker holds for `fetch.min.bytes`: when it was first sent (-1: none), and
    /// when the scheduled `fetch.max.wait.ms` expiry falls (-1: none scheduled).
    var fetchWaitSince: Int64 = -1
    var fetchExpiryAt: Int64 = -1
    /// Paused because no barrier arrived for 5 × the barrier interval (RisingWave).
    var selfPaused = false

    init(id: Int, name: String, job: String, fragment: String, index: Int, node: Int, role: ActorRole,
         operators: [StreamOperator], cost: CostSpec, sink: SinkSpec?, rng: SeededRandom) {
        self.id = id
        self.name = name
        self.job = job
        self.fragment = fragment
        self.index = index
        self.node = node
        self.role = role
        self.operators = operators
        self.chain = operators.map(ChainedOperator.init)
        self.cost = cost
        self.sink = sink
        self.costs = rng
    }

    /// Moves the time since the last change into the current status's account.
    @inline(__always)
    func setStatus(_ new: ActorStatus, now: Int64) {
        let dt = now &- statusSince
        switch status {
        case .idle: idleNs &+= dt
        case .busy: busyNs &+= dt
        case .backpressured: backpressuredNs &+= dt
        }
        status = new
        statusSince = now
    }

    /// Cumulative times including the current, still open, interval.
    func times(now: Int64) -> (busy: Int64, idle: Int64, backpressured: Int64) {
        let dt = now - statusSince
        return (busyNs + (status == .busy ? dt : 0),
                idleNs + (status == .idle ? dt : 0),
                backpressuredNs + (status == .backpressured ? dt : 0))
    }

    /// Fetched rows not yet emitted.
    var fetchedRemaining: Int { fetched?.count ?? 0 }

    var stateRows: Int { operators.reduce(0) { $0 + $1.stateRows } }
    var filteredRows: Int64 { operators.reduce(0) { $0 + $1.filteredRows } }
    var absorbedRows: Int64 { operators.reduce(0) { $0 + $1.absorbedRows } }
    var derivedRows: Int64 { operators.reduce(0) { $0 + $1.derivedRows } }
    var isStateful: Bool { operators.contains { $0.stateRows > 0 || $0 is HashAggOperator || $0 is HashJoinOperator || $0 is MaterializeOperator } }
}
