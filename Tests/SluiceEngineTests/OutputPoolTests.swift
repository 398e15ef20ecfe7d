import Testing
@testable import SluiceEngine

/// Flink's sender side (`OutputPool`): on a remote channel under credit or tcp, a sender
/// keeps up to `max_buffers_per_channel` unsent buffers, from an output pool of `#channels ×
/// buffers_per_channel + floating_buffers_per_gate`, and stops when either runs out. A local
/// channel, or RisingWave's permits, stop it at its first unsent message.
@Suite struct OutputPoolTests {
    /// Record-at-a-time, one row a buffer, a sink far slower than its source: the pipeline
    /// fills up, and the sender's unsent buffers are what its side holds when it stops. The
    /// sink is fed by a shuffle (round robin), which crosses nodes; a no-shuffle input
    /// would run on its sender's node.
    static func filledPipeline(_ scheme: FlowControlKind, nodes: Int, sinks: Int = 1,
                               configure: (inout EngineSettings) -> Void = { _ in }) throws -> Engine {
        let engine = Fixtures.engine { s in
            s.flowControl = scheme
            s.nodes = nodes
            s.chunkRows = 1
            s.bufferRows = 1
            s.barrierIntervalMs = 0
            configure(&s)
        }
        try engine.createSource(Fixtures.source(rate: 1000))
        var job = Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 10),
                                 distribution: sinks > 1 ? .hash([0]) : .roundRobin)
        job.fragments[1].parallelism = sinks
        try engine.createJob(job)
        engine.advance(by: 3 * VirtualTime.second)
        return engine
    }

    static func sender(_ engine: Engine) -> Actor { engine.actors[0] }
    static func unsent(_ engine: Engine) -> [Int] { engine.channels.map(\.outboxBuffers) }

    @Test(arguments: [FlowControlKind.credit, .tcp])
    func aRemoteSenderKeepsMaxBuffersPerChannelBeforeItStops(_ scheme: FlowControlKind) throws {
        let engine = try Self.filledPipeline(scheme, nodes: 2)
        #expect(!engine.channels[0].isLocal)
        #expect(Self.sender(engine).status == .backpressured)
        #expect(Self.unsent(engine) == [10], "\(scheme): Flink's default max_buffers_per_channel")
        #expect(EngineAudit.imbalances(engine, inConnections: scheme == .tcp).isEmpty)
    }

    /// A local channel (one node) and RisingWave's sender keep nothing: the first unsent
    /// buffer, or chunk, stops the sender.
    @Test(arguments: [(FlowControlKind.credit, 1), (.tcp, 1), (.permits, 1), (.permits, 2)])
    func elsewhereTheFirstUnsentMessageStopsTheSender(_ scheme: FlowControlKind, nodes: Int) throws {
        let engine = try Self.filledPipeline(scheme, nodes: nodes) { $0.exchangeInitialPermits = 4; $0.exchangeBatchedPermits = 1 }
        #expect(engine.channels[0].isLocal == (nodes == 1))
        #expect(Self.sender(engine).status == .backpressured)
        if scheme == .permits {
            #expect(engine.channels[0].outbox.count == 1, "\(nodes) node(s): one chunk waits for its permits")
        } else {
            #expect(Self.unsent(engine) == [1], "\(scheme): one buffer")
        }
    }

    @Test func maxBuffersPerChannelOfOneStopsAtTheFirstBuffer() throws {
        let engine = try Self.filledPipeline(.credit, nodes: 2) { $0.maxBuffersPerChannel = 1 }
        #expect(Self.sender(engine).status == .backpressured)
        #expect(Self.unsent(engine) == [1])
    }

    /// Four remote receivers: each channel could keep 10, but the pool holds 4 × 2 + 8 = 16
    /// buffers for all of them, and the sender stops once they are used up.
    @Test func thePoolBoundsTheBuffersOfAllChannelsTogether() throws {
        let engine = try Self.filledPipeline(.credit, nodes: 5, sinks: 4)
        #expect(engine.channels.allSatisfy { !$0.isLocal })
        #expect(Self.sender(engine).status == .backpressured)
        #expect(Self.unsent(engine).reduce(0, +) == 16, "\(Self.unsent(engine))")
        #expect(Self.unsent(engine).allSatisfy { $0 <= 10 })
        #expect(EngineAudit.imbalances(engine).isEmpty)
    }

    /// The cap and the pool follow the settings at once: a higher cap lets the stopped
    /// sender go on; a switch to permits keeps what is queued and stops it at the first.
    @Test func changingTheSettingsRecountsWhatStopsTheSender() throws {
        let engine = try Self.filledPipeline(.credit, nodes: 2)
        var settings = engine.settings
        settings.maxBuffersPerChannel = 20
        settings.floatingBuffersPerGate = 30
        try engine.apply(settings)
        engine.advance(by: VirtualTime.second)
        #expect(Self.sender(engine).status == .backpressured)
        #expect(Self.unsent(engine) == [20])

        settings.flowControl = .permits
        try engine.apply(settings)
        engine.advance(by: VirtualTime.second)
        #expect(Self.sender(engine).status == .backpressured)
        #expect(EngineAudit.imbalances(engine).isEmpty)
        // Back to credit with the default cap: the 20 queued buffers keep it stopped until
        // fewer than 10 are left, and it stops again at 10.
        settings.flowControl = .credit
        settings.maxBuffersPerChannel = 10
        settings.floatingBuffersPerGate = 8
        try engine.apply(settings)
        engine.advance(by: 5 * VirtualTime.second)
        #expect(Self.unsent(engine) == [10])
        #expect(EngineAudit.imbalances(engine).isEmpty)
    }

    /// What the sender keeps lengthens aligned barrier latency: the barrier waits behind
    /// the sender's 10 buffers and the receiver's 10 at 10 rows/s.
    @Test func theSendersBuffersDelayAnAlignedBarrier() throws {
        func latency(maxBuffers: Int) throws -> Int64 {
            let engine = try Self.filledPipeline(.credit, nodes: 2) { $0.maxBuffersPerChannel = maxBuffers }
            let epoch = try engine.injectBarrier()
            while engine.checkpoints.last.map({ $0.epoch < epoch }) ?? true { engine.advance(by: 10 * VirtualTime.millisecond) }
            return engine.checkpoints.last!.latency
        }
        let kept = try latency(maxBuffers: 10), none = try latency(maxBuffers: 1)
        #expect(none >= 1_000 * VirtualTime.millisecond && none < 1_200 * VirtualTime.millisecond, "\(VirtualTime.format(none))")
        #expect(kept >= 1_900 * VirtualTime.millisecond && kept < 2_200 * VirtualTime.millisecond, "\(VirtualTime.format(kept))")
    }
}
