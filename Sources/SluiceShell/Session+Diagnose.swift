import SluiceEngine
import SluiceSQL

/// DIAGNOSE applies the article's rule, as Flink states it: the bottleneck is the frontmost
/// actor that is busy, not itself backpressured (OK), while an upstream of it is backpressured
/// (LOW or HIGH, Flink's levels). It names the actor, shows the metrics that prove it, and
/// suggests the knobs that fit what kind of actor it is. A source has no upstream to wait on
/// it: it is the bottleneck when its consumer lag grows. Where nothing backpressures, the
/// rule cannot see the bottleneck: a decoupled sink falling behind its own log
/// (`Session+DiagnoseSinkLog.swift`), an actor whose unbounded input grows or whose input
/// drops rows (`Session+DiagnoseUnthrottled.swift`). Under tcp, actors held back by a shared
/// connection and rings of stalled connections: `Session+DiagnoseConnections.swift`.
extension Session {
    func diagnose() -> [OutputBlock] {
        let actors = engine.actorSnapshots()
        guard !actors.isEmpty else {
            return [.notice("nothing to diagnose: no materialized view or sink is running")]
        }
        guard engine.metricsWindow > 0 else {
            return [.notice("nothing to diagnose yet: run some virtual time first (RUN 10s)")]
        }
        // Actors made inside the window (a rescale makes a job's actors anew) measure from
        // their creation: those that have not run yet have no numbers to judge by.
        let measured = actors.filter { $0.window > 0 }
        guard !measured.isEmpty else {
            return [.notice("nothing to diagnose yet: every actor started at \(VirtualTime.formatSeconds(engine.now)) and has not run; run some virtual time first (RUN 10s)")]
        }
        let window = MetricsWindowText(engine)
        let byName = Dictionary(actors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let channels = engine.channelSnapshots()
        // Candidates: busy, not backpressured (OK), with a backpressured upstream (LOW or
        // HIGH) that waits on it, or a source whose log lag grows.
        let candidates = measured.filter { a in
            a.busyTimeMsPerSecond >= 500 && Self.level(a) == .ok
                && (!waitingUpstream(a, byName, channels).isEmpty || (a.role == "source" && !laggingGroups(of: a).isEmpty))
        }
        let allLagging = engine.consumerSnapshots().filter { $0.lag > 0 }
        // Decoupled sinks backpressure nothing: they fall behind on their own logs instead.
        let behind = fallingBehindSinks(measured)
        let victims = connectionVictims(measured, byName)
        guard let culprit = Self.frontmost(candidates, byName) else {
            // No bottleneck, and TCP connections that wait on each other in a ring: that is why.
            if let ring = diagnoseStalledRing(actors) { return ring }
            // Nothing backpressures under unbounded and the drop schemes: the queue grows or drops instead.
            if let unthrottled = diagnoseUnthrottled(measured, byName, behind: behind) { return unthrottled }
            if !behind.isEmpty { return diagnoseSinkLogs(behind, byName) }
            // The rule's own test: an upstream above OK waits on someone.
            let blocked = measured.filter { Self.level($0) != .ok }
            var text = "no bottleneck found \(window.phrase(for: actors)): "
            text += blocked.isEmpty ? "no actor is backpressured (every one OK: at most 100 ms/s)"
                : "\(blocked.count) actor(s) are backpressured, but none downstream is busy without a break; look at SHOW QUEUES"
            if !allLagging.isEmpty { text += "; consumer lag: " + allLagging.map { "\($0.source)→\($0.consumer) \($0.lag)" }.joined(separator: ", ") }
            return [.notice(text)] + (victims.isEmpty ? [] : [connectionVictimsNote(victims)])
        }
        // Only the logs feeding the bottleneck's job (directly or through upstream views) back up behind it.
        var feeding: Set<String> = [culprit.job]
        var frontier = [culprit.job]
        while let job = frontier.popLast() {
            for name in engine.jobSpec(job)?.dependsOn ?? [] where engine.jobSpec(name) != nil && feeding.insert(name).inserted {
                frontier.append(name)
            }
        }
        let lagging = allLagging.filter { feeding.contains($0.consumer) }
        let upstreamBlocked = waitingUpstream(culprit, byName, channels)
        // Only LOW upstreams: an input that never runs dry is what shows they wait on the culprit.
        let onlyLow = !upstreamBlocked.isEmpty && !upstreamBlocked.contains { Self.level($0) == .high }
        let ownLag = upstreamBlocked.isEmpty ? laggingGroups(of: culprit) : []
        var evidence: [[ResultValue]] = [
            [.text(culprit.name), .text("busyTimeMsPerSecond"), .double(culprit.busyTimeMsPerSecond, decimals: 0), .text("busy most of the time")],
            [.text(culprit.name), .text("backPressuredTimeMsPerSecond"), .double(culprit.backPressuredTimeMsPerSecond, decimals: 0), .text("not blocked by its downstream")],
        ]
        let overhead = barrierOverhead(culprit)
        if let overhead {
            evidence.append([.text(culprit.name), .text("barrier work (barrier_cost)"), .text(Self.rate(culprit.barrierTimeMsPerSecond) + " ms/s"),
                             .text("\(Int((overhead * 100).rounded()))% of its busy time goes to checkpoints, not rows")])
        }
        if let capacity = culprit.inputCapacity, capacity > 0 {
            evidence.append([.text(culprit.name), .text("input queue"), .text("\(culprit.inputFill)/\(capacity) \(culprit.inputUnit)"),
                             .text(culprit.inputFill * 2 >= capacity ? "its input is filling up" : "its input queue")])
        }
        if onlyLow, let fill = averageInputFill(culprit, engine.channelSnapshots()) {
            evidence.append([.text(culprit.name), .text("idleTimeMsPerSecond"), .double(culprit.idleTimeMsPerSecond, decimals: 0), .text("its input never runs dry")])
            evidence.append([.text(culprit.name), .text("input queue (average)"), .text("\(Self.rate(fill.rows))/\(fill.capacity) rows"),
                             .text(fill.rows * 2 > Double(fill.capacity) ? "full most of the window: it cannot keep up" : "rows wait for it all the time")])
        }
        for u in upstreamBlocked.prefix(4) {
            let level = Self.level(u)
            evidence.append([.text(u.name), .text("backPressuredTimeMsPerSecond"), .double(u.backPressuredTimeMsPerSecond, decimals: 0),
                             .text(level == .high ? "upstream waits on it" : "upstream waits on it (\(level.rawValue): its own work takes the rest)")])
        }
        let skew = unevenLoad(on: culprit, among: measured)
        if let skew { evidence.append(skew.evidence) }
        // A join upstream that multiplies its input is why the culprit has so much to do.
        let amplifying = upstreamBlocked.filter { $0.chain.contains("StreamHashJoin") && $0.rowsOutPerSecond >= 2 * $0.rowsInPerSecond && $0.rowsInPerSecond > 0 }
        for u in amplifying.prefix(2) {
            evidence.append([.text(u.name), .text("rows out per row in"), .text(VirtualTime.formatNumber((u.rowsOutPerSecond / u.rowsInPerSecond * 10).rounded() / 10) + "×"),
                             .text("join amplification: each row it takes yields that many")])
        }
        for c in ownLag.prefix(3) {
            evidence.append([.text("\(c.source) → \(c.consumer)"), .text("lag"), .int(c.lag), .text("rows in the log, not yet read")])
            evidence.append([.text("\(c.source) → \(c.consumer)"), .text("lag growth"), .text(Self.rate(c.lagGrowthPerSecond) + " rows/s"),
                             .text("the log receives \(Self.rate(c.recordsConsumedRate + c.lagGrowthPerSecond)) rows/s, the source reads \(Self.rate(c.recordsConsumedRate))")])
        }
        for c in lagging.prefix(3) where !ownLag.contains(c) {
            // Kafka samples records-lag-max at polls only: a consumer blocked since the window
            // began has no sample (0), while its lag says the log backs up.
            evidence.append(c.recordsLagMax > 0
                ? [.text("\(c.source) → \(c.consumer)"), .text("records-lag-max"), .int(c.recordsLagMax), .text("the log backs up behind it")]
                : [.text("\(c.source) → \(c.consumer)"), .text("lag"), .int(c.lag), .text("the log backs up behind it (no poll in the window)")])
        }
        // The article's Kafka story ends here: retention deletes what the view has not read.
        let losing = (ownLag + lagging.filter { !ownLag.contains($0) }).filter { $0.expired > 0 || $0.skipped > 0 }
        for c in losing.prefix(3) {
            let retention = engine.sourceSpec(c.source)?.retention.map { " after \(VirtualTime.format($0))" } ?? ""
            if c.expired > 0 {
                evidence.append([.text("\(c.source) → \(c.consumer)"), .text("expired (retention)"), .int(c.expired),
                                 .text("unread rows the log deleted\(retention): lost to \(c.consumer)")])
            }
            if c.skipped > 0 {
                evidence.append([.text("\(c.source) → \(c.consumer)"), .text("skipped (auto_offset_reset = latest)"), .int(c.skipped),
                                 .text("retained rows jumped over to the log's end when its position was deleted: lost too")])
            }
        }
        let expired = expiredInWindow()
        if let row = expiredEvidence(expired) { evidence.append(row) }
        let barrier = barrierSummary()
        var advice = fixes(for: culprit)
        // Skew: scaling out is no longer the fix it seems.
        if let skew { advice = [skew.advice] + advice.filter { !$0.hasPrefix("scale") && !$0.hasPrefix("or make it cheaper") } }
        if let unaligned = expiredAdvice(expired) { advice.append(unaligned) }
        if let overhead, let fewer = fewerBarriers() {
            // A tenth of the bottleneck's time or more: the cheapest fix comes first.
            advice.insert(fewer, at: overhead >= 0.1 ? 0 : advice.count)
        }
        if let join = amplifying.first, culprit.job != join.job,
           engine.jobSpec(join.job)?.fragments.contains(where: { $0.operators.contains(.logStore) }) == false {
            advice.append("join amplification upstream holds barriers behind its output: SET streaming_enable_unaligned_join = true, "
                          + "then recreate \(Identifier(join.job).sql), so barriers pass what the join has emitted")
        }
        // A source actor has no buffers in front of it: its log is its queue.
        if culprit.role != "source", let more = moreRoom() { advice.append("for bursts rather than sustained overload: " + more) }
        if let c = losing.first, let retention = engine.sourceSpec(c.source)?.retention {
            let source = Identifier(c.source).sql
            advice.append("rows are being lost: \(source) deletes what is not read within \(VirtualTime.format(retention)); a longer retention "
                          + "(ALTER SOURCE \(source) SET (retention = '\(VirtualTime.format(retention * 4))')) only buys time, the fixes above stop the loss")
            if losing.contains(where: { $0.skipped > 0 }) {
                advice.append("with auto_offset_reset = latest a group whose position is deleted also skips every row still retained; "
                              + "earliest (the default) loses only the deleted ones: SET auto_offset_reset = earliest, then recreate the view")
            }
        }
        return [
            .notice("bottleneck: \(culprit.name) (\(culprit.chain)) — busy \(Int(culprit.busyTimeMsPerSecond.rounded())) ms/s and not backpressured, while "
                    + (upstreamBlocked.isEmpty ? sourceLagPhrase(ownLag)
                       : upstreamBlocked.map(\.name).joined(separator: ", ") + " wait\(upstreamBlocked.count == 1 ? "s" : "") on it"
                         + (onlyLow ? " (LOW: \(upstreamBlocked.map { String(Int($0.backPressuredTimeMsPerSecond.rounded())) }.joined(separator: ", ")) ms/s backpressured) and its input never runs dry" : ""))),
        ] + (behind.isEmpty ? [] : [sinkLogNote(behind)]) + (victims.isEmpty ? [] : [connectionVictimsNote(victims)]) + [
            .table(ResultTable(title: "Evidence (\(window.phrase(for: [culprit] + upstreamBlocked)))",
                               columns: [ResultColumn("actor"), ResultColumn("metric"), ResultColumn("value", alignment: .right), ResultColumn("meaning")],
                               rows: evidence, footer: nil)),
            .notice(barrier),
            .text("What to try:\n" + advice.map { "  - " + $0 }.joined(separator: "\n")),
        ]
    }

    /// The closest to the sources (fewest hops upstream) of `actors`; among equals (parallel
    /// actors of one fragment, say), the busiest, then the one with the fullest input (the one
    /// its upstream waits on), then the first by id.
    static func frontmost(_ actors: [ActorSnapshot], _ byName: [String: ActorSnapshot]) -> ActorSnapshot? {
        func depth(_ a: ActorSnapshot) -> Int {
            var seen: Set<String> = [a.name]
            var frontier = a.upstream
            var d = 0
            while !frontier.isEmpty {
                d += 1
                frontier = frontier.filter { seen.insert($0).inserted }.flatMap { byName[$0]?.upstream ?? [] }
            }
            return d
        }
        func fill(_ a: ActorSnapshot) -> Double { a.inputCapacity.map { $0 > 0 ? Double(a.inputFill) / Double($0) : 0 } ?? 0 }
        return actors.min { (depth($0), -$0.busyTimeMsPerSecond, -fill($0), $0.id) < (depth($1), -$1.busyTimeMsPerSecond, -fill($1), $1.id) }
    }

    /// More room on every channel, in the unit of the flow control that runs (nil for the
    /// schemes that do not block).
    func moreRoom() -> String? {
        let s = engine.settings
        switch s.flowControl {
        case .credit, .tcp:
            let buffers = min(Limits.buffersPerChannel.upperBound, max(8, s.buffersPerChannel * 4))
            return "more buffers (SET buffers_per_channel = \(buffers); floating_buffers_per_gate)"
        case .permits:
            let permits = min(Limits.exchangeInitialPermits.upperBound, s.exchangeInitialPermits * 4)
            return permits > s.exchangeInitialPermits ? "more permits (SET exchange_initial_permits = \(permits))" : nil
        case .unbounded, .dropTail, .dropHead:
            return nil
        }
    }

    /// What makes a bottleneck faster, fitted to what kind of actor it is.
    func fixes(for culprit: ActorSnapshot) -> [String] {
        var advice: [String] = []
        if culprit.role == "sink", engine.jobSpec(culprit.job)?.sink?.throughput == 0 {
            // No batching, decoupling or scaling gets a write out of a system that takes none.
            advice.append("it never finishes a write (throughput = 0, an external system that takes nothing): "
                          + "ALTER SINK \(Identifier(culprit.job).sql) SET (throughput = 1000) lets it write again")
        } else if culprit.role == "sink" {
            let name = Identifier(culprit.job).sql
            // Only a per-write latency is paid once per batch: rows' own time is not.
            if let sink = engine.jobSpec(culprit.job)?.sink, sink.latency > 0 {
                advice.append("batch the sink's writes: ALTER SINK \(name) SET (batch = \(sink.batch < 100 ? 100 : sink.batch * 4)) pays the "
                              + "\(VirtualTime.format(sink.latency)) per-write latency once per batch")
            }
            // A view's other readers wait on a coupled sink; a source's consumer groups do not
            // wait on each other, so a sink of a source has no fast path to separate.
            if engine.jobSpec(culprit.job)?.dependsOn.contains(where: { engine.jobSpec($0) != nil }) == true {
                advice.append("separate the fast path from the slow one: SET sink_decouple = true, then recreate the sink: it gets its own log")
            }
            if let scale = scaleOut(sink: culprit.job, to: doubledParallelism(of: culprit.job)) {
                advice.append("scale the sink out: " + scale)
            } else {
                advice.append("more sink actors would not help: it reads a table (one partition, for good) without a shuffle, on one actor")
            }
        } else if culprit.chain.contains("StreamHashJoin") {
            // Only a join that multiplies its rows holds barriers behind its output.
            if culprit.rowsInPerSecond > 0 && culprit.rowsOutPerSecond >= 2 * culprit.rowsInPerSecond {
                advice.append("join amplification holds barriers back: SET streaming_enable_unaligned_join = true, then recreate the view")
            }
            advice.append("scale the join out: ALTER MATERIALIZED VIEW \(Identifier(culprit.job).sql) SET PARALLELISM = \(doubledParallelism(of: culprit.job))")
        } else if culprit.role == "source" {
            advice.append(contentsOf: sourceActorFixes(for: culprit))
        } else {
            advice.append("scale out the bottleneck: ALTER MATERIALIZED VIEW \(Identifier(culprit.job).sql) SET PARALLELISM = \(doubledParallelism(of: culprit.job))")
            advice.append("or make it cheaper: a smaller per-row cost, less state")
        }
        return advice
    }

    /// A source actor's work is its source's cost per row plus that of the job's operators
    /// chained into it (no shuffle between them): the advice names whichever there is, then
    /// the partitions and parallelism that split the work.
    private func sourceActorFixes(for culprit: ActorSnapshot) -> [String] {
        guard let spec = engine.jobSpec(culprit.job),
              let fragment = spec.fragments.first(where: { "\(spec.name).\($0.role)" == culprit.fragment }),
              case .source(let name)? = fragment.operators.first, let read = engine.sourceSpec(name) else {
            return ["the source's own per-row cost limits it: lower its cost or add partitions and parallelism"]
        }
        let source = Identifier(name).sql, job = Identifier(spec.name).sql
        let kind = spec.kind == .sink ? "SINK" : "MATERIALIZED VIEW"
        var advice: [String] = []
        if !fragment.cost.isFree {
            advice.append("\(job)'s operators run in the source's actor (chained, no shuffle) at \(fragment.cost) per row: "
                          + "make them cheaper (ALTER \(kind) \(job) SET (cost = ...))")
        }
        if !read.cost.isFree {
            advice.append("\(source)'s own per-row cost (\(read.cost)) limits its actor: ALTER SOURCE \(source) SET (cost = ...)")
        }
        let parallelism = doubledParallelism(of: spec.name)
        let scale = "ALTER \(kind) \(job) SET PARALLELISM = \(parallelism)"
        if read.isTable {
            advice.append("more actors would not help: \(source) is a table, one partition for good")
        } else if read.partitions < parallelism {
            advice.append("split the work: ALTER SOURCE \(source) SET (partitions = \(parallelism)), then \(scale) "
                          + "(one source actor per partition at most)")
        } else {
            advice.append("split the work: \(scale)")
        }
        return advice
    }

    /// Twice the job's parallelism (at least 2), within what a job may have.
    /// The share of the actor's busy time its barrier work takes (`barrier_cost`), when it is
    /// enough to matter (5 % and 10 ms a second); nil otherwise, and while barriers are free.
    func barrierOverhead(_ a: ActorSnapshot) -> Double? {
        guard a.busyTimeMsPerSecond > 0, a.barrierTimeMsPerSecond >= 10 else { return nil }
        let share = a.barrierTimeMsPerSecond / a.busyTimeMsPerSecond
        return share >= 0.05 ? share : nil
    }

    /// The article's advice for barrier overhead: a longer `barrier_interval_ms` (or, with
    /// barriers by hand, fewer of them).
    func fewerBarriers() -> String? {
        let interval = engine.settings.barrierIntervalMs, cost = engine.settings.barrierCost
        guard !cost.isFree else { return nil }
        let each = "each barrier costs every actor it passes barrier_cost = \(cost)"
        guard interval > 0 else { return "fewer barriers: \(each); inject them less often" }
        let longer = min(interval * 10, Limits.barrierIntervalMs.upperBound)
        guard longer > interval else { return nil }
        return "fewer barriers: SET barrier_interval_ms = \(longer) (now \(interval)): \(each); checkpoints get coarser "
            + "and barrier latency reacts later, the article's trade-off"
    }

    func doubledParallelism(of job: String) -> Int {
        min(Limits.parallelism.upperBound, max(2, (engine.jobSpec(job)?.fragments.last?.parallelism ?? 1) * 2))
    }

    /// `ALTER SINK name SET PARALLELISM = n`, and, when the sink reads a source's partitions
    /// without a shuffle (one actor per partition at most, as in RisingWave), the partitions
    /// to add first. Nil when more actors cannot help: a table has one partition for good.
    func scaleOut(sink job: String, to parallelism: Int) -> String? {
        let statement = "ALTER SINK \(Identifier(job).sql) SET PARALLELISM = \(parallelism)"
        guard let spec = engine.jobSpec(job) else { return statement }
        // Up the chain of no-shuffle inputs to the fragment that reads a source, if any.
        var fragment = spec.fragments.count - 1
        while fragment >= 0, spec.fragments.indices.contains(fragment) {
            if case .source(let name)? = spec.fragments[fragment].operators.first {
                guard let read = engine.sourceSpec(name), read.partitions < parallelism else { return statement }
                if read.isTable { return nil }
                let partitions = read.partitions
                let source = Identifier(name).sql
                return "ALTER SOURCE \(source) SET (partitions = \(parallelism)), then \(statement) (the sink reads \(source) "
                    + "without a shuffle, one actor per partition at most, and \(source) has \(partitions == 1 ? "one partition" : "\(partitions) partitions"))"
            }
            guard let input = spec.fragments[fragment].inputs.first, spec.fragments[fragment].inputs.count == 1,
                  input.distribution == .simple, case .fragment(let upstream) = input.from else { return statement }
            fragment = upstream
        }
        return statement
    }

    /// Flink's web UI level of an actor's backpressured time: OK ≤ 10 %, LOW ≤ 50 %, HIGH.
    static func level(_ a: ActorSnapshot) -> BackpressureLevel {
        .from(ratio: a.backPressuredTimeMsPerSecond / 1000)
    }

    /// The upstreams of `a` that wait on it. Flink's rule counts any level above OK. A HIGH
    /// upstream waits most of the time, so on whom it waits is plain. A LOW one also spends
    /// time on its own work, or waits only in bursts, so it counts only when `a` is the limit
    /// all along: its input never runs dry (idle at most 100 ms/s, the OK level's share), so
    /// rows wait for it the whole window. A downstream that keeps up with bursts idles
    /// between them, however busy it is in each.
    /// A decoupled sink reads its own unbounded log: no upstream ever waits on it, whatever
    /// the window still shows of the time before it was decoupled.
    func waitingUpstream(_ a: ActorSnapshot, _ byName: [String: ActorSnapshot], _ channels: [ChannelSnapshot]) -> [ActorSnapshot] {
        guard !(a.role == "sink" && decoupledSinks.contains(a.job)) else { return [] }
        let waiting = a.upstream.compactMap { byName[$0] }.filter { Self.level($0) != .ok && Self.waits($0, on: a, channels) }
        guard !waiting.contains(where: { Self.level($0) == .high }) else { return waiting }
        return a.idleTimeMsPerSecond <= 100 ? waiting : []
    }

    /// Whether `upstream` waits on `a` rather than on another of its receivers: its channel to
    /// `a` holds, on average over the window, at least half as much as its fullest output
    /// channel, counted in the unit its flow control bounds (buffers under credit and tcp,
    /// where a hash exchange's small chunks each take a buffer; rows or permits otherwise). A
    /// sender blocks on the channel that has no room: behind a hash exchange over skewed keys
    /// the hot receiver's channel stays full while the others' stay nearly empty, and the
    /// sender waits on that receiver alone, however busy the others are. Unbounded channels
    /// (and a sender whose channels are all empty, held by a TCP connection) say nothing.
    static func waits(_ upstream: ActorSnapshot, on a: ActorSnapshot, _ channels: [ChannelSnapshot]) -> Bool {
        func fill(_ c: ChannelSnapshot) -> Double? {
            guard c.capacityRows != nil else { return nil }
            return c.unit == "buffers" ? c.averageBuffers : c.averageRows
        }
        let out = channels.filter { $0.from == upstream.name }
        guard let mine = out.filter({ $0.to == a.name }).compactMap(fill).max(),
              let fullest = out.compactMap(fill).max(), fullest > 0 else { return true }
        return mine >= fullest / 2
    }

    /// `a`'s input channels' time-averaged depth and capacity in rows; nil when unbounded.
    func averageInputFill(_ a: ActorSnapshot, _ channels: [ChannelSnapshot]) -> (rows: Double, capacity: Int)? {
        let inputs = channels.filter { $0.to == a.name }
        guard !inputs.isEmpty else { return nil }
        var rows = 0.0, capacity = 0
        for c in inputs {
            guard let cap = c.capacityRows else { return nil }
            rows += c.averageRows
            capacity += cap
        }
        return capacity > 0 ? (rows, capacity) : nil
    }

    /// The consumer groups a source actor reads for (those with a partition assigned to it)
    /// whose lag grows: over the window it grew by more than a twentieth of what the group
    /// read, or it holds more than a second's reading and did not shrink. A source that keeps
    /// up only wobbles around an empty log; one that drains a backlog shrinks it.
    func laggingGroups(of a: ActorSnapshot) -> [ConsumerSnapshot] {
        guard a.role == "source" else { return [] }
        let sources = Set(engine.partitionLag().filter { $0.member == a.name && $0.consumer == a.job }.map(\.source))
        return engine.consumerSnapshots().filter { c in
            guard c.consumer == a.job, sources.contains(c.source), c.window > 0, c.lag > 0 else { return false }
            let growing = c.lagGrowthPerSecond > 0 && c.lagGrowthPerSecond * 20 > c.recordsConsumedRate
            let large = Double(c.lag) > c.recordsConsumedRate && c.lagGrowthPerSecond >= 0
            return growing || large
        }.sorted { ($0.source, $0.consumer) < ($1.source, $1.consumer) }
    }

    /// What a source bottleneck's finding says of its log.
    private func sourceLagPhrase(_ groups: [ConsumerSnapshot]) -> String {
        guard let c = groups.first else { return "its source log lags" }
        return "its source log lags: \(c.source) → \(c.consumer) holds \(c.lag) rows not yet read and grows \(Self.rate(c.lagGrowthPerSecond)) rows/s"
    }
}
