import SluiceEngine
import SluiceSQL

/// DIAGNOSE for a decoupled sink (`sink_decouple`) that cannot keep up. It reads its own
/// unbounded log, so nothing upstream is ever backpressured by it and the article's rule
/// (busy, while its upstream waits) cannot name it; its log lag grows instead. That is
/// RisingWave's sink decoupling working as designed: the log absorbs the difference between
/// what the view sends and what the sink writes, for as long as there is room to keep it.
extension Session {
    /// A decoupled sink whose log grew over the window.
    struct FallingBehindSink {
        let job: JobSnapshot
        /// The sink's actors, in id order.
        let actors: [ActorSnapshot]
        /// Rows in its log now, and how fast the log grew (rows per second).
        let logRows: Int
        let growth: Double
        /// Rows per second the sink wrote from its log, and the log received, over the job's
        /// window (the one its growth is measured over: its actors, made by a rescale since,
        /// measure a shorter one, and the rows the rescale moved are no new rows).
        let taken: Double
        var received: Double { taken + growth }
        /// What one of its actors takes per second now: what a new one would write.
        let perActor: Double
        var busy: Double { actors.reduce(0) { $0 + $1.busyTimeMsPerSecond } / Double(actors.count) }
        /// The actor, or the fragment and its actor count.
        var name: String { actors.count == 1 ? actors[0].name : "\(actors[0].fragment) (\(actors.count) actors)" }
        /// The name with the operator chain, as the rule's finding shows its actor.
        var title: String {
            actors.count == 1 ? "\(name) (\(actors[0].chain))" : "\(actors[0].fragment) (\(actors.count) actors, \(actors[0].chain))"
        }
    }

    /// The sinks that read a log of their own (`sink_decouple`).
    var decoupledSinks: Set<String> {
        Set(engine.jobSnapshots().filter { $0.kind == .sink && $0.logLag != nil }.map(\.name))
    }

    /// Decoupled sinks that fall behind their logs over the window, fastest-growing first: busy
    /// most of the time (the article's first condition), with a log that holds rows and grew
    /// by more than a twentieth of what the sink took from it. A sink that keeps up only
    /// wobbles around an empty log.
    func fallingBehindSinks(_ actors: [ActorSnapshot]) -> [FallingBehindSink] {
        let found = engine.jobSnapshots().compactMap { job -> FallingBehindSink? in
            guard job.kind == .sink, let rows = job.logLag, rows > 0, let growth = job.logGrowthPerSecond, growth > 0 else { return nil }
            let own = actors.filter { $0.job == job.name && $0.role == "sink" }
            guard !own.isEmpty else { return nil }
            let sink = FallingBehindSink(job: job, actors: own, logRows: rows, growth: growth, taken: job.throughput,
                                         perActor: own.reduce(0) { $0 + $1.rowsInPerSecond } / Double(own.count))
            return sink.busy >= 500 && growth * 20 > sink.taken ? sink : nil
        }
        return found.sorted { $0.growth != $1.growth ? $0.growth > $1.growth : $0.job.name < $1.job.name }
    }

    /// The finding when a decoupled sink is the only bottleneck: the sink, its log, the
    /// upstream that does not wait on it, and what to do.
    func diagnoseSinkLogs(_ behind: [FallingBehindSink], _ byName: [String: ActorSnapshot]) -> [OutputBlock] {
        let worst = behind[0]
        var evidence: [[ResultValue]] = []
        for sink in behind.prefix(3) {
            evidence.append([.text(sink.name), .text("busyTimeMsPerSecond"), .double(sink.busy, decimals: 0), .text("busy most of the time")])
            let log = sink.job.dependsOn.joined(separator: ", ") + " → " + sink.job.name
            evidence.append([.text(log), .text("log_lag"), .int(Int64(sink.logRows)), .text("rows in its sink log, not yet written")])
            evidence.append([.text(log), .text("log_lag growth"), .text(Self.rate(sink.growth) + " rows/s"),
                             .text("the log receives \(Self.rate(sink.received)) rows/s, the sink takes \(Self.rate(sink.taken))")])
        }
        // Upstream of the sinks, each actor once, in id order: none of them waits.
        let upstream = Set(behind.prefix(3).flatMap { $0.actors.flatMap(\.upstream) }).compactMap { byName[$0] }.sorted { $0.id < $1.id }
        for u in upstream.prefix(4) {
            evidence.append([.text(u.name), .text("backPressuredTimeMsPerSecond"), .double(u.backPressuredTimeMsPerSecond, decimals: 0),
                             .text(u.backPressuredTimeMsPerSecond >= 500 ? "held back, but not by the sink" : "not held back: the log absorbs the difference")])
        }
        let others = behind.count > 1 ? " (and \(behind.count - 1) more decoupled sink\(behind.count == 2 ? "" : "s") falling behind)" : ""
        return [
            .notice("bottleneck: \(worst.title) — busy \(Int(worst.busy.rounded())) ms/s and falling behind: "
                    + "its sink log holds \(worst.logRows) rows and grows \(Self.rate(worst.growth)) rows/s, while nothing upstream is "
                    + "backpressured (sink_decouple: as in RisingWave, the log absorbs the difference)\(others)"),
            .table(ResultTable(title: "Evidence (\(MetricsWindowText(engine).phrase(for: worst.actors)))",
                               columns: [ResultColumn("actor"), ResultColumn("metric"), ResultColumn("value", alignment: .right), ResultColumn("meaning")],
                               rows: evidence, footer: nil)),
            .notice(barrierSummary()),
            .text("What to try:\n" + sinkLogAdvice(worst).map { "  - " + $0 }.joined(separator: "\n")),
        ]
    }

    /// One line naming the decoupled sinks that fall behind, beside another bottleneck.
    func sinkLogNote(_ behind: [FallingBehindSink]) -> OutputBlock {
        let named = behind.prefix(3).map { "\($0.name), its sink log at \($0.logRows) rows and growing \(Self.rate($0.growth)) rows/s" }
        let more = behind.count > 3 ? "; and \(behind.count - 3) more" : ""
        return .notice("also falling behind: " + named.joined(separator: "; ") + more
                       + " (decoupled by sink_decouple: nothing upstream waits on \(behind.count == 1 ? "it" : "them"))")
    }

    /// Faster writes for the sink, or the lag accepted, fitted to how the sink writes.
    private func sinkLogAdvice(_ sink: FallingBehindSink) -> [String] {
        let job = engine.jobSpec(sink.job.name)
        let spec = job?.sink ?? SinkSpec()
        let parallelism = job?.fragments.last?.parallelism ?? 1
        var advice: [String] = []
        if spec.latency > 0 && spec.batch < 100 {
            advice.append("batch its writes: ALTER SINK \(Identifier(sink.job.name).sql) SET (batch = 100) pays the \(VirtualTime.format(spec.latency)) per-write latency once per batch")
        }
        // An external system that takes nothing: neither more actors nor waiting helps.
        if spec.throughput == 0 {
            return ["it never finishes a write (throughput = 0, an external system that takes nothing): "
                    + "ALTER SINK \(Identifier(sink.job.name).sql) SET (throughput = 1000) lets it write again; meanwhile its log keeps every row"]
        }
        // The actors it takes to write what the log receives, at what each writes now (at
        // most a fragment's largest parallelism).
        let needed = sink.perActor > 0 ? min(Double(Limits.parallelism.upperBound), (sink.received / sink.perActor).rounded(.up)) : Double(parallelism * 2)
        let more = min(Limits.parallelism.upperBound, max(parallelism + 1, Int(needed)))
        advice.append("raise the sink's throughput: it writes \(Self.rate(sink.taken)) of the \(Self.rate(sink.received)) rows/s its log receives"
                      + (more > parallelism ? scaleOut(sink: sink.job.name, to: more).map { "; more actors write more: " + $0 } ?? "" : ""))
        advice.append("or accept the lag: the log is unbounded, so the view and its other sinks keep their pace, but \(sink.job.name) falls "
                      + "\(Self.rate(sink.growth)) rows further behind every second (SHOW SINKS: log_lag) until the load drops below what it writes")
        return advice
    }

    /// Rows per second as shown: whole from 100 up, one decimal below.
    static func rate(_ x: Double) -> String {
        x >= 100 ? String(Int64(x.rounded())) : VirtualTime.formatNumber((x * 10).rounded() / 10)
    }
}
