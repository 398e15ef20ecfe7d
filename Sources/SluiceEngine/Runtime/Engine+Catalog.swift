/// Creating and dropping sources and jobs, and the knobs that change them while they run.
extension Engine {
    // MARK: Sources

    /// Creates a source (or a table, whose rows are appended at once).
    public func createSource(_ spec: SourceSpec) throws(EngineError) {
        try checkNewName(spec.name)
        try validateSource(spec)
        let id = sources.count
        let seed = Engine.mix(settings.seed, Engine.stableHash(spec.name) ^ spec.seed)
        let log = SourceLog(id: id, spec: spec, seed: seed, strings: &strings)
        log.patternStart = now
        sources.append(log)
        sourceRefs.append(.passUnretained(log))
        sourceIndex[spec.name] = id
        if spec.isTable && spec.tableRows > 0 { log.append(Int64(spec.tableRows), now: now, partition: 0) }
        scheduleGeneratorTickIfNeeded()
    }

    /// The checks a source's options must pass, at creation and at every ALTER.
    func validateSource(_ spec: SourceSpec) throws(EngineError) {
        let what = spec.isTable ? "table \(spec.name)" : "source \(spec.name)"
        func bad(_ option: String, _ value: String, _ reason: String) -> EngineError {
            .invalidOption(object: what, option: option, value: value, reason: reason)
        }
        guard spec.schema.count > 0 else { throw bad("columns", "()", "a source needs at least one column") }
        guard spec.rate >= 0 else { throw bad("rate", VirtualTime.formatNumber(spec.rate), "must be 0 or more rows per second") }
        guard spec.rate <= Limits.maxRate else { throw bad("rate", VirtualTime.formatNumber(spec.rate), Engine.tooFast) }
        guard Limits.partitions.contains(spec.partitions) else {
            throw bad("partitions", String(spec.partitions), "must be between \(Limits.partitions.lowerBound) and \(Limits.partitions.upperBound)")
        }
        guard spec.keys >= 1 else { throw bad("keys", String(spec.keys), "must be at least 1") }
        guard spec.keyColumn >= 0, spec.keyColumn < spec.schema.count else { throw bad("key", String(spec.keyColumn), "no such column") }
        let keyType = spec.schema.columns[spec.keyColumn].type
        if let most = SourceSpec.maxKeyValues(keyType), spec.keyValues > most {
            throw bad("keys", String(spec.keyValues), "a \(keyType.sqlName) key column takes at most \(most) distinct values")
        }
        if let r = spec.retention, r <= 0 { throw bad("retention", VirtualTime.format(r), "must be positive") }
        guard spec.segment > 0 else { throw bad("segment", VirtualTime.format(spec.segment), "must be positive") }
        guard spec.tableRows >= 0 else { throw bad("rows", String(spec.tableRows), "must be 0 or more") }
        try validateCost(spec.cost, object: what)
        try validateCost(spec.pollCost, object: what, option: "poll_cost")
        if case .zipf(let s) = spec.keyDistribution, !(s > 0 && s <= Limits.maxZipfExponent) {
            throw bad("key_skew", spec.keyDistribution.description,
                      "the exponent must be above 0 and at most \(VirtualTime.formatNumber(Limits.maxZipfExponent))")
        }
        switch spec.pattern {
        case .constant, .poisson: break
        case .burst(let on, let off):
            guard on > 0, off >= 0 else { throw bad("pattern", spec.pattern.description, "on must be positive and off not negative") }
        case .sine(let period):
            guard period > 0 else { throw bad("pattern", spec.pattern.description, "the period must be positive") }
        case .ramp(let target, let over):
            guard target >= 0, over > 0 else {
                throw bad("pattern", spec.pattern.description, "the target must be 0 or more rows per second and the span positive")
            }
            guard target <= Limits.maxRate else { throw bad("pattern", spec.pattern.description, "the target " + Engine.tooFast) }
        }
    }

    /// Changes a source's generator and log options (`ALTER SOURCE … SET (…)`).
    public func alterSource(_ name: String, _ change: (inout SourceSpec) -> Void) throws(EngineError) {
        guard let id = sourceIndex[name] else { throw .unknownObject(kind: "source", name: name) }
        let log = sources[id]
        var spec = log.spec
        change(&spec)
        if spec.partitions < log.spec.partitions {
            throw .invalidOption(object: "source \(name)", option: "partitions", value: String(spec.partitions),
                                 reason: "cannot be decreased from \(log.spec.partitions) (Kafka adds partitions, never removes them)")
        }
        try validateSource(spec)
        if spec.partitions > log.partitions.count { addPartitions(log, upTo: spec.partitions) }
        let samplerChanged = spec.keys != log.spec.keys || spec.keyDistribution != log.spec.keyDistribution
        // A new pattern starts its clock now (a ramp from `rate`, a burst with its on-phase).
        if spec.pattern != log.spec.pattern { log.patternStart = now }
        log.spec = spec
        for actor in actors where actor.consumer?.source === log { actor.cost = spec.cost }
        if samplerChanged {
            log.updateSampler()
            log.internKeyStrings(&strings)
        }
        scheduleGeneratorTickIfNeeded()
    }

    /// Appends `rows` rows to the source's log now (`INJECT`): at most `Limits.maxInjectRows`
    /// at a time, and never past `Limits.maxLogRows` in the log's life.
    public func inject(_ rows: Int, into name: String, partition: Int? = nil) throws(EngineError) {
        guard let id = sourceIndex[name] else { throw .unknownObject(kind: "source", name: name) }
        let log = sources[id]
        guard rows >= 0 else { throw .invalidOption(object: "INJECT", option: "rows", value: String(rows), reason: "must be 0 or more") }
        guard rows <= Limits.maxInjectRows else {
            throw .invalidOption(object: "INJECT", option: "rows", value: String(rows), reason: "must be at most \(Limits.maxInjectRows)")
        }
        guard Int64(rows) <= Limits.maxLogRows - log.generated else {
            throw .invalidOption(object: "source \(name)", option: "rows", value: String(rows),
                                 reason: "its log holds \(log.generated) rows, and INJECT fills a log to at most \(Limits.maxLogRows)")
        }
        if let p = partition, p < 0 || p >= log.partitions.count {
            throw .invalidPartition(source: name, partition: p, partitions: log.partitions.count)
        }
        log.append(Int64(rows), now: now, partition: partition)
        wakeConsumers(of: log)
        drainReady()
    }

    /// Kafka's `pause()`/`resume()` on one partition, for every consumer of the source.
    public func setPartitionPaused(_ name: String, partition: Int, paused: Bool) throws(EngineError) {
        guard let id = sourceIndex[name] else { throw .unknownObject(kind: "source", name: name) }
        let log = sources[id]
        guard partition >= 0 && partition < log.partitions.count else {
            throw .invalidPartition(source: name, partition: partition, partitions: log.partitions.count)
        }
        for consumer in log.consumers { consumer.paused[partition] = paused }
        if !paused { wakeConsumers(of: log); drainReady() }
    }

    // MARK: Jobs

    /// Changes what a running view's or sink's rows cost and how a sink writes (`ALTER
    /// MATERIALIZED VIEW | SINK … SET (…)`): each fragment's `cost` and the sink's `SinkSpec`,
    /// and the definition text; anything else `change` makes is refused, as is a value CREATE
    /// would refuse, and a refused change leaves the job as it was. Every actor takes the new
    /// values with the next chunk it starts (a sink: its next write); what it is working on
    /// finishes at the cost it was drawn with, already scheduled. No draw moves from one
    /// stream of random numbers to another, so a replayed session stays the same.
    public func alterJob(_ name: String, _ change: (inout JobSpec) -> Void) throws(EngineError) {
        guard let job = jobs[name] else { throw .unknownObject(kind: "materialized view or sink", name: name) }
        var spec = job.spec
        change(&spec)
        guard Engine.graph(of: spec) == Engine.graph(of: job.spec) else {
            throw .invalidPlan("ALTER changes only the costs of \(name)'s fragments and how its sink writes, not its graph: "
                               + "rescale it with ALTER … SET PARALLELISM, or DROP and CREATE it")
        }
        for fragment in spec.fragments {
            try validateCost(fragment.cost, object: name)
            for op in fragment.operators {
                if case .sink(let sink) = op { try validateSink(sink, of: name) }
            }
        }
        // What was ready to start starts as it would have before the change.
        drainReady()
        jobs[name]?.spec = spec
        for (f, ids) in job.fragmentActors.enumerated() {
            let fragment = spec.fragments[f]
            var sink: SinkSpec?
            if case .sink(let s) = fragment.operators.last { sink = s }
            for id in ids {
                let actor = actors[id]
                if actor.consumer != nil {
                    // A source actor's own cost is its source's; the fragment's is chained (see `instantiate`).
                    actor.chainedCost = fragment.cost.isFree ? nil : fragment.cost
                } else {
                    actor.cost = fragment.cost
                }
                // A sink at throughput 0 took nothing in (`startInputWork`): it starts now, out
                // of the write it was stuck in (`stickWriting`).
                let resumes = actor.sink?.throughput == 0 && sink?.throughput != 0
                actor.sink = sink
                if resumes {
                    if actor.stuckWriting {
                        actor.stuckWriting = false
                        actor.setStatus(.idle, now: now)
                    }
                    makeReady(actor)
                }
            }
        }
        drainReady()
    }

    /// A job's spec without what `alterJob` may change: what must stay as it is.
    private static func graph(of spec: JobSpec) -> JobSpec {
        var graph = spec
        graph.definition = ""
        for f in graph.fragments.indices {
            graph.fragments[f].cost = .free
            graph.fragments[f].operators = graph.fragments[f].operators.map { op in
                if case .sink = op { return .sink(SinkSpec()) }
                return op
            }
        }
        return graph
    }

    // MARK: Settings

    /// Applies new settings. Flow control changes take effect on every exchange channel at once
    /// (queued data stays; capacities are re-derived); the planner-time knobs
    /// (`streaming_enable_unaligned_join`, `sink_decouple`, `parallelism`) apply to new jobs.
    public func apply(_ new: EngineSettings) throws(EngineError) {
        try new.validate()
        let old = settings
        settings = new
        let flowChanged = old.flowControl != new.flowControl || old.buffersPerChannel != new.buffersPerChannel
            || old.floatingBuffersPerGate != new.floatingBuffersPerGate || old.exchangeInitialPermits != new.exchangeInitialPermits
            || old.exchangeConcurrentBarriers != new.exchangeConcurrentBarriers
        if flowChanged {
            rebuildFlowControl()
        } else if old.maxBuffersPerChannel != new.maxBuffersPerChannel {
            // The senders' side only: what they may keep unsent, not what receivers hold.
            for channel in channels where actors[channel.receiver].alive {
                applyOutputBuffers(channel)
                recountHolding(channel)
            }
        }
        if !(new.flowControl == .credit && barriersBlockCreditChannels) {
            // Nothing blocks a channel behind its barrier any more (`CreditScheme.block`).
            for channel in channels where channel.blockedByBarrier { schemes.credit.resume(channel, engine: self) }
        } else if !flowChanged && old.checkpointMode != new.checkpointMode {
            // Now something does (a re-attach does it as it goes).
            blockChannelsAwaitingBarriers()
        }
        if old.checkpointMode == .aligned && new.checkpointMode == .unaligned && new.alignedCheckpointTimeoutMs == 0 {
            // Every checkpoint in flight turns unaligned now, oldest first, as at an
            // aligned-checkpoint timeout: its alignments end, its queued barriers jump the rows
            // ahead of them, and blocked sources send it. (Those already unaligned once, before
            // a switch back to aligned, turn again: barriers sent meanwhile queued behind rows.)
            for i in inFlight.indices { inFlight[i].turnedUnaligned = false }
            for epoch in inFlight.map(\.epoch) { turnUnaligned(epoch) }
        } else if new.checkpointMode == .unaligned && new.alignedCheckpointTimeoutMs == 0 && old.alignedCheckpointTimeoutMs != 0 {
            // Unaligned already, the timeout drops to 0 (unaligned from the start): the
            // checkpoints still aligned, waiting for a timeout that no timer will bring, turn
            // now. (They waited for ever, holding their aligned inputs.)
            for epoch in inFlight.filter({ !$0.turnedUnaligned }).map(\.epoch) { turnUnaligned(epoch) }
        }
        if old.checkpointMode != new.checkpointMode || old.alignedCheckpointTimeoutMs != new.alignedCheckpointTimeoutMs {
            // With an aligned-checkpoint timeout, each epoch in flight turns once it is that old.
            scheduleAlignedTimer(force: true)
        }
        if old.barrierIntervalMs != new.barrierIntervalMs { restartBarrierTicks() }
        if old.checkpointTimeoutMs != new.checkpointTimeoutMs { scheduleCheckpointTimer(force: true) }
        if old.maxPollIntervalMs != new.maxPollIntervalMs || old.fetchMaxWaitMs != new.fetchMaxWaitMs
            || old.fetchMinBytes != new.fetchMinBytes {
            consumerSettingsChanged()
        }
        drainReady()
    }

    /// Re-attaches every channel to the current scheme, keeping queued data.
    func rebuildFlowControl() {
        reclaimConnections()
        for (actorID, actorGates) in gates.enumerated() where actors[actorID].alive {
            for gate in actorGates {
                gate.floatingFree = settings.floatingBuffersPerGate
                gate.tcpFree = settings.floatingBuffersPerGate
                gate.waiters.removeAll()
            }
        }
        for channel in channels where actors[channel.receiver].alive {
            channel.waitingForFloating = false
            channel.credit = 0
            channel.floatingHeld = 0
            channel.floatingInUse = 0
            channel.permitsToReturn = 0
            channel.excessBuffers = 0
            scheme(for: channel).attach(channel, engine: self)
            // What is already queued holds buffers and permits under the new scheme.
            switch settings.flowControl {
            case .credit:
                // Queued buffers hold the exclusive buffers first, then floating ones from the pool.
                // When barriers block credit channels (no exclusive buffers), only the rows ahead
                // of a barrier do: those behind it (a held input's, all of them) wait for an
                // alignment, and the gate's other inputs need the pool to bring their barriers
                // (Flink blocks a channel before rows could come behind its barrier). They count
                // as over, and the floating buffers go to the rows in front.
                let exclusive = settings.buffersPerChannel
                let blocking = barriersBlockCreditChannels
                let lendable = blocking ? (isHeldByAlignment(channel) ? 0 : Self.buffersAheadOfBarrier(channel)) : channel.inboxBuffers
                let floating = min(max(0, lendable - exclusive), gate(of: channel).floatingFree)
                channel.floatingHeld = floating
                gate(of: channel).floatingFree -= floating
                channel.credit = max(0, exclusive - channel.inboxBuffers)
                // Beyond every buffer the channel could hold (after unbounded, say): freeing
                // those gives no credit back.
                channel.excessBuffers = max(0, channel.inboxBuffers - exclusive - floating)
                schemes.credit.markFloating(channel, skipping: blocking ? 0 : channel.excessBuffers, count: floating)
            case .permits:
                // Each queued chunk holds the permits it would have taken, and gives exactly those
                // back when it is dequeued (rows queued under another scheme, or moved by a
                // rescale, carry none yet); each queued barrier holds a barrier permit.
                for i in channel.inbox.indices {
                    if channel.inbox[i].isBarrier {
                        channel.barrierPermits -= 1
                    } else {
                        let need = min(max(channel.inbox[i].rows, 1), settings.maxChunkPermits)
                        channel.inbox[i].permits = need
                        channel.permits -= need
                    }
                }
            case .tcp:
                // A held input's queued rows are spilled (see `TcpScheme.spill`): no gate buffers.
                // So are rows beyond the gate's free buffers (moved in by a rescale, or queued
                // under unbounded): the gate never lends more than it has.
                let held = isHeldByAlignment(channel) ? 0 : min(channel.inboxBuffers, max(0, gate(of: channel).tcpFree))
                gate(of: channel).tcpFree -= held
                channel.excessBuffers = channel.inboxBuffers - held
            default: break
            }
        }
        for channel in channels where actors[channel.receiver].alive {
            applyOutputBuffers(channel)
            recountHolding(channel)
        }
        if settings.flowControl == .credit && barriersBlockCreditChannels { blockChannelsAwaitingBarriers() }
        for channel in channels where actors[channel.receiver].alive && !channel.outbox.isEmpty { pump(channel) }
    }

    /// Barriers now block credit channels (aligned, no exclusive buffers): a channel whose
    /// barrier its receiver has not passed yet (queued in the inbox, or held by an alignment)
    /// is blocked as if it had sent it under these settings, giving its free floating buffers
    /// back, before anything is sent. Left open, it took the gate's floating buffers for rows
    /// behind its barrier, and the gate's other inputs could never bring theirs: the
    /// alignment, and the job, waited for ever.
    func blockChannelsAwaitingBarriers() {
        for channel in channels where actors[channel.receiver].alive && channel.role == .exchange && !channel.blockedByBarrier
            && (isHeldByAlignment(channel) || channel.inbox.contains(where: \.isBarrier)) {
            schemes.credit.block(channel, engine: self)
        }
    }

    // MARK: Helpers

    /// The buffers queued in `channel`'s inbox ahead of its first barrier.
    static func buffersAheadOfBarrier(_ channel: Channel) -> Int {
        var buffers = 0
        for message in channel.inbox {
            if message.isBarrier { break }
            buffers += message.buffers
        }
        return buffers
    }

    func checkNewName(_ name: String) throws(EngineError) {
        if sourceIndex[name] != nil {
            throw .duplicateName(kind: sources[sourceIndex[name]!].spec.isTable ? "table" : "source", name: name)
        }
        if let job = jobs[name] { throw .duplicateName(kind: job.spec.kind.rawValue, name: name) }
    }

    func validateCost(_ cost: CostSpec, object: String, option: String = "cost") throws(EngineError) {
        if let reason = cost.invalidity {
            throw .invalidOption(object: object, option: option, value: cost.description, reason: reason)
        }
    }

    /// Why a rate, a ramp's target or a sink's throughput above `Limits.maxRate` is refused.
    static let tooFast = "must be at most \(VirtualTime.formatNumber(Limits.maxRate)) rows per second"

    /// FNV-1a: a hash of a name that is the same in every process (unlike `hashValue`).
    static func stableHash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }

    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var z = a ^ (b &+ 0x9E37_79B9_7F4A_7C15 &+ (a << 6) &+ (a >> 2))
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        return z ^ (z >> 31)
    }

    // MARK: Reading

    public var sourceNames: [String] { sources.filter { sourceIndex[$0.spec.name] == $0.id }.map(\.spec.name) }
    public func sourceSpec(_ name: String) -> SourceSpec? { sourceIndex[name].map { sources[$0].spec } }
    public var jobNames: [String] { Array(jobs.keys) }
    public func jobSpec(_ name: String) -> JobSpec? { jobs[name]?.spec }
}
