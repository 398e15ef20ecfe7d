import DequeModule

/// A checkpoint barrier: epoch `epoch`, injected at `injectedAt`.
struct BarrierMark: Sendable {
    let epoch: Int64
    let injectedAt: Int64
}

/// What travels on a channel: a chunk of rows (taking `buffers` network buffers and `permits`
/// row permits) or a barrier. The chunk is a view, so splitting a message copies no rows.
struct Message {
    var chunk: Chunk
    var buffers: Int
    var permits: Int
    var barrier: BarrierMark?
    /// Under credit, on the receiver's side: how many of its buffers are floating ones, lent by
    /// the gate's pool (the rest are the channel's exclusive buffers). Freed, they go back to
    /// the pool, not to the channel.
    var floating = 0

    static func data(_ chunk: consuming Chunk, buffers: Int) -> Message {
        Message(chunk: chunk, buffers: buffers, permits: 0, barrier: nil)
    }
    static func barrier(_ mark: BarrierMark) -> Message {
        Message(chunk: Chunk(width: 0), buffers: 0, permits: 0, barrier: mark)
    }

    var isBarrier: Bool { barrier != nil }
    @inline(__always) var rows: Int { chunk.count }

    /// Splits off the first `n` rows (taking `buffers` buffers, floating ones first) as their
    /// own message.
    mutating func splitFirst(_ n: Int, buffers firstBuffers: Int) -> Message {
        let firstFloating = min(floating, firstBuffers)
        let head = Message(chunk: chunk.split(first: n), buffers: firstBuffers, permits: 0, barrier: nil, floating: firstFloating)
        buffers -= firstBuffers
        floating -= firstFloating
        return head
    }
}

/// A channel's outbox or inbox.
typealias MessageQueue = RingQueue<Message>

/// Where a channel sits in the graph, which decides its flow control.
enum ChannelRole {
    /// An ordinary exchange channel: the session's flow-control scheme applies.
    case exchange
    /// RisingWave's `StreamSyncLogStore` after a join: unbounded, barriers overtake data.
    case joinLogStore
    /// A decoupled sink's log (`sink_decouple`): unbounded; the barrier is collected on write.
    case sinkLog
}

/// One queue between one sender actor and one receiver actor. The outbox holds what the
/// sender produced but flow control has not let through yet (Flink's subpartition backlog);
/// the inbox holds what arrived at the receiver and waits to be processed.
final class Channel {
    let id: Int
    let sender: Int
    let receiver: Int
    /// Index of this channel among the receiver's inputs.
    var inputIndex: Int
    /// Gate of the receiver (join side) this channel belongs to.
    let gate: Int
    let role: ChannelRole
    let isLocal: Bool
    let rowsPerBuffer: Int
    let rowWidthBytes: Int
    /// The two ends and the receiver's input gate, held directly: the hot path reaches them
    /// without indexing the engine's tables (and, being constants, without retaining them).
    let senderActor: Actor
    let receiverActor: Actor
    let gateObject: Gate

    let outbox = MessageQueue()
    let inbox = MessageQueue()
    var outboxRows = 0
    var outboxBuffers = 0 {
        didSet { outputPool?.queued += outboxBuffers &- oldValue }
    }
    /// Buffers the sender may keep unsent on this channel before it stops: Flink's
    /// `max_buffers_per_channel` on a remote channel under credit or tcp (`OutputPool`); 1
    /// elsewhere, where any unsent message stops the sender (a local channel, RisingWave's
    /// sender waiting for permits).
    var senderCap = 1
    /// The pool of the sender's buffers this (remote) channel shares with the others of its exchange.
    var outputPool: OutputPool?
    /// A remote exchange channel: its sender's buffers come from an output pool (`OutputPool`).
    var drawsOnOutputPool: Bool { !isLocal && role == .exchange }
    /// Rows between the two (inside a shared TCP connection, under `tcp`).
    var inTransitRows = 0
    var inboxRows = 0, inboxBuffers = 0

    // Credit (Flink): credits the sender holds (the receiver's free buffers); floating
    // buffers the receiver holds for it; the backlog the sender last announced.
    var credit = 0
    var floatingHeld = 0
    /// Floating buffers among `floatingHeld` that hold rows in the inbox (the rest are free).
    var floatingInUse = 0
    var announcedBacklog = 0
    var waitingForFloating = false
    /// Queued buffers beyond the channel's buffers after a scheme change; they free no credit.
    var excessBuffers = 0
    /// A rescale emptied the channel or a DROP stopped its receiver: its counts are in the
    /// ledger's retired totals already, and must not be added again by a later rescale or DROP.
    var retired = false
    /// Rows at the front of the inbox that a rescale moved here, not yet taken: they go
    /// before any other input of the receiver.
    var movedRows = 0
    /// Whether the sender counts this channel among what holds its output back (`Actor.outputHolds`).
    var countedHolding = false
    /// Credit without exclusive buffers, aligned checkpoints: the sender has sent a barrier and
    /// sends nothing more until the receiver has aligned it (`CreditScheme.block`, `resume`).
    var blockedByBarrier = false
    // Permits (RisingWave).
    var permits = 0
    var barrierPermits = 0
    var permitsToReturn = 0

    // Counters for the ledger and metrics.
    var sentRows: Int64 = 0
    var receivedRows: Int64 = 0
    var droppedRows: Int64 = 0
    var sentBuffers: Int64 = 0
    var peakInboxRows = 0
    /// Time integral of the inbox depth in rows and buffers, for time-averaged depth.
    var depthRowsIntegral: Double = 0
    var depthBuffersIntegral: Double = 0
    var depthSince: Int64 = 0
    /// Virtual nanoseconds the sender spent blocked on this channel.
    var blockedNs: Int64 = 0
    var blockedSince: Int64 = -1

    init(id: Int, sender: Actor, receiver: Actor, inputIndex: Int, gate: Int, gateObject: Gate, role: ChannelRole,
         isLocal: Bool, rowsPerBuffer: Int, rowWidthBytes: Int) {
        self.id = id
        self.sender = sender.id
        self.receiver = receiver.id
        self.senderActor = sender
        self.receiverActor = receiver
        self.gateObject = gateObject
        self.inputIndex = inputIndex
        self.gate = gate
        self.role = role
        self.isLocal = isLocal
        self.rowsPerBuffer = max(1, rowsPerBuffer)
        self.rowWidthBytes = rowWidthBytes
    }

    /// Rows anywhere on this channel: sender side and receiver side.
    var queuedRows: Int { outboxRows + inTransitRows + inboxRows }

    /// Buffers that `rows` rows fill. A message usually fits one buffer: no division then
    /// (a 64-bit divide costs dozens of cycles, once per message).
    @inline(__always)
    func buffers(forRows rows: Int) -> Int {
        if rows <= rowsPerBuffer { return rows > 0 ? 1 : 0 }
        return (rows + rowsPerBuffer - 1) / rowsPerBuffer
    }

    /// Keeps the time integral of the inbox depth current; call before the depth changes.
    @inline(__always)
    func touchDepth(now: Int64) {
        let dt = Double(now - depthSince)
        if dt > 0 {
            depthRowsIntegral += dt * Double(inboxRows)
            depthBuffersIntegral += dt * Double(inboxBuffers)
        }
        depthSince = now
    }

    @inline(__always)
    func pushOutbox(_ m: consuming Message) {
        if !m.isBarrier { sentRows += Int64(m.rows) }
        outboxRows += m.rows
        outboxBuffers += m.buffers
        outbox.append(m)
    }

    @inline(__always)
    func popOutbox() -> Message {
        let m = outbox.removeFirst()
        outboxRows -= m.rows
        outboxBuffers -= m.buffers
        return m
    }

    /// Where a barrier that overtakes data goes in `queue`: right behind the last barrier
    /// already there (barriers keep their order: an actor sends epochs in order and counts on
    /// receiving them so), ahead of the data after it, which it overtakes. A barrier of an
    /// expired checkpoint (`ignored`) holds no place: Flink's priority event passes it too.
    /// `end` places it as if the queue ended there (a barrier already at `end` moving up).
    static func overtakingPlace(in queue: MessageQueue, end: Int? = nil,
                                passing ignored: (Int64) -> Bool) -> (position: Int, rows: Int, buffers: Int) {
        var position = end ?? queue.count, rows = 0, buffers = 0
        while position > 0, queue[position - 1].barrier.map({ ignored($0.epoch) }) ?? true {
            position -= 1
            rows += queue[position].rows
            buffers += queue[position].buffers
        }
        return (position, rows, buffers)
    }

    /// Puts a barrier that overtakes (unaligned checkpoints, a join's log store) on the
    /// receiver side, and returns the rows and buffers it overtook (the checkpoint's in-flight data).
    func deliverAhead(_ m: consuming Message, now: Int64, passing ignored: (Int64) -> Bool) -> (rows: Int, buffers: Int) {
        touchDepth(now: now)
        let place = Self.overtakingPlace(in: inbox, passing: ignored)
        inbox.insert(m, at: place.position)
        receiverActor.queuedInputs?.insert(inputIndex)
        return (place.rows, place.buffers)
    }

    /// Puts a message on the receiver side, behind what is queued.
    @inline(__always)
    func deliver(_ m: consuming Message, now: Int64) {
        touchDepth(now: now)
        let rows = m.rows, buffers = m.buffers, isBarrier = m.isBarrier
        inbox.append(m)
        receiverActor.queuedInputs?.insert(inputIndex)
        inboxRows += rows
        inboxBuffers += buffers
        if !isBarrier {
            sentBuffers += Int64(buffers)
            if inboxRows > peakInboxRows { peakInboxRows = inboxRows }
        }
    }
}
