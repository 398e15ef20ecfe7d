/// `ALTER MATERIALIZED VIEW … SET PARALLELISM` and `ALTER SINK … SET PARALLELISM`: scale a
/// running view or sink out or in. Like RisingWave's rescale, it moves operator state to the
/// new actors by key, keeps the consumer groups' offsets, and re-routes every row that was
/// queued or in progress inside the job (a decoupled sink's log included), so the ledger
/// balances across it. A sink's write in progress completes at the rescale (RisingWave
/// rescales at a barrier, once in-flight writes are done). Barriers in flight inside the job
/// are dropped; the epochs they belonged to complete without the job's actors.
extension Engine {
    /// Rescales view or sink `name` to `parallelism` actors per fragment, its definition
    /// becoming `definition` when given; false (and nothing done) when it already has them.
    @discardableResult
    public func rescale(_ name: String, parallelism: Int, definition: String? = nil) throws(EngineError) -> Bool {
        guard let old = jobs[name] else {
            throw .unknownObject(kind: "materialized view or sink", name: name)
        }
        guard Limits.parallelism.contains(parallelism) else {
            throw .invalidOption(object: name, option: "parallelism", value: String(parallelism),
                                 reason: "must be between \(Limits.parallelism.lowerBound) and \(Limits.parallelism.upperBound)")
        }
        var spec = old.spec
        if let definition { spec.definition = definition }
        for f in spec.fragments.indices {
            // A global aggregate stays on one actor; everything else follows the view.
            let global = spec.fragments[f].operators.contains { if case .hashAgg(let keys, _) = $0 { return keys.isEmpty } else { return false } }
            spec.fragments[f].parallelism = global ? 1 : parallelism
        }
        // Already at that parallelism: nothing moves, no group rebalances.
        guard spec.fragments.map(\.parallelism) != old.spec.fragments.map(\.parallelism) else { return false }
        drainReady()
        // Rows inside TCP connections go back to their senders' outboxes, to be re-routed
        // below (or re-sent by the pump at the end). Only now: a rescale that changes nothing
        // must not take them out (nothing would send them again).
        reclaimConnections()
        let oldIDs = old.fragmentActors.flatMap { $0 }
        let oldSet = Set(oldIDs)

        // 1. Everything in flight inside the job, by the fragment it was heading to.
        var pending: [[MovedRows]] = Array(repeating: [], count: spec.fragments.count)
        var toDependents: [Chunk] = []
        for channel in channels where oldSet.contains(channel.receiver) {
            let f = fragmentIndex(of: actors[channel.receiver], in: old)
            // Rows from another job's actor (which stays) go on from it; the job's own are re-sent.
            let sender = oldSet.contains(channel.sender) ? nil : channel.sender
            for m in Array(channel.inbox) + Array(channel.outbox) where !m.isBarrier {
                pending[f].append(MovedRows(chunk: m.chunk, side: channel.gate, sender: sender))
            }
        }
        for id in oldIDs {
            let actor = actors[id]
            guard let output = actor.pendingOutput else { continue }
            let f = fragmentIndex(of: actor, in: old)
            if f + 1 < spec.fragments.count, let next = spec.fragments.indices.first(where: { g in
                spec.fragments[g].inputs.contains { if case .fragment(let j) = $0.from { return j == f } else { return false } }
            }) {
                let side = spec.fragments[next].inputs.first { if case .fragment(let j) = $0.from { return j == f } else { return false } }?.side ?? 0
                pending[next].append(MovedRows(chunk: output, side: side, sender: nil))
            } else {
                toDependents.append(output)
            }
        }
        // A view rebuilt from the aggregate or join upstream of it (see `rebuildView`) already
        // holds what was on its way to it from there.
        let derivations = spec.fragments.indices.map { ViewDerivation(viewIn: $0, of: spec) }
        for derivation in derivations.compactMap({ $0 }) {
            for f in derivation.path where f != derivation.stateFragment { pending[f].removeAll() }
        }
        // A view over another view (filters and projections only) is rebuilt from its live input rows.
        let liveInputs = spec.fragments.indices.map { f in
            derivations[f] == nil ? liveViewInputs(of: spec.fragments[f], pending: pending[f].map(\.chunk)) : nil
        }
        // Data queued towards dependent jobs stays with them.
        var dependentQueues: [(receiver: Int, chunks: [Chunk])] = []
        for channel in channels where oldSet.contains(channel.sender) && !oldSet.contains(channel.receiver) && actors[channel.receiver].alive {
            let chunks = (Array(channel.inbox) + Array(channel.outbox)).filter { !$0.isBarrier }.map(\.chunk)
            dependentQueues.append((channel.receiver, chunks))
        }
        // Rows polled but not emitted yet, per source fragment (a join reads two sources).
        let fetched = old.fragmentActors.map { ids in ids.compactMap { actors[$0].fetched }.filter { !$0.isEmpty } }
        let fetchedFrom = old.fragmentActors.map { ids in ids.flatMap { actors[$0].fetchedFrom } }
        let states = oldIDs.map { id in (fragmentIndex(of: actors[id], in: old), actors[id].operators) }

        // 2. Retire the old actors (their counters stay in the ledger) and detach dependents.
        let (dependentActors, dependentRoles) = detachDependents(of: old, oldSet: oldSet)
        var retiredDelivered = old.retiredDelivered, retiredBase = old.retiredDeliveredBase, retiredLog = old.retiredLogBase
        for id in oldIDs {
            let actor = actors[id]
            actor.setStatus(actor.status, now: now)
            if actor.sink != nil && actor.status == .busy && actor.inProgressRows > 0 {
                // The write in progress completes: its rows are delivered (barrier work is no write).
                actor.writes &+= 1
                actor.delivered &+= Int64(actor.inProgressRows)
                actor.inProgressRows = 0
            }
            if actor.sink != nil {
                // The job's deliveries and its log at the window's start outlive its actors.
                retiredDelivered += actor.delivered
                retiredBase += resetSnapshot.actorRows[id]?.delivered ?? 0
                retiredLog += resetSnapshot.inputQueuedRows[id] ?? 0
            }
            retired.delivered += actor.delivered
            retired.filtered += actor.filteredRows
            actor.alive = false
            actor.fetched = nil
            forgetCollector(id)
        }
        // Upstream views' actors blocked on the old actors go on once their outputs move.
        var upstreamSenders: [Int] = []
        for channel in channels where oldSet.contains(channel.receiver) && !channel.retired {
            // Queued rows move to the new channels; what this channel dropped stays counted.
            retired.dropped += channel.droppedRows
            clear(channel)
            if !oldSet.contains(channel.sender) && !upstreamSenders.contains(channel.sender) { upstreamSenders.append(channel.sender) }
        }
        for other in jobs.values where other.spec.name != name {
            for id in other.lastActors {
                actors[id].dispatchers.removeAll { d in d.channels.contains { oldSet.contains(channels[$0].receiver) } }
            }
        }
        // Each source fragment keeps its own group (a self-join reads one source twice, as
        // two groups), by fragment, not by source name.
        var consumersByFragment: [Int: Consumer] = [:]
        for f in old.spec.fragments.indices {
            if let id = old.fragmentActors[f].first, let c = actors[id].consumer { consumersByFragment[f] = c }
        }

        // 3. New actors, channels to dependents, state and rows moved over.
        var runtime = instantiate(spec, consumers: consumersByFragment)
        runtime.createdAt = old.createdAt
        runtime.retiredDelivered = retiredDelivered
        runtime.retiredDeliveredBase = retiredBase
        runtime.retiredLogBase = retiredLog
        jobs[name] = runtime
        reconnectDependents(dependentActors, roles: dependentRoles, to: runtime)
        for (f, operators) in states {
            migrate(operators, into: runtime.fragmentActors[f], rebuildsView: derivations[f] != nil || liveInputs[f] != nil)
        }
        for f in spec.fragments.indices {
            if let derivation = derivations[f] {
                for i in runtime.fragmentActors[f].indices { rebuildView(derivation, actor: i, of: runtime) }
            } else if let rows = liveInputs[f] {
                rebuildView(from: rows, fragment: f, of: runtime)
            }
        }
        for (f, chunks) in fetched.enumerated() {
            guard let firstActor = runtime.fragmentActors[f].first, let first = chunks.first else { continue }
            var all = Chunk(width: first.width)
            for chunk in chunks { all.append(contentsOf: chunk) }
            handOver(all, fetchedFrom: fetchedFrom[f], to: runtime.fragmentActors[f].map { actors[$0] }, orElse: actors[firstActor])
        }
        for f in pending.indices {
            for (k, moved) in pending[f].enumerated() {
                enqueue(moved, into: runtime.fragmentActors[f], input: spec.fragments[f].inputs.first { $0.side == moved.side } ?? spec.fragments[f].inputs.first,
                        turn: k)
            }
        }
        for (receiver, chunks) in dependentQueues {
            for chunk in chunks { requeue(chunk, toReceiver: receiver, from: runtime.lastActors) }
        }
        if let first = runtime.lastActors.first {
            for chunk in toDependents { placeRouted(chunk, from: actors[first]) }
        }
        for id in runtime.fragmentActors.joined() { actors[id].queuedAtCreation = queuedInputRows(actors[id]) }
        // New members, the same group: Kafka rebalances (and lifts pauses).
        for consumer in runtime.consumers where consumersByFragment.values.contains(where: { $0 === consumer }) {
            rebalance(consumer)
        }
        rebuildFlowControl()
        for id in runtime.fragmentActors.flatMap({ $0 }) { makeReady(actors[id]) }
        for id in dependentActors { makeReady(actors[id]) }
        for id in upstreamSenders { makeReady(actors[id]) }
        drainReady()
        return true
    }

    private func fragmentIndex(of actor: Actor, in job: JobRuntime) -> Int {
        job.fragmentActors.firstIndex { $0.contains(actor.id) } ?? 0
    }

    /// Removes the dependents' input channels from the job's last actors; returns the
    /// dependent actors, which from now on expect only barriers injected after the rescale.
    private func detachDependents(of job: JobRuntime, oldSet: Set<Int>) -> (actors: [Int], roles: [Int: ChannelRole]) {
        var dependents: [Int] = []
        var dependentRoles: [Int: ChannelRole] = [:]
        for actor in actors where actor.alive && !oldSet.contains(actor.id) {
            let keep = actor.inputs.indices.filter { !oldSet.contains(channels[actor.inputs[$0]].sender) }
            guard keep.count != actor.inputs.count else { continue }
            for i in actor.inputs.indices where !keep.contains(i) {
                let c = channels[actor.inputs[i]]
                retired.dropped += c.droppedRows
                dependentRoles[actor.id] = c.role
                clear(c)
                for gate in gates[actor.id] { gate.channels.removeAll { $0 == c.id } }
            }
            actor.inputs = keep.map { actor.inputs[$0] }
            actor.inputSides = keep.map { actor.inputSides[$0] }
            for (i, id) in actor.inputs.enumerated() { channels[id].inputIndex = i }
            trackQueuedInputs(actor)
            actor.aligningEpoch = -1
            actor.barrierInputsSeen = [:]
            actor.minEpoch = nextEpoch
            // No alignment is pending any more: the inputs it blocked may send again.
            resumeConsumption(actor)
            forgetCollector(actor.id)
            dependents.append(actor.id)
        }
        return (dependents, dependentRoles)
    }

    /// Empties a channel whose rows were moved elsewhere.
    private func clear(_ channel: Channel) {
        channel.retired = true
        channel.receivedRows += Int64(channel.queuedRows)
        channel.outbox.removeAll()
        channel.inbox.removeAll()
        channel.outboxRows = 0; channel.inboxRows = 0
        channel.outboxBuffers = 0; channel.inboxBuffers = 0
        if channel.countedHolding {
            channel.countedHolding = false
            actors[channel.sender].outputHolds -= 1
        }
        if let pool = channel.outputPool, pool.holding, !pool.isExhausted {
            pool.holding = false
            actors[channel.sender].outputHolds -= 1
        }
    }

    /// Connects the new last actors to the dependents that read the view.
    private func reconnectDependents(_ dependents: [Int], roles: [Int: ChannelRole], to runtime: JobRuntime) {
        for job in jobs.values where job.spec.name != runtime.spec.name {
            for (f, fragment) in job.spec.fragments.enumerated() {
                for input in fragment.inputs {
                    guard case .view(let v) = input.from, v == runtime.spec.name else { continue }
                    let receivers = job.fragmentActors[f]
                    guard receivers.contains(where: dependents.contains) else { continue }
                    connect(upstream: runtime.lastActors, downstream: receivers, input: input, schema: runtime.spec.outputSchema,
                            role: receivers.compactMap { roles[$0] }.first ?? .exchange, minEpoch: nextEpoch)
                }
            }
        }
    }

    /// Moves each stateful operator's state to the new actor that owns its key; a view that
    /// `rebuildsView` is left for `rebuildView`.
    private func migrate(_ operators: [StreamOperator], into targets: [Int], rebuildsView: Bool) {
        let n = targets.count
        func owner(_ key: [Int64]) -> Actor {
            let h = key.withUnsafeBufferPointer { KeyIndex.hash($0) }
            return actors[targets[Int(h % UInt64(n))]]
        }
        for (position, op) in operators.enumerated() {
            if let agg = op as? HashAggOperator {
                for g in agg.exportGroups() {
                    (owner(agg.groupKeys.isEmpty ? [] : g.key).operators[position] as? HashAggOperator)?.importGroup(g)
                }
            } else if let join = op as? HashJoinOperator {
                for side in 0..<2 {
                    for row in join.exportRows(side: side) {
                        (owner(join.keys[side].map { row[$0] }).operators[position] as? HashJoinOperator)?.importRow(row, side: side)
                    }
                }
            } else if let view = op as? MaterializeOperator, !rebuildsView {
                for row in view.currentRows() {
                    let target: Actor
                    if view.primaryKey.isEmpty {
                        // By the whole row, as a view read by another view routes it.
                        target = owner(row)
                    } else {
                        target = owner(view.primaryKey.map { row[$0] })
                    }
                    (target.operators[position] as? MaterializeOperator)?.importRow(row)
                }
            }
        }
    }

    /// Rows the old source actors had polled but not emitted go to the new actor that owns
    /// their partition, in order, so a barrier's offsets (position minus what is still
    /// fetched) stay exact for every partition.
    private func handOver(_ rows: Chunk, fetchedFrom: [(partition: Int, rows: Int)], to owners: [Actor], orElse fallback: Actor) {
        guard fetchedFrom.reduce(0, { $0 + $1.rows }) == rows.count else {
            fallback.fetched = rows
            fallback.fetchedFrom = fetchedFrom
            return
        }
        var start = 0
        for (partition, count) in fetchedFrom {
            let owner = owners.first { $0.partitions.contains(partition) } ?? fallback
            let part = rows.rows(start..<start + count)
            if owner.fetched == nil { owner.fetched = part } else { owner.fetched!.append(contentsOf: part) }
            owner.fetchedFrom.append((partition, count))
            start += count
        }
    }

    /// Rows on their way inside a job that a rescale moves: the input side they were for, and
    /// the actor of another job that sent them (nil: the job's own, which it makes anew).
    private struct MovedRows {
        let chunk: Chunk
        let side: Int
        let sender: Int?
    }

    /// Puts rows straight into the inboxes of the fragment's new input channels, routed as the
    /// fragment's input distribution would route them: by key, or round-robin a chunk at a
    /// time (`turn` counts the chunks), so a decoupled sink's log spreads over its new actors.
    /// Rows another job's actor sent arrive on its channel to their new receiver.
    private func enqueue(_ moved: MovedRows, into receivers: [Int], input: FragmentInput?, turn: Int) {
        guard let input, !receivers.isEmpty else { return }
        let parts: [(part: Int, chunk: Chunk)]
        switch input.distribution {
        case .hash(let keys) where !keys.isEmpty:
            parts = partition(moved.chunk, keys: keys, into: receivers.count)
        case .roundRobin:
            parts = [(turn % receivers.count, moved.chunk)]
        default:
            parts = [(0, moved.chunk)]
        }
        for (i, part) in parts where !part.isEmpty {
            let receiver = actors[receivers[i]]
            let onSide = receiver.inputs.indices.filter { receiver.inputSides[$0] == input.side }.map { receiver.inputs[$0] }
            guard let id = onSide.first(where: { channels[$0].sender == moved.sender }) ?? onSide.first else { continue }
            place(part, on: channels[id])
        }
    }

    private func requeue(_ chunk: Chunk, toReceiver receiver: Int, from senders: [Int]) {
        guard let id = actors[receiver].inputs.first(where: { senders.contains(channels[$0].sender) }) else { return }
        place(chunk, on: channels[id])
    }

    /// Rows an old actor had finished but not sent: on the new actor's output channels, as
    /// its dispatchers route them, ahead of anything sent since (as `place` puts them).
    private func placeRouted(_ chunk: Chunk, from sender: Actor) {
        for (d, dispatcher) in sender.dispatchers.enumerated() where !dispatcher.channels.isEmpty {
            let targets = dispatcher.channels
            switch dispatcher.mode {
            case .simple: place(chunk, on: channels[targets[0]])
            case .roundRobin:
                // The next receiver in turn, as `route` picks it: the moved rows spread out.
                place(chunk, on: channels[targets[dispatcher.roundRobin % targets.count]])
                sender.dispatchers[d].roundRobin &+= 1
            case .broadcast: for id in targets { place(chunk, on: channels[id]) }
            case .hash:
                for (i, part) in partition(chunk, keys: dispatcher.keys, into: targets.count) {
                    place(part, on: channels[targets[i]])
                }
            }
        }
    }

    /// A row moved by a rescale arrives on its new channel as if sent there.
    private func place(_ chunk: Chunk, on channel: Channel) {
        let receiver = channel.receiverActor
        if !receiver.priorityInputs.contains(channel.id) { receiver.priorityInputs.append(channel.id) }
        channel.movedRows += chunk.count
        channel.touchDepth(now: now)
        let message = Message.data(chunk, buffers: channel.buffers(forRows: chunk.count))
        channel.sentRows += Int64(chunk.count)
        channel.inbox.append(message)
        receiver.queuedInputs?.insert(channel.inputIndex)
        channel.inboxRows += message.rows
        channel.inboxBuffers += message.buffers
    }
}
