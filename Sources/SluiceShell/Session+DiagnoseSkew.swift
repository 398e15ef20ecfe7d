import SluiceEngine
import SluiceSQL

/// DIAGNOSE of a bottleneck whose parallel siblings have time to spare: the load is uneven,
/// not too big for the fragment. Behind a hash exchange that is key skew (every row of a key
/// goes to one actor), and more parallelism moves the other keys away but never splits the
/// hottest one.
extension Session {
    struct UnevenLoad {
        let evidence: [ResultValue]
        let advice: String
    }

    /// Uneven when the culprit takes half as many rows again as its siblings do on average,
    /// and they are busy for at most three quarters of its busy time.
    func unevenLoad(on culprit: ActorSnapshot, among measured: [ActorSnapshot]) -> UnevenLoad? {
        let siblings = measured.filter { $0.job == culprit.job && $0.fragment == culprit.fragment && $0.id != culprit.id }
        guard !siblings.isEmpty, culprit.role != "source", culprit.role != "sink" else { return nil }
        let rows = siblings.map(\.rowsInPerSecond).reduce(0, +) / Double(siblings.count)
        let busy = siblings.map(\.busyTimeMsPerSecond).reduce(0, +) / Double(siblings.count)
        guard culprit.rowsInPerSecond >= 1.5 * rows, busy <= 0.75 * culprit.busyTimeMsPerSecond else { return nil }
        let byKey = engine.jobSpec(culprit.job)?.fragments.first { "\(culprit.job).\($0.role)" == culprit.fragment }?.inputs.contains {
            if case .hash = $0.distribution { true } else { false }
        } ?? false
        var others = "its \(siblings.count) sibling\(siblings.count == 1 ? "" : "s") \(Self.rate(rows))/s on average, busy \(Int(busy.rounded())) ms/s"
        // An average can hide a second hot actor: the busiest sibling is named.
        if siblings.count > 1, let next = siblings.max(by: { $0.busyTimeMsPerSecond < $1.busyTimeMsPerSecond }), next.busyTimeMsPerSecond > busy * 1.25 {
            others += " (the busiest, \(next.name): \(Self.rate(next.rowsInPerSecond))/s, busy \(Int(next.busyTimeMsPerSecond.rounded())) ms/s)"
        }
        let evidence: [ResultValue] = [.text(culprit.name), .text("rows in"), .text(Self.rate(culprit.rowsInPerSecond) + "/s"),
                                       .text(others + (byKey ? ": key skew, its keys are the hot ones" : ": the load is uneven"))]
        let view = "ALTER MATERIALIZED VIEW \(Identifier(culprit.job).sql) SET PARALLELISM = \(doubledParallelism(of: culprit.job))"
        // What spreads a hot key depends on the operator (neither is modelled here).
        let spread = culprit.chain.contains("StreamHashJoin")
            ? "or spread the hot key: salt it (a random suffix on both sides), or broadcast the smaller side instead of shuffling by key"
            : "or pre-aggregate before the shuffle (Flink's local-global aggregation, RisingWave's two-phase aggregation)"
        let advice = byKey
            ? "the load is skewed, not too big for the fragment: a hash exchange sends every row of a key to one actor, so more parallelism "
                + "(\(view)) moves other keys away from \(culprit.name) but never splits its hottest one. Make the per-row work cheaper, "
                + spread + "; not modelled here"
            : "the load is uneven, not too big for the fragment: \(culprit.name) gets more rows than its siblings; more parallelism (\(view)) "
                + "helps only as far as it evens them out. Make the per-row work cheaper"
        return UnevenLoad(evidence: evidence, advice: advice)
    }
}
