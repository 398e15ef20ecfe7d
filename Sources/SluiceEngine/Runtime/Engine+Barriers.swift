import DequeModule

/// An epoch between injection and completion.
struct EpochState {
    let epoch: Int64
    let injectedAt: Int64
    /// The actors that must acknowledge it: every actor alive when it was injected (as Flink's
    /// checkpoint coordinator waits for every task, and RisingWave's barrier manager for every
    /// actor). A source acknowledges when it emits the barrier, any other actor when it has it
    /// from all its inputs.
    var expected: [Int]
    var collected: [Bool]
    var remaining: Int
    var inFlightRows = 0
    var inFlightBuffers = 0
    /// Unaligned from its injection, or since its aligned-checkpoint timeout (or a switch of
    /// `checkpoint_mode`): its barriers overtake from then on (while checkpoints are unaligned).
    var turnedUnaligned: Bool
    /// Per source actor and per stateful actor, as each passes the barrier: (actor id, name, value).
    var sourceOffsets: [(Int, String, [Int64])] = []
    var stateRows: [(Int, String, Int)] = []
}

/// A completed checkpoint: RisingWave's committed epoch, Flink's completed checkpoint.
public struct Checkpoint: Sendable {
    public let epoch: Int64
    public let injectedAt: Int64
    public let completedAt: Int64
    /// Barrier latency (`meta_barrier_duration_seconds`): completion − injection.
    public var latency: Int64 { completedAt - injectedAt }
    /// Consumer positions per partition when each source emitted the barrier, in actor order.
    public let sourceOffsets: [(consumer: String, offsets: [Int64])]
    /// Rows in state per stateful actor when it passed the barrier, in actor order.
    public let stateRows: [(actor: String, rows: Int)]
    /// Unaligned checkpoints: the queued data the barrier overtook, stored with the checkpoint.
    public let inFlightRows: Int
    public let inFlightBuffers: Int
}

/// Where an in-flight barrier is now.
public struct BarrierLocation: Sendable, Hashable {
    public let epoch: Int64
    public let injectedAt: Int64
    public let collected: Int
    public let expected: Int
    /// One line per place the barrier is: "queued on a → b behind 512 rows (2 buffers)".
    public let places: [String]
}

extension Checkpoint: Equatable {
    public static func == (a: Checkpoint, b: Checkpoint) -> Bool {
        a.epoch == b.epoch && a.injectedAt == b.injectedAt && a.completedAt == b.completedAt
    }
}

extension Engine {
    // MARK: Injection

    /// Injects a barrier at every source actor now (`BARRIER`). Returns its epoch.
    @discardableResult
    public func injectBarrier() throws(EngineError) -> Int64 {
        let sourceActors = actors.filter { $0.alive && $0.role == .source }
        guard !sourceActors.isEmpty else { throw .noSources }
        return inject(into: sourceActors)
    }

    private func inject(into sourceActors: [Actor]) -> Int64 {
        drainReady()
        let epoch = nextEpoch
        nextEpoch += 1
        let mark = BarrierMark(epoch: epoch, injectedAt: now)
        let expected = actors.filter { $0.alive && $0.minEpoch <= epoch }.map(\.id)
        inFlight.append(EpochState(epoch: epoch, injectedAt: now, expected: expected,
                                   collected: Array(repeating: false, count: expected.count), remaining: expected.count,
                                   turnedUnaligned: settings.checkpointMode == .unaligned && alignedTimeout == 0))
        trace(.barriers, "barrier \(epoch) injected at \(sourceActors.count) source actor\(sourceActors.count == 1 ? "" : "s")")
        for actor in sourceActors {
            actor.pendingBarriers.append(mark)
            if actor.status == .backpressured && isUnaligned(epoch) {
                // A soft-backpressured task still runs its mailbox: the barrier goes out at once.
                emitPendingBarriers(actor)
            } else if actor.status == .idle {
                makeReady(actor)
            }
        }
        if expected.isEmpty { completeReadyEpochs() }
        scheduleCheckpointTimer()
        scheduleAlignedTimer()
        drainReady()
        return epoch
    }

    func periodicBarrier() -> String {
        let interval = Int64(settings.barrierIntervalMs) * VirtualTime.millisecond
        guard interval > 0 else { return "barrier ticks stopped" }
        events.schedule(.barrierTick, at: now + interval, target: 0, generation: barrierTickGeneration)
        let sourceActors = actors.filter { $0.alive && $0.role == .source }
        guard !sourceActors.isEmpty else { return "no sources: periodic barrier skipped" }
        if inFlight.count >= settings.inFlightBarrierNums {
            skippedBarriers += 1
            trace(.barriers, "periodic barrier skipped: \(inFlight.count) in flight (in_flight_barrier_nums = \(settings.inFlightBarrierNums))")
            return "periodic barrier skipped: \(inFlight.count) barriers in flight"
        }
        let epoch = inject(into: sourceActors)
        return "barrier \(epoch) injected"
    }

    /// (Re)starts periodic injection after the interval changed or the first job appeared.
    func restartBarrierTicks() {
        barrierTickGeneration &+= 1
        let interval = Int64(settings.barrierIntervalMs) * VirtualTime.millisecond
        guard interval > 0, !jobs.isEmpty else { return }
        let next = (now / interval + 1) * interval
        events.schedule(.barrierTick, at: next, target: 0, generation: barrierTickGeneration)
    }

    // MARK: Travel

    /// A barrier arrived at `actor` on input `input`: align (or not) and pass it on.
    ///
    /// Both modes count, per epoch, the inputs that brought it (`barrierFromAllInputs`) and
    /// remember the last epoch the actor sent on (`forwardedEpoch`), so an epoch one mode
    /// started the other finishes: a barrier sent on unaligned is acknowledged once its last
    /// copy comes, even if the mode has turned aligned meanwhile (there is nothing to hold).
    func handleBarrier(_ actor: Actor, input: Int, _ mark: BarrierMark) {
        if isAborted(mark.epoch) { return ignoreAbortedBarrier(actor, input: input, mark) }
        guard mark.epoch >= actor.minEpoch else { return resumeConsumption(actor) }
        let n = actor.inputs.count
        if n <= 1 {
            actor.forwardedEpoch = max(actor.forwardedEpoch, mark.epoch)
            passBarrier(actor, mark)
            return
        }
        let all = barrierFromAllInputs(actor, mark)
        if mark.epoch <= actor.forwardedEpoch {
            // Sent on at its first copy: nothing to hold. The input that brought it may send
            // again (a credit channel blocks behind its barrier), and the actor acknowledges
            // once every input brought it.
            let channel = channels[actor.inputs[input]]
            if channel.blockedByBarrier { schemes.credit.resume(channel, engine: self) }
            if all { collect(actor, mark) }
            return
        }
        if isUnaligned(mark.epoch) {
            // Flink: the first barrier goes on at once and the state is snapshotted; the actor
            // acknowledges once every input's barrier has come (the data in between is the
            // checkpoint's channel state).
            actor.forwardedEpoch = mark.epoch
            passBarrier(actor, mark, acknowledge: all)
            return
        }
        if actor.aligningEpoch != mark.epoch {
            actor.aligningEpoch = mark.epoch
            actor.alignedInputs.removeAll()
            actor.alignStart = now
        }
        actor.alignedInputs.insert(input)
        if !all {
            trace(.barriers, "\(actor.name) aligning barrier \(mark.epoch): \(actor.alignedInputs.count)/\(n) inputs, holding those")
            // Under tcp the held input's queued data must not keep the gate's shared buffers.
            let channel = channels[actor.inputs[input]]
            if settings.flowControl == .tcp && channel.role == .exchange { schemes.tcp.spill(channel, engine: self) }
            return
        }
        endAlignment(actor)
        trace(.barriers, "\(actor.name) aligned barrier \(mark.epoch) after \(VirtualTime.format(now - actor.alignStart))")
        actor.forwardedEpoch = mark.epoch
        passBarrier(actor, mark)
    }

    /// The actor holds no input for its alignment any more; the time it held them counts,
    /// and the alignment too unless its checkpoint was aborted (`completed` false).
    func endAlignment(_ actor: Actor, completed: Bool = true) {
        actor.alignNs += now - actor.alignStart
        if completed { actor.alignments += 1 }
        actor.aligningEpoch = -1
    }

    /// The epochs `turning` picks turn unaligned (`checkpoint_mode` turned unaligned, or
    /// their aligned-checkpoint timeout came): every alignment of them ends as Flink's
    /// aligned-checkpoint timeout ends one. The barrier goes on at once (the state is
    /// snapshotted now), the held inputs are released, and the actor acknowledges once the
    /// barrier's other copies have come. In actor order.
    func endAlignments(turning: (Int64) -> Bool) {
        for actor in actors where actor.alive && actor.aligningEpoch >= 0 && turning(actor.aligningEpoch) {
            let epoch = actor.aligningEpoch
            guard let state = inFlight.first(where: { $0.epoch == epoch }) else {
                endAlignment(actor)
                resumeConsumption(actor)
                continue
            }
            trace(.barriers, "\(actor.name) stops aligning barrier \(epoch) (\(unalignedCause)): sends it on at once and releases the held input"
                + (actor.alignedInputs.count == 1 ? "" : "s"))
            endAlignment(actor)
            actor.forwardedEpoch = epoch
            passBarrier(actor, BarrierMark(epoch: epoch, injectedAt: state.injectedAt), acknowledge: false)
            makeReady(actor)
        }
    }

    /// Counts the barrier's arrival on one more of the actor's inputs; true once it has come
    /// on all of them (each input brings each epoch once).
    func barrierFromAllInputs(_ actor: Actor, _ mark: BarrierMark) -> Bool {
        let seen = (actor.barrierInputsSeen[mark.epoch] ?? 0) + 1
        let all = seen >= actor.inputs.count
        actor.barrierInputsSeen[mark.epoch] = all ? nil : seen
        return all
    }

    /// Whether a credit channel blocks once it has sent a barrier (`CreditScheme.block`):
    /// aligned checkpoints and no exclusive buffers.
    var barriersBlockCreditChannels: Bool { settings.checkpointMode == .aligned && settings.buffersPerChannel == 0 }

    /// Whether aligned checkpoints hold `channel`'s input at its receiver now.
    func isHeldByAlignment(_ channel: Channel) -> Bool {
        let receiver = channel.receiverActor
        // Only an aligned epoch is aligned: one that turned unaligned ended its alignments.
        return receiver.aligningEpoch >= 0
            && receiver.alignedInputs.contains(channel.inputIndex)
    }

    /// Snapshots the actor's state for the barrier's checkpoint and sends the barrier on (a
    /// sink has nowhere to send it); `acknowledge` when the actor is done with the barrier.
    private func passBarrier(_ actor: Actor, _ mark: BarrierMark, acknowledge: Bool = true) {
        actor.lastBarrierAt = now
        recordState(actor, epoch: mark.epoch)
        if acknowledge { collect(actor, mark) }
        if actor.role != .sink { forwardBarrier(actor, mark) }
        chargeBarrierCost(actor, mark)
        resumeConsumption(actor)
    }

    /// The actor waits for no barrier any more (it passed one, dropped one it does not expect,
    /// or a rescale reset its alignment): the input channels a barrier blocked
    /// (`CreditScheme.block`) may send again (Flink's `resumeConsumption`).
    /// A channel with a later barrier still queued stays blocked: its sender sent that one too
    /// (rows behind it, arrived before a settings change made barriers block, would otherwise
    /// be joined by more, holding the gate's floating buffers through the next alignment).
    func resumeConsumption(_ actor: Actor) {
        for id in actor.inputs where channels[id].blockedByBarrier
            && !(barriersBlockCreditChannels && channels[id].inbox.contains(where: \.isBarrier)) {
            schemes.credit.resume(channels[id], engine: self)
        }
    }

    /// Unaligned checkpoints: a source actor blocked on its output emits the barriers it holds
    /// (ahead of the data it could not send), up to the first one still aligned.
    @inline(never)
    func emitPendingBarriers(_ actor: Actor) {
        while let mark = actor.pendingBarriers.first, isUnaligned(mark.epoch) {
            actor.pendingBarriers.removeFirst()
            emitBarrier(actor, mark)
        }
    }

    /// A source actor emits a barrier: it records its consumer's positions (and the state of
    /// the operators chained into it) for the checkpoint, sends the barrier downstream, and
    /// acknowledges it.
    @inline(never)  // once per barrier: inlined, it swells `run`, which every event calls
    func emitBarrier(_ actor: Actor, _ mark: BarrierMark) {
        actor.lastBarrierAt = now
        actor.selfPaused = false
        recordSourceOffsets(actor, epoch: mark.epoch)
        recordState(actor, epoch: mark.epoch)
        forwardBarrier(actor, mark)
        collect(actor, mark)
        chargeBarrierCost(actor, mark)
    }

    func forwardBarrier(_ actor: Actor, _ mark: BarrierMark) {
        for dispatcher in actor.dispatchers where mark.epoch >= dispatcher.minEpoch {
            for id in dispatcher.channels { sendBarrier(channels[id], mark) }
        }
    }

    /// The checkpoint's snapshot of a stateful actor's state (its size, in rows).
    func recordState(_ actor: Actor, epoch: Int64) {
        guard actor.isStateful, let i = inFlight.firstIndex(where: { $0.epoch == epoch }) else { return }
        inFlight[i].stateRows.append((actor.id, actor.name, actor.stateRows))
    }

    func recordSourceOffsets(_ actor: Actor, epoch: Int64) {
        guard let consumer = actor.consumer,
              let i = inFlight.firstIndex(where: { $0.epoch == epoch }) else { return }
        // The position the barrier marks: rows fetched but not yet sent come after it.
        let offsets = actor.partitions.map { p in
            consumer.offsets[p] - Int64(actor.fetchedFrom.filter { $0.partition == p }.reduce(0) { $0 + $1.rows })
        }
        inFlight[i].sourceOffsets.append((actor.id, actor.name, offsets))
    }

    /// A join's log store's share of the checkpoint: the rows a barrier passed on its way in,
    /// added up over the store's inputs.
    func recordLogged(_ store: Actor, epoch: Int64, rows: Int) {
        guard let i = inFlight.firstIndex(where: { $0.epoch == epoch }) else { return }
        if let k = inFlight[i].stateRows.firstIndex(where: { $0.0 == store.id }) {
            inFlight[i].stateRows[k].2 += rows
        } else {
            inFlight[i].stateRows.append((store.id, store.name, rows))
        }
    }

    func recordInFlight(epoch: Int64, rows: Int, buffers: Int) {
        guard let i = inFlight.firstIndex(where: { $0.epoch == epoch }) else { return }
        inFlight[i].inFlightRows += rows
        inFlight[i].inFlightBuffers += buffers
    }

    // MARK: Completion

    func collect(_ actor: Actor, _ mark: BarrierMark) {
        guard let i = inFlight.firstIndex(where: { $0.epoch == mark.epoch }),
              let k = inFlight[i].expected.firstIndex(of: actor.id), !inFlight[i].collected[k] else { return }
        inFlight[i].collected[k] = true
        inFlight[i].remaining -= 1
        trace(.barriers, "barrier \(mark.epoch) collected from \(actor.name) (\(inFlight[i].expected.count - inFlight[i].remaining)/\(inFlight[i].expected.count))")
        completeReadyEpochs()
    }

    /// Forgets an actor that went away (drop, rescale) in every pending epoch.
    func forgetCollector(_ actorID: Int) {
        for i in inFlight.indices {
            if let k = inFlight[i].expected.firstIndex(of: actorID), !inFlight[i].collected[k] {
                inFlight[i].collected[k] = true
                inFlight[i].remaining -= 1
            }
        }
        completeReadyEpochs()
    }

    /// Epochs complete in order, like RisingWave's commit of epochs.
    func completeReadyEpochs() {
        while let first = inFlight.first, first.remaining == 0 {
            inFlight.removeFirst()
            // Recorded in the order the barrier reached the actors; listed in actor order.
            let checkpoint = Checkpoint(epoch: first.epoch, injectedAt: first.injectedAt, completedAt: now,
                                        sourceOffsets: first.sourceOffsets.sorted { $0.0 < $1.0 }.map { ($0.1, $0.2) },
                                        stateRows: first.stateRows.sorted { $0.0 < $1.0 }.map { ($0.1, $0.2) },
                                        inFlightRows: first.inFlightRows, inFlightBuffers: first.inFlightBuffers)
            checkpoints.append(checkpoint)
            if checkpoints.count > 10_000 { checkpoints.removeFirst(checkpoints.count - 10_000) }
            barrierLatencies.append(checkpoint.latency)
            metrics.recordBarrier(time: now, latency: checkpoint.latency)
            trace(.barriers, "barrier \(first.epoch) completed: latency \(VirtualTime.format(checkpoint.latency))")
        }
    }

    // MARK: Inspection

    /// Every in-flight barrier and where it is: pending at a source, queued on a channel
    /// behind data, or held by an aligning actor.
    public func barrierLocations() -> [BarrierLocation] {
        drainReady()
        return inFlight.map { state in
            BarrierLocation(epoch: state.epoch, injectedAt: state.injectedAt,
                            collected: state.expected.count - state.remaining, expected: state.expected.count,
                            places: places(of: state))
        }
    }

    /// Where the epoch's barrier is: pending at a source, queued on a channel behind data, in
    /// a TCP connection, or held by an aligning actor.
    func places(of state: EpochState) -> [String] {
        var places: [String] = []
        for actor in actors where actor.alive && actor.role == .source {
            // Pending barriers are in epoch order too.
            if actor.pendingBarriers.first(where: { $0.epoch >= state.epoch })?.epoch == state.epoch {
                let blocked = actor.outputHolds > 0
                places.append("pending at \(actor.name)" + (blocked ? " behind its blocked output" : ""))
            }
        }
        // Buffers are the unit of the buffer-based schemes only (Flink's credit and TCP).
        let inBuffers = settings.flowControl == .credit || settings.flowControl == .tcp
        func behind(_ messages: some Sequence<Message>) -> String {
            let rows = messages.reduce(0) { $0 + $1.rows }
            let buffers = messages.reduce(0) { $0 + $1.buffers }
            return "behind \(Self.count(rows, "row"))" + (inBuffers ? " (\(Self.count(buffers, "buffer")))" : "")
        }
        for channel in channels {
            if let k = Self.position(of: state.epoch, in: channel.outbox) {
                places.append("waiting to be sent on \(channelName(channel)) \(behind(channel.outbox.prefix(k)))")
            }
            if let k = Self.position(of: state.epoch, in: channel.inbox) {
                places.append("queued at \(actors[channel.receiver].name) from \(actors[channel.sender].name) \(behind(channel.inbox.prefix(k)))")
            }
        }
        for connection in connections.keys.sorted().compactMap({ connections[$0] }) {
            if let k = connection.queue.firstIndex(where: { $0.message.barrier?.epoch == state.epoch }) {
                places.append("in the TCP connection node \(connection.fromNode) → node \(connection.toNode) behind \(Self.count(k, "message"))")
            }
        }
        for actor in actors where actor.alive && actor.aligningEpoch == state.epoch {
            places.append("aligning at \(actor.name): \(actor.alignedInputs.count)/\(actor.inputs.count) inputs delivered it")
        }
        if !places.isEmpty && settings.checkpointMode == .unaligned && alignedTimeout > 0 && !state.turnedUnaligned {
            places.append("aligned until \(VirtualTime.formatSeconds(state.injectedAt + alignedTimeout)) (aligned_checkpoint_timeout_ms), then unaligned")
        }
        return places
    }

    /// Latencies of the barriers completed at or after `time`, in completion order.
    public func barrierLatencies(completedSince time: Int64) -> [Int64] {
        metrics.barriers.filter { $0.time >= time }.map(\.latency)
    }

    /// Epochs injected but not yet completed.
    public var inFlightBarrierCount: Int { inFlight.count }
    /// Every completed barrier's latency, in completion order.
    public var completedBarrierLatencies: [Int64] { barrierLatencies }
    /// Periodic barriers skipped because `in_flight_barrier_nums` were in flight.
    public var skippedPeriodicBarriers: Int64 { skippedBarriers }

    /// "1 row", "2 rows".
    private static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
