/// How an actor works: take input (a source polls its log, others their channels), spend the
/// chunk's cost in virtual time, emit, and block while flow control holds its output.
extension Engine {
    /// Lets an actor make progress now: report blocked output, or start the next chunk.
    func run(_ actor: Actor) {
        guard actor.alive, actor.status != .busy else { return }
        if actor.outputHolds > 0 {
            // A blocked source still runs its mailbox: an unaligned barrier goes out at once.
            if settings.checkpointMode == .unaligned {
                if !actor.pendingBarriers.isEmpty { emitPendingBarriers(actor) }
                if !actor.priorityInputs.isEmpty { takePriorityBarriers(actor) }
            }
            // So does a blocked actor's barrier work (Flink's checkpoint is a mailbox action):
            // busy meanwhile, blocked again after.
            if actor.barrierDebt > 0 { return payBarrierDebt(actor) }
            if actor.status != .backpressured { actor.setStatus(.backpressured, now: now) }
            return
        }
        let started = actor.role == .source ? startSourceWork(actor) : startInputWork(actor)
        if !started && actor.sink?.throughput == 0 && actor.outputHolds == 0 && actor.barrierDebt == 0 {
            stickWriting(actor)
        } else if !started && actor.outputHolds == 0 && actor.barrierDebt > 0 {
            payBarrierDebt(actor)
        } else if !started && actor.outputHolds == 0 && actor.status != .idle {
            actor.setStatus(.idle, now: now)
        } else if !started && actor.outputHolds > 0 && actor.status != .backpressured {
            actor.setStatus(.backpressured, now: now)
        }
    }

    /// A sink that never writes (`throughput = 0`) and has rows waiting is stuck in its write,
    /// as a task blocked in a call to an external system: busy, not idle (Flink counts that
    /// time as busy), so DIAGNOSE finds it; nothing ends the write until the throughput changes.
    @inline(never)
    private func stickWriting(_ actor: Actor) {
        let waiting = actor.inputs.contains { withChannel($0) { $0.inboxRows > 0 } }
        if waiting {
            actor.stuckWriting = true
            if actor.status != .busy { actor.setStatus(.busy, now: now) }
        } else if actor.status != .idle {
            actor.setStatus(.idle, now: now)
        }
    }

    // MARK: Sources

    /// Kafka-style consumption with RisingWave's biased select: a pending barrier goes first;
    /// data is polled only when the output is free (so a blocked source leaves rows in the log).
    private func startSourceWork(_ actor: Actor) -> Bool {
        while let mark = actor.pendingBarriers.first {
            actor.pendingBarriers.removeFirst()
            emitBarrier(actor, mark)
            if actor.outputHolds > 0 { return false }
        }
        guard actor.consumer != nil else { return false }
        let interval = Int64(settings.barrierIntervalMs) * VirtualTime.millisecond
        if interval > 0 && now - actor.lastBarrierAt >= 5 * interval && !jobs.isEmpty {
            if !actor.selfPaused {
                actor.selfPaused = true
                trace(.barriers, "\(actor.name): no barrier for \(VirtualTime.format(5 * interval)), pauses its data until the next one")
            }
            return false
        }
        // A poll that returns rows costs its `poll_cost` once, on top of its first chunk.
        var pollCost: Int64 = 0
        if actor.fetchedRemaining == 0 {
            guard let consumer = actor.consumer, fetchReturns(actor, consumer) else { return false }
            poll(actor)
            let spec = consumer.source.spec.pollCost
            if actor.fetchedRemaining > 0 && !spec.isFree {
                pollCost = actor.costs.totalCost(spec, rows: 1)
                // The time inside poll() is polling: max.poll.interval.ms runs from its return.
                actor.lastPollAt = now + pollCost
            }
        }
        guard actor.fetchedRemaining > 0 else { return false }
        let take = min(settings.chunkRows, actor.fetchedRemaining)
        var left = take
        while left > 0, !actor.fetchedFrom.isEmpty {
            let used = min(left, actor.fetchedFrom[0].rows)
            actor.fetchedFrom[0].rows -= used
            left -= used
            if actor.fetchedFrom[0].rows == 0 { actor.fetchedFrom.removeFirst() }
        }
        let chunk: Chunk
        if take == actor.fetchedRemaining {
            chunk = actor.fetched.take()!
        } else {
            chunk = actor.fetched!.split(first: take)
        }
        let rows = chunk.count
        // A view chained into the source's actor costs its own cost too (drawn first).
        var setup = pollCost
        if let chained = actor.chainedCost { setup &+= actor.costs.totalCost(chained, rows: rows) }
        // Moved, not copied: a copy would retain the rows' storage only to release it after.
        beginWork(actor, consume chunk, rows: rows, side: 0, setup: setup)
        return true
    }

    /// One `poll()`: up to `max_poll_records` rows from the actor's unpaused partitions.
    private func poll(_ actor: Actor) {
        guard let consumer = actor.consumer else { return }
        let source = consumer.source
        var chunk = Chunk(width: source.spec.schema.count)
        var budget = settings.maxPollRecords
        let assigned = actor.partitions
        guard !assigned.isEmpty else { return }
        var k = 0
        while budget > 0 && k < assigned.count {
            let p = assigned[(actor.nextPartition + k) % assigned.count]
            k += 1
            if consumer.paused[p] { continue }
            let available = source.partitions[p].endOffset - consumer.offsets[p]
            if available <= 0 { continue }
            let n = Int(min(Int64(budget), available))
            source.readRows(partition: p, offset: consumer.offsets[p], count: n, into: &chunk)
            consumer.offsets[p] += Int64(n)
            consumer.consumed[p] += Int64(n)
            actor.fetchedFrom.append((p, n))
            budget -= n
        }
        actor.nextPartition = (actor.nextPartition + 1) % assigned.count
        guard chunk.count > 0 else { return }
        actor.polls += 1
        polled(actor, consumer, rows: chunk.count)
        // Kafka samples records-lag-max as the fetched records are collected, per fetched
        // partition: a consumer that does not poll (blocked by backpressure) samples nothing.
        for p in assigned where !consumer.paused[p] { consumer.noteLag(p) }
        actor.fetched = chunk
    }

    // MARK: Channels in

    /// Takes the next input: a barrier (handled at once) or up to a chunk of rows from one
    /// channel, visiting the inputs round-robin and skipping those held by alignment, after
    /// the priority inputs (`startPriorityInput`).
    @inline(__always)
    private func startInputWork(_ actor: Actor) -> Bool {
        let n = actor.inputs.count
        guard n > 0 else { return false }
        if let sink = actor.sink, sink.throughput == 0 { return false }
        if !actor.priorityInputs.isEmpty, let step = startPriorityInput(actor) { return step == .started }
        if n > 1 { return startQueuedInput(actor) }
        // A single input never aligns: its barrier is the last to come (`handleBarrier`).
        while true {
            switch lookAtInput(actor, 0) {
            case .again: continue
            case .skip, .blocked: return false
            case .started: return true
            }
        }
    }

    /// `startInputWork` among several inputs: from `nextInput` on, round-robin, it visits only
    /// those that may hold messages and are not held by alignment (a scan of their bits), and
    /// forgets those it finds empty. After a barrier it starts over from `nextInput`.
    @inline(never)
    private func startQueuedInput(_ actor: Actor) -> Bool {
        let n = actor.inputs.count
        assert(actor.queuedInputs != nil, "\(actor.name) has \(n) inputs and no set of queued ones")
        // `nextInput` is below `n` unless inputs were removed.
        let start = actor.nextInput < n ? actor.nextInput : actor.nextInput % n
        var cursor = start, upper = n
        while true {
            let held = actor.aligningEpoch >= 0 ? actor.alignedInputs : nil
            guard let i = actor.queuedInputs?.first(in: cursor, upper, excluding: held) else {
                // The inputs before `start` come after those from it.
                if upper == start || start == 0 { return false }
                cursor = 0
                upper = start
                continue
            }
            cursor = i &+ 1
            switch lookAtInput(actor, i) {
            case .skip: actor.queuedInputs?.remove(i)
            case .again: cursor = start; upper = n
            case .blocked: return false
            case .started: return true
            }
        }
    }

    /// Looks at input `i`: takes a barrier at its front, or starts on its rows; `.skip` when its
    /// inbox is empty. (The caller passes over an input held by alignment.)
    @inline(__always)
    private func lookAtInput(_ actor: Actor, _ i: Int) -> InputStep {
        withChannel(actor.inputs[i]) { channel -> InputStep in
            if channel.inbox.isEmpty { return .skip }
            if channel.inbox.front.isBarrier {
                takeBarrier(channel, into: actor)
                return actor.outputHolds > 0 ? .blocked : .again
            }
            let n = actor.inputs.count
            actor.nextInput = i &+ 1 == n ? 0 : i &+ 1
            startRows(actor, from: channel, input: i)
            return .started
        }
    }

    /// Keeps `queuedInputs` for the inputs the actor has now (after some were added or removed).
    func trackQueuedInputs(_ actor: Actor) {
        guard actor.inputs.count > 1 else { actor.queuedInputs = nil; return }
        var queued = InputSet()
        for (i, id) in actor.inputs.enumerated() where !channels[id].inbox.isEmpty { queued.insert(i) }
        actor.queuedInputs = queued
    }

    /// What one look at an input did.
    private enum InputStep { case skip, again, blocked, started }

    /// Starts on up to a chunk (a sink: a batch) of the rows at the front of input `i`.
    @inline(__always)
    private func startRows(_ actor: Actor, from channel: Channel, input i: Int) {
        let limit = actor.sink.map { max(1, $0.batch) } ?? settings.chunkRows
        // A sink with no operators only counts and times its rows: no need to join them.
        let (chunk, rows) = takeRows(channel, limit: limit, gather: actor.sink == nil || !actor.chain.isEmpty)
        beginWork(actor, chunk, rows: rows, side: actor.inputSides[i])
    }

    /// Takes what goes before the round robin, channel by channel in the order it arose:
    /// - a barrier that overtook its channel's data (unaligned checkpoints, a join's log
    ///   store): Flink's priority event, taken as soon as the work in hand is done, whichever
    ///   input the round robin would visit next;
    /// - rows a rescale moved into this inbox, and only those: a later change to the same rows
    ///   may come over another channel and must not overtake them (RisingWave rescales at a
    ///   barrier, behind which the old channels have drained).
    /// Returns `.started` or `.blocked`, or nil when nothing has priority (any more).
    private func startPriorityInput(_ actor: Actor) -> InputStep? {
        while let id = actor.priorityInputs.first {
            let step = withChannel(id) { channel -> InputStep? in
                guard channel.receiverActor === actor, !channel.inbox.isEmpty else { return nil }
                if channel.inbox.front.isBarrier {
                    takeBarrier(channel, into: actor)
                    return actor.outputHolds > 0 ? .blocked : .again
                }
                guard channel.movedRows > 0 else { return nil }
                startRows(actor, from: channel, input: channel.inputIndex)
                channel.movedRows = max(0, channel.movedRows - actor.inProgressRows)
                return .started
            }
            switch step {
            case .started?, .blocked?: return step
            case .again?: continue
            case .skip?, nil: actor.priorityInputs.removeFirst()
            }
        }
        return nil
    }

    /// Takes the barrier at the front of `channel`'s inbox and handles it, then gives back
    /// what it held (a barrier permit). In that order, and not inside another take: the
    /// permit's return can bring the channel's next barrier, which is handled after this one
    /// (`transmitBarrier` leaves it queued meanwhile), never before it.
    func takeBarrier(_ channel: Channel, into actor: Actor) {
        channel.touchDepth(now: now)
        let message = channel.inbox.removeFirst()
        let outer = !actor.takingBarrier
        actor.takingBarrier = true
        handleBarrier(actor, input: channel.inputIndex, message.barrier!)
        schemeReleased(channel, rows: 0, buffers: 0, permits: 0, barrier: true)
        if outer { actor.takingBarrier = false }
    }

    /// Unaligned checkpoints: the barriers at the front of a blocked actor's priority inputs,
    /// taken now (Flink's mailbox runs priority events while the output is blocked). Out of
    /// line: inlined, it swells `run`'s frame, which every event pays for.
    @inline(never)
    func takePriorityBarriers(_ actor: Actor) {
        while let id = actor.priorityInputs.first(where: { id in
            channels[id].receiverActor === actor && isPriorityBarrier(at: channels[id])
        }) {
            takeBarrier(channels[id], into: actor)
        }
    }

    /// Takes up to `limit` rows from the front of the inbox (stopping at a barrier), returning
    /// the buffers and permits they free to the flow-control scheme. The rows come back as one
    /// chunk when `gather` asks; otherwise only their number does.
    @inline(__always)
    private func takeRows(_ channel: Channel, limit: Int, gather: Bool) -> (chunk: Chunk, rows: Int) {
        channel.touchDepth(now: now)
        var freed = Freed()
        // The first part is the result itself (no optional to fill); later ones join it.
        var result: Chunk
        if limit > 0, !channel.inbox.isEmpty, !channel.inbox.front.isBarrier {
            result = takePart(channel, want: limit, freed: &freed)
        } else {
            result = Chunk(width: 0)
        }
        var rows = result.count
        while rows < limit, !channel.inbox.isEmpty, !channel.inbox.front.isBarrier {
            let part = takePart(channel, want: limit - rows, freed: &freed)
            rows += part.count
            if gather { result.append(contentsOf: part) }
        }
        channel.inboxRows -= rows
        channel.inboxBuffers -= freed.buffers
        channel.receivedRows += Int64(rows)
        schemeReleased(channel, rows: rows, buffers: freed.buffers, floating: freed.floating, permits: freed.permits, barrier: false)
        return (result, rows)
    }

    /// What taking rows off an inbox frees: buffers (the gate's floating ones among them) and permits.
    private struct Freed {
        var buffers = 0, floating = 0, permits = 0
    }

    /// Takes up to `want` rows off the inbox's front data message (all of it, or its first
    /// rows), adding the buffers and permits they free to the counts.
    @inline(__always)
    private func takePart(_ channel: Channel, want: Int, freed: inout Freed) -> Chunk {
        let headRows = channel.inbox.front.rows
        if headRows <= want {
            let message = channel.inbox.removeFirst()
            freed.buffers += message.buffers
            freed.floating += message.floating
            freed.permits += message.permits
            return message.chunk
        }
        let remaining = headRows - want
        let headBuffers = channel.inbox.front.buffers, headPermits = channel.inbox.front.permits
        let remainingBuffers = min(headBuffers, channel.buffers(forRows: remaining))
        let remainingPermits = headPermits == 0 ? 0 : min(headPermits, max(1, remaining))
        let first = channel.inbox.front.splitFirst(want, buffers: headBuffers - remainingBuffers)
        channel.inbox.front.permits = remainingPermits
        freed.buffers += first.buffers
        freed.floating += first.floating
        freed.permits += headPermits - remainingPermits
        return first.chunk
    }

    // MARK: Work

    /// Runs the chain on `chunk` (`rows` rows; only their number when the actor is a sink
    /// with no operators) and keeps the output until their cost (plus `setup`) has elapsed.
    @inline(__always)
    private func beginWork(_ actor: Actor, _ chunk: consuming Chunk, rows: Int, side: Int, setup: Int64 = 0) {
        actor.rowsIn &+= Int64(rows)
        actor.chunksIn &+= 1
        actor.inProgressRows = rows
        // `finishWork` took the previous chunk's output: the slot is empty and stays so for a
        // sink or an empty output (no need to store nil, releasing the old value).
        assert(actor.pendingOutput == nil, "\(actor.name) starts work with output pending")
        let output = actor.chain.isEmpty ? chunk : processChain(actor, chunk, side: side)
        var duration = setup &+ actor.costs.totalCost(actor.cost, rows: rows)
        // The work for the barriers passed since the last chunk comes first.
        if actor.barrierDebt != 0 { duration = payingBarrierDebt(actor, duration) }
        if let sink = actor.sink {
            duration = duration.addingSaturated(sink.latency)
            if let throughput = sink.throughput, throughput > 0 {
                duration = duration.addingSaturated(SeededRandom.nanoseconds(Double(rows) / throughput * 1e9))
            }
        } else if !output.isEmpty {
            actor.pendingOutput = consume output
        }
        actor.setStatus(.busy, now: now)
        // Work that would outlast virtual time (a write at a vanishing throughput) ends with
        // it: the clock, never past its end, plus at most that much still fits an Int64.
        events.schedule(.actorDone, at: now + min(max(0, duration), Limits.maxVirtualTime), target: actor.id)
    }

    /// The actor's operators on `chunk`, in order. Out of line: the operators' code would
    /// otherwise swell `beginWork`, and with it the cost of every call, chain or not.
    @inline(never)
    private func processChain(_ actor: Actor, _ chunk: consuming Chunk, side: Int) -> Chunk {
        var output = chunk
        for op in actor.chain { output = op.process(output, side: side, strings: strings) }
        return output
    }

    @inline(__always)
    func finishWork(_ actor: Actor) {
        // Barrier work (no rows) is no write.
        if actor.sink != nil && actor.inProgressRows > 0 {
            actor.writes &+= 1
            actor.delivered &+= Int64(actor.inProgressRows)
        }
        actor.inProgressRows = 0
        actor.setStatus(.idle, now: now)
        if let output = actor.pendingOutput.take() {
            actor.rowsOut &+= Int64(output.count)
            dispatch(actor, output)
        }
        run(actor)
    }
}
