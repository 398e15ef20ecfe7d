import Testing
@testable import SluiceEngine

/// Metrics are sampled every 100 ms into rings of ten minutes. A long quiet stretch skips
/// the samples no ring would keep (an idle RUN of days takes no time), and what PLOT reads
/// afterwards is exactly what sampling every period would have kept.
@Suite("metrics sampling")
struct MetricsSamplingTests {
    /// An engine with a view that works through a backlog, then sits idle; barriers off, so
    /// nothing at all is scheduled while it idles.
    func engine() throws -> Engine {
        let engine = Fixtures.engine { $0.barrierIntervalMs = 0 }
        try engine.createSource(Fixtures.source(rate: 0, partitions: 2))
        try engine.createJob(Fixtures.aggregateView("spend", cost: .exponential(mean: 200 * VirtualTime.microsecond)))
        try engine.inject(5000, into: "clicks")
        engine.advance(by: VirtualTime.second)
        return engine
    }

    func plots(_ engine: Engine) throws -> [[MetricSeries]] {
        try [.busy, .queue, .throughput].map { try engine.series($0, target: "spend", last: nil) }
            + [try engine.series(.lag, target: "clicks", last: nil)]
    }

    @Test func aLongIdleStretchKeepsWhatSamplingEveryPeriodKeeps() throws {
        let once = try engine(), stepwise = try engine()
        once.advance(by: 7_200 * VirtualTime.second)
        for _ in 0..<120 { stepwise.advance(by: 60 * VirtualTime.second) }
        #expect(try plots(once) == plots(stepwise))
        #expect(try plots(once)[0][0].points.count == MetricsStore.capacity - 1, "a full ring (rates need two samples)")
        // Work again after the quiet stretch: both engines sample it alike.
        for engine in [once, stepwise] {
            try engine.inject(3000, into: "clicks")
            engine.advance(by: 3 * VirtualTime.second)
        }
        #expect(try plots(once) == plots(stepwise))
        #expect(once.now == stepwise.now)
    }
}
