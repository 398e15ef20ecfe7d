/// Turning a job's fragments into actors and channels, dropping them, and rescaling.
extension Engine {
    /// Creates a materialized view or a sink and starts its actors. Validates first: a
    /// refused job leaves the engine unchanged. A job over a view starts from the view's
    /// contents (`backfill`); returns how many rows that sent.
    @discardableResult
    public func createJob(_ spec: JobSpec) throws(EngineError) -> Int64 {
        try checkNewName(spec.name)
        try validate(spec)
        drainReady()
        let wasEmpty = jobs.isEmpty
        let runtime = instantiate(spec, consumers: [:])
        let backfilled = backfill(runtime)
        jobs[spec.name] = runtime
        if wasEmpty { restartBarrierTicks() }
        scheduleGeneratorTickIfNeeded()
        drainReady()
        return backfilled
    }

    private func validate(_ spec: JobSpec) throws(EngineError) {
        guard let last = spec.fragments.last else { throw .invalidPlan("\(spec.name) has no fragments") }
        for (i, fragment) in spec.fragments.enumerated() {
            guard Limits.parallelism.contains(fragment.parallelism) else {
                throw .invalidOption(object: spec.name, option: "parallelism", value: String(fragment.parallelism),
                                     reason: "must be between \(Limits.parallelism.lowerBound) and \(Limits.parallelism.upperBound)")
            }
            try validateCost(fragment.cost, object: spec.name)
            if case .source(let name) = fragment.operators.first, sourceIndex[name] == nil {
                throw .unknownObject(kind: "source", name: name)
            }
            for input in fragment.inputs {
                switch input.from {
                case .fragment(let j) where j >= i || j < 0:
                    throw .cycle(name: spec.name)
                case .view(let name):
                    guard let view = jobs[name], view.spec.kind == .materializedView else {
                        throw .unknownObject(kind: "materialized view", name: name)
                    }
                default: break
                }
            }
            for op in fragment.operators {
                if case .sink(let sink) = op { try validateSink(sink, of: spec.name) }
            }
        }
        for dependency in spec.dependsOn where sourceIndex[dependency] == nil && jobs[dependency] == nil {
            throw .unknownObject(kind: "relation", name: dependency)
        }
        switch last.operators.last {
        case .materialize, .sink: break
        default: throw .invalidPlan("\(spec.name) must end in a materialize or sink operator")
        }
    }

    /// The checks a sink's write options must pass, at creation and at every ALTER.
    func validateSink(_ sink: SinkSpec, of job: String) throws(EngineError) {
        if let t = sink.throughput, !(t >= 0) || t > Limits.maxRate {
            throw .invalidOption(object: "sink \(job)", option: "throughput", value: VirtualTime.formatNumber(t),
                                 reason: t > Limits.maxRate ? Engine.tooFast : "must be 0 or more rows per second")
        }
        guard sink.batch >= 1 else {
            throw .invalidOption(object: "sink \(job)", option: "batch", value: String(sink.batch), reason: "must be at least 1")
        }
        guard sink.latency >= 0 else {
            throw .invalidOption(object: "sink \(job)", option: "latency", value: VirtualTime.format(sink.latency), reason: "must not be negative")
        }
    }

    /// Creates the actors, channels and gates of `spec`. `consumers` reuses consumer groups,
    /// by source fragment (rescaling keeps the job's offsets).
    func instantiate(_ spec: JobSpec, consumers existing: [Int: Consumer]) -> JobRuntime {
        var fragmentActors: [[Int]] = []
        var consumers: [Consumer] = []
        let epochFloor = nextEpoch
        let placement = plannedNodes(for: spec)
        for (f, fragment) in spec.fragments.enumerated() {
            var consumer: Consumer?
            if case .source(let name) = fragment.operators.first {
                let log = sources[sourceIndex[name]!]
                if let c = existing[f] { consumer = c } else {
                    consumerSerial += 1
                    let c = Consumer(source: log, job: spec.name, serial: consumerSerial, reset: settings.autoOffsetReset)
                    log.consumers.append(c)
                    consumer = c
                }
                consumers.append(consumer!)
            }
            var ids: [Int] = []
            for i in 0..<fragment.parallelism {
                let role = Engine.role(of: fragment)
                let name = "\(spec.name).\(fragment.role).\(i)"
                var sink: SinkSpec?
                if case .sink(let s) = fragment.operators.last { sink = s }
                let rng = SeededRandom(seed: settings.seed, stream: Engine.stableHash(name))
                let actor = Actor(id: actors.count, name: name, job: spec.name, fragment: "\(spec.name).\(fragment.role)",
                                  index: i, node: placement[f][i], role: role,
                                  operators: Engine.makeOperators(fragment, spec: spec), cost: fragment.cost,
                                  sink: sink, rng: rng)
                actor.statusSince = now
                actor.minEpoch = epochFloor
                actor.lastBarrierAt = now
                if let consumer {
                    actor.consumer = consumer
                    actor.chainedCost = fragment.cost.isFree ? nil : fragment.cost
                    actor.cost = consumer.source.spec.cost
                    actor.partitions = (0..<consumer.offsets.count).filter { $0 % fragment.parallelism == i }
                }
                add(actor)
                let sides = (fragment.inputs.map(\.side).max() ?? 0) + 1
                gates.append((0..<sides).map { _ in Gate(floating: settings.floatingBuffersPerGate) })
                ids.append(actor.id)
            }
            fragmentActors.append(ids)
            for input in fragment.inputs {
                let upstream: [Int]
                let upstreamSchema: Schema
                switch input.from {
                case .fragment(let j):
                    upstream = fragmentActors[j]
                    upstreamSchema = spec.fragments[j].outputSchema
                case .view(let name):
                    upstream = jobs[name]!.lastActors
                    upstreamSchema = jobs[name]!.spec.outputSchema
                }
                connect(upstream: upstream, downstream: ids, input: input, schema: upstreamSchema,
                        role: channelRole(into: fragment), minEpoch: epochFloor)
            }
        }
        for id in fragmentActors.flatMap({ $0 }) where actors[id].role == .source { makeReady(actors[id]) }
        return JobRuntime(spec: spec, fragmentActors: fragmentActors, consumers: consumers, createdAt: now, createdEpoch: epochFloor)
    }

    /// The node of every actor of `spec`: where the running job's actors are, when it runs
    /// with that many actors per fragment (SET nodes moves none of them), else `plannedNodes`.
    public func placedNodes(for spec: JobSpec) -> [[Int]] {
        if let job = jobs[spec.name], job.fragmentActors.map(\.count) == spec.fragments.map(\.parallelism) {
            return job.fragmentActors.map { ids in ids.map { actors[$0].node } }
        }
        return plannedNodes(for: spec)
    }

    /// The node of every actor a job would get: fragment depth plus actor index, modulo
    /// `nodes`, so consecutive fragments land on different nodes when there are several.
    /// A fragment fed one to one (a no-shuffle input of its own parallelism: a sink, a
    /// join's log store) runs each actor on its upstream actor's node instead: RisingWave
    /// schedules no-shuffle fragments together, and Flink chains forward operators into
    /// one task, so that hop never crosses the network.
    public func plannedNodes(for spec: JobSpec) -> [[Int]] {
        let nodes = max(1, settings.nodes)
        var depth: [Int] = []
        var placed: [[Int]] = []
        for fragment in spec.fragments {
            var d = 0
            for input in fragment.inputs {
                switch input.from {
                case .fragment(let j): d = max(d, depth[j] + 1)
                case .view(let name): d = max(d, (jobs[name]?.spec.fragments.count ?? 0) + 1)
                }
            }
            depth.append(d)
            var upstream: [Int]?
            if fragment.inputs.count == 1, case .simple = fragment.inputs[0].distribution {
                switch fragment.inputs[0].from {
                case .fragment(let j): upstream = placed[j]
                case .view(let name): upstream = jobs[name]?.fragmentActors.last.map { ids in ids.map { actors[$0].node } }
                }
            }
            if let upstream, upstream.count == fragment.parallelism {
                placed.append(upstream)
            } else {
                placed.append((0..<fragment.parallelism).map { (d + $0) % nodes })
            }
        }
        return placed
    }

    private func channelRole(into fragment: FragmentSpec) -> ChannelRole {
        if case .logStore = fragment.operators.first { return .joinLogStore }
        if case .sink = fragment.operators.last, settings.sinkDecouple, fragment.operators.count == 1 { return .sinkLog }
        return .exchange
    }

    func connect(upstream: [Int], downstream: [Int], input: FragmentInput, schema: Schema,
                         role: ChannelRole, minEpoch: Int64) {
        let rowsPerBuffer = settings.rowsPerBuffer(rowWidth: schema.rowWidth)
        for (u, sender) in upstream.enumerated() {
            var targets: [Int] = []
            let receivers: [Int]
            if case .simple = input.distribution { receivers = [downstream[u % downstream.count]] } else { receivers = downstream }
            for receiver in receivers {
                let r = actors[receiver]
                let channel = Channel(id: channels.count, sender: actors[sender], receiver: r, inputIndex: r.inputs.count,
                                      gate: input.side, gateObject: gates[receiver][input.side], role: role,
                                      isLocal: actors[sender].node == r.node,
                                      rowsPerBuffer: rowsPerBuffer, rowWidthBytes: schema.rowWidth)
                channel.depthSince = now
                add(channel)
                r.inputs.append(channel.id)
                r.inputSides.append(input.side)
                // A second input starts the set of queued ones (the new channel is empty).
                if r.inputs.count == 2 { trackQueuedInputs(r) }
                gates[receiver][input.side].channels.append(channel.id)
                scheme(for: channel).attach(channel, engine: self)
                targets.append(channel.id)
            }
            var keys: [Int] = []
            if case .hash(let k) = input.distribution { keys = k }
            var dispatcher = Dispatcher(distribution: input.distribution, channels: targets, keys: keys, minEpoch: minEpoch)
            let remote = targets.filter { channels[$0].drawsOnOutputPool }
            if !remote.isEmpty {
                let pool = OutputPool(channels: remote.count)
                for id in remote { channels[id].outputPool = pool }
                dispatcher.pool = pool
            }
            actors[sender].dispatchers.append(dispatcher)
            for id in remote { applyOutputBuffers(channels[id]) }
        }
    }

    static func role(of fragment: FragmentSpec) -> ActorRole {
        if case .source = fragment.operators.first { return .source }
        switch fragment.operators.last {
        case .materialize: return .materialize
        case .sink: return .sink
        case .logStore: return .logStore
        default: return .transform
        }
    }

    static func makeOperators(_ fragment: FragmentSpec, spec: JobSpec) -> [StreamOperator] {
        fragment.operators.compactMap { op -> StreamOperator? in
            switch op {
            case .source, .sink: return nil
            case .filter(let e): return FilterOperator(e)
            case .project(let exprs, _): return ProjectOperator(exprs)
            case .hashAgg(let keys, let calls): return HashAggOperator(groupKeys: keys, calls: calls)
            case .hashJoin(let lk, let rk, let lw, let rw):
                return HashJoinOperator(leftKeys: lk, rightKeys: rk, leftWidth: lw, rightWidth: rw)
            case .logStore: return LogStoreOperator()
            case .materialize(let pk): return MaterializeOperator(primaryKey: pk, width: fragment.outputSchema.count)
            }
        }
    }

    // MARK: Dropping

    /// Drops a job, or a source/table with no dependents. What was queued inside the job is
    /// counted as discarded by the drop, so the ledger still balances.
    public func drop(_ name: String) throws(EngineError) {
        let dependents = jobs.values.filter { $0.spec.dependsOn.contains(name) }.map(\.spec.name)
        if let id = sourceIndex[name] {
            let kind = sources[id].spec.isTable ? "table" : "source"
            guard dependents.isEmpty else { throw .hasDependents(kind: kind, name: name, dependents: dependents) }
            sourceIndex[name] = nil
            sources[id].dropped = true
            retired.droppedSources.append(sources[id])
            return
        }
        guard let job = jobs[name] else { throw .unknownObject(kind: "relation", name: name) }
        guard dependents.isEmpty else { throw .hasDependents(kind: job.spec.kind.rawValue, name: name, dependents: dependents) }
        drainReady()
        reclaimConnections()
        retire(job, keepConsumers: false)
        jobs[name] = nil
        if jobs.isEmpty { barrierTickGeneration &+= 1 }
        for channel in channels where actors[channel.receiver].alive && !channel.outbox.isEmpty { pump(channel) }
    }

    /// Stops a job's actors and detaches its channels, keeping their counts for the ledger.
    func retire(_ job: JobRuntime, keepConsumers: Bool) {
        let ids = Set(job.fragmentActors.flatMap { $0 })
        for id in job.fragmentActors.flatMap({ $0 }) {
            let actor = actors[id]
            actor.setStatus(actor.status, now: now)
            retired.absorb(actor)
            actor.alive = false
            forgetCollector(id)
        }
        for channel in channels where ids.contains(channel.receiver) && !channel.retired {
            retired.absorb(channel)
            channel.retired = true
        }
        // Upstream views stop dispatching to the retired actors.
        for other in jobs.values where other.spec.name != job.spec.name {
            for id in other.lastActors {
                actors[id].dispatchers.removeAll { d in d.channels.contains { ids.contains(channels[$0].receiver) } }
                actors[id].outputHolds = actors[id].dispatchers.reduce(0) { n, d in
                    n + d.channels.filter { channels[$0].countedHolding }.count + (d.pool?.holding == true ? 1 : 0)
                }
                if actors[id].outputHolds == 0 && actors[id].status == .backpressured { makeReady(actors[id]) }
            }
        }
        if !keepConsumers {
            for consumer in job.consumers {
                retired.absorb(consumer)
                consumer.source.consumers.removeAll { $0 === consumer }
            }
        }
    }
}
