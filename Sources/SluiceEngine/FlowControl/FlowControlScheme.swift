import DequeModule

/// One flow-control mechanism. It decides when a channel's outbox may move to its inbox
/// (`pump`) and what a receiver's consumption gives back (`released`). Each scheme is the
/// real mechanism of its system; the engine calls them once per message, never per row.
protocol FlowControlScheme: AnyObject {
    var kind: FlowControlKind { get }
    /// Sets up a new channel's flow-control state.
    func attach(_ channel: Channel, engine: Engine)
    /// Moves what may move from the outbox to the receiver.
    func pump(_ channel: Channel, engine: Engine)
    /// The receiver consumed `rows` rows freeing `buffers` buffers (`floating` of them the
    /// gate's floating buffers, under credit) and `permits` permits (or one barrier), and
    /// gives back what the scheme returns.
    func released(_ channel: Channel, rows: Int, buffers: Int, floating: Int, permits: Int, barrier: Bool, engine: Engine)
    /// What bounds the channel, for SHOW QUEUES: how much of it is used, in the unit the
    /// scheme counts (buffers, permits or rows), and its flow-control state ("credit 2, backlog 3").
    func describe(_ channel: Channel, engine: Engine) -> ChannelBound
}

/// How full a channel is, in the unit its flow control counts.
public struct ChannelBound: Sendable, Hashable {
    public let used: Int
    /// nil: unbounded.
    public let capacity: Int?
    /// The part of `capacity` the channel shares with the other channels of its input gate
    /// (credit's free floating buffers, the whole gate under tcp): an actor's capacity counts
    /// it once per gate, not once per channel.
    public let shared: Int
    public let unit: String
    public let state: String

    init(used: Int, capacity: Int?, shared: Int = 0, unit: String, state: String) {
        self.used = used
        self.capacity = capacity
        self.shared = shared
        self.unit = unit
        self.state = state
    }
}

/// An input gate of one receiving actor (one per join side): Flink's floating buffer pool,
/// and the buffer pool the pre-1.5 TCP scheme draws from.
final class Gate {
    var floatingFree: Int
    /// Channels waiting for a floating buffer, in the order they began to wait (the pool's
    /// `BufferListener`s). A ring, not a `Deque`: a saturated channel joins and leaves it once
    /// per buffer, and the ring's plain storage skips the `Deque`'s uniqueness checks.
    let waiters = RingQueue<Int>(capacity: 4)
    var tcpFree: Int
    var channels: [Int] = []
    init(floating: Int) {
        floatingFree = floating
        tcpFree = floating
    }
}

/// A multiplexed TCP connection between two nodes (pre-1.5 Flink): one FIFO carries every
/// logical channel from one node to the other.
final class Connection {
    let fromNode: Int
    let toNode: Int
    /// Messages in the socket buffers, in order, with their channel.
    var queue = Deque<(channel: Int, message: Message)>()
    /// Channels whose outbox waits for room in the connection window.
    var waiting = Deque<Int>()
    var stalled = false
    var stalledNs: Int64 = 0
    var stalledSince: Int64 = 0
    static let window = 4

    init(fromNode: Int, toNode: Int) {
        self.fromNode = fromNode
        self.toNode = toNode
    }
}
