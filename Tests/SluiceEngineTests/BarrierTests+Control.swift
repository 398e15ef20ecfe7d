import Testing
@testable import SluiceEngine

/// Driving barriers by hand and what stops them: biased sources, the in-flight limit,
/// self-pause, refusals, bounded stepping on a stalled graph, and where a barrier is.
extension BarrierTests {
    // MARK: Sources

    /// RisingWave's biased select: with barriers pending, a source polls no data before it has
    /// emitted them. Three barriers injected while the source is blocked leave it together,
    /// at the offsets the source had when they were injected.
    @Test func sourcesPreferPendingBarriers() throws {
        let engine = Fixtures.engine { s in
            s.barrierIntervalMs = 0
            s.bufferRows = 10
        }
        try engine.createSource(Fixtures.source(rate: 1000, cost: .fixed(100_000)))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 200)))
        engine.advance(by: 2 * VirtualTime.second)
        let source = engine.actors[0]
        try #require(source.status == .backpressured)
        // The barrier marks the position of the rows sent so far: fetched rows come after it.
        let offsets = engine.jobs["out"]!.consumers[0].offsets.enumerated().map { p, offset in
            offset - Int64(source.fetchedFrom.filter { $0.partition == p }.reduce(0) { $0 + $1.rows })
        }
        let rowsIn = source.rowsIn, polls = source.polls
        for _ in 0..<3 { try engine.injectBarrier() }
        #expect(engine.barrierLocations().map(\.places) == Array(repeating: ["pending at out.source.0 behind its blocked output"], count: 3))
        engine.traceCategories = [.barriers]
        while !source.pendingBarriers.isEmpty {
            // While a barrier is pending the source starts no chunk.
            #expect(source.rowsIn == rowsIn && source.polls == polls)
            try #require(engine.step() != nil)
        }
        // The three barriers left back to back, before any new data.
        let texts = engine.drainTrace().map(\.text).filter { !$0.contains("collected") }
        #expect(Array(texts.prefix(3)) == (1...3).map { "barrier \($0) reaches out.sink.0" })
        while engine.inFlightBarrierCount > 0 { _ = try engine.stepBarrier() }
        #expect(engine.checkpoints.map(\.epoch) == [1, 2, 3])
        for checkpoint in engine.checkpoints {
            #expect(checkpoint.sourceOffsets.map(\.offsets) == [offsets])
        }
        #expect(Set(engine.checkpoints.map(\.completedAt)).count == 1, "they travel together")
    }

    /// Periodic injection is skipped while `in_flight_barrier_nums` barriers are in flight.
    @Test func periodicInjectionStopsAtTheInFlightLimit() throws {
        let engine = Fixtures.engine { s in
            s.barrierIntervalMs = 100
            s.inFlightBarrierNums = 3
        }
        try engine.createSource(Fixtures.source(rate: 100))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 0)))
        engine.traceCategories = [.barriers]
        engine.advance(by: VirtualTime.second)
        #expect(engine.inFlightBarrierCount == 3)
        #expect(engine.skippedPeriodicBarriers == 7)
        let skips = engine.drainTrace().filter { $0.text.hasPrefix("periodic barrier skipped") }
        #expect(skips.map(\.time) == (4...10).map { Int64($0) * 100 * VirtualTime.millisecond })
        #expect(skips.first?.text == "periodic barrier skipped: 3 in flight (in_flight_barrier_nums = 3)")
        // A manual barrier is not periodic: it goes in regardless.
        #expect(try engine.injectBarrier() == 4)
        #expect(engine.inFlightBarrierCount == 4)
    }

    /// A source that has seen no barrier for 5 × `barrier_interval_ms` pauses its data until
    /// the next barrier arrives. Here barrier 1 never completes (a sink that never writes) and
    /// the in-flight limit of 1 skips every later tick, so the healthy view's source pauses
    /// at 100 ms + 5 × 100 ms and its lag grows from then on.
    @Test func sourcePausesWithoutBarriersAndResumesOnTheNext() throws {
        let engine = Fixtures.engine { s in
            s.barrierIntervalMs = 100
            s.inFlightBarrierNums = 1
        }
        try engine.createSource(Fixtures.source("a", rate: 1000))
        try engine.createSource(Fixtures.source("b"))
        try engine.createJob(Fixtures.passView("va", source: "a"))
        try engine.createJob(Fixtures.chain("sb", source: "b", stations: [], sink: Fixtures.sinkSpec(throughput: 0)))
        engine.traceCategories = [.barriers]
        engine.advance(by: 599 * VirtualTime.millisecond)
        #expect(engine.consumerSnapshots()[0].lag == 0)
        #expect(engine.actorSnapshot(named: "va.source.0")?.status == "idle")
        engine.advance(by: 401 * VirtualTime.millisecond)
        #expect(engine.actorSnapshot(named: "va.source.0")?.status == "paused")
        #expect(engine.consumerSnapshots()[0].lag >= 400)
        let pause = engine.drainTrace().filter { $0.text.contains("pauses") }
        #expect(pause.map(\.text) == ["va.source.0: no barrier for 500ms, pauses its data until the next one"])
        #expect(pause.first?.time == 600 * VirtualTime.millisecond)
        try engine.injectBarrier()
        engine.advance(by: 10 * VirtualTime.millisecond)
        #expect(engine.actorSnapshot(named: "va.source.0")?.status == "idle")
        #expect(engine.consumerSnapshots()[0].lag == 0)
    }

    // MARK: Refusals and stalls

    @Test func injectingWithoutSourcesThrows() throws {
        let engine = Fixtures.engine()
        #expect(throws: EngineError.noSources) { try engine.injectBarrier() }
        // A source with no job has no source actor either.
        try engine.createSource(Fixtures.source())
        #expect(throws: EngineError.noSources) { try engine.injectBarrier() }
        #expect(EngineError.noSources.description == "no materialized view or sink reads a source: there is nothing to inject a barrier into")
        // Nothing was used up: the first real barrier is epoch 1.
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec()))
        #expect(try engine.injectBarrier() == 1)
    }

    @Test func steppingWithNoBarrierInFlightThrows() throws {
        let engine = Fixtures.engine { $0.barrierIntervalMs = 0 }
        try engine.createSource(Fixtures.source(rate: 100))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 50)))
        engine.advance(by: VirtualTime.second)
        let before = MetricsText.render(engine)
        #expect(throws: EngineError.noBarrierInFlight) { try engine.stepBarrier() }
        #expect(MetricsText.render(engine) == before)
        try engine.injectBarrier()
        try #require(engine.inFlightBarrierCount == 1)
        guard case .completed(let checkpoint) = try engine.stepBarrier() else {
            Issue.record("barrier did not complete")
            return
        }
        #expect(checkpoint.epoch == 1 && checkpoint.latency > 0)
        #expect(throws: EngineError.noBarrierInFlight) { try engine.stepBarrier() }
    }

    /// A source at 1000 rows/s into a sink writing `throughput` rows/s, run for a second,
    /// then barrier 1 injected.
    private func barrierBehindASink(throughput: Double, decoupled: Bool = false) throws -> Engine {
        let engine = Fixtures.engine { $0.barrierIntervalMs = 0; $0.bufferRows = 10; $0.sinkDecouple = decoupled }
        try engine.createSource(Fixtures.source(rate: 1000))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: throughput)))
        engine.advance(by: VirtualTime.second)
        try engine.injectBarrier()
        return engine
    }

    /// A sink writing 1 row/s holds the barrier behind the rows queued before it. With the
    /// generator ticking, `stepBarrier` stops at its bound and says where the barrier is.
    @Test func stepBarrierStopsAtItsBound() throws {
        let engine = try barrierBehindASink(throughput: 1)
        let start = engine.now
        let outcome = try engine.stepBarrier(limit: 2 * VirtualTime.second)
        #expect(engine.now == start + 2 * VirtualTime.second)
        #expect(outcome == .stalled("barrier 1 did not complete within 2s (it is queued at out.sink.0 from out.source.0 behind 9 rows (9 buffers))"))
        #expect(engine.inFlightBarrierCount == 1)
    }

    /// A coupled sink that never writes never takes the barrier either: `stepBarrier` says so
    /// at once instead of running to its bound. A decoupled one collects it in its log.
    @Test func stepBarrierKnowsASinkThatNeverWritesHoldsItForever() throws {
        let engine = try barrierBehindASink(throughput: 0)
        let start = engine.now
        #expect(try engine.stepBarrier() == .stalled("barrier 1 cannot complete: sink out.sink.0 has throughput 0 and never takes its input"))
        #expect(engine.now == start)

        let decoupled = try barrierBehindASink(throughput: 0, decoupled: true)
        #expect(decoupled.inFlightBarrierCount == 0, "a decoupled sink collects the barrier in its log")
    }

    /// The progress callback sees virtual time move towards the deadline and changes nothing
    /// (here up to the bound: a sink writing 1 row/s holds the barrier).
    @Test func stepBarrierReportsProgressWithoutChangingTheRun() throws {
        func engine() throws -> Engine {
            let engine = Fixtures.engine { $0.barrierIntervalMs = 0; $0.chunkRows = 1; $0.bufferRows = 1 }
            try engine.createSource(Fixtures.source(rate: 5000))
            try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [.fixed(100_000)], sink: Fixtures.sinkSpec(throughput: 1)))
            engine.advance(by: VirtualTime.second)
            try engine.injectBarrier()
            return engine
        }
        let quiet = try engine(), watched = try engine()
        var seen: [(Int64, Int64)] = []
        let a = try quiet.stepBarrier(limit: 5 * VirtualTime.second)
        let b = try watched.stepBarrier(limit: 5 * VirtualTime.second) { seen.append(($0, $1)) }
        #expect(a == b)
        #expect(MetricsText.render(quiet) == MetricsText.render(watched))
        #expect(!seen.isEmpty)
        #expect(seen.allSatisfy { $0.1 == VirtualTime.second + 5 * VirtualTime.second && $0.0 <= $0.1 })
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.0 <= $1.0 })
    }

    /// With nothing scheduled at all (no generator, no barrier ticks) it returns at once.
    @Test func stepBarrierReturnsAtOnceWhenASinkNeverWritesAndNothingIsScheduled() throws {
        let engine = Fixtures.engine { $0.barrierIntervalMs = 0 }
        try engine.createSource(Fixtures.source(partitions: 2))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 0)))
        try engine.inject(10, into: "clicks")
        try engine.setPartitionPaused("clicks", partition: 1, paused: true)
        engine.advance(by: VirtualTime.second)
        try engine.injectBarrier()
        let start = engine.now
        let outcome = try engine.stepBarrier()
        #expect(engine.now == start)
        #expect(outcome == .stalled("barrier 1 cannot complete: sink out.sink.0 has throughput 0 and never takes its input"))
    }

    /// A paused partition pauses data, not barriers (Kafka's pause() is a consumer matter).
    @Test func aPausedPartitionDoesNotHoldBarriers() throws {
        let engine = Fixtures.engine { $0.barrierIntervalMs = 0 }
        try engine.createSource(Fixtures.source(rate: 1000, partitions: 2))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec()))
        try engine.setPartitionPaused("clicks", partition: 0, paused: true)
        engine.advance(by: VirtualTime.second)
        try engine.injectBarrier()
        // The sink is free: the barrier completes at once, with partition 0 still at 0.
        #expect(engine.inFlightBarrierCount == 0)
        let checkpoint = try #require(engine.checkpoints.last)
        #expect(checkpoint.epoch == 1 && checkpoint.latency == 0)
        #expect(checkpoint.sourceOffsets.map(\.offsets) == [[0, engine.sources[0].partitions[1].endOffset]])
    }

    /// Where an in-flight barrier is, exactly: queued behind rows and buffers.
    @Test func barrierLocationsNameTheChannelAndWhatIsAhead() throws {
        let engine = Fixtures.engine { $0.barrierIntervalMs = 0; $0.bufferRows = 10; $0.chunkRows = 25 }
        try engine.createSource(Fixtures.source())
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 0)))
        try engine.inject(50, into: "clicks")
        engine.advance(by: VirtualTime.millisecond)
        try engine.injectBarrier()
        engine.advance(by: VirtualTime.millisecond)
        let locations = engine.barrierLocations()
        #expect(locations.count == 1)
        // Every actor acknowledges: the source has, the sink has not.
        #expect(locations[0].epoch == 1 && locations[0].collected == 1 && locations[0].expected == 2)
        #expect(locations[0].places == ["queued at out.sink.0 from out.source.0 behind 50 rows (6 buffers)"])
    }
}
