import Testing
@testable import SluiceEngine

/// Each scheme under the article's basic situation: a source appending 5000 rows/s, a cheap
/// transform, and a sink that writes 1000 rows/s. The steady state must be the one the
/// mechanism predicts, measured over a 2 s window after a 3 s warm-up.
@Suite struct FlowControlSchemeTests {
    static let rate = 5000.0
    static let throughput = 1000.0

    struct SteadyState {
        let engine: Engine
        let consumedRate: Double
        let sinkRate: Double
        let lagGrowth: Int64
        let queuedGrowth: Int
        let droppedGrowth: Int64
        let source: ActorSnapshot
        let transform: ActorSnapshot
        let sink: ActorSnapshot
    }

    static func run(_ kind: FlowControlKind) throws -> SteadyState {
        let engine = Fixtures.engine { $0.flowControl = kind; $0.barrierIntervalMs = 0 }
        try engine.createSource(Fixtures.source(rate: rate))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [.fixed(10_000)],
                                            sink: Fixtures.sinkSpec(throughput: throughput)))
        func queued() -> Int { engine.channels.reduce(0) { $0 + $1.queuedRows } }
        func dropped() -> Int64 { engine.channels.reduce(0) { $0 + $1.droppedRows } }
        engine.advance(by: 3 * VirtualTime.second)
        engine.resetMetrics()
        let lag0 = engine.consumerSnapshots()[0].lag, queued0 = queued(), dropped0 = dropped()
        engine.advance(by: 2 * VirtualTime.second)
        let actors = engine.actorSnapshots()
        let consumer = engine.consumerSnapshots()[0]
        return SteadyState(engine: engine, consumedRate: consumer.recordsConsumedRate, sinkRate: actors[2].rowsOutPerSecond,
                           lagGrowth: consumer.lag - lag0, queuedGrowth: queued() - queued0, droppedGrowth: dropped() - dropped0,
                           source: actors[0], transform: actors[1], sink: actors[2])
    }

    /// 2 s × (5000 − 1000) rows/s: what piles up somewhere (the log, a queue, or the floor).
    static let excess = 8000.0

    @Test(arguments: [FlowControlKind.credit, .permits, .tcp])
    func blockingSchemeMovesTheBacklogIntoTheLog(_ kind: FlowControlKind) throws {
        let s = try Self.run(kind)
        #expect(abs(s.sinkRate - Self.throughput) <= 1, "sink writes \(s.sinkRate) rows/s")
        // The source consumes only what the sink takes (plus at most one chunk of slack).
        #expect(abs(s.consumedRate - Self.throughput) / Self.throughput < 0.15, "source consumes \(s.consumedRate) rows/s")
        // Lag grows at rate − throughput.
        #expect(abs(Double(s.lagGrowth) - Self.excess) / Self.excess < 0.05, "lag grew by \(s.lagGrowth)")
        // Bounded queues: they do not grow (at most a chunk of jitter).
        #expect(abs(s.queuedGrowth) <= 256, "queues grew by \(s.queuedGrowth)")
        #expect(s.source.backPressuredTimeMsPerSecond > 500, "source bp \(s.source.backPressuredTimeMsPerSecond)")
        #expect(s.transform.backPressuredTimeMsPerSecond > 500, "transform bp \(s.transform.backPressuredTimeMsPerSecond)")
        #expect(s.sink.busyTimeMsPerSecond > 990, "sink busy \(s.sink.busyTimeMsPerSecond)")
        #expect(s.sink.backPressuredTimeMsPerSecond == 0)
        #expect(s.engine.channels.allSatisfy { $0.droppedRows == 0 })
        #expect(EngineAudit.imbalances(s.engine) == [])
        #expect(EngineAudit.statelessImbalances(s.engine) == [])
    }

    @Test func unboundedNeverBlocksAndItsQueueGrows() throws {
        let s = try Self.run(.unbounded)
        #expect(abs(s.sinkRate - Self.throughput) <= 1)
        #expect(abs(s.consumedRate - Self.rate) / Self.rate < 0.01, "source consumes \(s.consumedRate)")
        #expect(s.engine.consumerSnapshots()[0].lag <= 5, "the log is read as fast as it grows")
        #expect(abs(s.lagGrowth) <= 5)
        // Everything the sink cannot take waits in memory, and the engine reports the bytes.
        #expect(abs(Double(s.queuedGrowth) - Self.excess) / Self.excess < 0.01, "queues grew by \(s.queuedGrowth)")
        let rowWidth = Fixtures.clicks.rowWidth
        #expect(s.engine.queuedBytes == s.engine.channels.reduce(0) { $0 + $1.queuedRows } * rowWidth)
        #expect(s.engine.queuedBytes > 19_000 * rowWidth)
        for a in [s.source, s.transform, s.sink] { #expect(a.backPressuredTimeMsPerSecond == 0, "\(a.name) bp") }
        #expect(s.engine.channels.allSatisfy { $0.droppedRows == 0 })
        #expect(EngineAudit.imbalances(s.engine) == [])
        #expect(EngineAudit.statelessImbalances(s.engine) == [])
    }

    @Test(arguments: [FlowControlKind.dropTail, .dropHead])
    func dropSchemesNeverBlockAndCountWhatTheyDrop(_ kind: FlowControlKind) throws {
        let s = try Self.run(kind)
        #expect(abs(s.sinkRate - Self.throughput) <= 1)
        #expect(abs(s.consumedRate - Self.rate) / Self.rate < 0.01)
        #expect(abs(s.lagGrowth) <= 5)
        for a in [s.source, s.transform, s.sink] { #expect(a.backPressuredTimeMsPerSecond == 0, "\(a.name) bp") }
        // The queue in front of the sink is full and stays at its bound; the excess is dropped.
        let capacity = s.engine.settings.boundedChannelRows
        let sinkChannel = s.engine.channels[1]
        #expect(sinkChannel.inboxRows == capacity)
        #expect(abs(s.queuedGrowth) <= 10)
        #expect(abs(Double(s.droppedGrowth) - Self.excess) / Self.excess < 0.01, "dropped \(s.droppedGrowth)")
        #expect(s.engine.channels[0].droppedRows == 0, "the fast transform's input never fills")
        let snapshot = s.engine.channelSnapshots()[1]
        #expect(snapshot.droppedRows == sinkChannel.droppedRows)
        #expect(snapshot.flowState == "dropped \(sinkChannel.droppedRows)")
        #expect(EngineAudit.imbalances(s.engine) == [])
        #expect(EngineAudit.statelessImbalances(s.engine) == [])
    }

    /// drop_tail keeps the oldest rows and loses the arriving ones; drop_head keeps the newest.
    /// Ten rows into a 4-row channel whose sink never writes: which rows are left is exact.
    @Test(arguments: [FlowControlKind.dropTail, .dropHead])
    func dropTailKeepsTheOldestDropHeadTheNewest(_ kind: FlowControlKind) throws {
        let engine = Fixtures.engine { s in
            s.flowControl = kind
            s.exchangeInitialPermits = 4
            s.exchangeBatchedPermits = 1
            s.chunkRows = 1
            s.barrierIntervalMs = 0
        }
        try engine.createSource(Fixtures.source())
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 0)))
        try engine.inject(10, into: "clicks")
        engine.advance(by: VirtualTime.second)
        let channel = engine.channels[0]
        #expect(channel.inboxRows == 4)
        #expect(channel.droppedRows == 6)
        var kept: [[Int64]] = []
        for m in channel.inbox {
            let rows = m.chunk
            for r in 0..<rows.count { kept.append((0..<rows.width).map { rows.value(r, $0) }) }
        }
        var log = Chunk(width: Fixtures.clicks.count)
        engine.sources[0].readRows(partition: 0, offset: 0, count: 10, into: &log)
        let all = (0..<10).map { r in (0..<log.width).map { log.value(r, $0) } }
        #expect(kept == (kind == .dropTail ? Array(all[0..<4]) : Array(all[6..<10])))
        #expect(EngineAudit.imbalances(engine) == [])
    }

    // MARK: Credit protocol, step by step

    /// 0 exclusive buffers, 3 floating, one row per buffer, 5-row chunks: a 5-row INJECT makes
    /// the sender announce a backlog of 5, the receiver grant the 3 floating buffers it has,
    /// the sender spend them down to credit 0 and block, and the sink (batch 2) free two
    /// buffers at once, which come back as 2 credits for the last 2 buffers.
    /// Credit sends one buffer onto an empty outbox without queueing it there; tracing takes
    /// the general path (queue, then pump). Both must do exactly the same, record-at-a-time
    /// and in chunks, with floating buffers contended, over hash and no-shuffle exchanges.
    @Test(arguments: [(1, 1), (1, 4), (16, 4), (256, 0)])
    func creditsDirectSendIsTheGeneralPath(_ chunkRows: Int, _ bufferRows: Int) throws {
        func run(tracing: Bool) throws -> String {
            let engine = Fixtures.engine {
                $0.chunkRows = chunkRows
                $0.bufferRows = bufferRows
                $0.floatingBuffersPerGate = 3
                $0.barrierIntervalMs = 50
            }
            try engine.createSource(Fixtures.source(rate: 3000, partitions: 2, cost: .exponential(mean: 50_000)))
            try engine.createJob(Fixtures.aggregateView("spend", parallelism: 2, cost: .exponential(mean: 300_000)))
            try engine.createJob(Fixtures.sink("out", from: "spend", schema: Fixtures.aggregateView("spend").outputSchema,
                                               sink: Fixtures.sinkSpec(throughput: 800), cost: .exponential(mean: 100_000)))
            try engine.createJob(Fixtures.chain("tandem", source: "clicks", stations: [.exponential(mean: 400_000)],
                                                sink: Fixtures.sinkSpec(throughput: 1500)))
            if tracing { engine.traceCategories = Set(TraceCategory.allCases) }
            // Every channel's credit, backlog and floating buffers after every event.
            var states: [String] = []
            for _ in 0..<4000 {
                engine.step()
                states.append(engine.channelSnapshots().map(\.flowState).joined(separator: "|"))
            }
            engine.advance(by: 3 * VirtualTime.second)
            #expect(engine.ledger().balanced)
            return states.joined(separator: "\n") + MetricsText.render(engine)
        }
        let direct = try run(tracing: false), general = try run(tracing: true)
        #expect(direct == general)
    }

    /// Two backlogged channels into one gate share its floating buffers: a freed floating
    /// buffer goes back to the pool, which hands it to the channel that has waited longest
    /// (Flink's `LocalBufferPool` serves its `BufferListener`s in turn). Before, the channel
    /// that burst first kept all 8, and its source read 1.5 times as many rows as the other.
    @Test func backloggedChannelsShareTheFloatingBuffers() throws {
        let engine = try Fixtures.twoInputStation { s in
            s.flowControl = .credit
            s.barrierIntervalMs = 0
        }
        let inputs = engine.channels.filter { $0.receiverActor.name == "out.s1.0" }
        try #require(inputs.count == 2)
        var held = [0, 0], samples = 0
        for _ in 0..<200 {
            engine.advance(by: 50 * VirtualTime.millisecond)
            guard engine.now > 2 * VirtualTime.second else { continue }
            samples += 1
            for (i, channel) in inputs.enumerated() {
                held[i] += channel.floatingHeld
                #expect(channel.floatingInUse <= channel.floatingHeld && channel.credit >= 0)
            }
            #expect(inputs.reduce(0) { $0 + $1.floatingHeld } + engine.gates[2][0].floatingFree == engine.settings.floatingBuffersPerGate)
        }
        // Each holds about half of the pool on average.
        for h in held { #expect(abs(Double(h) / Double(samples) - 4) < 1, "floating buffers held on average: \(held.map { Double($0) / Double(samples) })") }
        let sources = engine.actorSnapshots().filter { $0.role == "source" }.map(\.rowsOut)
        try #require(sources.count == 2)
        #expect(abs(Double(sources[0]) / Double(sources[1]) - 1) < 0.05, "rows read by the two source actors: \(sources)")
        #expect(engine.ledger().balanced)
        #expect(EngineAudit.imbalances(engine) == [])
    }

    /// Leaving credit and coming back with rows and barriers queued, no exclusive buffers and
    /// one floating buffer per gate, aligned: every row still arrives. Two bugs stopped the job
    /// for good: a floating buffer split across the re-attach's buffers beyond capacity lost its
    /// mark (the channel kept it as phantom credit), and a channel whose barrier was queued took
    /// the gate's only buffer for the rows behind it, so the other input never brought its barrier.
    @Test(arguments: [FlowControlKind.permits, .tcp, .unbounded], [100, 155, 203, 301, 457] as [Int64])
    func creditReattachedWithBarriersQueuedDeliversEveryRow(_ other: FlowControlKind, _ switchAt: Int64) throws {
        let engine = Fixtures.engine { s in
            s.barrierIntervalMs = 10
            s.bufferRows = 1
            s.chunkRows = 8
            s.buffersPerChannel = 0
            s.floatingBuffersPerGate = 1
            s.nodes = other == .tcp ? 2 : 1
        }
        try engine.createSource(Fixtures.source(partitions: 2))
        try engine.createJob(Fixtures.chain("k", source: "clicks", sourceParallelism: 2, stations: [], sink: Fixtures.sinkSpec(throughput: 2000)))
        try engine.inject(5000, into: "clicks")
        engine.advance(by: switchAt * VirtualTime.millisecond)
        for kind in [other, .credit] {
            var settings = engine.settings
            settings.flowControl = kind
            try engine.apply(settings)
            #expect(EngineAudit.imbalances(engine, inConnections: true) == [], "after switching to \(kind)")
        }
        engine.advance(by: 10 * VirtualTime.second)
        #expect(engine.actorSnapshots().last?.delivered == 5000)
        #expect(EngineAudit.imbalances(engine, inConnections: true) == [])
        #expect(engine.ledger().balanced)
    }

    @Test func creditProtocolStepByStep() throws {
        let engine = Fixtures.engine { s in
            s.buffersPerChannel = 0
            s.floatingBuffersPerGate = 3
            s.bufferRows = 1
            s.chunkRows = 5
            s.barrierIntervalMs = 0
        }
        try engine.createSource(Fixtures.source())
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(batch: 2)))
        engine.traceCategories = Set(TraceCategory.allCases)
        let channel = engine.channels[0]
        #expect(channel.credit == 0, "no exclusive buffers: the initial credit is 0")
        try engine.inject(5, into: "clicks")
        #expect(engine.drainTrace().isEmpty, "the source is still processing its chunk")

        let c = "out.source.0 → out.sink.0: "
        #expect(engine.step() == "out.source.0 finished a chunk of 5 rows")
        // "(1 rows," and "(1 row," are both accepted: main has since fixed the plural.
        #expect(engine.drainTrace().map { $0.text.replacing("(1 rows,", with: "(1 row,") } == [
            c + "sender announces backlog 5",
            c + "receiver grants 3 credits from floating buffers (credit 3)",
            c + "sends buffer 1 (1 row, credit left 2)",
            c + "sends buffer 2 (1 row, credit left 1)",
            c + "sends buffer 3 (1 row, credit left 0)",
            c + "sender blocked, 0 credits, backlog 2",
            c + "receiver grants 2 credits from floating buffers back in the pool (credit 2)",
            c + "sends buffer 4 (1 row, credit left 1)",
            c + "sends buffer 5 (1 row, credit left 0)",
            "out.source.0: unblocked",
        ])
        // The sink took 2 rows (2 buffers) when the first 3 arrived; 3 are queued now.
        #expect(channel.inboxRows == 3 && channel.inboxBuffers == 3)
        #expect(channel.floatingHeld == 3 && engine.gates[1][0].floatingFree == 0)

        #expect(engine.step() == "out.sink.0 finished a write of 2 rows")
        #expect(engine.step() == "out.sink.0 finished a write of 2 rows")
        #expect(engine.step() == "out.sink.0 finished a write of 1 row")
        #expect(engine.step() == nil)
        // With no backlog left, every floating buffer went back to the gate's pool.
        #expect(engine.drainTrace().filter { $0.category == .credit }.isEmpty)
        #expect(channel.credit == 0 && channel.floatingHeld == 0 && engine.gates[1][0].floatingFree == 3)
        #expect(engine.actors[1].delivered == 5)
        #expect(EngineAudit.imbalances(engine) == [])
    }

    /// With exclusive buffers, a channel that has no backlog keeps exactly its initial credit,
    /// and a backlog draws floating buffers up to backlog + initial credit.
    @Test func creditRequestsBacklogPlusInitialCredit() throws {
        let engine = Fixtures.engine { s in
            s.buffersPerChannel = 2
            s.floatingBuffersPerGate = 8
            s.bufferRows = 1
            s.chunkRows = 4
            s.barrierIntervalMs = 0
        }
        try engine.createSource(Fixtures.source())
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 0)))
        engine.traceCategories = [.credit]
        let channel = engine.channels[0]
        #expect(channel.credit == 2)
        try engine.inject(4, into: "clicks")
        engine.step()
        let texts = engine.drainTrace().map(\.text)
        // Backlog 4 ⇒ hold 4 + 2 buffers: 4 floating ones on top of the 2 exclusive.
        #expect(texts.first == "out.source.0 → out.sink.0: sender announces backlog 4")
        #expect(texts.dropFirst().first == "out.source.0 → out.sink.0: receiver grants 4 credits from floating buffers (credit 6)")
        #expect(channel.inboxBuffers == 4 && channel.outboxBuffers == 0)
        // Nothing left to send: the channel keeps 2 credits, and holds the 4 floating buffers in use.
        #expect(channel.credit == 2 && channel.floatingHeld == 4 && engine.gates[1][0].floatingFree == 4)
    }

    // MARK: Permits

    /// A chunk takes min(rows, initial − batched) permits: with 200 initial and 100 batched,
    /// a 256-row chunk takes 100 permits and the 44-row rest takes 44.
    @Test func permitsPerChunkAreClamped() throws {
        let engine = Fixtures.engine { s in
            s.flowControl = .permits
            s.exchangeInitialPermits = 200
            s.exchangeBatchedPermits = 100
            s.chunkRows = 256
            s.barrierIntervalMs = 0
        }
        try engine.createSource(Fixtures.source())
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 0)))
        engine.traceCategories = [.permits]
        try engine.inject(300, into: "clicks")
        engine.advance(by: VirtualTime.second)
        let c = "out.source.0 → out.sink.0: "
        #expect(engine.drainTrace().map(\.text) == [
            c + "takes 100 permits for 256 rows (100 left)",
            c + "takes 44 permits for 44 rows (56 left)",
        ])
        let channel = engine.channels[0]
        #expect(channel.inboxRows == 300 && channel.permits == 56)
        #expect(channel.inbox.map(\.permits) == [100, 44])
    }

    /// The permits on a channel are conserved: available + awaiting return + held by queued
    /// messages = `exchange_initial_permits`.
    static func permitsInUse(_ channel: Channel) -> Int {
        channel.permits + channel.permitsToReturn + channel.inbox.reduce(0) { $0 + $1.permits }
    }

    /// Local channels give permits back as the receiver dequeues; remote ones (nodes = 2)
    /// collect them and send `AddPermits` once at least `exchange_batched_permits` (256) are
    /// due. Defaults: 2048 initial permits, 256 batched; 64-row chunks, 16-row sink writes.
    @Test(arguments: [1, 2])
    func permitsReturnOnDequeueLocallyAndInBatchesRemotely(nodes: Int) throws {
        let engine = Fixtures.engine { s in
            s.flowControl = .permits
            s.nodes = nodes
            s.chunkRows = 64
            s.barrierIntervalMs = 0
        }
        #expect(engine.settings.exchangeInitialPermits == 2048 && engine.settings.exchangeBatchedPermits == 256)
        try engine.createSource(Fixtures.source())
        // A shuffle (round robin) between them: a no-shuffle input would stay on its node.
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(batch: 16), distribution: .roundRobin))
        let channel = engine.channels[0]
        #expect(channel.isLocal == (nodes == 1))
        engine.traceCategories = [.permits]
        try engine.inject(2000, into: "clicks")
        var returns: [String] = []
        while engine.step() != nil {
            #expect(Self.permitsInUse(channel) == 2048)
            returns += engine.drainTrace().map(\.text).filter { !$0.contains(" takes ") }
        }
        #expect(engine.actors[1].delivered == 2000)
        let c = "out.source.0 → out.sink.0: "
        if nodes == 1 {
            // One return per 16-row dequeue, at once.
            #expect(returns.count == 2000 / 16)
            #expect(returns.allSatisfy { $0.hasPrefix(c + "local receiver returns 16 permits (") })
            #expect(channel.permits == 2048 && channel.permitsToReturn == 0)
        } else {
            // Batches of exactly 256 (sixteen 16-row dequeues); the rest waits for the next batch.
            #expect(returns.count == 2000 / 256)
            #expect(returns.allSatisfy { $0.hasPrefix(c + "AddPermits 256 (") })
            #expect(channel.permitsToReturn == 2000 - 256 * (2000 / 256))
            #expect(channel.permits == 2048 - channel.permitsToReturn)
        }
    }

    /// A channel of one permit (`exchange_initial_permits = 1`, the one value allowed at or
    /// below the batch) returns it at once even remotely: a batch of 256 would never come,
    /// and the channel would stall for good with its one row taken.
    @Test(arguments: [1, 2])
    func aOnePermitChannelReturnsItsPermitAtOnce(nodes: Int) throws {
        let engine = Fixtures.engine { s in
            s.flowControl = .permits
            s.exchangeInitialPermits = 1
            s.nodes = nodes
            s.barrierIntervalMs = 0
        }
        try engine.createSource(Fixtures.source())
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(), distribution: .roundRobin))
        #expect(engine.channels[0].isLocal == (nodes == 1))
        try engine.inject(500, into: "clicks")
        engine.advance(by: VirtualTime.second)
        #expect(engine.actors[1].delivered == 500, "nodes \(nodes): delivered \(engine.actors[1].delivered)")
        #expect(engine.channels[0].permits == 1 && engine.channels[0].permitsToReturn == 0)
    }

    /// A barrier needs the channel's barrier permit (`exchange_concurrent_barriers` = 1): a
    /// second barrier waits at the sender until the receiver takes the first.
    @Test func barriersTakeTheSeparateBarrierPermit() throws {
        let engine = Fixtures.engine { s in
            s.flowControl = .permits
            s.barrierIntervalMs = 0
        }
        try engine.createSource(Fixtures.source())
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 0)))
        try engine.injectBarrier()
        try engine.injectBarrier()
        engine.advance(by: VirtualTime.second)
        let channel = engine.channels[0]
        #expect(channel.barrierPermits == 0)
        #expect(channel.permits == 2048, "barriers take no row permits")
        #expect(channel.inbox.count == 1 && channel.inbox[0].barrier?.epoch == 1)
        #expect(channel.outbox.count == 1 && channel.outbox[0].barrier?.epoch == 2)
        #expect(engine.barrierLocations().map(\.places) == [
            ["queued at out.sink.0 from out.source.0 behind 0 rows"],
            ["waiting to be sent on out.source.0 → out.sink.0 behind 0 rows"],
        ])
    }

    // MARK: Progress

    /// Every scheme must make progress when one chunk needs more network buffers than a gate
    /// holds (`buffer_rows = 1`, 256-row chunks, 2 + 8 buffers): a sender splits its data into
    /// buffers (Flink serializes records into buffers one at a time) and never waits for room
    /// the gate can never have.
    @Test(arguments: FlowControlKind.allCases)
    func chunksLargerThanAGateStillFlow(_ kind: FlowControlKind) throws {
        let engine = Fixtures.engine { s in
            s.flowControl = kind
            s.bufferRows = 1
            s.barrierIntervalMs = 0
        }
        try engine.createSource(Fixtures.source())
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec()))
        try engine.inject(1000, into: "clicks")
        engine.advance(by: VirtualTime.second)
        #expect(engine.actors[1].delivered == 1000, "\(kind): delivered \(engine.actors[1].delivered)")
    }
}
