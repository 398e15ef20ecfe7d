import Testing
@testable import SluiceEngine

/// The article's cross-contamination: before Flink 1.5, every logical channel between two
/// task managers shared one TCP connection, so one slow receiver stalled its neighbours.
/// Two independent pipelines A and B (source → transform → sink, 5000 rows/s each) on two
/// nodes; A's sink writes 200 rows/s, B's is unlimited. Their stages are joined by shuffles
/// (round robin), and actors sit on node (depth + index) % nodes, so both pipelines run
/// source and sink on node 0 and the transform on node 1: their channels share the
/// connections 0 → 1 and 1 → 0.
@Suite struct TcpCrossContaminationTests {
    struct Outcome {
        let engine: Engine
        let a: Double
        let b: Double
        let bActors: [ActorSnapshot]
    }

    static func run(_ kind: FlowControlKind, nodes: Int = 2) throws -> Outcome {
        let engine = Fixtures.engine { $0.flowControl = kind; $0.nodes = nodes; $0.barrierIntervalMs = 0 }
        try engine.createSource(Fixtures.source("a", rate: 5000))
        try engine.createSource(Fixtures.source("b", rate: 5000))
        try engine.createJob(Fixtures.chain("ja", source: "a", stations: [.free], sink: Fixtures.sinkSpec(throughput: 200),
                                             distribution: .roundRobin))
        try engine.createJob(Fixtures.chain("jb", source: "b", stations: [.free], sink: Fixtures.sinkSpec(), distribution: .roundRobin))
        engine.advance(by: 2 * VirtualTime.second)
        engine.resetMetrics()
        engine.advance(by: 3 * VirtualTime.second)
        let jobs = engine.jobSnapshots()
        return Outcome(engine: engine, a: jobs[0].throughput, b: jobs[1].throughput,
                       bActors: engine.actorSnapshots().filter { $0.job == "jb" })
    }

    @Test func placementPutsBothPipelinesOnTheSameNodePairs() throws {
        let engine = try Self.run(.tcp).engine
        #expect(engine.actorSnapshots().map { "\($0.name)@\($0.node)" } == [
            "ja.source.0@0", "ja.s1.0@1", "ja.sink.0@0",
            "jb.source.0@0", "jb.s1.0@1", "jb.sink.0@0",
        ])
        #expect(engine.channels.allSatisfy { !$0.isLocal })
        // Two connections (0 → 1 and 1 → 0), each shared by one channel of A and one of B.
        #expect(engine.connections.keys.sorted() == [0 * 4096 + 1, 1 * 4096 + 0])
    }

    @Test func creditKeepsTheFastPipelineUnaffected() throws {
        let o = try Self.run(.credit)
        #expect(o.a == 200)
        #expect(abs(o.b - 5000) / 5000 < 0.01, "B under credit: \(o.b) rows/s")
        for a in o.bActors { #expect(a.backPressuredTimeMsPerSecond == 0, "\(a.name) bp \(a.backPressuredTimeMsPerSecond)") }
    }

    @Test func tcpLetsTheSlowSinkThrottleTheFastPipeline() throws {
        let credit = try Self.run(.credit)
        let tcp = try Self.run(.tcp)
        #expect(tcp.a == 200, "A is limited by its own sink either way")
        #expect(tcp.b < credit.b / 2, "B under tcp \(tcp.b) rows/s vs \(credit.b) under credit")
        // B's own actors now report backpressure though B's sink is idle most of the time.
        #expect(tcp.bActors[0].backPressuredTimeMsPerSecond > 500)
        #expect(tcp.bActors[2].idleTimeMsPerSecond > 500)
        // The connections are stalled with A's data at their head.
        let connections = tcp.engine.connections.keys.sorted().compactMap { tcp.engine.connections[$0] }
        #expect(connections.allSatisfy { $0.stalled })
        #expect(tcp.engine.channelSnapshots().allSatisfy { $0.flowState.contains("STALLED") })
        // Rows inside a connection are neither in a channel's outbox nor in its inbox, and
        // `Channel.queuedRows` (what the ledger and SHOW QUEUES count) misses them.
        #expect(EngineAudit.imbalances(tcp.engine, inConnections: true) == [])
        #expect(EngineAudit.imbalances(tcp.engine) == [])
    }

    /// On one node nothing is multiplexed: each gate has its own pool and B runs free again,
    /// which shows that the shared connection, not the scheme's buffers, slowed B down.
    @Test func tcpOnOneNodeDoesNotContaminate() throws {
        let o = try Self.run(.tcp, nodes: 1)
        #expect(o.engine.connections.isEmpty)
        #expect(abs(o.b - 5000) / 5000 < 0.01, "B under tcp on one node: \(o.b) rows/s")
    }
}
