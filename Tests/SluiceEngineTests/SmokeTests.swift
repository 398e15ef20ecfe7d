import Testing
@testable import SluiceEngine

@Suite struct SmokeTests {
    @Test func slowSinkBackpressuresSource() throws {
        let engine = Fixtures.engine()
        try engine.createSource(Fixtures.source(rate: 5000))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [.fixed(10_000)], sink: Fixtures.sinkSpec(throughput: 1000)))
        engine.advance(by: 10 * VirtualTime.second)
        let actors = engine.actorSnapshots()
        let sink = actors.last!
        #expect(sink.delivered > 9000 && sink.delivered < 10_100)
    }

    /// A view chained into its source's actor (no exchange between them) still costs its
    /// `cost` per row, on top of the source's: 1 ms a row at 2000 rows/s is two seconds of
    /// work a second, so the actor is busy all the time and the lag grows by about 1000 a second.
    @Test func aViewChainedIntoItsSourceStillCostsItsCost() throws {
        let engine = Fixtures.engine { $0.barrierIntervalMs = 0 }
        try engine.createSource(Fixtures.source(rate: 2000, cost: .fixed(100_000)))
        var job = Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec())
        job.fragments[0].cost = .fixed(VirtualTime.millisecond)
        try engine.createJob(job)
        engine.advance(by: 10 * VirtualTime.second)
        let source = engine.actorSnapshots()[0]
        #expect(source.busyTimeMsPerSecond > 990)
        // 1.1 ms a row: about 909 rows a second get through.
        #expect(abs(engine.actors[0].rowsIn - 9090) < 300, "\(engine.actors[0].rowsIn)")
        #expect(engine.consumerSnapshots()[0].lag > 10_000)
    }

    /// Ctrl-C lets the rest of the current instant run (a replay stopping at that time then
    /// reproduces the state), but not a runaway one: a backlog that costs no time all falls
    /// in one instant, and `finishInstant` stops after its budget.
    @Test func finishingAnInstantHasABudget() throws {
        let engine = Fixtures.engine { $0.barrierIntervalMs = 0 }
        try engine.createSource(Fixtures.source())
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(batch: 10)))
        try engine.inject(1_000_000, into: "clicks")
        #expect(engine.finishInstant(budget: 1000) == false, "a million free rows do not end in 1000 events")
        #expect(engine.now == 0 && engine.processedEvents >= 1000)
        #expect(engine.finishInstant(budget: 10_000_000) == true)
        #expect(engine.now == 0 && engine.actors.last!.delivered == 1_000_000, "all of it happened at time 0")
    }

    /// A run stopped after some event, even one in the middle of an instant, is reproduced by
    /// running to the same event count: the same state, the same clock; short of the count,
    /// the run ends as `run(until:)` does.
    @Test func aStoppedRunIsReproducedByItsEventCount() throws {
        func make() throws -> Engine {
            let engine = Fixtures.engine { $0.barrierIntervalMs = 0 }
            try engine.createSource(Fixtures.source(rate: 5000))
            try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [.exponential(mean: 100_000)], sink: Fixtures.sinkSpec(batch: 10)))
            try engine.inject(100_000, into: "clicks")   // free rows: the first instant is long
            return engine
        }
        let live = try make()
        let cancel = CancellationFlag()
        cancel.cancel()
        #expect(live.run(until: VirtualTime.second, cancel: cancel) == .cancelled)
        live.finishInstant(budget: 100)
        let stoppedAt = live.processedEvents
        let replayed = try make()
        #expect(replayed.run(until: VirtualTime.second, stoppingAtEvent: stoppedAt) == .cancelled)
        #expect(replayed.now == live.now && replayed.processedEvents == stoppedAt)
        #expect(replayed.actorSnapshots() == live.actorSnapshots())
        #expect(replayed.channelSnapshots() == live.channelSnapshots())
        // Both go on alike, and a count beyond the run's events lets it complete.
        live.advance(by: VirtualTime.second)
        #expect(replayed.run(until: live.now, stoppingAtEvent: .max) == .completed)
        #expect(replayed.now == live.now && replayed.actorSnapshots() == live.actorSnapshots())
    }
}
