@testable import SluiceEngine

/// More builders: joins, views with sinks on top, the two-pipeline TCP scenario, and the
/// engine-wide audits (balances, time accounts, a full text rendering) several suites share.
extension Fixtures {
    static let users = Schema([Column("user_id", .int), Column("region", .varchar)])

    /// A table: a bounded log of `rows` rows loaded at creation, key column `o % keys`.
    static func table(_ name: String = "users", rows: Int, keys: Int, schema: Schema = users) -> SourceSpec {
        var s = SourceSpec(name: name, schema: schema)
        s.isTable = true
        s.tableRows = rows
        s.keys = keys
        return s
    }

    /// `left ⋈ right ON left.0 = right.0` into a sink. With `logStore`, RisingWave's
    /// AddLogstoreRule shape: the join, then a `StreamSyncLogStore` fragment over a no-shuffle
    /// exchange, then the sink.
    static func joinSink(_ name: String, left: String = "clicks", right: String = "users",
                         leftSchema: Schema = clicks, rightSchema: Schema = users,
                         logStore: Bool, sink: SinkSpec, sinkCost: CostSpec = .free) -> JobSpec {
        let joined = Schema(leftSchema.columns + rightSchema.columns)
        var fragments = [
            FragmentSpec(role: "left", operators: [.source(left)], parallelism: 1, inputs: [], outputSchema: leftSchema),
            FragmentSpec(role: "right", operators: [.source(right)], parallelism: 1, inputs: [], outputSchema: rightSchema),
            FragmentSpec(role: "join",
                         operators: [.hashJoin(leftKeys: [0], rightKeys: [0], leftWidth: leftSchema.count, rightWidth: rightSchema.count)],
                         parallelism: 1,
                         inputs: [FragmentInput(from: .fragment(0), distribution: .hash([0]), side: 0),
                                  FragmentInput(from: .fragment(1), distribution: .hash([0]), side: 1)],
                         outputSchema: joined),
        ]
        if logStore {
            fragments.append(FragmentSpec(role: "logstore", operators: [.logStore], parallelism: 1,
                                          inputs: [FragmentInput(from: .fragment(fragments.count - 1), distribution: .simple)],
                                          outputSchema: joined))
        }
        fragments.append(FragmentSpec(role: "sink", operators: [.sink(sink)], parallelism: 1,
                                      inputs: [FragmentInput(from: .fragment(fragments.count - 1), distribution: .simple)],
                                      cost: sinkCost, outputSchema: joined))
        return JobSpec(name: name, kind: .sink, fragments: fragments, outputSchema: joined,
                       dependsOn: [left, right], definition: "")
    }

    /// source → materialize (every column, no key): a view whose changes feed sinks.
    static func passView(_ name: String, source: String = "clicks", schema: Schema = clicks, cost: CostSpec = .free) -> JobSpec {
        JobSpec(name: name, kind: .materializedView, fragments: [
            FragmentSpec(role: "source", operators: [.source(source)], parallelism: 1, inputs: [], outputSchema: schema),
            FragmentSpec(role: "mv", operators: [.materialize(primaryKey: [])], parallelism: 1,
                         inputs: [FragmentInput(from: .fragment(0), distribution: .simple)], cost: cost, outputSchema: schema),
        ], outputSchema: schema, dependsOn: [source], definition: "")
    }

    /// `amount > threshold` on the clicks schema.
    static func amountAbove(_ threshold: Double) -> ScalarExpr {
        let amount = ScalarExpr.column(2, .double, name: "amount")
        return .comparison(.gt, amount, .constant(ScalarExpr.bits(threshold), .double, text: "\(threshold)"))
    }
}

/// One imbalance found by `EngineAudit`.
struct Imbalance: CustomStringConvertible, Equatable {
    let what: String
    let detail: String
    var description: String { "\(what): \(detail)" }
}

/// What DESIGN.md §1.3 promises, computed from the engine's internal state: every consumer
/// group balances (generated = consumed + lag + expired + skipped), every live channel balances
/// (sent = received + queued + dropped), and every actor's busy + idle + backpressured time
/// equals the time it has existed.
enum EngineAudit {
    /// Credit's buffers on one channel: those it holds (its exclusive ones and the floating
    /// ones it took) are either free (its credit) or hold queued rows (beyond `excessBuffers`);
    /// the floating ones holding rows are those the inbox's messages carry.
    static func creditBuffers(_ engine: Engine, _ c: Channel) -> [Imbalance] {
        guard engine.settings.flowControl == .credit, c.role == .exchange else { return [] }
        var found: [Imbalance] = []
        let held = engine.settings.buffersPerChannel + c.floatingHeld, accounted = c.credit + c.inboxBuffers - c.excessBuffers
        if held != accounted {
            found.append(Imbalance(what: "credit channel \(engine.channelName(c))",
                                   detail: "holds \(held) buffers ≠ credit \(c.credit) + queued \(c.inboxBuffers) - over \(c.excessBuffers)"))
        }
        let marked = c.inbox.reduce(0) { $0 + $1.floating }
        if marked != c.floatingInUse || c.floatingInUse > c.floatingHeld || c.credit < 0 {
            found.append(Imbalance(what: "credit channel \(engine.channelName(c))",
                                   detail: "floating in use \(c.floatingInUse), marked \(marked), held \(c.floatingHeld), credit \(c.credit)"))
        }
        return found
    }

    /// `inConnections` also counts, as queued, rows sitting in a TCP connection between two
    /// nodes (neither in the channel's outbox nor in its inbox).
    static func imbalances(_ engine: Engine, inConnections: Bool = false) -> [Imbalance] {
        engine.drainReady()
        var found: [Imbalance] = []
        for job in engine.jobs.values {
            for consumer in job.consumers {
                let consumed = consumer.consumed.reduce(0, +)
                let expired = consumer.expired.reduce(0, +), skipped = consumer.skipped.reduce(0, +)
                if consumer.generated != consumed + consumer.totalLag + expired + skipped {
                    found.append(Imbalance(what: "consumer \(job.spec.name) of \(consumer.source.spec.name)",
                                           detail: "generated \(consumer.generated) ≠ consumed \(consumed) + lag \(consumer.totalLag) + expired \(expired) + skipped \(skipped)"))
                }
                for p in consumer.offsets.indices
                where consumer.offsets[p] - consumer.baseOffsets[p] != consumer.consumed[p] + consumer.expired[p] + consumer.skipped[p] {
                    found.append(Imbalance(what: "consumer \(job.spec.name) partition \(p)",
                                           detail: "position moved \(consumer.offsets[p] - consumer.baseOffsets[p]) ≠ consumed \(consumer.consumed[p]) + expired \(consumer.expired[p]) + skipped \(consumer.skipped[p])"))
                }
            }
        }
        for c in engine.channels where engine.actors[c.receiver].alive && engine.actors[c.sender].alive {
            // `queuedRows` counts the rows inside a TCP connection too (outbox + in transit + inbox).
            let queued = c.queuedRows
            if c.sentRows != c.receivedRows + Int64(queued) + c.droppedRows {
                found.append(Imbalance(what: "channel \(engine.channelName(c))",
                                       detail: "sent \(c.sentRows) ≠ received \(c.receivedRows) + queued \(queued) + dropped \(c.droppedRows)"))
            }
            let inboxRows = c.inbox.reduce(0) { $0 + $1.rows }, outboxRows = c.outbox.reduce(0) { $0 + $1.rows }
            if inboxRows != c.inboxRows || outboxRows != c.outboxRows {
                found.append(Imbalance(what: "channel \(engine.channelName(c))",
                                       detail: "counted inbox \(c.inboxRows) / outbox \(c.outboxRows), holds \(inboxRows) / \(outboxRows)"))
            }
            found += creditBuffers(engine, c)
        }
        for a in engine.actors where a.alive {
            found += bookkeeping(engine, a)
            let t = a.times(now: engine.now)
            let created = engine.jobs[a.job]?.createdAt ?? 0
            if t.busy + t.idle + t.backpressured != engine.now - created || t.busy < 0 || t.idle < 0 || t.backpressured < 0 {
                found.append(Imbalance(what: "actor \(a.name)",
                                       detail: "busy \(t.busy) + idle \(t.idle) + backpressured \(t.backpressured) ≠ lifetime \(engine.now - created)"))
            }
        }
        return found
    }

    /// The engine's own bookkeeping of an actor: every input whose inbox holds messages is in
    /// its `queuedInputs`, and `outputHolds` counts exactly its channels that hold it back
    /// (`holdsSender`) and its exhausted output pools, each pool counting its channels' unsent buffers.
    static func bookkeeping(_ engine: Engine, _ a: Actor) -> [Imbalance] {
        var found: [Imbalance] = []
        if a.inputs.count > 1 {
            for (i, id) in a.inputs.enumerated() where !engine.channels[id].inbox.isEmpty && a.queuedInputs?.contains(i) != true {
                found.append(Imbalance(what: "actor \(a.name)", detail: "input \(i) holds messages but is not among its queued inputs"))
            }
        }
        var holds = 0
        for d in a.dispatchers {
            for id in d.channels {
                let c = engine.channels[id]
                if c.countedHolding { holds += 1 }
                if c.countedHolding != engine.holdsSender(c) {
                    found.append(Imbalance(what: "channel \(engine.channelName(c))", detail: "counted holding \(c.countedHolding), holds \(engine.holdsSender(c))"))
                }
            }
            if let pool = d.pool {
                if pool.holding { holds += 1 }
                let unsent = d.channels.filter { engine.channels[$0].outputPool === pool }.reduce(0) { $0 + engine.channels[$1].outboxBuffers }
                if pool.holding != pool.isExhausted || pool.queued != unsent {
                    found.append(Imbalance(what: "output pool of \(a.name)",
                                           detail: "holding \(pool.holding), \(pool.queued) of \(pool.capacity) buffers counted, \(unsent) unsent"))
                }
            }
        }
        if holds != a.outputHolds {
            found.append(Imbalance(what: "actor \(a.name)", detail: "outputHolds \(a.outputHolds), held by \(holds)"))
        }
        return found
    }

    /// Rows of `channel` inside the TCP connection between its nodes.
    static func connectionRows(_ engine: Engine, _ channel: Channel) -> Int {
        engine.connections.values.reduce(0) { n, connection in
            n + connection.queue.reduce(0) { $0 + ($1.channel == channel.id ? $1.message.rows : 0) }
        }
    }

    /// Rows that moved through a stateless actor: every row taken in was emitted, filtered,
    /// delivered (sinks) or is still being worked on.
    static func statelessImbalances(_ engine: Engine) -> [Imbalance] {
        var found: [Imbalance] = []
        for a in engine.actors where a.alive && !a.isStateful {
            let pending = Int64(a.pendingOutput?.count ?? 0)
            let accounted: Int64
            if a.role == .sink {
                accounted = a.delivered + (a.status == .busy ? Int64(a.inProgressRows) : 0)
            } else {
                accounted = a.rowsOut + a.filteredRows + pending
            }
            if a.rowsIn != accounted {
                found.append(Imbalance(what: "actor \(a.name)", detail: "in \(a.rowsIn) ≠ out/delivered + filtered + in progress \(accounted)"))
            }
            // Every dispatcher got every emitted row (one copy per receiver under broadcast).
            for d in a.dispatchers {
                let sent = d.channels.reduce(Int64(0)) { $0 + engine.channels[$1].sentRows }
                let expected = d.distribution == .broadcast ? a.rowsOut * Int64(d.channels.count) : a.rowsOut
                if sent != expected {
                    found.append(Imbalance(what: "actor \(a.name) dispatcher \(d.distribution)", detail: "sent \(sent) ≠ emitted \(expected)"))
                }
            }
        }
        return found
    }
}

/// A complete text rendering of everything the engine reports, for byte comparisons.
/// Doubles print in Swift's shortest round-trip form, so two texts are equal exactly when
/// every value is bit-for-bit equal.
enum MetricsText {
    static func render(_ engine: Engine) -> String {
        var out: [String] = []
        out.append("now \(engine.now) events \(engine.processedEvents) next \(engine.nextEventTime.map(String.init) ?? "-")")
        out.append("settings \(engine.settings)")
        out.append("sources \(engine.sourceNames) jobs \(engine.jobNames)")
        for s in engine.sourceSnapshots() { out.append("source \(s)") }
        for a in engine.actorSnapshots() { out.append("actor \(a)") }
        for c in engine.channelSnapshots() { out.append("channel \(c)") }
        for c in engine.consumerSnapshots() { out.append("consumer \(c)") }
        for p in engine.partitionLag() { out.append("partition \(p)") }
        for j in engine.jobSnapshots() { out.append("job \(j)") }
        out.append(barrierTimeline(engine))
        for name in engine.jobNames where engine.jobSpec(name)?.kind == .materializedView {
            if let view = try? engine.viewRows(name) { out.append("view \(name) \(view.rows)") }
        }
        out.append("queued bytes \(engine.queuedBytes)")
        return out.joined(separator: "\n")
    }

    /// Every completed checkpoint and every in-flight barrier, with where it is.
    static func barrierTimeline(_ engine: Engine) -> String {
        var out: [String] = []
        for c in engine.checkpoints {
            out.append("checkpoint \(c.epoch) injected \(c.injectedAt) completed \(c.completedAt) offsets \(c.sourceOffsets.map { "\($0.consumer)=\($0.offsets)" }) state \(c.stateRows.map { "\($0.actor)=\($0.rows)" }) in-flight \(c.inFlightRows)/\(c.inFlightBuffers)")
        }
        for l in engine.barrierLocations() { out.append("in flight \(l)") }
        out.append("latencies \(engine.completedBarrierLatencies) skipped \(engine.skippedPeriodicBarriers)")
        return out.joined(separator: "\n")
    }
}

/// Nearest-rank percentile of virtual durations.
func percentile(_ values: [Int64], _ p: Double) -> Int64 {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
    return sorted[max(0, min(sorted.count - 1, rank - 1))]
}
