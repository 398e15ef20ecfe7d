import Testing
@testable import SluiceEngine

/// A sink at `throughput = 0` never finishes a write: with rows waiting it is stuck in the
/// write, busy as a task blocked in a call to an external system is (it read idle, full input
/// and all, so Flink's rule found no bottleneck), and a barrier waits behind it, unaligned or
/// not. A new throughput gets it writing again.
@Suite struct StuckSinkTests {
    static func engine(_ mode: CheckpointMode) throws -> Engine {
        let engine = Fixtures.engine { $0.barrierIntervalMs = 0; $0.checkpointMode = mode; $0.bufferRows = 10 }
        try engine.createSource(Fixtures.source(rate: 100))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 0)))
        return engine
    }

    @Test(arguments: [CheckpointMode.aligned, .unaligned])
    func aSinkThatNeverWritesIsBusyUntilItsThroughputChanges(_ mode: CheckpointMode) throws {
        let engine = try Self.engine(mode)
        engine.advance(by: VirtualTime.second)
        _ = try engine.injectBarrier()
        engine.resetMetrics()
        engine.advance(by: VirtualTime.second)
        let sink = try #require(engine.actorSnapshot(named: "out.sink.0"))
        #expect(sink.status == "busy")
        #expect(sink.busyTimeMsPerSecond == 1000 && sink.rowsInPerSecond == 0)
        #expect(try #require(engine.actorSnapshot(named: "out.source.0")).backPressuredTimeMsPerSecond > 500)
        #expect(engine.checkpoints.isEmpty, "a task stuck in a write takes no barrier, not even a priority one")
        try engine.alterJob("out") { $0.fragments[$0.fragments.count - 1].operators = [.sink(Fixtures.sinkSpec(throughput: 1000))] }
        engine.advance(by: VirtualTime.second)
        #expect(engine.checkpoints.map(\.epoch) == [1])
        let writing = try #require(engine.actorSnapshot(named: "out.sink.0"))
        #expect(writing.delivered > 100)
        #expect(engine.ledger().balanced)
    }

    /// With no rows to write, a sink at throughput 0 is idle, a barrier waiting or not.
    @Test func withNoRowsWaitingItIsIdle() throws {
        let engine = Fixtures.engine { $0.barrierIntervalMs = 0 }
        try engine.createSource(Fixtures.source(rate: 0))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 0)))
        engine.advance(by: VirtualTime.second)
        #expect(try #require(engine.actorSnapshot(named: "out.sink.0")).idleTimeMsPerSecond == 1000)
        _ = try engine.injectBarrier()
        engine.resetMetrics()
        engine.advance(by: VirtualTime.second)
        #expect(try #require(engine.actorSnapshot(named: "out.sink.0")).idleTimeMsPerSecond == 1000)
    }
}
