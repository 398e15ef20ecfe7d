import SluiceEngine
import SluiceSQL

/// DIAGNOSE when nothing backpressures. The article's other two answers to overload, buffer
/// (`unbounded`) and drop (`drop_tail`, `drop_head`), never block a sender, so Flink's rule,
/// which reads backpressure, finds no bottleneck. The overloaded actor leaves other signs: its
/// input queue grows without bound, or its input drops rows.
extension Session {
    /// Actors busy most of the window, not themselves backpressured, whose input channels drop
    /// rows, or, unbounded, grow by more than a twentieth of what they take. A decoupled sink
    /// is left to `fallingBehindSinks`: its log is meant to grow.
    func unthrottledActors(_ measured: [ActorSnapshot]) -> [ActorSnapshot] {
        let decoupled = decoupledSinks
        return measured.filter { a in
            guard a.busyTimeMsPerSecond >= 500, Self.level(a) == .ok, a.inputCount > 0 else { return false }
            guard !(a.role == "sink" && decoupled.contains(a.job)) else { return false }
            let grows = a.inputCapacity == nil && a.inputGrowthPerSecond > 0 && a.inputGrowthPerSecond * 20 > a.rowsInPerSecond
            return a.inputDroppedPerSecond > 0 || grows
        }
    }

    /// Rows per second an unthrottled actor's input loses (drop schemes) or piles up (unbounded).
    static func loss(_ a: ActorSnapshot) -> Double {
        a.inputDroppedPerSecond > 0 ? a.inputDroppedPerSecond : a.inputGrowthPerSecond
    }

    /// The finding for such an actor, or nil when there is none. Nothing waits on anything
    /// here, so "the first from the source" means little: each overloaded actor sheds (or piles
    /// up) on its own. The one losing the most rows is named, the frontmost among equals; the
    /// others are listed as evidence. (Scaling out an upstream actor that sheds a little would
    /// only send more rows to a downstream one that sheds more.)
    func diagnoseUnthrottled(_ measured: [ActorSnapshot], _ byName: [String: ActorSnapshot], behind: [FallingBehindSink]) -> [OutputBlock]? {
        let overloaded = unthrottledActors(measured)
        guard let most = overloaded.map(Self.loss).max(),
              let culprit = Self.frontmost(overloaded.filter { Self.loss($0) == most }, byName) else { return nil }
        let others = overloaded.filter { $0.name != culprit.name }.sorted { (Self.loss($0), $1.id) > (Self.loss($1), $0.id) }
        let scheme = engine.settings.flowControl
        let drops = culprit.inputDroppedPerSecond > 0
        let busy = Int(culprit.busyTimeMsPerSecond.rounded())
        let finding = drops
            ? "its input drops \(Self.rate(culprit.inputDroppedPerSecond)) rows/s: \(scheme.rawValue) sheds what it cannot take instead of backpressuring, so nothing upstream waits and the rows are lost"
            : "its input queue grows \(Self.rate(culprit.inputGrowthPerSecond)) rows/s: \(scheme.rawValue) buffers what it cannot take instead of backpressuring, so nothing upstream waits and memory grows"
        var evidence: [[ResultValue]] = [
            [.text(culprit.name), .text("busyTimeMsPerSecond"), .double(culprit.busyTimeMsPerSecond, decimals: 0), .text("busy most of the time")],
            [.text(culprit.name), .text("numRecordsInPerSecond"), .double(culprit.rowsInPerSecond, decimals: 0), .text("what it manages to take")],
        ]
        if drops {
            evidence.append([.text(culprit.name), .text("input dropped"), .text(Self.rate(culprit.inputDroppedPerSecond) + " rows/s"),
                             .text(scheme == .dropHead ? "the oldest queued rows, dropped for newer ones" : "arriving rows its full input could not hold")])
        } else {
            evidence.append([.text(culprit.name), .text("input queue"), .text("\(culprit.inputRows) rows"),
                             .text("grows \(Self.rate(culprit.inputGrowthPerSecond)) rows/s, with no bound")])
        }
        for other in others.prefix(4) {
            evidence.append([.text(other.name), .text(other.inputDroppedPerSecond > 0 ? "input dropped" : "input queue growth"),
                             .text(Self.rate(Self.loss(other)) + " rows/s"), .text("overloaded too, losing less")])
        }
        for u in culprit.upstream.compactMap({ byName[$0] }).prefix(4) {
            evidence.append([.text(u.name), .text("backPressuredTimeMsPerSecond"), .double(u.backPressuredTimeMsPerSecond, decimals: 0),
                             .text("never held back: nothing tells it to slow down")])
        }
        var advice = fixes(for: culprit)
        advice.append(drops
            ? "or block instead of dropping: SET flow_control = credit (or permits) backpressures the source, whose log keeps the excess as lag: nothing is lost (until retention)"
            : "or bound the queue: SET flow_control = credit (or permits) backpressures the source, whose log keeps the excess as lag, and memory stays flat")
        return [
            .notice("bottleneck: \(culprit.name) (\(culprit.chain)) — busy \(busy) ms/s, and \(finding)"),
        ] + (behind.isEmpty ? [] : [sinkLogNote(behind)]) + [
            .table(ResultTable(title: "Evidence (\(MetricsWindowText(engine).phrase(for: [culprit])))",
                               columns: [ResultColumn("actor"), ResultColumn("metric"), ResultColumn("value", alignment: .right), ResultColumn("meaning")],
                               rows: evidence, footer: nil)),
            .notice(barrierSummary()),
            .text("What to try:\n" + advice.map { "  - " + $0 }.joined(separator: "\n")),
        ]
    }
}
