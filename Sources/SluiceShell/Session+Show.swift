import SluiceEngine
import SluiceSQL

/// SHOW: every table a user looks at, from the engine's snapshots.
extension Session {
    func show(_ kind: ShowKind) throws -> [OutputBlock] {
        switch kind {
        case .sources, .tables: return [.table(showSources(tables: kind == .tables))]
        case .views: return [.table(showJobs(.materializedView))]
        case .sinks: return [.table(showJobs(.sink))]
        case .actors: return [.table(showActors())]
        case .queues: return [.table(showQueues())]
        case .barriers: return showBarriers()
        case .checkpoints: return [.table(showCheckpoints())] + (expiredTable(last: 20, places: false).map { [.table($0)] } ?? [])
        case .lag: return showLag()
        case .ledger: return showLedger()
        case .graph: return [.graph(graph())]
        case .all: return [.table(showAll())]
        }
    }

    // MARK: Catalog

    /// The decimals `x` needs, up to three: a rate of 0.01 rows/s is not shown as 0.
    static func decimals(of x: Double) -> Int {
        (0..<3).first { d in
            let scaled = x * Double([1, 10, 100][d])
            return abs(scaled - scaled.rounded()) < 1e-9 * max(1, abs(scaled))
        } ?? 3
    }

    private func showSources(tables: Bool) -> ResultTable {
        let rows = engine.sourceSnapshots().filter { !tables || $0.isTable }.map { s -> [ResultValue] in
            // The columns as SQL, pasteable into CREATE SOURCE: `"from" INT, "a b" INT`.
            [.text(s.name), .text(s.isTable ? "table" : "source"),
             .text(s.schema.columns.map { "\(Identifier($0.name).sql) \($0.type.sqlName)" }.joined(separator: ", ")),
             s.isTable ? .missing : .double(s.rate, decimals: Self.decimals(of: s.rate)), s.isTable ? .missing : .text(s.pattern), .int(Int64(s.partitions)),
             .int(s.logEnd), s.retention.map { .duration($0) } ?? .absent("forever"), .int(s.deleted)]
        }
        return ResultTable(columns: [ResultColumn("name"), ResultColumn("kind"), ResultColumn("columns"),
                                     ResultColumn("rate", alignment: .right), ResultColumn("pattern"),
                                     ResultColumn("partitions", alignment: .right), ResultColumn("log_end", alignment: .right),
                                     ResultColumn("retention"), ResultColumn("deleted", alignment: .right)],
                           rows: rows, footer: nil)
    }

    /// Views: what they hold and how they run; sinks: what they delivered and how they write,
    /// with the options ALTER changes as they are now.
    private func showJobs(_ kind: JobKind) -> ResultTable {
        let jobs = engine.jobSnapshots().filter { $0.kind == kind }
        /// A job's per-row cost where it is charged (`Planner.costFragment`), as written.
        func cost(_ job: String) -> ResultValue {
            guard let spec = engine.jobSpec(job) else { return .null }
            return .text(spec.fragments[Planner.costFragment(of: spec)].cost.description)
        }
        if kind == .materializedView {
            let rows = jobs.map { j -> [ResultValue] in
                [.text(j.name), .int(Int64(j.rows)), .int(Int64(j.fragments)), .int(Int64(j.actors)),
                 .int(Int64(j.parallelism)), cost(j.name), .text(j.dependsOn.joined(separator: ", "))]
            }
            return ResultTable(columns: [ResultColumn("name"), ResultColumn("rows", alignment: .right),
                                         ResultColumn("fragments", alignment: .right), ResultColumn("actors", alignment: .right),
                                         ResultColumn("parallelism", alignment: .right), ResultColumn("cost"), ResultColumn("reads")],
                               rows: rows, footer: nil)
        }
        let rows = jobs.map { j -> [ResultValue] in
            let sink = engine.jobSpec(j.name)?.sink ?? SinkSpec()
            return [.text(j.name), .text(j.dependsOn.joined(separator: ", ")), .int(j.delivered),
                    MetricsWindowText.measured(j.throughput, decimals: 1, over: j.window),
                    j.logLag.map { .int(Int64($0)) } ?? .absent("coupled"), .int(Int64(j.parallelism)),
                    sink.throughput.map { .double($0, decimals: Self.decimals(of: $0)) } ?? .absent("unlimited"),
                    .int(Int64(sink.batch)), .duration(sink.latency), cost(j.name)]
        }
        return ResultTable(columns: [ResultColumn("name"), ResultColumn("from"), ResultColumn("delivered", alignment: .right),
                                     ResultColumn("rows_per_s", alignment: .right), ResultColumn("log_lag", alignment: .right),
                                     ResultColumn("parallelism", alignment: .right), ResultColumn("throughput", alignment: .right),
                                     ResultColumn("batch", alignment: .right), ResultColumn("latency", alignment: .right),
                                     ResultColumn("cost")],
                           rows: rows, footer: unmeasuredFooter("rows_per_s", jobs.map { ($0.name, $0.window) }))
    }

    // MARK: Actors and queues

    private func showActors() -> ResultTable {
        let actors = engine.actorSnapshots()
        let rows = actors.map { a -> [ResultValue] in
            let queue: ResultValue
            if let capacity = a.inputCapacity {
                queue = .fill(a.inputFill, of: capacity, a.inputUnit)
            } else if a.inputCount == 0 {
                queue = .missing
            } else {
                queue = .text("\(a.inputRows) rows")
            }
            // Over no virtual time there is no share of it and no rate: `-`, not 0.
            let measured = { (value: Double) in MetricsWindowText.measured(value, decimals: 0, over: a.window) }
            return [.text(a.name), .text(a.status), queue,
                    measured(MetricsWindowText.shownBusy(a, decimals: 0)), measured(a.idleTimeMsPerSecond), measured(a.backPressuredTimeMsPerSecond),
                    a.window > 0 ? .level(BackpressureLevel.from(ratio: a.backPressuredTimeMsPerSecond / 1000)) : .missing,
                    measured(a.rowsInPerSecond), measured(a.rowsOutPerSecond)]
        }
        return ResultTable(columns: [ResultColumn("actor"), ResultColumn("status"), ResultColumn("input queue"),
                                     ResultColumn("busy", alignment: .right), ResultColumn("idle", alignment: .right),
                                     ResultColumn("bp", alignment: .right), ResultColumn("level"),
                                     ResultColumn("in/s", alignment: .right), ResultColumn("out/s", alignment: .right)],
                           rows: rows, footer: actorsFooter(actors))
    }

    /// What SHOW ACTORS' figures are: Flink's three times, over which window, and the levels.
    private func actorsFooter(_ actors: [ActorSnapshot]) -> String {
        let flink = "as Flink's busyTimeMsPerSecond, idleTimeMsPerSecond, backPressuredTimeMsPerSecond"
        let levels = "level: OK ≤ 10%, LOW ≤ 50%, HIGH > 50% backpressured"
        let window = MetricsWindowText(engine)
        // Over an empty window the phrase explains the `-`s, after what they would have been.
        guard window.window > 0 else { return "busy, idle, bp (backpressured): ms per second, \(flink) (\(window.phrase)); \(levels)" }
        return "busy, idle, bp (backpressured): ms per second \(window.phrase(for: actors)), \(flink); \(levels)"
    }

    private func showQueues() -> ResultTable {
        let drops = engine.settings.flowControl == .dropTail || engine.settings.flowControl == .dropHead
        let channels = engine.channelSnapshots()
        let rows = channels.map { c -> [ResultValue] in
            let depth: ResultValue
            // nil, not 0, is unbounded: 0 is a channel that can take nothing now (credit).
            if let capacity = c.capacity {
                depth = .fill(c.fill, of: capacity, c.unit)
            } else {
                depth = .text("unbounded")
            }
            var row: [ResultValue] = [.text("\(c.from) → \(c.to)" + (c.isLocal ? "" : " (remote)")), depth, .int(Int64(c.rows)),
                                      .int(Int64(c.outboxRows)), .text(c.flowState)]
            if drops { row.append(.int(c.droppedRows)) }
            return row
        }
        var columns = [ResultColumn("channel"), ResultColumn("queued"), ResultColumn("rows", alignment: .right),
                       ResultColumn("unsent", alignment: .right), ResultColumn("flow control")]
        if drops { columns.append(ResultColumn("dropped", alignment: .right)) }
        var footer = "queued: how full the channel is in its flow control's unit; rows: rows waiting at the receiver; unsent: rows the sender holds that flow control has not let through"
        if channels.contains(where: { $0.capacity == 0 }) {
            footer += "\n0/0 buffers: no exclusive buffer (buffers_per_channel = 0) and no floating one free at the gate: the channel takes nothing until the gate gets one back"
        }
        if channels.contains(where: { c in c.capacity.map { c.fill > $0 } ?? false }) {
            footer += "\nmore queued than capacity: rows a rescale moved in, or queued before the flow control changed; the sender gets no room on the channel until it is back under"
        }
        if engine.settings.flowControl == .unbounded {
            footer += "\nmemory held by queued rows: \(engine.queuedBytes / 1024) KiB, and growing while the receiver is slower"
        }
        return ResultTable(columns: columns, rows: rows, footer: footer)
    }

    // MARK: Barriers

    private func showBarriers() -> [OutputBlock] {
        let now = engine.now
        let inFlight = engine.barrierLocations().map { b -> [ResultValue] in
            [.int(b.epoch), .instant(b.injectedAt), .duration(now - b.injectedAt),
             .text("\(b.collected)/\(b.expected)"), .lines(b.places.isEmpty ? ["collected everywhere it reached"] : b.places)]
        }
        var blocks: [OutputBlock] = [.table(ResultTable(
            title: "In flight",
            columns: [ResultColumn("epoch", alignment: .right), ResultColumn("injected"), ResultColumn("age"),
                      ResultColumn("collected"), ResultColumn("where")],
            rows: inFlight, footer: nil))]
        let recent = engine.checkpoints.suffix(5).map { c -> [ResultValue] in
            [.int(c.epoch), .instant(c.injectedAt), .instant(c.completedAt), .duration(c.latency)]
        }
        blocks.append(.table(ResultTable(title: "Recently completed",
                                         columns: [ResultColumn("epoch", alignment: .right), ResultColumn("injected"),
                                                   ResultColumn("completed"), ResultColumn("latency", alignment: .right)],
                                         rows: Array(recent), footer: nil)))
        if let expired = expiredTable(last: 3, places: true) { blocks.append(.table(expired)) }
        blocks.append(.notice(barrierSummary()))
        // RisingWave's unaligned join: barriers passed the log store, the join's output did not.
        for a in engine.actorSnapshots() where a.role == "log store" && a.inputRows > 0 {
            blocks.append(.notice("\(a.job): \(a.inputRows) joined rows wait in \(a.name); barriers passed them, so \(a.job)'s results lag the completed epoch"))
        }
        return blocks
    }

    /// `meta_barrier_duration_seconds` quantiles over the metrics window.
    func barrierSummary() -> String {
        let latencies = engine.barrierLatencies(completedSince: engine.now - engine.metricsWindow)
        guard !latencies.isEmpty else {
            return "barrier latency: no barrier completed in the window (\(engine.inFlightBarrierCount) in flight)"
        }
        let q = Quantiles(latencies)
        return "barrier latency (meta_barrier_duration_seconds) over \(latencies.count) barrier\(latencies.count == 1 ? "" : "s"): p50 \(VirtualTime.format(q.p50)), p90 \(VirtualTime.format(q.p90)), p99 \(VirtualTime.format(q.p99)), max \(VirtualTime.format(q.max)); \(engine.inFlightBarrierCount) in flight"
            + (engine.skippedPeriodicBarriers > 0 ? "; \(engine.skippedPeriodicBarriers) periodic barriers skipped" : "")
            + (engine.expiredCheckpointCount > 0 ? "; \(engine.expiredCheckpointCount) expired (checkpoint_timeout_ms)" : "")
    }

    /// The last `last` checkpoints that expired, with where each barrier still was when
    /// `places` asks (SHOW BARRIERS); nil when none did.
    private func expiredTable(last: Int, places: Bool) -> ResultTable? {
        guard !engine.expired.isEmpty else { return nil }
        let rows = engine.expired.suffix(last).map { c -> [ResultValue] in
            [.int(c.epoch), .instant(c.injectedAt), .instant(c.expiredAt),
             .text("\(c.collected)/\(c.expected)")]
                + (places ? [.lines(c.places.isEmpty ? ["collected everywhere it reached"] : c.places)] : [])
        }
        return ResultTable(title: places ? "Recently expired (checkpoint_timeout_ms)" : "Expired (checkpoint_timeout_ms: aborted, their barriers ignored)",
                           columns: [ResultColumn("epoch", alignment: .right), ResultColumn("injected"), ResultColumn("expired"),
                                     ResultColumn("collected")] + (places ? [ResultColumn("where it was")] : []),
                           rows: Array(rows), footer: nil)
    }

    private func showCheckpoints() -> ResultTable {
        let rows = engine.checkpoints.suffix(20).map { c -> [ResultValue] in
            // A source actor that owns no partition (more actors than partitions) has no position to show.
            let offsets = c.sourceOffsets.filter { !$0.offsets.isEmpty }
            return [.int(c.epoch), .instant(c.completedAt), .duration(c.latency),
                    .keyed(offsets.map { KeyedNumbers($0.consumer, list: $0.offsets) }),
                    .keyed(c.stateRows.map { KeyedNumbers($0.actor, Int64($0.rows)) }),
                    .int(Int64(c.inFlightRows)), .int(Int64(c.inFlightBuffers))]
        }
        return ResultTable(columns: [ResultColumn("epoch", alignment: .right), ResultColumn("completed"),
                                     ResultColumn("duration", alignment: .right), ResultColumn("source offsets"),
                                     ResultColumn("state rows"), ResultColumn("in_flight_rows", alignment: .right),
                                     ResultColumn("in_flight_buffers", alignment: .right)],
                           rows: Array(rows), footer: "\(engine.checkpoints.count) checkpoint\(engine.checkpoints.count == 1 ? "" : "s") completed (the last 20 shown)"
                            + (engine.expiredCheckpointCount > 0 ? "; \(engine.expiredCheckpointCount) expired (the last 20 below)" : ""))
    }

    // MARK: Kafka

    private func showLag() -> [OutputBlock] {
        let rows = engine.partitionLag().map { p -> [ResultValue] in
            [.text(p.source), .text(p.consumer), .int(Int64(p.partition)), .int(p.logStartOffset), .int(p.logEndOffset),
             .int(p.position), .int(p.lag), .int(p.expired), .text(p.member ?? "unassigned"), .text(p.paused ? "paused" : "")]
        }
        var blocks: [OutputBlock] = [.table(ResultTable(
            columns: [ResultColumn("source"), ResultColumn("consumer"), ResultColumn("partition", alignment: .right),
                      ResultColumn("log_start", alignment: .right), ResultColumn("log_end", alignment: .right),
                      ResultColumn("position", alignment: .right), ResultColumn("lag", alignment: .right),
                      ResultColumn("expired", alignment: .right), ResultColumn("member"), ResultColumn("state")],
            rows: rows, footer: nil))]
        let consumers = engine.consumerSnapshots().map { c -> [ResultValue] in
            [.text(c.source), .text(c.consumer), .int(c.lag), .int(c.recordsLagMax),
             MetricsWindowText.measured(c.recordsConsumedRate, decimals: 1, over: c.window),
             MetricsWindowText.measured(c.pollRate, decimals: 2, over: c.window), .int(c.expired), .int(c.rebalances)]
        }
        if !consumers.isEmpty {
            blocks.append(.table(ResultTable(
                title: "Consumer groups",
                columns: [ResultColumn("source"), ResultColumn("consumer"), ResultColumn("lag", alignment: .right),
                          ResultColumn("records-lag-max", alignment: .right), ResultColumn("records-consumed-rate", alignment: .right),
                          ResultColumn("poll-rate", alignment: .right), ResultColumn("expired", alignment: .right),
                          ResultColumn("rebalances", alignment: .right)],
                rows: consumers,
                footer: unmeasuredFooter("records-consumed-rate, poll-rate", engine.consumerSnapshots().map { ($0.consumer, $0.window) }))))
        }
        return blocks
    }

    /// Why a table's rates show `-` (measured over no virtual time yet), or nil when none does.
    private func unmeasuredFooter(_ columns: String, _ windows: [(name: String, window: Int64)]) -> String? {
        guard windows.contains(where: { $0.window == 0 }) else { return nil }
        return "\(columns): per second \(MetricsWindowText(engine).phrase(forWindows: windows))"
    }

    // MARK: Ledger

    private func showLedger() -> [OutputBlock] {
        let ledger = engine.ledger()
        // Rows `auto_offset_reset = latest` skipped appear only where a reset skipped some.
        let showSkipped = ledger.skipped > 0
        let sources = ledger.sources.map { s -> [ResultValue] in
            [.text("\(s.source) → \(s.consumer)"), .int(s.generated), .int(s.consumed), .int(s.lag), .int(s.expired)]
                + (showSkipped ? [.int(s.skipped)] : []) + [.text(s.balanced ? "✓" : "✗")]
        }
        // Those a rescale or DROP retired come last, added up: the columns then add up to the totals.
        let retiredChannels = ledger.retiredChannels.map { line in
            (line, "(retired: \(ledger.retiredChannelCount) channel\(ledger.retiredChannelCount == 1 ? "" : "s"))")
        }
        let channels = (ledger.channels.map { ($0, "\($0.from) → \($0.to)") } + [retiredChannels].compactMap { $0 }).map { c, name -> [ResultValue] in
            [.text(name), .int(c.sent), .int(c.received), .int(c.queued),
             .int(c.dropped), .text(c.balanced ? "✓" : "✗")]
        }
        let retiredActors = ledger.retiredActors.map { line in
            (line, "(retired: \(ledger.retiredActorCount) actor\(ledger.retiredActorCount == 1 ? "" : "s"))")
        }
        let actors = (ledger.actors.map { ($0, $0.actor) } + [retiredActors].compactMap { $0 }).map { a, name -> [ResultValue] in
            [.text(name), .int(a.taken), .int(a.emitted), .int(a.written), .int(a.writing),
             .int(a.filtered), .int(a.absorbed), .int(a.derived), .text(a.balanced ? "✓" : "✗")]
        }
        var totals: [[ResultValue]] = [
            [.text("delivered by sinks"), .int(ledger.delivered)], [.text("queued or in progress"), .int(ledger.queued)],
            [.text("held in operator state"), .int(ledger.inState)], [.text("filtered"), .int(ledger.filtered)],
            [.text("dropped (drop_tail / drop_head)"), .int(ledger.dropped)], [.text("expired (retention)"), .int(ledger.expired)],
            [.text("discarded by DROP or rescale"), .int(ledger.discarded)],
        ]
        if showSkipped { totals.insert([.text("skipped by auto_offset_reset = latest"), .int(ledger.skipped)], at: 6) }
        if ledger.absorbed > 0 {
            totals += [[.text("folded into aggregate or join state"), .int(ledger.absorbed)],
                       [.text("derived by aggregates and joins"), .int(ledger.derived)]]
        }
        return [
            .table(ResultTable(title: "Sources: generated = consumed + lag + expired" + (showSkipped ? " + skipped" : ""),
                               columns: [ResultColumn("consumer"), ResultColumn("generated", alignment: .right),
                                         ResultColumn("consumed", alignment: .right), ResultColumn("lag", alignment: .right),
                                         ResultColumn("expired", alignment: .right)]
                                   + (showSkipped ? [ResultColumn("skipped", alignment: .right)] : []) + [ResultColumn("ok")],
                               rows: sources, footer: nil)),
            .table(ResultTable(title: "Channels: sent = received + queued + dropped",
                               columns: [ResultColumn("channel"), ResultColumn("sent", alignment: .right),
                                         ResultColumn("received", alignment: .right), ResultColumn("queued", alignment: .right),
                                         ResultColumn("dropped", alignment: .right), ResultColumn("ok")],
                               rows: channels, footer: nil)),
            .table(ResultTable(title: "Actors: taken = emitted + written + writing + filtered + absorbed - derived",
                               columns: [ResultColumn("actor"), ResultColumn("taken", alignment: .right),
                                         ResultColumn("emitted", alignment: .right), ResultColumn("written", alignment: .right),
                                         ResultColumn("writing", alignment: .right), ResultColumn("filtered", alignment: .right),
                                         ResultColumn("absorbed", alignment: .right), ResultColumn("derived", alignment: .right),
                                         ResultColumn("ok")],
                               rows: actors, footer: nil)),
            .table(ResultTable(title: "Where the rows are", columns: [ResultColumn("account"), ResultColumn("rows", alignment: .right)],
                               rows: totals,
                               footer: ledger.absorbed > 0
                                   ? "aggregates and joins fold rows into state and emit derived rows: these accounts add up per actor (above), not to the rows generated"
                                   : nil)),
            .notice(ledger.balanced ? "ledger balanced: every row is accounted for" : "LEDGER UNBALANCED: rows are missing"),
        ]
    }

    // MARK: Variables

    private func showAll() -> ResultTable {
        let rows = SessionVariables.all.map { v -> [ResultValue] in
            [.text(v.name), .setting(v.value(in: engine.settings)), .setting(v.defaultValue), .text(v.description)]
        }
        return ResultTable(columns: [ResultColumn("name"), ResultColumn("setting"), ResultColumn("default"), ResultColumn("description")],
                           rows: rows, footer: nil)
    }

    func count(_ n: Int, _ noun: String = "row") -> String { "(\(n) \(noun)\(n == 1 ? "" : "s"))" }
}

/// Nearest-rank quantiles of a list of durations.
struct Quantiles {
    let p50, p90, p99, max: Int64
    init(_ values: [Int64]) {
        let sorted = values.sorted()
        func q(_ p: Double) -> Int64 {
            guard !sorted.isEmpty else { return 0 }
            let rank = Int((p * Double(sorted.count)).rounded(.up)) - 1
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, rank))]
        }
        p50 = q(0.5); p90 = q(0.9); p99 = q(0.99); max = sorted.last ?? 0
    }
}
