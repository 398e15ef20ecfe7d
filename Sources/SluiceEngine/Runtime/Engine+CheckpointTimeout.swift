/// A checkpoint that did not complete within `checkpoint_timeout_ms` of its injection: Flink's
/// "Checkpoint N of job J expired before completing" (`CheckpointFailureReason.CHECKPOINT_EXPIRED`),
/// counted in `numberOfFailedCheckpoints`.
public struct ExpiredCheckpoint: Sendable, Equatable {
    public let epoch: Int64
    public let injectedAt: Int64
    public let expiredAt: Int64
    /// Actors that had acknowledged it, of those it waited for.
    public let collected: Int
    public let expected: Int
    /// Where its barrier still was: the same lines as `BarrierLocation.places`.
    public let places: [String]
}

/// Flink's checkpoint timeout (`execution.checkpointing.timeout`, 10 minutes): the checkpoint
/// coordinator's canceller declares a checkpoint expired once that long has passed since it
/// was triggered, and aborts it on every task (`notifyCheckpointAborted`). A task aligning the
/// aborted checkpoint stops and resumes its held inputs, a source that has not emitted it
/// never will, and its barriers still on their way are ignored ("ignore old and cancelled
/// barriers", `SingleCheckpointBarrierHandler`). Those waiting in output and input queues are
/// ignored at once: taken out as their arrival would take them, their barrier permits given
/// back (a receiver that never reads, a sink that does not write, would otherwise hoard one
/// per expiry); one inside a TCP connection is ignored when it arrives. Epochs behind it then
/// complete on their own.
///
/// One timer serves every epoch: the oldest in flight expires first (epochs are injected in
/// time order), so the timer waits for it, and moves on to the next one when it fires.
/// RisingWave has no such timeout: `checkpoint_timeout_ms = 0` lets barriers take as long as
/// they take.
extension Engine {
    /// The checkpoint timeout in nanoseconds, 0 when checkpoints never expire.
    var checkpointTimeout: Int64 { Int64(settings.checkpointTimeoutMs) * VirtualTime.millisecond }

    /// Schedules the timer for the oldest epoch in flight, unless one is pending already
    /// (`force` replaces it: the timeout changed), never before `earliest` (the clock).
    func scheduleCheckpointTimer(force: Bool = false, notBefore earliest: Int64? = nil) {
        guard force || checkpointTimerAt < 0 else { return }
        guard checkpointTimeout > 0, let first = inFlight.first else {
            checkpointTimerAt = -1
            return
        }
        // A shorter timeout may have passed already: the epochs due expire at once.
        checkpointTimerAt = max(earliest ?? now, first.injectedAt + checkpointTimeout)
        events.scheduleTimer(.checkpointTimeout, at: checkpointTimerAt, target: 0)
    }

    /// Whether the timer event has nothing to do: replaced by a later one, or the epoch it
    /// waited for completed (then it waits for the next).
    func absorbsCheckpointTimer(_ event: Event) -> Bool {
        guard event.time == checkpointTimerAt else { return true }
        if let first = inFlight.first, checkpointTimeout > 0, first.injectedAt + checkpointTimeout <= event.time { return false }
        checkpointTimerAt = -1
        scheduleCheckpointTimer(notBefore: event.time)
        return true
    }

    /// The timer fired with epochs past their timeout: each expires, oldest first.
    func checkpointTimerFired() -> String {
        checkpointTimerAt = -1
        var expired: [Int64] = []
        while let first = inFlight.first, checkpointTimeout > 0, first.injectedAt + checkpointTimeout <= now {
            expire(first)
            expired.append(first.epoch)
        }
        // Epochs that completed behind the expired one commit now, in order.
        completeReadyEpochs()
        scheduleCheckpointTimer()
        drainReady()
        let timeout = VirtualTime.format(checkpointTimeout)
        return expired.count == 1
            ? "checkpoint \(expired[0]) expired before completing (checkpoint_timeout_ms: \(timeout))"
            : "checkpoints \(expired.map(String.init).joined(separator: ", ")) expired before completing (checkpoint_timeout_ms: \(timeout))"
    }

    /// Aborts the oldest epoch in flight: recorded as expired, its alignments end, its pending
    /// emissions are dropped, and its barriers waiting in queues are taken out.
    private func expire(_ state: EpochState) {
        let places = places(of: state)
        inFlight.removeFirst()
        abortedEpochs.append(state.epoch)
        expiredCheckpoints.append(ExpiredCheckpoint(epoch: state.epoch, injectedAt: state.injectedAt, expiredAt: now,
                                                    collected: state.expected.count - state.remaining,
                                                    expected: state.expected.count, places: places))
        if expiredCheckpoints.count > 10_000 { expiredCheckpoints.removeFirst(expiredCheckpoints.count - 10_000) }
        expiredCount += 1
        trace(.barriers, "checkpoint \(state.epoch) expired after \(VirtualTime.format(now - state.injectedAt)) with \(state.expected.count - state.remaining)/\(state.expected.count) actors collected: aborted everywhere")
        for actor in actors where actor.alive {
            // Older epochs are gone (completed or expired): a pending one is at the front.
            if actor.role == .source && actor.pendingBarriers.first?.epoch == state.epoch { actor.pendingBarriers.removeFirst() }
            actor.barrierInputsSeen[state.epoch] = nil
            guard actor.aligningEpoch == state.epoch else { continue }
            // Flink's `abortPendingCheckpoint`: the alignment ends and the held inputs resume.
            endAlignment(actor, completed: false)
            trace(.barriers, "\(actor.name) stops aligning barrier \(state.epoch) (expired) and releases its held inputs")
            resumeConsumption(actor)
            makeReady(actor)
        }
        for channel in channels where actors[channel.receiver].alive && actors[channel.sender].alive {
            purge(state.epoch, from: channel)
        }
    }

    /// Takes the expired epoch's barrier out of the channel's queues, as its arrival would
    /// have: an inbox's gives its barrier permit back; a channel blocked behind it sends again.
    /// (One inside a TCP connection is ignored when it arrives.)
    private func purge(_ epoch: Int64, from channel: Channel) {
        if let k = Self.position(of: epoch, in: channel.outbox) {
            _ = channel.outbox.remove(at: k)
            trace(.barriers, "\(channelName(channel)): barrier \(epoch) dropped before sending (its checkpoint expired)")
            outboxMayHaveDrained(channel)
        }
        if let k = Self.position(of: epoch, in: channel.inbox) {
            _ = channel.inbox.remove(at: k)
            trace(.barriers, "\(channel.receiverActor.name) ignores barrier \(epoch): its checkpoint expired")
            schemeReleased(channel, rows: 0, buffers: 0, permits: 0, barrier: true)
            if channel.receiverActor.status == .idle { makeReady(channel.receiverActor) }
        }
        if channel.blockedByBarrier && !isHeldByAlignment(channel) { schemes.credit.resume(channel, engine: self) }
    }

    /// Where `epoch`'s barrier is in `queue`: barriers queue in epoch order, so the search
    /// stops at the first younger one.
    static func position(of epoch: Int64, in queue: MessageQueue) -> Int? {
        for k in 0..<queue.count {
            guard let mark = queue[k].barrier else { continue }
            if mark.epoch == epoch { return k }
            if mark.epoch > epoch { return nil }
        }
        return nil
    }

    /// Whether `epoch` expired: its barriers are ignored wherever they come.
    func isAborted(_ epoch: Int64) -> Bool {
        guard let last = abortedEpochs.last, epoch <= last else { return false }
        // Aborted in epoch order: a binary search.
        var low = 0, high = abortedEpochs.count
        while low < high {
            let mid = (low + high) / 2
            if abortedEpochs[mid] < epoch { low = mid + 1 } else { high = mid }
        }
        return low < abortedEpochs.count && abortedEpochs[low] == epoch
    }

    /// A barrier of an expired checkpoint reached `actor` on input `input`: ignored. The
    /// channel it blocked (`CreditScheme.block`) sends again, unless alignment holds it.
    func ignoreAbortedBarrier(_ actor: Actor, input: Int, _ mark: BarrierMark) {
        trace(.barriers, "\(actor.name) ignores barrier \(mark.epoch): its checkpoint expired")
        guard input < actor.inputs.count else { return }
        let channel = channels[actor.inputs[input]]
        if channel.blockedByBarrier && !isHeldByAlignment(channel) { schemes.credit.resume(channel, engine: self) }
    }

    /// Checkpoints that expired, oldest first (the last 10 000).
    public var expired: [ExpiredCheckpoint] { expiredCheckpoints }
    /// Every checkpoint that expired so far: Flink's `numberOfFailedCheckpoints`.
    public var expiredCheckpointCount: Int64 { expiredCount }
}
