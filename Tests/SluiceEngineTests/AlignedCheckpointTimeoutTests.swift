import Testing
@testable import SluiceEngine

/// `aligned_checkpoint_timeout_ms`, Flink's `execution.checkpointing.aligned-checkpoint-timeout`:
/// with unaligned checkpoints on, each checkpoint starts aligned and turns unaligned once it is
/// that old. A checkpoint quick enough stays aligned and stores no in-flight data; a slow one
/// turns at the timeout, its barriers jump the queued rows, and it completes right after.
@Suite struct AlignedCheckpointTimeoutTests {
    /// `CheckpointTimeoutTests.twoInputs`: two source actors → a station aligning them → a
    /// sink writing 300 of the 1000 rows/s; aligned barriers take about a second.
    static func engine(_ kind: FlowControlKind = .credit, mode: CheckpointMode = .unaligned, alignedTimeoutMs: Int,
                       buffersPerChannel: Int = 2) throws -> Engine {
        let engine = try CheckpointTimeoutTests.twoInputs(kind, mode: mode, timeoutMs: 0, buffersPerChannel: buffersPerChannel)
        try CheckpointTimeoutTests.set(engine) { $0.alignedCheckpointTimeoutMs = alignedTimeoutMs }
        return engine
    }

    /// Behind the backpressure every checkpoint reaches the timeout: it turns unaligned then
    /// and completes within the station's chunk in hand, storing the rows its barriers jumped.
    @Test func aSlowCheckpointTurnsUnalignedAtTheTimeout() throws {
        let engine = try Self.engine(alignedTimeoutMs: 200)
        engine.traceCategories = [.barriers]
        engine.advance(by: 10 * VirtualTime.second)
        // SHOW BARRIERS says until when a checkpoint in flight stays aligned.
        let young = try #require(engine.barrierLocations().first { engine.now - $0.injectedAt < 200 * VirtualTime.millisecond })
        #expect(young.places.last == "aligned until \(VirtualTime.formatSeconds(young.injectedAt + 200 * VirtualTime.millisecond)) (aligned_checkpoint_timeout_ms), then unaligned")
        let late = engine.checkpoints.dropFirst(5)
        #expect(late.count > 80)
        let low = 200 * VirtualTime.millisecond, high = low + 10 * VirtualTime.millisecond
        #expect(late.allSatisfy { $0.latency >= low && $0.latency <= high }, "\(late.map { VirtualTime.format($0.latency) })")
        #expect(late.allSatisfy { $0.inFlightRows > 0 })
        let turns = engine.drainTrace().map(\.text).filter { $0.contains(" turns unaligned after 200ms (aligned_checkpoint_timeout_ms)") }
        #expect(turns.count >= late.count)
        #expect(engine.expired.isEmpty && EngineAudit.imbalances(engine).isEmpty)
    }

    /// A timeout longer than any checkpoint takes changes nothing: the run is the aligned one,
    /// checkpoint for checkpoint, and none stores in-flight data. Under aligned checkpoints the
    /// timeout is not read at all.
    @Test(arguments: [(CheckpointMode.unaligned, 5_000), (.aligned, 100)])
    func aTimeoutNoCheckpointReachesIsAnAlignedRun(_ mode: CheckpointMode, _ timeout: Int) throws {
        let aligned = try Self.engine(mode: .aligned, alignedTimeoutMs: 0)
        let other = try Self.engine(mode: mode, alignedTimeoutMs: timeout)
        for engine in [aligned, other] { engine.advance(by: 8 * VirtualTime.second) }
        #expect(aligned.checkpoints.count > 50)
        #expect(other.checkpoints == aligned.checkpoints)
        #expect(other.checkpoints.allSatisfy { $0.inFlightRows == 0 })
        #expect(other.processedEvents == aligned.processedEvents)
        #expect(other.actorSnapshots().map(\.rowsIn) == aligned.actorSnapshots().map(\.rowsIn))
    }

    /// An alignment in progress at the timeout ends there: the join (a click stream and a
    /// table, the table's side bringing the barrier at once) sends it on and reads the held
    /// input again; the copy still queued behind the clicks jumps them. Aligned all the way,
    /// this checkpoint takes 1.7 s; the timeout is 1 s.
    @Test func anAlignmentInProgressEndsAtTheTimeout() throws {
        let (engine, epoch, join) = try Fixtures.joinAligningABarrier { s in
            s.checkpointMode = .unaligned
            s.alignedCheckpointTimeoutMs = 1000
        }
        engine.traceCategories = [.barriers]
        guard case .completed(let checkpoint) = try engine.stepBarrier() else {
            Issue.record("barrier \(epoch) did not complete")
            return
        }
        let trace = engine.drainTrace().map(\.text)
        #expect(trace.contains("checkpoint \(epoch) turns unaligned after 1s (aligned_checkpoint_timeout_ms)"))
        #expect(trace.contains { $0.hasPrefix("out.join.0 stops aligning barrier \(epoch) (aligned_checkpoint_timeout_ms)") })
        #expect(checkpoint.latency >= VirtualTime.second && checkpoint.latency < 1050 * VirtualTime.millisecond,
                "\(VirtualTime.format(checkpoint.latency))")
        #expect(checkpoint.inFlightRows > 0)
        #expect(join.aligningEpoch == -1)
    }

    /// Under every scheme, with checkpoints turning unaligned mid-way (and under credit with no
    /// exclusive buffers, channels blocked behind aligned barriers), and a switch of the
    /// timeout and of the mode mid-run: once the load stops every epoch completes, nothing
    /// aligns any more, and every row is accounted for.
    @Test(arguments: [FlowControlKind.credit, .permits, .tcp, .unbounded, .dropTail, .dropHead])
    func turningCheckpointsLeaveNothingStuck(_ kind: FlowControlKind) throws {
        for (timeout, exclusive) in [(150, 2), (30, 0)] {
            let engine = try Self.engine(kind, alignedTimeoutMs: timeout, buffersPerChannel: exclusive)
            engine.advance(by: 3 * VirtualTime.second)
            try CheckpointTimeoutTests.set(engine) { $0.alignedCheckpointTimeoutMs = timeout * 3 }
            engine.advance(by: 1500 * VirtualTime.millisecond)
            try CheckpointTimeoutTests.set(engine) { $0.checkpointMode = .aligned }
            engine.advance(by: 700 * VirtualTime.millisecond)
            try CheckpointTimeoutTests.set(engine) { $0.checkpointMode = .unaligned }
            engine.advance(by: 2 * VirtualTime.second)
            try engine.alterSource("clicks") { $0.rate = 0 }
            engine.advance(by: 60 * VirtualTime.second)
            let context = "\(kind), timeout \(timeout) ms, \(exclusive) exclusive buffers"
            EngineAudit.expectDrained(engine, context)
            #expect(engine.checkpoints.count > 60, "\(context): \(engine.checkpoints.count)")
        }
    }
}
