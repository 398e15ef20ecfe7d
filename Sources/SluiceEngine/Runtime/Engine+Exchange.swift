/// How output leaves an actor: an exchange routes a chunk to the downstream actors' channels
/// (simple, broadcast, round-robin, hash), flow control decides what crosses each channel,
/// and what crosses arrives in the receiver's inbox and wakes it.
extension Engine {
    /// Routes `chunk` to every downstream fragment by its distribution.
    func dispatch(_ actor: Actor, _ chunk: consuming Chunk) {
        let count = actor.dispatchers.count
        if count == 1 { return route(actor, 0, chunk) }
        for d in 0..<count { route(actor, d, copy chunk) }
    }

    /// Sends `chunk` to the actors of dispatcher `d`'s downstream fragment.
    @inline(__always)
    func route(_ actor: Actor, _ d: Int, _ chunk: consuming Chunk) {
        let targets = actor.dispatchers[d].channels.count
        guard targets > 0 else { return }
        switch actor.dispatchers[d].mode {
        case .simple:
            send(actor.dispatchers[d].channels[0], chunk)
        case .broadcast:
            for i in 0..<(targets - 1) { send(actor.dispatchers[d].channels[i], copy chunk) }
            send(actor.dispatchers[d].channels[targets - 1], chunk)
        case .roundRobin:
            let i = actor.dispatchers[d].roundRobin % targets
            actor.dispatchers[d].roundRobin &+= 1
            send(actor.dispatchers[d].channels[i], chunk)
        case .hash:
            if targets == 1 { return send(actor.dispatchers[d].channels[0], chunk) }
            for (i, part) in partition(chunk, keys: actor.dispatchers[d].keys, into: targets) {
                send(actor.dispatchers[d].channels[i], part)
            }
        }
    }

    /// Splits `chunk` by the hash of its key columns into `n` parts (the hash exchange): row
    /// `r` goes to part `hash(keys of r) % n`, in order. Only the parts that receive rows.
    func partition(_ chunk: Chunk, keys: [Int], into n: Int) -> [(part: Int, chunk: Chunk)] {
        let rows = chunk.count, width = chunk.width
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: max(1, rows)) { target in
            // A power of two (the usual parallelism) takes a mask, not a 64-bit division.
            let mask = n & (n &- 1) == 0 ? UInt64(n &- 1) : nil
            @inline(__always) func part(_ h: UInt64) -> Int { Int(mask.map { h & $0 } ?? h % UInt64(n)) }
            chunk.withUnsafeWords { words in
                if keys.count == 1 {
                    let column = words + keys[0]
                    for row in 0..<rows { target[row] = part(KeyIndex.hash(column + row &* width, count: 1)) }
                } else {
                    withUnsafeTemporaryAllocation(of: Int64.self, capacity: max(1, keys.count)) { key in
                        for row in 0..<rows {
                            for (i, c) in keys.enumerated() { key[i] = words[row &* width &+ c] }
                            target[row] = part(KeyIndex.hash(UnsafePointer(key.baseAddress!), count: keys.count))
                        }
                    }
                }
            }
            return chunk.scattered(by: UnsafePointer(target.baseAddress!), into: n)
        }
    }

    @inline(__always)
    private func send(_ id: Int, _ outgoing: consuming Chunk) {
        withChannel(id, passing: outgoing) { channel, chunk in
            // An amplifying join can emit far more than a chunk: it goes out as chunks of
            // `chunk_rows` (views of the same storage), as RisingWave's join chunk builder does.
            let limit = settings.chunkRows, rows = chunk.count
            if rows <= limit {
                let buffers = channel.buffers(forRows: rows)
                // Credit's common case, one buffer onto an empty outbox with credit for it: the
                // announcements, the credit and the transmission that queueing it and pumping
                // would make, in the same order, without the round trip through the outbox
                // (5 % of record-at-a-time's work). Tracing takes the general path, which says
                // what it does.
                if buffers == 1 && channel.outbox.isEmpty && !channel.countedHolding && !channel.blockedByBarrier && channel.role == .exchange
                    && settings.flowControl == .credit && !tracing
                    && schemes.credit.creditAfterAnnouncing(channel, engine: self) > 0 {
                    channel.sentRows &+= Int64(rows)
                    schemes.credit.sendAtOnce(channel, consume chunk, engine: self)
                    let sender = channel.senderActor
                    if sender.outputHolds == 0 && sender.status == .backpressured { makeReady(sender) }
                    return
                }
                channel.pushOutbox(.data(consume chunk, buffers: buffers))
            } else {
                var start = 0
                while start < rows {
                    let end = min(rows, start + limit)
                    channel.pushOutbox(.data(chunk.rows(start..<end), buffers: channel.buffers(forRows: end - start)))
                    start = end
                }
            }
            noteUnsent(channel)
            pump(channel)
        }
    }

    /// The sender now has something on this channel that flow control may hold back: it
    /// stops once the channel's unsent output reaches its cap (any message, unless the sender
    /// keeps buffers), or its output pool has no buffer left.
    @inline(__always)
    func noteUnsent(_ channel: Channel) {
        if !channel.countedHolding && holdsSender(channel) {
            channel.countedHolding = true
            channel.senderActor.outputHolds += 1
        }
        if let pool = channel.outputPool, !pool.holding, pool.isExhausted {
            pool.holding = true
            channel.senderActor.outputHolds += 1
        }
    }

    /// Whether the channel's unsent output stops its sender (`senderCap`).
    @inline(__always)
    func holdsSender(_ channel: Channel) -> Bool {
        channel.senderCap == 1 ? !channel.outbox.isEmpty : channel.outboxBuffers >= channel.senderCap
    }

    /// How many buffers the sender keeps on a remote channel under the current scheme, and
    /// the size of its output pool (`OutputPool`): Flink's, under credit and tcp; none
    /// under permits (RisingWave's sender waits for its permits) or the unblocking schemes.
    func applyOutputBuffers(_ channel: Channel) {
        let keeps = (settings.flowControl == .credit || settings.flowControl == .tcp) && channel.drawsOnOutputPool
        channel.senderCap = keeps ? settings.maxBuffersPerChannel : 1
        if let pool = channel.outputPool {
            pool.capacity = keeps ? pool.channels * settings.buffersPerChannel + settings.floatingBuffersPerGate : Int.max
        }
    }

    /// Counts the channel (and its pool) among its sender's reasons to stop as they are now,
    /// after its cap or its pool changed: a new scheme, new buffer settings, a rescale.
    func recountHolding(_ channel: Channel) {
        noteUnsent(channel)
        outboxMayHaveDrained(channel)
    }

    /// Puts a barrier on the channel behind its data, or, when barriers overtake (unaligned
    /// checkpoints), ahead of the data still waiting in the outbox.
    func sendBarrier(_ channel: Channel, _ mark: BarrierMark) {
        let message = Message.barrier(mark)
        if channel.role == .exchange && !channel.outbox.isEmpty && isUnaligned(mark.epoch) {
            let place = Channel.overtakingPlace(in: channel.outbox, passing: isAborted)
            recordInFlight(epoch: mark.epoch, rows: place.rows, buffers: place.buffers)
            channel.outbox.insert(message, at: place.position)
        } else {
            channel.pushOutbox(message)
        }
        noteUnsent(channel)
        pump(channel)
    }

    /// Lets the channel's scheme move what it may, then unblocks the sender if it can go on.
    @inline(__always)
    func pump(_ channel: Channel) {
        schemePump(channel)
        outboxMayHaveDrained(channel)
    }

    @inline(__always)
    func outboxMayHaveDrained(_ channel: Channel) {
        if let pool = channel.outputPool, pool.holding, !pool.isExhausted { poolHasRoom(pool, sender: channel.senderActor) }
        guard channel.countedHolding, !holdsSender(channel) else { return }
        channel.countedHolding = false
        let sender = channel.senderActor
        sender.outputHolds -= 1
        if sender.outputHolds == 0 && sender.status == .backpressured {
            if tracing { trace(.blocking, "\(sender.name): unblocked") }
            makeReady(sender)
        }
    }

    /// A buffer of the exhausted pool was sent: the sender may go on, unless a channel stops it.
    @inline(never)
    private func poolHasRoom(_ pool: OutputPool, sender: Actor) {
        pool.holding = false
        sender.outputHolds -= 1
        if sender.outputHolds == 0 && sender.status == .backpressured {
            if tracing { trace(.blocking, "\(sender.name): unblocked (a buffer of its output pool is free)") }
            makeReady(sender)
        }
    }

    /// Called by schemes: the message arrives at the receiver's side of the channel.
    @inline(__always)
    func transmit(_ channel: Channel, _ message: consuming Message) {
        if let mark = message.barrier { return transmitBarrier(channel, message, mark) }
        channel.deliver(message, now: now)
        let receiver = channel.receiverActor
        if receiver.status == .idle { makeReady(receiver) }
    }

    /// `transmit` of a barrier. Kept out of line: the rows' path inlines without it, and it
    /// breaks the cycle (handling a barrier sends barriers) that kept the schemes' pumps out
    /// of line (3 % of record-at-a-time's instructions).
    @inline(never)
    private func transmitBarrier(_ channel: Channel, _ message: consuming Message, _ mark: BarrierMark) {
        let receiver = channel.receiverActor
        if channel.role == .sinkLog {
            // A decoupled sink's barrier completes once it is in the sink's log, from every input.
            if mark.epoch >= receiver.minEpoch && !isAborted(mark.epoch) && barrierFromAllInputs(receiver, mark) { collect(receiver, mark) }
            return
        }
        let unaligned = isUnaligned(mark.epoch)
        let overtaking = channel.role == .joinLogStore || unaligned
        var overtaken = (rows: 0, buffers: 0)
        if overtaking {
            overtaken = channel.deliverAhead(message, now: now, passing: isAborted)
        } else {
            channel.deliver(message, now: now)
        }
        if overtaken.rows > 0 {
            // Rows a barrier passes at a join's log store are in the log store, which the
            // checkpoint persists with it (RisingWave's sync log store flushes on checkpoint);
            // those it passes on an unaligned channel are in flight, stored with the checkpoint.
            if channel.role == .joinLogStore {
                recordLogged(receiver, epoch: mark.epoch, rows: overtaken.rows)
            } else if unaligned {
                recordInFlight(epoch: mark.epoch, rows: overtaken.rows, buffers: overtaken.buffers)
            }
        }
        trace(.barriers, "barrier \(mark.epoch) reaches \(receiver.name)" + (overtaking && overtaken.rows > 0 ? " overtaking \(overtaken.rows) rows" : ""))
        let atOnce = unaligned && receiver.status == .backpressured
        if atOnce && !receiver.takingBarrier && isPriorityBarrier(at: channel) {
            // Flink: an unaligned barrier is a priority event the mailbox takes at once (with
            // those of expired checkpoints ahead of it, which it passed in Flink's queue).
            repeat {
                takeBarrier(channel, into: receiver)
            } while receiver.status == .backpressured && isPriorityBarrier(at: channel)
            return
        }
        // An overtaking barrier goes before the receiver's other inputs, once its work is done
        // (a blocked receiver's, once the barrier it is taking is done: `run` takes it then).
        if overtaking && !receiver.priorityInputs.contains(channel.id) { receiver.priorityInputs.append(channel.id) }
        if receiver.status == .idle || atOnce { makeReady(receiver) }
    }

    /// `drop_head`: drops the oldest queued data rows of the inbox.
    func dropOldest(_ channel: Channel, rows: Int) {
        channel.touchDepth(now: now)
        var left = rows
        var i = 0
        while left > 0 && i < channel.inbox.count {
            if channel.inbox[i].isBarrier { i += 1; continue }
            let head = channel.inbox[i]
            if head.rows <= left {
                channel.inbox.remove(at: i)
                left -= head.rows
                channel.inboxRows -= head.rows
                channel.inboxBuffers -= head.buffers
                channel.droppedRows += Int64(head.rows)
            } else {
                let before = head.buffers
                _ = channel.inbox[i].splitFirst(left, buffers: 0)
                channel.inbox[i].buffers = min(before, channel.buffers(forRows: channel.inbox[i].rows))
                channel.inboxBuffers -= before - channel.inbox[i].buffers
                channel.inboxRows -= left
                channel.droppedRows += Int64(left)
                left = 0
            }
        }
    }
}
