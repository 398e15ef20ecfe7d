import Testing
@testable import SluiceEngine

/// RUN passes the generator ticks at which nothing happens in a loop instead of one event
/// each (`Engine.processGeneratorTick`). The loop must change nothing but the wall time: the
/// same events, counted the same, in the same order, with the same draws and samples.
@Suite struct QuietTickTests {
    /// Low-rate sources (one constant, one Poisson with retention), a slow view, a Kafka
    /// consumer whose fetches wait (`fetch_min_bytes`), periodic barriers with a cost.
    static func engine(passing: Bool) throws -> Engine {
        let engine = Fixtures.engine { s in
            s.barrierIntervalMs = 250
            s.barrierCost = .exponential(mean: VirtualTime.millisecond)
            s.fetchMinBytes = 64
            s.fetchMaxWaitMs = 30
        }
        engine.passesQuietTicks = passing
        try engine.createSource(Fixtures.source(rate: 7))
        var poisson = Fixtures.source("trades", rate: 13, partitions: 2, keys: 5)
        poisson.pattern = .poisson
        poisson.retention = 2 * VirtualTime.second
        poisson.segment = 100 * VirtualTime.millisecond
        try engine.createSource(poisson)
        try engine.createJob(Fixtures.aggregateView("spend", cost: .exponential(mean: 30 * VirtualTime.millisecond)))
        try engine.createJob(Fixtures.chain("tape", source: "trades", stations: [.fixed(200 * VirtualTime.millisecond)],
                                            sink: Fixtures.sinkSpec(throughput: 4)))
        return engine
    }

    @Test func passingQuietTicksChangesNothingButTheTimeItTakes() throws {
        let fast = try Self.engine(passing: true), slow = try Self.engine(passing: false)
        for step in [VirtualTime.second, 37 * VirtualTime.millisecond, 90 * VirtualTime.second, 1, 5 * VirtualTime.second] {
            fast.advance(by: step)
            slow.advance(by: step)
            #expect(fast.processedEvents == slow.processedEvents)
            #expect(fast.now == slow.now && fast.nextEventTime == slow.nextEventTime)
            #expect(fast.actorSnapshots() == slow.actorSnapshots())
            #expect(fast.channelSnapshots() == slow.channelSnapshots())
            #expect(fast.consumerSnapshots() == slow.consumerSnapshots())
            #expect(fast.sourceSnapshots() == slow.sourceSnapshots())
            #expect(fast.checkpoints == slow.checkpoints)
            #expect(fast.ledger().balanced && slow.ledger().balanced)
        }
        // Something happened: rows arrived, expired, and barriers completed.
        #expect(fast.sourceSnapshots().contains { $0.deleted > 0 })
        #expect(fast.checkpoints.count > 100)
    }

    /// A replay of a cancelled run stops after as many events, inside a stretch of quiet ticks
    /// too: the loop stops at the limit.
    @Test func aReplayStopsAtTheSameEventInsideQuietTicks() throws {
        let fast = try Self.engine(passing: true), slow = try Self.engine(passing: false)
        fast.advance(by: 3 * VirtualTime.second)
        slow.advance(by: 3 * VirtualTime.second)
        let stop = fast.processedEvents + 1234
        #expect(fast.run(until: 60 * VirtualTime.second, stoppingAtEvent: stop) == .cancelled)
        #expect(slow.run(until: 60 * VirtualTime.second, stoppingAtEvent: stop) == .cancelled)
        #expect(fast.processedEvents == stop && slow.processedEvents == stop)
        #expect(fast.now == slow.now)
        #expect(fast.actorSnapshots() == slow.actorSnapshots())
    }
}
