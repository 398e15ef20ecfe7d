import Testing
@testable import SluiceEngine

/// `barrier_cost`: the work each actor does for a barrier it passes. The article's trade-off:
/// a shorter `barrier_interval_ms` reacts sooner and costs more overhead. The work follows the
/// barrier (Flink's synchronous snapshot part), so it takes time from rows, not from the barrier.
@Suite struct BarrierCostTests {
    /// source → one station at 1 ms a row (1000 rows/s at most) → an unlimited sink, in
    /// chunks of 16 rows (16 ms of work: rates over 20 s are exact to a row a second).
    static func engine(rate: Double, intervalMs: Int, barrierCost: CostSpec, mode: CheckpointMode = .unaligned) throws -> Engine {
        let engine = Fixtures.engine { s in
            s.chunkRows = 16
            s.barrierIntervalMs = intervalMs
            s.barrierCost = barrierCost
            s.checkpointMode = mode
        }
        try engine.createSource(Fixtures.source(rate: rate))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [.fixed(VirtualTime.millisecond)], sink: Fixtures.sinkSpec()))
        return engine
    }

    /// Metrics over `seconds` after a warm-up of as long.
    static func measure(_ engine: Engine, seconds: Int64 = 20) -> [String: ActorSnapshot] {
        engine.advance(by: seconds * VirtualTime.second)
        engine.resetMetrics()
        engine.advance(by: seconds * VirtualTime.second)
        return Dictionary(uniqueKeysWithValues: engine.actorSnapshots().map { ($0.name, $0) })
    }

    /// Under capacity, every actor spends `barrier_cost` per barrier on top of its rows: ten
    /// barriers a second at 10 ms each are 100 ms a second, for the source as for the station;
    /// the rows still all get through.
    @Test func anActorWithRoomSpendsTheCostPerBarrierOnTopOfItsRows() throws {
        let actors = Self.measure(try Self.engine(rate: 500, intervalMs: 100, barrierCost: .fixed(10 * VirtualTime.millisecond)))
        let station = try #require(actors["out.s1.0"]), source = try #require(actors["out.source.0"])
        #expect(abs(station.rowsInPerSecond - 500) < 5, "\(station.rowsInPerSecond)")
        #expect(abs(station.busyTimeMsPerSecond - 600) < 10, "rows 500 ms/s + barriers 100 ms/s: \(station.busyTimeMsPerSecond)")
        #expect(abs(source.busyTimeMsPerSecond - 100) < 5, "\(source.busyTimeMsPerSecond)")
        #expect(abs((actors["out.sink.0"]?.busyTimeMsPerSecond ?? 0) - 100) < 5)
    }

    /// At capacity the barrier work comes out of the rows: the station passes 10 barriers a
    /// second at 10 ms each, so 900 ms a second are left for rows at 1 ms each.
    @Test(arguments: [CheckpointMode.unaligned, .aligned])
    func aBottleneckLosesThroughputToBarrierWork(_ mode: CheckpointMode) throws {
        let engine = try Self.engine(rate: 2000, intervalMs: 100, barrierCost: .fixed(10 * VirtualTime.millisecond), mode: mode)
        let station = try #require(Self.measure(engine)["out.s1.0"])
        #expect(abs(station.rowsInPerSecond - 900) < 10, "\(mode): \(station.rowsInPerSecond)")
        #expect(station.busyTimeMsPerSecond > 999)
        // Free barriers: the whole second goes to rows.
        let free = try #require(Self.measure(try Self.engine(rate: 2000, intervalMs: 100, barrierCost: .free, mode: mode))["out.s1.0"])
        #expect(abs(free.rowsInPerSecond - 1000) < 5, "\(free.rowsInPerSecond)")
    }

    /// The article's trade-off: the same cost every second instead of every 10 ms is a tenth
    /// of a percent of the bottleneck, every 10 ms a fifth of it (drawn costs: the mean).
    @Test func aShorterIntervalCostsMoreThroughput() throws {
        var rates: [Double] = []
        for interval in [1000, 100, 10] {
            let engine = try Self.engine(rate: 2000, intervalMs: interval, barrierCost: .exponential(mean: 2 * VirtualTime.millisecond))
            rates.append(try #require(Self.measure(engine)["out.s1.0"]).rowsInPerSecond)
        }
        #expect(abs(rates[0] - 998) < 5 && abs(rates[1] - 980) < 8 && abs(rates[2] - 800) < 15, "\(rates)")
    }

    /// The work follows the barrier: an unaligned barrier's latency stays at its transit time
    /// (at most the station's chunk in hand, 16 ms), however expensive the snapshot behind it.
    @Test func theWorkFollowsTheBarrier() throws {
        let engine = try Self.engine(rate: 2000, intervalMs: 100, barrierCost: .fixed(50 * VirtualTime.millisecond))
        engine.advance(by: 5 * VirtualTime.second)
        let latencies = engine.checkpoints.dropFirst(5).map(\.latency)
        #expect(latencies.count > 40)
        #expect(latencies.allSatisfy { $0 <= 16 * VirtualTime.millisecond }, "\(latencies.map(VirtualTime.format))")
    }

    /// An idle actor does its barrier work at once, as its own step; a sink's work is no write.
    @Test func anIdleActorWorksForTheBarrierAtOnce() throws {
        let engine = try Self.engine(rate: 0, intervalMs: 0, barrierCost: .fixed(3 * VirtualTime.millisecond))
        try engine.injectBarrier()
        var steps: [String] = []
        while let step = engine.step(), steps.count < 20 { steps.append(step) }
        #expect(steps == ["out.source.0 finished its work for the barriers it passed (barrier_cost)",
                          "out.s1.0 finished its work for the barriers it passed (barrier_cost)",
                          "out.sink.0 finished its work for the barriers it passed (barrier_cost)"], "\(steps)")
        #expect(engine.now == 3 * VirtualTime.millisecond)
        #expect(engine.actorSnapshots().allSatisfy { $0.writes == 0 })
        #expect(engine.checkpoints.count == 1 && engine.checkpoints[0].latency == 0)
    }

    /// Nothing changes while barriers are free: no extra event, the same run.
    @Test func freeBarriersAddNoEvent() throws {
        let engine = try Self.engine(rate: 0, intervalMs: 0, barrierCost: .free)
        try engine.injectBarrier()
        #expect(engine.step() == nil)
        #expect(engine.checkpoints.count == 1)
    }

    /// A sink rescaled while it works for a barrier completes no write: barrier work has no
    /// rows, and the ledger still balances.
    @Test func aRescaleDuringBarrierWorkCompletesNoWrite() throws {
        let engine = try Self.engine(rate: 0, intervalMs: 0, barrierCost: .fixed(50 * VirtualTime.millisecond))
        try engine.injectBarrier()
        // The source's work, then the station's; the sink is working for the barrier now.
        _ = engine.step()
        _ = engine.step()
        let sink = try #require(engine.actorSnapshot(named: "out.sink.0"))
        #expect(sink.status == "busy" && sink.writes == 0, "\(sink.status)")
        #expect(try engine.rescale("out", parallelism: 2))
        #expect(engine.actorSnapshots().allSatisfy { $0.writes == 0 && $0.delivered == 0 })
        #expect(engine.ledger().balanced)
        engine.advance(by: VirtualTime.second)
        #expect(engine.inFlightBarrierCount == 0)
    }
}
