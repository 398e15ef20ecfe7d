import Testing
@testable import SluiceEngine

/// Barriers and checkpoints (issue 3): latency behind queued data, unaligned checkpoints,
/// unaligned joins, sink decoupling, biased sources, injection limits, self-pause, stepping.
@Suite struct BarrierTests {
    /// source (1000 rows/s) → transform → sink (200 rows/s, one row per write: 5 ms a row).
    static func slowSink(_ kind: FlowControlKind, largeQueues: Bool = false, mode: CheckpointMode = .aligned,
                         intervalMs: Int = 0) throws -> Engine {
        let engine = Fixtures.engine { s in
            s.flowControl = kind
            s.checkpointMode = mode
            s.barrierIntervalMs = intervalMs
            s.bufferRows = largeQueues ? 40 : 10
            s.exchangeInitialPermits = largeQueues ? 800 : 200
            s.exchangeBatchedPermits = largeQueues ? 200 : 50
        }
        try engine.createSource(Fixtures.source(rate: 1000))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [.free], sink: Fixtures.sinkSpec(throughput: 200)))
        return engine
    }

    /// Rows a barrier injected now has to wait for: everything on the channels and in the
    /// actors' finished-but-not-emitted output.
    static func rowsAhead(_ engine: Engine) -> Int {
        engine.channels.reduce(0) { $0 + $1.queuedRows } + engine.actors.reduce(0) { $0 + ($1.pendingOutput?.count ?? 0) }
    }

    // MARK: Latency behind queued data

    /// An aligned barrier travels behind every queued row, and the sink writes one row per
    /// 5 ms: its latency is the rows ahead of it × 5 ms (plus what is left of the write in
    /// progress). Larger queues (more buffers or more permits) hold more rows: higher latency.
    @Test(arguments: [FlowControlKind.credit, .permits])
    func latencyGrowsWithQueuedData(_ kind: FlowControlKind) throws {
        var latencies: [Int64] = []
        var aheads: [Int] = []
        for large in [false, true] {
            let engine = try Self.slowSink(kind, largeQueues: large)
            engine.advance(by: 5 * VirtualTime.second)
            let ahead = Self.rowsAhead(engine)
            try engine.injectBarrier()
            guard case .completed(let checkpoint) = try engine.stepBarrier() else {
                Issue.record("barrier did not complete")
                return
            }
            let perRow = 5 * VirtualTime.millisecond
            #expect(checkpoint.latency >= Int64(ahead) * perRow && checkpoint.latency <= Int64(ahead + 1) * perRow,
                    "latency \(VirtualTime.format(checkpoint.latency)) behind \(ahead) rows")
            #expect(checkpoint.inFlightRows == 0, "aligned checkpoints store no in-flight data")
            latencies.append(checkpoint.latency)
            aheads.append(ahead)
        }
        #expect(aheads[1] > aheads[0] * 3 / 2, "larger queues hold more: \(aheads)")
        #expect(latencies[1] > latencies[0] * 3 / 2, "latencies \(latencies.map(VirtualTime.format))")
    }

    /// The same slow sink with periodic barriers: barriers wait behind hundreds of queued rows,
    /// so they take seconds on average (the unaligned test below takes milliseconds).
    @Test(arguments: [FlowControlKind.credit, .permits])
    func periodicBarriersAreSlowBehindASlowSink(_ kind: FlowControlKind) throws {
        let engine = try Self.slowSink(kind, intervalMs: 500)
        engine.advance(by: 10 * VirtualTime.second)
        let latencies = engine.completedBarrierLatencies
        #expect(latencies.count >= 8)
        let mean = latencies.reduce(0, +) / Int64(latencies.count)
        #expect(mean > VirtualTime.second, "\(latencies.map(VirtualTime.format))")
        #expect(latencies.max()! > 2 * VirtualTime.second)
    }

    /// Unaligned checkpoints: the barrier overtakes the queued buffers, so its latency is
    /// about one sink write (5 ms), and the overtaken rows are stored with the checkpoint.
    @Test(arguments: [FlowControlKind.credit, .permits])
    func unalignedCheckpointsStayNearTransitTime(_ kind: FlowControlKind) throws {
        let engine = try Self.slowSink(kind, mode: .unaligned, intervalMs: 500)
        engine.advance(by: 10 * VirtualTime.second)
        let steady = engine.checkpoints.dropFirst(2)
        #expect(steady.count >= 15)
        for checkpoint in steady {
            #expect(checkpoint.latency <= 5 * VirtualTime.millisecond, "epoch \(checkpoint.epoch): \(VirtualTime.format(checkpoint.latency))")
            #expect(checkpoint.inFlightRows > 0 && checkpoint.inFlightBuffers > 0, "epoch \(checkpoint.epoch) stored no in-flight data")
        }
        #expect(EngineAudit.imbalances(engine) == [])
    }

    // MARK: Join amplification

    /// Each left row matches 1000 right rows (a 100 000-row table over 100 keys). The left
    /// source sends 10 rows/s (10 000 joined rows/s) and the sink writes 5000 rows/s.
    static func amplifiedJoin(logStore: Bool) throws -> Engine {
        let engine = Fixtures.engine { s in
            s.bufferRows = 100
            s.barrierIntervalMs = 1000
            s.unalignedJoin = logStore
        }
        try engine.createSource(Fixtures.source(rate: 0, keys: 100))
        try engine.createSource(Fixtures.table(rows: 100_000, keys: 100))
        try engine.createJob(Fixtures.joinSink("j", logStore: logStore, sink: Fixtures.sinkSpec(throughput: 5000, batch: 500)))
        // The table loads into the join's right side first, then the left source starts.
        // (A barrier wakes the table's source actor: only the first fragment's sources are
        // started by createJob — see KafkaLogTests.everySourceFragmentReadsItsLog.)
        try engine.injectBarrier()
        engine.advance(by: VirtualTime.millisecond)
        #expect(engine.partitionLag().map(\.lag) == [0, 0], "the table is loaded")
        try engine.alterSource("clicks") { $0.rate = 10 }
        engine.advance(by: 20 * VirtualTime.second)
        return engine
    }

    @Test func unalignedJoinCutsBarrierLatencyTenfold() throws {
        let aligned = try Self.amplifiedJoin(logStore: false)
        let unaligned = try Self.amplifiedJoin(logStore: true)
        for engine in [aligned, unaligned] {
            let join = engine.actors.first { $0.name == "j.join.0" }!
            let leftRows = join.rowsIn - 100_000
            #expect(leftRows > 0 && join.rowsOut == leftRows * 1000, "amplification: \(join.rowsOut) out of \(leftRows) left rows")
            #expect(EngineAudit.imbalances(engine) == [])
            #expect(EngineAudit.statelessImbalances(engine) == [])
            #expect(engine.jobSnapshots()[0].throughput > 4500, "the sink is the bottleneck")
        }
        // The log store is a fragment of its own, behind a no-shuffle exchange, unbounded.
        #expect(unaligned.actorSnapshots().map(\.role) == ["source", "source", "transform", "log store", "sink"])
        #expect(unaligned.channelSnapshots().map(\.kind) == ["credit", "credit", "log store", "credit"])
        let p99Aligned = percentile(aligned.completedBarrierLatencies, 99)
        let p99Unaligned = percentile(unaligned.completedBarrierLatencies, 99)
        #expect(aligned.completedBarrierLatencies.count >= 10 && unaligned.completedBarrierLatencies.count >= 15)
        #expect(p99Aligned >= 10 * p99Unaligned,
                "p99 \(VirtualTime.format(p99Aligned)) aligned vs \(VirtualTime.format(p99Unaligned)) with the log store")
        // Without the log store the amplified backlog sits in front of the barrier and keeps
        // growing; with it the join's output lags the epoch in the log store instead.
        #expect(aligned.inFlightBarrierCount > unaligned.inFlightBarrierCount)
        #expect(unaligned.channels[2].role == .joinLogStore && unaligned.channels[2].queuedRows > 10_000)
    }

    // MARK: Sink decoupling

    static func viewWithTwoSinks(decouple: Bool) throws -> (fast: Double, slow: Double, slowLag: Int?, engine: Engine) {
        let engine = Fixtures.engine { $0.sinkDecouple = decouple; $0.bufferRows = 10 }
        try engine.createSource(Fixtures.source(rate: 1000))
        try engine.createJob(Fixtures.passView("v"))
        try engine.createJob(Fixtures.sink("fast", from: "v", schema: Fixtures.clicks, sink: Fixtures.sinkSpec()))
        try engine.createJob(Fixtures.sink("slow", from: "v", schema: Fixtures.clicks, sink: Fixtures.sinkSpec(throughput: 100)))
        engine.advance(by: 3 * VirtualTime.second)
        engine.resetMetrics()
        engine.advance(by: 3 * VirtualTime.second)
        let jobs = engine.jobSnapshots()
        return (jobs[1].throughput, jobs[2].throughput, jobs[2].logLag, engine)
    }

    @Test func sinkDecoupleShieldsTheFastSink() throws {
        let coupled = try Self.viewWithTwoSinks(decouple: false)
        let decoupled = try Self.viewWithTwoSinks(decouple: true)
        #expect(coupled.slow == 100 && decoupled.slow == 100)
        // Coupled: the slow sink backpressures the view, and the fast sink starves with it.
        #expect(coupled.fast < 2 * coupled.slow, "coupled fast sink: \(coupled.fast) rows/s")
        #expect(coupled.slowLag == nil)
        // Decoupled: the fast sink keeps the source's pace; the slow sink's own log grows.
        #expect(abs(decoupled.fast - 1000) / 1000 < 0.01, "decoupled fast sink: \(decoupled.fast) rows/s")
        #expect((decoupled.slowLag ?? 0) > 5000, "slow sink's log lag \(String(describing: decoupled.slowLag))")
        #expect(decoupled.engine.channelSnapshots().filter { $0.kind == "sink log" }.count == 2)
        // A decoupled sink's barrier completes when it is written to the sink's log.
        #expect(decoupled.engine.completedBarrierLatencies.allSatisfy { $0 == 0 })
        #expect(coupled.engine.completedBarrierLatencies.last! > VirtualTime.second)
        #expect(EngineAudit.imbalances(decoupled.engine) == [])
    }

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
        let offsets = engine.jobs["out"]!.consumers[0].offsets
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
        let texts = engine.drainTrace().map(\.text)
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
        #expect(EngineError.noSources.description == "there are no sources to inject a barrier into")
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

    /// A sink that never writes holds the barrier forever. With the generator ticking,
    /// `stepBarrier` stops at its bound and says where the barrier is and why.
    @Test func stepBarrierStopsAtItsBoundOnAStalledGraph() throws {
        let engine = Fixtures.engine { $0.barrierIntervalMs = 0; $0.bufferRows = 10 }
        try engine.createSource(Fixtures.source(rate: 1000))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 0)))
        engine.advance(by: VirtualTime.second)
        try engine.injectBarrier()
        let start = engine.now
        let outcome = try engine.stepBarrier(limit: 2 * VirtualTime.second)
        #expect(engine.now == start + 2 * VirtualTime.second)
        #expect(outcome == .stalled("barrier 1 did not complete within 2s (it is pending at out.source.0 behind its blocked output). sink out.sink.0 has throughput 0 and never writes"))
        #expect(engine.inFlightBarrierCount == 1)
    }

    /// With nothing scheduled at all (no generator, no barrier ticks) it returns at once.
    @Test func stepBarrierReturnsAtOnceWhenNothingIsScheduled() throws {
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
        #expect(outcome == .stalled("nothing is scheduled: the graph is stalled. clicks partition 1 paused for out; sink out.sink.0 has throughput 0 and never writes"))
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
        #expect(locations[0].epoch == 1 && locations[0].collected == 0 && locations[0].expected == 1)
        #expect(locations[0].places == ["queued at out.sink.0 from out.source.0 behind 50 rows (6 buffers)"])
    }

    // MARK: Alignment

    /// A join aligns: the input that delivered epoch n is held until the other delivers it.
    /// Unaligned checkpoints forward the first copy at once and never align.
    @Test(arguments: CheckpointMode.allCases)
    func joinsAlignUnlessUnaligned(_ mode: CheckpointMode) throws {
        let engine = Fixtures.engine { s in
            s.barrierIntervalMs = 0
            s.checkpointMode = mode
            s.bufferRows = 10
        }
        // The left side is always busy (a backlog at 5 ms a row): its barrier comes late.
        try engine.createSource(Fixtures.source(rate: 100, keys: 10))
        try engine.createSource(Fixtures.source("users", keys: 10, cost: .fixed(5 * VirtualTime.millisecond), schema: Fixtures.users))
        try engine.createJob(Fixtures.joinSink("j", left: "users", right: "clicks", leftSchema: Fixtures.users,
                                               rightSchema: Fixtures.clicks, logStore: false, sink: Fixtures.sinkSpec()))
        try engine.inject(1000, into: "users")
        engine.traceCategories = [.barriers]
        engine.advance(by: VirtualTime.second)
        try engine.injectBarrier()
        while engine.inFlightBarrierCount > 0 { _ = try engine.stepBarrier() }
        let join = try #require(engine.actorSnapshot(named: "j.join.0"))
        let texts = engine.drainTrace().map(\.text)
        if mode == .aligned {
            #expect(texts.contains("j.join.0 aligning barrier 1: 1/2 inputs, holding those"))
            #expect(texts.contains { $0.hasPrefix("j.join.0 aligned barrier 1 after ") })
            #expect(join.alignNs > 0)
        } else {
            #expect(!texts.contains { $0.contains("align") })
            #expect(join.alignNs == 0)
        }
        #expect(engine.checkpoints.count == 1)
    }

    /// An aligning sink holds the input that delivered the barrier; under tcp the held
    /// input's data keeps arriving and takes every buffer of the gate's shared pool, so the
    /// other input's data — and the barrier behind it — can never be delivered: the graph
    /// stops for good. (Flink before 1.5 spilled the held channels' buffers to disk in its
    /// BarrierBuffer to avoid exactly this; credit and permits give each channel its own
    /// buffers or permits, so they cannot.) Two inputs into one sink: a fast source, and a
    /// backlog behind a transform that takes 20 ms a row.
    @Test(arguments: [(FlowControlKind.credit, 1), (.credit, 2), (.permits, 1), (.tcp, 1), (.tcp, 2)])
    func alignmentNeverDeadlocksTheGate(_ kind: FlowControlKind, nodes: Int) throws {
        let engine = Fixtures.engine { s in
            s.flowControl = kind
            s.nodes = nodes
            s.barrierIntervalMs = 100
            s.bufferRows = 10
            s.chunkRows = 10
        }
        try engine.createSource(Fixtures.source("fast", rate: 2000))
        try engine.createSource(Fixtures.source("slow"))
        try engine.inject(100_000, into: "slow")
        let schema = Fixtures.clicks
        try engine.createJob(JobSpec(name: "out", kind: .sink, fragments: [
            FragmentSpec(role: "fast", operators: [.source("fast")], parallelism: 1, inputs: [], outputSchema: schema),
            FragmentSpec(role: "slow", operators: [.source("slow")], parallelism: 1, inputs: [], outputSchema: schema),
            FragmentSpec(role: "work", operators: [], parallelism: 1, inputs: [FragmentInput(from: .fragment(1), distribution: .simple)],
                         cost: .fixed(20 * VirtualTime.millisecond), outputSchema: schema),
            FragmentSpec(role: "sink", operators: [.sink(Fixtures.sinkSpec())], parallelism: 1,
                         inputs: [FragmentInput(from: .fragment(0), distribution: .simple), FragmentInput(from: .fragment(2), distribution: .simple)],
                         outputSchema: schema),
        ], outputSchema: schema, dependsOn: ["fast", "slow"], definition: ""))
        engine.advance(by: 2 * VirtualTime.second)
        let sink = engine.actors[3]
        let delivered = sink.delivered, completed = engine.checkpoints.count
        engine.advance(by: 2 * VirtualTime.second)
        withKnownIssue("TcpScheme: an aligning receiver's held channel exhausts the gate's shared buffer pool; the barrier behind the other channel never arrives") {
            #expect(sink.delivered > delivered, "\(kind) on \(nodes) node(s): nothing written in 2 s; \(engine.barrierLocations().first?.places ?? [])")
        } when: { kind == .tcp }
        if kind == .credit { #expect(engine.checkpoints.count > completed) }
    }

    // MARK: Determinism

    @Test func barrierTimelinesAreIdenticalAcrossRuns() throws {
        func timeline() throws -> String {
            let engine = try Self.slowSink(.permits, mode: .aligned, intervalMs: 250)
            try engine.alterSource("clicks") { $0.pattern = .poisson; $0.cost = .exponential(mean: 200_000) }
            engine.advance(by: 6 * VirtualTime.second)
            return MetricsText.barrierTimeline(engine)
        }
        let first = try timeline()
        #expect(first.contains("checkpoint 10 "))
        #expect(try timeline() == first)
    }
}
