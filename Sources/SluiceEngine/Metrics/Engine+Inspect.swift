/// Inspection: snapshots of actors, channels, consumers, sources and jobs over the window.
extension Engine {
    /// The window's length for something created at `created`: rates of a job created inside
    /// the window count from its creation. Zero when no virtual time has passed since.
    private func window(since created: Int64) -> Int64 { now - max(resetAt, created) }

    /// `count` per second over `window` nanoseconds; 0 over an empty window, which measured
    /// nothing (callers read the snapshot's `window` to tell the two apart).
    private func perSecond(_ count: Double, over window: Int64) -> Double {
        window > 0 ? count / (Double(window) / 1e9) : 0
    }

    public func actorSnapshots() -> [ActorSnapshot] {
        drainReady()
        return actors.filter(\.alive).map(snapshot)
    }

    public func actorSnapshot(named name: String) -> ActorSnapshot? {
        actors.first { $0.alive && $0.name == name }.map(snapshot)
    }

    private func snapshot(_ a: Actor) -> ActorSnapshot {
        let t = a.times(now: now)
        let base = resetSnapshot.actorTimes[a.id] ?? (0, 0, 0)
        var busy = Double(t.busy - base.busy), idle = Double(t.idle - base.idle), bp = Double(t.backpressured - base.backpressured)
        let window = window(of: a)
        let total = busy + idle + bp
        if total > 0 { busy = busy / total * 1000; idle = idle / total * 1000; bp = bp / total * 1000 }
        let rowsBase = resetSnapshot.actorRows[a.id] ?? (0, 0, 0)
        var inputRows = 0, inputBuffers = 0, fill = 0, capacity: Int? = 0, unit = "rows", avg = 0.0
        var states: [String] = []
        var gatesCounted: [Int] = []  // a gate's shared buffers count once (an actor has a gate or two)
        for id in a.inputs {
            let c = channels[id]
            inputRows += c.inboxRows
            inputBuffers += c.inboxBuffers
            let d = scheme(for: c).describe(c, engine: self)
            fill += d.used
            unit = d.unit
            if let cap = d.capacity, capacity != nil {
                capacity! += cap - d.shared
                if !gatesCounted.contains(c.gate) {
                    gatesCounted.append(c.gate)
                    capacity! += d.shared
                }
            } else {
                capacity = nil
            }
            states.append(d.state)
            avg += averageDepth(c, over: window)
        }
        if a.inputs.isEmpty { capacity = nil }
        let upstream = a.inputs.map { actors[channels[$0].sender].name }
        let downstream = a.dispatchers.flatMap { $0.channels.map { actors[channels[$0].receiver].name } }
        return ActorSnapshot(
            id: a.id, name: a.name, job: a.job, fragment: a.fragment, chain: chainDescription(a), role: roleName(a),
            node: a.node, status: statusName(a),
            window: window,
            busyTimeMsPerSecond: busy, idleTimeMsPerSecond: idle, backPressuredTimeMsPerSecond: bp,
            outputBlockingRatio: bp / 1000,
            rowsIn: a.rowsIn, rowsOut: a.rowsOut,
            rowsInPerSecond: perSecond(Double(a.rowsIn - rowsBase.rowsIn), over: window),
            rowsOutPerSecond: perSecond(Double(a.role == .sink ? a.delivered - rowsBase.delivered : a.rowsOut - rowsBase.rowsOut), over: window),
            inputRows: inputRows, inputBuffers: inputBuffers, inputFill: fill, inputCapacity: capacity, inputUnit: unit,
            averageInputRows: avg,
            inputGrowthPerSecond: perSecond(Double(queuedInputRows(a) - (resetSnapshot.inputQueuedRows[a.id] ?? a.queuedAtCreation)), over: window),
            inputDroppedPerSecond: perSecond(Double(droppedInputRows(a) - (resetSnapshot.inputDropped[a.id] ?? 0)), over: window),
            flowState: states.count == 1 ? states[0] : (states.isEmpty ? "" : "\(states.count) channels; " + (states.first ?? "")),
            stateRows: a.stateRows, filteredRows: a.filteredRows, delivered: a.delivered, writes: a.writes,
            alignNs: a.alignNs - (resetSnapshot.alignNs[a.id] ?? 0), barrierNs: a.barrierNs - (resetSnapshot.barrierNs[a.id] ?? 0),
            inputCount: a.inputs.count,
            upstream: upstream, downstream: downstream)
    }

    /// The part of the metrics window `a` has lived through: an actor created inside the
    /// window counts from its creation (the time it has accounted since), which is none right
    /// after a rescale made it.
    private func window(of a: Actor) -> Int64 {
        let t = a.times(now: now)
        let base = resetSnapshot.actorTimes[a.id] ?? (0, 0, 0)
        return min(metricsWindow, t.busy - base.busy + t.idle - base.idle + t.backpressured - base.backpressured)
    }

    /// A channel's time-averaged depth in rows over the last `window` nanoseconds (its
    /// receiver's window: a channel made inside the metrics window counts from then); 0 over none.
    private func averageDepth(_ c: Channel, over window: Int64) -> Double {
        let integral = c.depthRowsIntegral + Double(now - c.depthSince) * Double(c.inboxRows)
        let base = resetSnapshot.channelDepth[c.id]?.rows ?? 0
        return window > 0 ? (integral - base) / Double(window) : 0
    }

    /// The same in network buffers.
    private func averageBufferDepth(_ c: Channel, over window: Int64) -> Double {
        let integral = c.depthBuffersIntegral + Double(now - c.depthSince) * Double(c.inboxBuffers)
        let base = resetSnapshot.channelDepth[c.id]?.buffers ?? 0
        return window > 0 ? (integral - base) / Double(window) : 0
    }

    private func statusName(_ a: Actor) -> String {
        switch a.status {
        case .busy: "busy"
        case .idle: a.selfPaused ? "paused" : "idle"
        case .backpressured: "backpressured"
        }
    }

    private func roleName(_ a: Actor) -> String {
        switch a.role {
        case .source: "source"
        case .transform: "transform"
        case .logStore: "log store"
        case .materialize: "materialize"
        case .sink: "sink"
        }
    }

    func chainDescription(_ a: Actor) -> String {
        guard let job = jobs[a.job], let fragment = job.spec.fragments.first(where: { "\(job.spec.name).\($0.role)" == a.fragment }) else { return "" }
        return fragment.operators.map(Engine.operatorName).joined(separator: " → ")
    }

    /// RisingWave's plan-node name for an operator.
    public static func operatorName(_ op: OperatorSpec) -> String {
        switch op {
        case .source: "StreamSource"
        case .filter: "StreamFilter"
        case .project: "StreamProject"
        case .hashAgg: "StreamHashAgg"
        case .hashJoin: "StreamHashJoin"
        case .logStore: "StreamSyncLogStore"
        case .materialize: "StreamMaterialize"
        case .sink: "StreamSink"
        }
    }

    public func channelSnapshots() -> [ChannelSnapshot] {
        drainReady()
        return channels.filter { actors[$0.receiver].alive && actors[$0.sender].alive }.map { c in
            let d = scheme(for: c).describe(c, engine: self)
            let kind: String
            switch c.role {
            case .exchange: kind = settings.flowControl.rawValue
            case .joinLogStore: kind = "log store"
            case .sinkLog: kind = "sink log"
            }
            return ChannelSnapshot(from: actors[c.sender].name, to: actors[c.receiver].name, kind: kind, isLocal: c.isLocal,
                                   rows: c.inboxRows, buffers: c.inboxBuffers, outboxRows: c.outboxRows,
                                   capacityRows: d.capacity.map { d.unit == "buffers" ? $0 * c.rowsPerBuffer : $0 },
                                   fill: d.used, capacity: d.capacity, unit: d.unit, averageRows: averageDepth(c, over: window(of: actors[c.receiver])),
                                   averageBuffers: averageBufferDepth(c, over: window(of: actors[c.receiver])),
                                   peakRows: c.peakInboxRows, sentRows: c.sentRows, receivedRows: c.receivedRows,
                                   droppedRows: c.droppedRows, flowState: d.state,
                                   queuedBytes: c.queuedRows * c.rowWidthBytes)
        }
    }

    /// Rows on `actor`'s input channels, sender and receiver side.
    func queuedInputRows(_ actor: Actor) -> Int { actor.inputs.reduce(0) { $0 + channels[$1].queuedRows } }
    func droppedInputRows(_ actor: Actor) -> Int64 { actor.inputs.reduce(0) { $0 + channels[$1].droppedRows } }

    /// Bytes queued on every channel: what the unbounded scheme's memory grows with.
    public var queuedBytes: Int { channels.reduce(0) { $0 + (actors[$1.receiver].alive ? $1.queuedRows * $1.rowWidthBytes : 0) } }

    public func partitionLag() -> [PartitionLagSnapshot] {
        var result: [PartitionLagSnapshot] = []
        for job in jobs.values {
            let sourceActors = job.fragmentActors.joined().map { actors[$0] }.filter { $0.role == .source }
            for consumer in job.consumers {
                let log = consumer.source
                for p in log.partitions.indices {
                    let member = sourceActors.first { $0.consumer === consumer && $0.partitions.contains(p) }
                    result.append(PartitionLagSnapshot(
                        source: log.spec.name, consumer: job.spec.name, partition: p,
                        logStartOffset: log.partitions[p].startOffset, logEndOffset: log.partitions[p].endOffset,
                        position: consumer.offsets[p], lag: consumer.lag(p), expired: consumer.expired[p],
                        paused: consumer.paused[p], member: member?.name))
                }
            }
        }
        return result
    }

    /// Node pairs whose TCP connection (`tcp`) is stalled now, in node order.
    public func stalledConnections() -> [(from: Int, to: Int)] {
        connections.values.filter(\.stalled).map { (from: $0.fromNode, to: $0.toNode) }.sorted { ($0.from, $0.to) < ($1.from, $1.to) }
    }

    /// A cycle of stalled TCP connections (node a → b → … → a), the first in node order, if
    /// any: each connection waits for a receiver whose own output waits on the next one.
    public func stalledConnectionCycle() -> [Int]? {
        let edges = stalledConnections()
        for start in Set(edges.map(\.from)).sorted() {
            var path = [start]
            var node = start
            while let next = edges.first(where: { $0.from == node })?.to {
                if next == start { return path + [start] }
                if path.contains(next) { break }
                path.append(next)
                node = next
            }
        }
        return nil
    }

    public func consumerSnapshots() -> [ConsumerSnapshot] {
        var result: [ConsumerSnapshot] = []
        for job in jobs.values {
            for consumer in job.consumers {
                // Counted by the group, over the window (RESET METRICS zeroes them), so members
                // that came and went in a rescale still count; rows are those poll() returned.
                let window = window(since: job.createdAt)
                result.append(ConsumerSnapshot(source: consumer.source.spec.name, consumer: job.spec.name, window: window,
                                               // Noted at polls and as rows arrive (a blocked consumer's lag grows
                                               // without polls); reading it changes nothing.
                                               lag: consumer.totalLag,
                                               lagGrowthPerSecond: perSecond(Double(consumer.totalLag - consumer.lagAtWindowStart), over: window),
                                               recordsLagMax: consumer.lagMax,
                                               recordsConsumedRate: perSecond(Double(consumer.fetchedRows), over: window),
                                               pollRate: perSecond(Double(consumer.fetches), over: window),
                                               expired: consumer.expired.reduce(0, +),
                                               skipped: consumer.skipped.reduce(0, +),
                                               recordsPerRequest: consumer.fetches == 0 ? 0 : Double(consumer.fetchedRows) / Double(consumer.fetches),
                                               fetchLatencyAvgMs: consumer.fetches == 0 ? 0 : Double(consumer.fetchWaitNs) / Double(consumer.fetches) / 1e6,
                                               rebalances: consumer.rebalances))
            }
        }
        return result
    }

    public func sourceSnapshots() -> [SourceSnapshot] {
        sources.filter { sourceIndex[$0.spec.name] == $0.id }.map { s in
            SourceSnapshot(name: s.spec.name, isTable: s.spec.isTable,
                           schema: s.spec.schema,
                           rate: s.spec.rate, pattern: s.spec.pattern.description, partitions: s.partitions.count,
                           generated: s.generated, logEnd: s.partitions.reduce(0) { $0 + $1.endOffset },
                           retention: s.spec.retention, deleted: s.deletedByRetention)
        }
    }

    public func jobSnapshots() -> [JobSnapshot] {
        jobs.values.map { job in
            let last = job.lastActors.map { actors[$0] }
            let rows = last.reduce(0) { $0 + (($1.operators.last as? MaterializeOperator)?.liveRows ?? 0) }
            let delivered = last.reduce(job.retiredDelivered) { $0 + $1.delivered }
            let base = last.reduce(job.retiredDeliveredBase) { $0 + (resetSnapshot.actorRows[$1.id]?.delivered ?? 0) }
            let decoupled = last.first?.inputs.first.map { channels[$0].role == .sinkLog } == true
            let logLag = decoupled ? last.reduce(0) { $0 + queuedInputRows($1) } : nil
            // The log at the window's start: what its actors' inputs held then (none for
            // actors made since, which started with an empty log).
            let logAtStart = last.reduce(job.retiredLogBase) { $0 + (resetSnapshot.inputQueuedRows[$1.id] ?? 0) }
            let window = window(since: job.createdAt)
            let logGrowth = logLag.map { perSecond(Double($0 - logAtStart), over: window) }
            return JobSnapshot(name: job.spec.name, kind: job.spec.kind, actors: job.fragmentActors.reduce(0) { $0 + $1.count },
                               fragments: job.fragmentActors.count, rows: rows, delivered: delivered, window: window,
                               throughput: perSecond(Double(delivered - base), over: window), definition: job.spec.definition,
                               dependsOn: job.spec.dependsOn, logLag: logLag, logGrowthPerSecond: logGrowth,
                               parallelism: job.spec.fragments.last?.parallelism ?? 1)
        }
    }

    /// The current contents of a materialized view, decoded.
    public func viewRows(_ name: String) throws(EngineError) -> (schema: Schema, rows: [[Value]]) {
        guard let job = jobs[name], job.spec.kind == .materializedView else {
            throw .unknownObject(kind: "materialized view", name: name)
        }
        let schema = job.spec.outputSchema
        var rows: [[Value]] = []
        for id in job.lastActors {
            guard let m = actors[id].operators.last as? MaterializeOperator else { continue }
            for row in m.currentRows() {
                rows.append(row.enumerated().map { Value.decode($0.element, schema.columns[$0.offset].type, strings: strings) })
            }
        }
        return (schema, rows)
    }

    /// A table's rows, decoded (tables are bounded logs: every row ever appended).
    public func tableRows(_ name: String, limit: Int) throws(EngineError) -> (schema: Schema, rows: [[Value]]) {
        guard let id = sourceIndex[name], sources[id].spec.isTable else { throw .unknownObject(kind: "table", name: name) }
        let log = sources[id]
        var chunk = Chunk(width: log.spec.schema.count)
        let n = Int(min(Int64(limit), log.partitions[0].endOffset))
        log.readRows(partition: 0, offset: 0, count: n, into: &chunk)
        let schema = log.spec.schema
        let rows = (0..<chunk.count).map { r in
            (0..<schema.count).map { Value.decode(chunk.value(r, $0), schema.columns[$0].type, strings: strings) }
        }
        return (schema, rows)
    }
}
