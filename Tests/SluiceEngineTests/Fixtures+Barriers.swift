import Testing
@testable import SluiceEngine

extension Fixtures {
    /// Two source actors (two partitions) → one station that aligns their barriers (a barrier
    /// every 100 ms) → a sink writing 300 of the 1000 rows/s: the station is backpressured,
    /// its inputs queue, and an aligned barrier waits behind them for about a second.
    static func twoInputStation(_ configure: (inout EngineSettings) -> Void = { _ in }) throws -> Engine {
        let engine = Fixtures.engine { s in
            s.barrierIntervalMs = 100
            s.bufferRows = 10
            s.exchangeInitialPermits = 200
            s.exchangeBatchedPermits = 50
            configure(&s)
        }
        try engine.createSource(Fixtures.source(rate: 1000, partitions: 2))
        try engine.createJob(Fixtures.chain("out", source: "clicks", sourceParallelism: 2, stations: [.fixed(100_000)],
                                            sink: Fixtures.sinkSpec(throughput: 300), distribution: .hash([0])))
        return engine
    }

    /// A join of a click stream (1000 rows/s) and a 100-row table into a sink writing 300
    /// rows/s, run for 2 s; then a barrier, stepped until the join aligns it: the table's side
    /// brings it at once, the clicks' side behind the rows queued for the slow sink.
    /// Returns the engine, the epoch and the join actor.
    static func joinAligningABarrier(_ configure: (inout EngineSettings) -> Void = { _ in },
                                     sourceLocation: SourceLocation = #_sourceLocation) throws -> (Engine, Int64, Actor) {
        let engine = Fixtures.engine { s in
            s.barrierIntervalMs = 0
            s.bufferRows = 10
            configure(&s)
        }
        try engine.createSource(Fixtures.source(rate: 1000, keys: 100))
        try engine.createSource(Fixtures.table(rows: 100, keys: 100))
        try engine.createJob(Fixtures.joinSink("out", logStore: false, sink: Fixtures.sinkSpec(throughput: 300)))
        engine.advance(by: 2 * VirtualTime.second)
        let epoch = try engine.injectBarrier()
        let join = try #require(engine.actors.first { $0.name == "out.join.0" }, sourceLocation: sourceLocation)
        var steps = 0
        while join.aligningEpoch != epoch && steps < 10_000 {
            try #require(engine.step() != nil, sourceLocation: sourceLocation)
            steps += 1
        }
        try #require(join.aligningEpoch == epoch, "no alignment after \(steps) events: \(engine.barrierLocations().map(\.places))",
                     sourceLocation: sourceLocation)
        return (engine, epoch, join)
    }
}

extension EngineAudit {
    /// After the load stopped and the queues drained: no epoch older than a second is in
    /// flight, nothing aligns or blocks behind a barrier any more, and every row is accounted for.
    static func expectDrained(_ engine: Engine, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let stuck = engine.barrierLocations().filter { $0.injectedAt < engine.now - VirtualTime.second }
        #expect(stuck.isEmpty, "\(context): \(stuck.map { "epoch \($0.epoch) \($0.collected)/\($0.expected): \($0.places)" })",
                sourceLocation: sourceLocation)
        #expect(engine.actors.allSatisfy { $0.aligningEpoch < 0 }, "\(context): an actor still aligns", sourceLocation: sourceLocation)
        #expect(engine.actors.allSatisfy { !$0.selfPaused }, "\(context): a source paused for want of barriers", sourceLocation: sourceLocation)
        #expect(engine.channels.allSatisfy { !$0.blockedByBarrier }, "\(context): a channel still blocked", sourceLocation: sourceLocation)
        #expect(imbalances(engine, inConnections: true).isEmpty, "\(context)", sourceLocation: sourceLocation)
        #expect(engine.ledger().balanced, "\(context)", sourceLocation: sourceLocation)
    }
}
