import Testing
@testable import SluiceEngine

/// Barriers and checkpoints (issue 3): latency behind queued data, unaligned checkpoints,
/// unaligned joins, sink decoupling, alignment, timelines. Stepping and stalls: BarrierTests+Control.
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

    /// Flink's unaligned barrier is a priority event: once the work in hand is done, the
    /// actor takes it before any other input's data, whichever input its round robin would
    /// visit next. Lesson 9's pipeline, with sources that spend 1 ms a row (so one of them is
    /// often mid-chunk when a barrier is injected, and its barrier comes later): each
    /// aggregate actor (2 ms a row, 10-row chunks) gets a barrier over one input while its
    /// other input is full of data. A checkpoint completes once every actor has the barrier
    /// from all its inputs: within a source's chunk in hand (10 ms) and then an aggregate's
    /// (20 ms). Taking the other input's chunk first took up to 34 ms.
    @Test func anUnalignedBarrierGoesBeforeTheOtherInputs() throws {
        let engine = Fixtures.engine { s in
            s.bufferRows = 10
            s.chunkRows = 10
        }
        try engine.createSource(Fixtures.source(rate: 1500, partitions: 2, keys: 200, cost: .fixed(VirtualTime.millisecond)))
        var view = Fixtures.aggregateView("balances", parallelism: 2, cost: .fixed(2 * VirtualTime.millisecond), threshold: -1)
        view.fragments[0].parallelism = 2
        try engine.createJob(view)
        engine.advance(by: 6 * VirtualTime.second)
        var settings = engine.settings
        settings.checkpointMode = .unaligned
        try engine.apply(settings)
        engine.advance(by: 10_500 * VirtualTime.millisecond)
        let unaligned = engine.checkpoints.filter { $0.injectedAt > 6 * VirtualTime.second }
        #expect(unaligned.count == 10)
        for checkpoint in unaligned {
            #expect(checkpoint.latency <= 30 * VirtualTime.millisecond, "epoch \(checkpoint.epoch): \(VirtualTime.format(checkpoint.latency))")
        }
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
        // Long enough for the slow input's barrier to pass what is queued ahead of it: on two
        // nodes, 10 buffers at the sender and 10 at the receiver, 200 rows at 50 rows/s.
        engine.advance(by: 6 * VirtualTime.second)
        #expect(sink.delivered > delivered, "\(kind) on \(nodes) node(s): nothing written in 6 s; \(engine.barrierLocations().first?.places ?? [])")
        if kind == .credit { #expect(engine.checkpoints.count > completed) }
    }

    // MARK: Determinism

    /// A view chained into its source's actor (no exchange: source → filter → materialize in
    /// one fragment) keeps its state there: the checkpoint records it as the source emits the
    /// barrier, beside the consumer's offsets.
    @Test func aCheckpointRecordsTheStateChainedIntoASource() throws {
        let engine = Fixtures.engine { $0.barrierIntervalMs = 0 }
        try engine.createSource(Fixtures.source(rate: 1000))
        try engine.createJob(JobSpec(name: "m", kind: .materializedView, fragments: [
            FragmentSpec(role: "source", operators: [.source("clicks"), .materialize(primaryKey: [])], parallelism: 1,
                         inputs: [], outputSchema: Fixtures.clicks),
        ], outputSchema: Fixtures.clicks, dependsOn: ["clicks"], definition: ""))
        engine.advance(by: 3 * VirtualTime.second)
        let epoch = try engine.injectBarrier()
        let checkpoint = try #require(engine.checkpoints.last)
        #expect(checkpoint.epoch == epoch, "one actor, nothing ahead: complete as it is emitted")
        let held = engine.actorSnapshots()[0].stateRows
        #expect(held > 2000)
        #expect(checkpoint.stateRows.map(\.actor) == ["m.source.0"] && checkpoint.stateRows[0].rows == held)
        #expect(checkpoint.sourceOffsets.count == 1)
    }

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
