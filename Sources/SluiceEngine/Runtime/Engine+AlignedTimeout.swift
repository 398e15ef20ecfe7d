/// Flink's aligned-checkpoint timeout (`execution.checkpointing.aligned-checkpoint-timeout`,
/// Flink 1.13+): with unaligned checkpoints on and a positive timeout, a checkpoint starts
/// aligned and turns unaligned once it is that old (its global duration exceeds the timeout).
/// From then on its barriers are priority events wherever they are: one waiting in an output
/// queue or an input queue behind rows jumps ahead of them (never ahead of a live barrier
/// before it), an alignment of it ends (the barrier goes on at once, the held inputs resume),
/// and a blocked source emits it at once. The rows a barrier jumps are the checkpoint's
/// in-flight data, as for one unaligned from the start; a checkpoint that completes within
/// the timeout stores none. 0, Flink's default, starts every checkpoint unaligned.
///
/// One timer serves every epoch, as for `checkpoint_timeout_ms`: the oldest epoch still
/// aligned turns first.
extension Engine {
    /// The aligned-checkpoint timeout in nanoseconds; 0 starts checkpoints unaligned.
    var alignedTimeout: Int64 { Int64(settings.alignedCheckpointTimeoutMs) * VirtualTime.millisecond }

    /// Whether `epoch`'s barriers are unaligned: they overtake rows, go on at their first copy
    /// and leave a blocked actor at once. An epoch no longer in flight has no barrier that
    /// waits for anything (its checkpoint completed or expired).
    func isUnaligned(_ epoch: Int64) -> Bool {
        guard settings.checkpointMode == .unaligned else { return false }
        guard alignedTimeout > 0 else { return true }
        return inFlight.first { $0.epoch == epoch }?.turnedUnaligned ?? true
    }

    /// Whether the front of `channel`'s inbox is a barrier a blocked actor takes at once (a
    /// priority event): an unaligned one, or one of an expired checkpoint (ignored). One still
    /// aligned waits until the actor reads its input again.
    func isPriorityBarrier(at channel: Channel) -> Bool {
        guard !channel.inbox.isEmpty, let mark = channel.inbox.front.barrier else { return false }
        return isUnaligned(mark.epoch) || isAborted(mark.epoch)
    }

    /// Schedules the timer for the oldest epoch still aligned, unless one is pending already
    /// (`force` replaces it: the mode or the timeout changed), never before `earliest`.
    func scheduleAlignedTimer(force: Bool = false, notBefore earliest: Int64? = nil) {
        guard force || alignedTimerAt < 0 else { return }
        guard let due = nextAlignedTimeout else {
            alignedTimerAt = -1
            return
        }
        alignedTimerAt = max(earliest ?? now, due)
        events.scheduleTimer(.alignedCheckpointTimeout, at: alignedTimerAt, target: 0)
    }

    /// When the oldest epoch still aligned turns unaligned; nil when none will.
    private var nextAlignedTimeout: Int64? {
        guard settings.checkpointMode == .unaligned, alignedTimeout > 0,
              let first = inFlight.first(where: { !$0.turnedUnaligned }) else { return nil }
        return first.injectedAt + alignedTimeout
    }

    /// Whether the timer event has nothing to do: replaced, or its epoch completed first.
    func absorbsAlignedTimer(_ event: Event) -> Bool {
        guard event.time == alignedTimerAt else { return true }
        if let due = nextAlignedTimeout, due <= event.time { return false }
        alignedTimerAt = -1
        scheduleAlignedTimer(notBefore: event.time)
        return true
    }

    /// The timer fired: every epoch past the timeout turns unaligned, oldest first.
    func alignedTimerFired() -> String {
        alignedTimerAt = -1
        let due = inFlight.filter { !$0.turnedUnaligned && $0.injectedAt + alignedTimeout <= now }.map(\.epoch)
        for epoch in due { turnUnaligned(epoch) }
        scheduleAlignedTimer()
        drainReady()
        let timeout = VirtualTime.format(alignedTimeout)
        return (due.count == 1 ? "checkpoint \(due[0]) turns" : "checkpoints \(due.map(String.init).joined(separator: ", ")) turn")
            + " unaligned (aligned_checkpoint_timeout_ms: \(timeout))"
    }

    /// What turns a checkpoint in flight unaligned, for the trace: the aligned-checkpoint
    /// timeout, or a switch of `checkpoint_mode`.
    var unalignedCause: String {
        settings.alignedCheckpointTimeoutMs > 0 ? "aligned_checkpoint_timeout_ms" : "checkpoint_mode = unaligned"
    }

    /// Turns an aligned epoch unaligned where its barriers are: ahead of the rows in the
    /// queues, out of blocked sources, and on from the actors aligning it.
    func turnUnaligned(_ epoch: Int64) {
        guard let i = inFlight.firstIndex(where: { $0.epoch == epoch }), !inFlight[i].turnedUnaligned else { return }
        inFlight[i].turnedUnaligned = true
        trace(.barriers, "checkpoint \(epoch) turns unaligned after \(VirtualTime.format(now - inFlight[i].injectedAt)) (\(unalignedCause))")
        // An alignment of it ends: the barrier goes on now, the held inputs resume.
        endAlignments { $0 == epoch }
        for channel in channels where actors[channel.receiver].alive && actors[channel.sender].alive {
            // Waiting to be sent: it jumps the rows ahead of it in the output queue.
            if channel.role == .exchange, let k = channel.outbox.firstIndex(where: { $0.barrier?.epoch == epoch }) {
                let place = jumpAhead(in: channel.outbox, from: k)
                if place.rows > 0 { recordInFlight(epoch: epoch, rows: place.rows, buffers: place.buffers) }
                if place.position == 0 { pump(channel) }
            }
            // Arrived: it jumps the rows ahead of it in the input queue, a priority event.
            if let k = channel.inbox.firstIndex(where: { $0.barrier?.epoch == epoch }) {
                let place = jumpAhead(in: channel.inbox, from: k)
                if place.rows > 0 { recordInFlight(epoch: epoch, rows: place.rows, buffers: place.buffers) }
                let receiver = channel.receiverActor
                if !receiver.priorityInputs.contains(channel.id) { receiver.priorityInputs.append(channel.id) }
                if receiver.status != .busy { makeReady(receiver) }
            }
        }
        // A blocked source emits it now (the epochs before it turned before it).
        for actor in actors where actor.alive && actor.role == .source && actor.outputHolds > 0 {
            if actor.pendingBarriers.contains(where: { $0.epoch == epoch }) { emitPendingBarriers(actor) }
        }
    }

    /// Moves the barrier at `k` ahead of the rows (and ignored barriers) before it, never
    /// ahead of a live barrier; returns where it went and the rows and buffers it jumped.
    private func jumpAhead(in queue: MessageQueue, from k: Int) -> (position: Int, rows: Int, buffers: Int) {
        let place = Channel.overtakingPlace(in: queue, end: k, passing: isAborted)
        if place.position < k { queue.insert(queue.remove(at: k), at: place.position) }
        return place
    }
}
