import Testing
@testable import SluiceEngine

/// `checkpoint_timeout_ms`, Flink's `execution.checkpointing.timeout`: a checkpoint that has
/// not completed that long after its injection expires. It is aborted everywhere: alignments
/// of it end, a source that has not emitted it never will, and its barriers still under way
/// are ignored where they arrive. The article: "When backpressure causes checkpoint timeouts,
/// unaligned checkpoints allow barriers to overtake buffered data".
@Suite struct CheckpointTimeoutTests {
    /// `Fixtures.twoInputStation` under `kind`, `mode` and the timeout.
    static func twoInputs(_ kind: FlowControlKind = .credit, mode: CheckpointMode = .aligned, timeoutMs: Int,
                          buffersPerChannel: Int = 2) throws -> Engine {
        try Fixtures.twoInputStation { s in
            s.flowControl = kind
            s.checkpointMode = mode
            s.checkpointTimeoutMs = timeoutMs
            s.buffersPerChannel = buffersPerChannel
        }
    }

    static func set(_ engine: Engine, _ change: (inout EngineSettings) -> Void) throws {
        var settings = engine.settings
        change(&settings)
        try engine.apply(settings)
    }

    /// Aligned barriers behind the backpressured queues take longer than 200 ms: they expire,
    /// each exactly 200 ms after its injection, and are counted; none completes late.
    @Test func alignedCheckpointsBehindBackpressureExpireOnTime() throws {
        let engine = try Self.twoInputs(timeoutMs: 200)
        engine.traceCategories = [.barriers]
        engine.advance(by: 10 * VirtualTime.second)
        let expired = engine.expired
        // Copies queued behind rows when their checkpoint expired are ignored at once: no
        // queue keeps a barrier of an expired checkpoint.
        let ignored = engine.drainTrace().map(\.text).filter { $0.hasPrefix("out.s1.0 ignores barrier ") }
        #expect(ignored.count > 10, "\(ignored.count)")
        let aborted = Set(engine.expired.map(\.epoch))
        #expect(engine.channels.allSatisfy { c in (Array(c.inbox) + Array(c.outbox)).allSatisfy { $0.barrier.map { !aborted.contains($0.epoch) } ?? true } })
        #expect(expired.count > 20, "\(expired.count) expired, \(engine.checkpoints.count) completed")
        #expect(expired.allSatisfy { $0.expiredAt == $0.injectedAt + 200 * VirtualTime.millisecond })
        #expect(expired.allSatisfy { $0.collected < $0.expected })
        #expect(engine.expiredCheckpointCount == Int64(expired.count))
        #expect(engine.checkpoints.allSatisfy { $0.latency <= 200 * VirtualTime.millisecond })
        #expect(Set(expired.map(\.epoch)).isDisjoint(with: engine.checkpoints.map(\.epoch)))
        // Every epoch injected is completed, expired, or still in flight (younger than 200 ms).
        let inFlight = engine.barrierLocations()
        #expect(inFlight.allSatisfy { engine.now - $0.injectedAt < 200 * VirtualTime.millisecond })
        #expect(expired.count + engine.checkpoints.count + inFlight.count == 100)
        // PLOT barrier_latency shows each expiry at the age it reached: the timeout.
        let series = try engine.series(.barrierLatency, target: nil, last: nil)
        #expect(series.map(\.name) == ["barrier latency", "expired (checkpoint_timeout_ms)"])
        #expect(series[1].points.count == expired.count && series[1].points.allSatisfy { $0.value == 200 })
    }

    /// Unaligned barriers overtake the queued rows: the same pipeline completes every one.
    @Test func unalignedCheckpointsOvertakeAndComplete() throws {
        let engine = try Self.twoInputs(mode: .unaligned, timeoutMs: 200)
        engine.advance(by: 10 * VirtualTime.second)
        #expect(engine.expired.isEmpty)
        #expect(engine.checkpoints.count >= 99)
    }

    /// A timeout that never fires changes nothing: the same run, event for event, as with
    /// none at all (`0`), though its timer comes and goes with every epoch.
    @Test func aTimeoutThatNeverFiresChangesNothing() throws {
        let never = try Self.twoInputs(timeoutMs: 0), late = try Self.twoInputs(timeoutMs: 3_000)
        for engine in [never, late] { engine.advance(by: 8 * VirtualTime.second) }
        #expect(late.expired.isEmpty)
        #expect(never.checkpoints == late.checkpoints)
        #expect(never.processedEvents == late.processedEvents)
        #expect(never.actorSnapshots().map(\.rowsIn) == late.actorSnapshots().map(\.rowsIn))
    }

    /// An alignment in progress ends when its checkpoint expires: the held input resumes, and
    /// the barrier's copy still queued behind rows is ignored when the join reaches it. A join
    /// of a click stream and a table: the table's side brings the barrier at once, the clicks'
    /// side behind the rows queued for the slow sink.
    @Test func expiryEndsTheAlignmentAndTheLateBarrierIsIgnored() throws {
        let (engine, epoch, join) = try Fixtures.joinAligningABarrier { $0.checkpointTimeoutMs = 0 }
        engine.traceCategories = [.barriers]
        try Self.set(engine) { $0.checkpointTimeoutMs = 1 }
        // It expires at this instant, after the events already due now.
        let at = engine.now
        var description: String?
        while engine.expired.isEmpty, engine.now == at { description = engine.step() }
        #expect(description == "checkpoint \(epoch) expired before completing (checkpoint_timeout_ms: 1ms)")
        #expect(engine.now == at)
        #expect(join.aligningEpoch == -1)
        #expect(engine.expired.map(\.epoch) == [epoch])
        // The clicks' source, blocked, had not emitted it: it never will.
        #expect(engine.expired.first?.places == ["pending at out.left.0 behind its blocked output",
                                                 "aligning at out.join.0: 1/2 inputs delivered it"])
        #expect(engine.barrierLocations().isEmpty)
        engine.advance(by: 5 * VirtualTime.second)
        let trace = engine.drainTrace().map(\.text)
        #expect(trace.contains { $0.hasPrefix("checkpoint \(epoch) expired after") })
        #expect(trace.contains("out.join.0 stops aligning barrier \(epoch) (expired) and releases its held inputs"))
        #expect(!trace.contains { $0.contains("barrier \(epoch) collected from out.left.0") || $0.contains("barrier \(epoch) reaches out.sink.0") })
        #expect(join.rowsIn > 0 && engine.actors.allSatisfy { $0.aligningEpoch < 0 })
        #expect(EngineAudit.imbalances(engine).isEmpty)
        #expect(engine.ledger().balanced)
    }

    /// A shorter timeout applies to the barriers in flight: one older than the new timeout
    /// expires at once. STEP BARRIER reports the expiry as its outcome.
    @Test func aShorterTimeoutExpiresOldBarriersAtOnceAndStepBarrierSaysSo() throws {
        let engine = try Self.twoInputs(timeoutMs: 0)
        try Self.set(engine) { $0.barrierIntervalMs = 0 }
        engine.advance(by: 3 * VirtualTime.second)
        let first = try engine.injectBarrier()
        engine.advance(by: 100 * VirtualTime.millisecond)
        try #require(engine.barrierLocations().map(\.epoch) == [first])
        try Self.set(engine) { $0.checkpointTimeoutMs = 50 }
        let at = engine.now
        engine.advance(by: 0)
        #expect(engine.expired.map(\.epoch) == [first])
        #expect(engine.expired.first?.expiredAt == at)
        let second = try engine.injectBarrier()
        guard case .expired(let gone) = try engine.stepBarrier() else {
            Issue.record("STEP BARRIER did not report the expiry")
            return
        }
        #expect(gone.epoch == second)
        #expect(gone.expiredAt - gone.injectedAt == 50 * VirtualTime.millisecond)
    }

    /// Under every scheme and both modes, with barriers that keep expiring (and under credit
    /// with no exclusive buffers, channels that block behind each barrier): once the load
    /// stops, every later epoch completes, nothing waits on an expired one, and every row is
    /// accounted for.
    @Test(arguments: [FlowControlKind.credit, .permits, .tcp, .unbounded, .dropTail, .dropHead], [CheckpointMode.aligned, .unaligned])
    func expiriesLeaveNothingStuck(_ kind: FlowControlKind, _ mode: CheckpointMode) throws {
        for (timeout, exclusive) in [(150, 2), (40, 0)] {
            let engine = try Self.twoInputs(kind, mode: mode, timeoutMs: timeout, buffersPerChannel: exclusive)
            engine.advance(by: 6 * VirtualTime.second)
            try engine.alterSource("clicks") { $0.rate = 0 }
            try Self.set(engine) { $0.checkpointTimeoutMs = 0 }
            engine.advance(by: 60 * VirtualTime.second)
            EngineAudit.expectDrained(engine, "\(kind), \(mode), timeout \(timeout) ms, \(exclusive) exclusive buffers")
            if mode == .aligned && kind.blocksSender { #expect(!engine.expired.isEmpty, "\(kind), timeout \(timeout) ms: nothing expired") }
        }
    }
}
