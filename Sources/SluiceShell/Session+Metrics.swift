import SluiceEngine
import SluiceSQL

/// SHOW METRICS: the real systems' metric names, as a dashboard would read them.
extension Session {
    func showMetrics(_ actor: Identifier?) throws -> [OutputBlock] {
        let window = MetricsWindowText(engine)
        if let actor {
            let names = engine.actorsMatching(actor.name)
            guard !names.isEmpty else { throw unknownTarget(actor.name, source: false, at: actor.range) }
            return names.compactMap { engine.actorSnapshot(named: $0) }.map { a in
                .table(ResultTable(title: "\(a.name) (\(a.chain)) \(window.phrase(for: a))",
                                   columns: [ResultColumn("metric"), ResultColumn("value", alignment: .right), ResultColumn("system")],
                                   rows: actorMetrics(a), footer: nil))
            }
        }
        var rows: [[ResultValue]] = []
        let latencies = engine.barrierLatencies(completedSince: engine.now - engine.metricsWindow)
        if !latencies.isEmpty {
            let q = Quantiles(latencies)
            for (label, v) in [("p50", q.p50), ("p90", q.p90), ("p99", q.p99), ("max", q.max)] {
                rows.append([.text("meta_barrier_duration_seconds{quantile=\"\(label)\"}"), .double(Double(v / VirtualTime.millisecond) / 1e3, decimals: 3), .text("RisingWave")])
            }
        }
        rows.append([.text("in_flight_barrier_nums"), .int(Int64(engine.inFlightBarrierCount)), .text("RisingWave")])
        rows.append([.text("numberOfCompletedCheckpoints"), .int(Int64(engine.completedBarrierLatencies.count)), .text("Flink")])
        rows.append([.text("numberOfFailedCheckpoints"), .int(engine.expiredCheckpointCount), .text("Flink")])
        if let last = engine.checkpoints.last {
            rows.append([.text("lastCheckpointDuration (ms)"), .double(Double(last.latency / (100 * VirtualTime.microsecond)) / 10, decimals: 1), .text("Flink")])
        }
        for c in engine.consumerSnapshots() {
            rows.append([.text("records-lag-max{\(c.source),\(c.consumer)}"), .int(c.recordsLagMax), .text("Kafka")])
            rows.append([.text("records-consumed-rate{\(c.source),\(c.consumer)}"),
                         MetricsWindowText.measured(c.recordsConsumedRate, decimals: 1, over: c.window), .text("Kafka")])
            rows.append([.text("poll-rate{\(c.source),\(c.consumer)}"), MetricsWindowText.measured(c.pollRate, decimals: 2, over: c.window),
                         .text("Kafka")])
            // Averages over the window's requests: unknown (`-`) when there was none.
            let requested = c.window > 0 && c.pollRate > 0
            rows.append([.text("records-per-request-avg{\(c.source),\(c.consumer)}"),
                         requested ? .double(c.recordsPerRequest, decimals: 1) : .missing, .text("Kafka")])
            rows.append([.text("fetch-latency-avg (ms){\(c.source),\(c.consumer)}"),
                         requested ? .double(c.fetchLatencyAvgMs, decimals: 1) : .missing, .text("Kafka")])
        }
        var blocks: [OutputBlock] = [.table(ResultTable(title: "Global \(window.phrase)",
                                                        columns: [ResultColumn("metric"), ResultColumn("value", alignment: .right), ResultColumn("system")],
                                                        rows: rows, footer: nil))]
        let snapshots = engine.actorSnapshots()
        let actors = snapshots.map { a -> [ResultValue] in
            let measured = { (value: Double, decimals: Int) in MetricsWindowText.measured(value, decimals: decimals, over: a.window) }
            return [.text(a.name), measured(MetricsWindowText.shownBusy(a, decimals: 0), 0), measured(a.idleTimeMsPerSecond, 0),
                    measured(a.backPressuredTimeMsPerSecond, 0), measured(a.outputBlockingRatio * 100, 1),
                    measured(a.rowsInPerSecond, 0), measured(a.rowsOutPerSecond, 0)]
        }
        // Named in a footer only when some actor measured less than the whole window.
        let actorsWindow = window.phrase(for: snapshots)
        blocks.append(.table(ResultTable(title: "Actors",
                                         columns: [ResultColumn("actor"), ResultColumn("busyTimeMsPerSecond", alignment: .right),
                                                   ResultColumn("idleTimeMsPerSecond", alignment: .right),
                                                   ResultColumn("backPressuredTimeMsPerSecond", alignment: .right),
                                                   ResultColumn("output blocking %", alignment: .right),
                                                   ResultColumn("numRecordsInPerSecond", alignment: .right),
                                                   ResultColumn("numRecordsOutPerSecond", alignment: .right)],
                                         rows: actors, footer: actorsWindow == window.phrase ? nil : "per second " + actorsWindow)))
        return blocks
    }

    private func actorMetrics(_ a: ActorSnapshot) -> [[ResultValue]] {
        let measured = { (value: Double, decimals: Int) in MetricsWindowText.measured(value, decimals: decimals, over: a.window) }
        var rows: [[ResultValue]] = [
            [.text("busyTimeMsPerSecond"), measured(MetricsWindowText.shownBusy(a, decimals: 1), 1), .text("Flink")],
            [.text("idleTimeMsPerSecond"), measured(a.idleTimeMsPerSecond, 1), .text("Flink")],
            [.text("backPressuredTimeMsPerSecond"), measured(a.backPressuredTimeMsPerSecond, 1), .text("Flink")],
            [.text("numRecordsInPerSecond"), measured(a.rowsInPerSecond, 1), .text("Flink")],
            [.text("numRecordsOutPerSecond"), measured(a.rowsOutPerSecond, 1), .text("Flink")],
            [.text("actor output blocking time ratio"), measured(a.outputBlockingRatio * 100, 1), .text("RisingWave (%)")],
            [.text("stream_actor_output_buffer_blocking_duration_ns (per s)"), measured(a.outputBlockingRatio * 1e9, 0), .text("RisingWave")],
            [.text("stream_barrier_align_duration_ns"), .int(a.alignNs), .text("RisingWave")],
        ]
        // Only where barriers cost something (`barrier_cost`): by default they are free.
        if a.barrierNs > 0 {
            rows.append([.text("barrier work (barrier_cost), ms per s"), measured(a.barrierTimeMsPerSecond, 1), .text("")])
        }
        rows += [
            [.text("input queue rows / buffers"), .text("\(a.inputRows) / \(a.inputBuffers)"), .text("")],
            [.text("input queue rows (time average)"), measured(a.averageInputRows, 1), .text("")],
            [.text("flow control"), .text(a.flowState), .text("")],
            [.text("rows in state"), .int(Int64(a.stateRows)), .text("")],
        ]
        // Counters since the actor started, not over the window: named so, beside the
        // rates above that are (RESET METRICS does not clear them).
        if a.filteredRows > 0 { rows.append([.text("rows filtered (total)"), .int(a.filteredRows), .text("")]) }
        if a.role == "sink" {
            rows.append([.text("rows written (total)"), .int(a.delivered), .text("")])
            rows.append([.text("writes (total)"), .int(a.writes), .text("")])
        }
        return rows
    }

    /// A name SHOW METRICS or PLOT cannot find (an actor, fragment or job; for lag, a
    /// source), with the nearest name, or where the names are.
    func unknownTarget(_ name: String, source: Bool, at range: SourceRange?) -> SQLError {
        let actors = engine.actorSnapshots()
        var fragments: [String] = []
        for a in actors where !fragments.contains(a.fragment) { fragments.append(a.fragment) }
        let names = source ? engine.sourceNames : actors.map(\.name) + fragments + engine.jobNames
        let listing = source ? (names.isEmpty ? "there is no source yet: CREATE SOURCE makes one" : "SHOW SOURCES lists them")
            : (names.isEmpty ? "no actor runs yet: CREATE MATERIALIZED VIEW or CREATE SINK makes some" : "SHOW ACTORS lists them")
        return SQLError("no \(source ? "source" : "actor, fragment or job") named \"\(name)\"", at: range,
                        hint: Suggest.nearest(name, among: names).map { "did you mean \($0)?" } ?? listing)
    }

    // MARK: PLOT

    func plot(_ series: [PlotSeries], last: Int64?) throws -> [OutputBlock] {
        // Every series is checked before any is read: a bad one draws nothing.
        let metrics = try series.map(metric)
        var blocks: [OutputBlock] = []
        for (s, metric) in zip(series, metrics) {
            let data: [MetricSeries]
            do {
                data = try engine.series(metric, target: s.argument, last: last)
            } catch {
                guard case .unknownObject = error, let target = s.argument else { throw SQLError(error.description, at: s.argumentRange ?? s.range) }
                throw unknownTarget(target, source: metric == .lag, at: s.argumentRange ?? s.range)
            }
            let title = s.sql + (last.map { " over the last \(VirtualTime.format($0))" } ?? "")
            // LAST n: the axis covers those n seconds, even where the points are sparse events.
            let window = last.map { Double(max(0, engine.now - $0)) / 1e9...Double(engine.now) / 1e9 }
            blocks.append(.chart(ChartSpec(title: title, yUnit: metric.unit,
                                           series: data.map { ChartSeriesSpec(name: $0.name, points: $0.points.map { ChartPointSpec(x: $0.t, y: $0.value) },
                                                                               marksOnly: $0.isEvents) },
                                           xRange: window)))
            // A fragment or job with more actors than a series draws: say which are missing.
            if metric != .lag, let target = s.argument {
                let matched = engine.actorsMatching(target, lastFragment: true)
                if matched.count > data.count {
                    blocks.append(.notice("\(s.sql): showing \(data.count) of \(matched.count) actors; name actors to choose, "
                                          + "e.g. \(metric.rawValue)(\(matched[data.count]))"))
                }
            }
        }
        return blocks
    }

    /// The metric a series names, with the argument it needs, or none when it takes none.
    private func metric(_ s: PlotSeries) throws -> SeriesMetric {
        guard let metric = SeriesMetric(rawValue: s.function.name) else {
            throw SQLError("unknown series \(s.function.name)", at: s.function.range,
                           hint: Suggest.nearest(s.function.name, among: SeriesMetric.allCases.map(\.rawValue)).map { "did you mean \($0)? " }.map { $0 + "series: " + SeriesMetric.allCases.map(\.rawValue).joined(separator: ", ") }
                               ?? "series: " + SeriesMetric.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if metric.needsTarget && s.argument == nil {
            throw SQLError("\(metric.rawValue) needs a target: \(metric.rawValue)(\(metric == .lag ? "source" : "actor, fragment or job"))", at: s.range)
        }
        if !metric.needsTarget, s.argument != nil {
            throw SQLError("\(metric.rawValue) takes no argument", at: s.argumentRange ?? s.range,
                           hint: "PLOT \(metric.rawValue) plots every barrier, whichever source it started from")
        }
        return metric
    }

    // MARK: GRAPH

    /// The dataflow graph: one node per actor, layered from the sources; edges are channels.
    func graph() -> GraphSpec {
        let actors = engine.actorSnapshots()
        let index = Dictionary(actors.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        var layer = [Int](repeating: 0, count: actors.count)
        var changed = true
        var rounds = 0
        while changed && rounds < actors.count + 1 {
            changed = false
            rounds += 1
            for (i, a) in actors.enumerated() {
                let l = (a.upstream.compactMap { index[$0] }.map { layer[$0] + 1 }.max()) ?? 0
                if l != layer[i] { layer[i] = l; changed = true }
            }
        }
        // The operator that names the actor's work, and how busy it is (the bottleneck is busy).
        func main(_ chain: String) -> String {
            let ops = chain.replacingOccurrences(of: "Stream", with: "").components(separatedBy: " → ")
            for name in ["HashJoin", "HashAgg", "Sink", "SyncLogStore", "Materialize", "Source"] where ops.contains(name) { return name }
            return ops.first ?? ""
        }
        let nodes = actors.enumerated().map { i, a -> GraphNode in
            // How busy, once there is time to measure it in.
            let busy = a.window > 0 ? " \(Int((a.busyTimeMsPerSecond / 10).rounded()))% busy" : ""
            return GraphNode(id: i, label: a.name, detail: "\(main(a.chain))\(busy) n\(a.node)",
                      level: BackpressureLevel.from(ratio: a.backPressuredTimeMsPerSecond / 1000), layer: layer[i])
        }
        var edges: [GraphEdge] = []
        for (i, a) in actors.enumerated() {
            for down in a.downstream {
                guard let j = index[down], !edges.contains(where: { $0.from == i && $0.to == j }) else { continue }
                edges.append(GraphEdge(from: i, to: j))
            }
        }
        return GraphSpec(nodes: nodes, edges: edges)
    }
}
