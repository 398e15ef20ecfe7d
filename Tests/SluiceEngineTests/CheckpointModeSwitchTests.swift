import Testing
@testable import SluiceEngine

/// `SET checkpoint_mode` while barriers are on their way: an epoch one mode started, the
/// other finishes. An actor that forwarded a barrier unaligned and then sees its other copies
/// aligned acknowledges it without holding anything; an alignment in progress when the mode
/// turns unaligned ends as Flink's aligned-checkpoint timeout ends one (the barrier goes on
/// at once, the held inputs are released). Before, either switch could leave an epoch that
/// never completed, and with it every later one (epochs complete in order), until the
/// sources paused for want of barriers.
@Suite struct CheckpointModeSwitchTests {
    /// Two source actors (two partitions) → one station that aligns their barriers → a sink
    /// writing 300 of the 1000 rows/s: the station is backpressured and its inputs queue.
    static func twoInputs(_ kind: FlowControlKind) throws -> Engine {
        try Fixtures.twoInputStation { $0.flowControl = kind }
    }

    static func setMode(_ engine: Engine, _ mode: CheckpointMode) throws {
        var settings = engine.settings
        settings.checkpointMode = mode
        try engine.apply(settings)
    }

    /// The mode flips every `every` for two seconds, landing in the middle of alignments and
    /// of unaligned epochs, then stays `final`: once the load stops, every epoch completes, as
    /// when the mode never changes, and every row is accounted for.
    @Test(arguments: [FlowControlKind.credit, .permits, .tcp], [CheckpointMode.aligned, .unaligned])
    func epochsCompleteAcrossModeSwitches(_ kind: FlowControlKind, _ final: CheckpointMode) throws {
        for every in [7, 23, 61] as [Int64] {
            let engine = try Self.twoInputs(kind)
            engine.advance(by: 2 * VirtualTime.second)
            var mode = CheckpointMode.aligned
            for _ in 0..<(2000 / every) {
                mode = mode == .aligned ? .unaligned : .aligned
                try Self.setMode(engine, mode)
                engine.advance(by: every * VirtualTime.millisecond)
            }
            try Self.setMode(engine, final)
            engine.advance(by: 10 * VirtualTime.second)
            // The load stops and the queues drain (a held input under tcp spills, and can
            // queue seconds of rows): every epoch injected until shortly before the end completes.
            try engine.alterSource("clicks") { $0.rate = 0 }
            engine.advance(by: 60 * VirtualTime.second)
            let completed = Set(engine.checkpoints.map(\.epoch))
            let stuck = engine.barrierLocations().filter { $0.injectedAt < engine.now - VirtualTime.second }
            #expect(stuck.isEmpty, "\(kind) → \(final), switching every \(every) ms: \(stuck.map { "epoch \($0.epoch) \($0.collected)/\($0.expected): \($0.places)" })")
            #expect(completed.count > 100)
            #expect(engine.actors.allSatisfy { !$0.selfPaused }, "a source paused for want of barriers")
            #expect(EngineAudit.imbalances(engine, inConnections: true).isEmpty)
            #expect(engine.ledger().balanced)
            #expect(engine.actors.allSatisfy { $0.aligningEpoch < 0 || final == .aligned }, "an unaligned actor still holds inputs")
        }
    }

    /// Unaligned from the start, no switch: a barrier permit coming back (permits) brought the
    /// channel's next barrier, which the blocked receiver took at once, inside the handling of
    /// the one before: the station handled epochs newest first, sent on only the newest, and
    /// the sink never saw the others (epoch 29 waited forever). Every scheme's receiver now
    /// handles a channel's barriers in order, one after the other.
    @Test(arguments: [FlowControlKind.credit, .permits, .tcp, .unbounded, .dropTail, .dropHead])
    func unalignedBarriersAreHandledInOrder(_ kind: FlowControlKind) throws {
        let engine = try Self.twoInputs(kind)
        try Self.setMode(engine, .unaligned)
        engine.traceCategories = [.barriers]
        engine.advance(by: 12 * VirtualTime.second)
        let reaching = engine.drainTrace().map(\.text).filter { $0.contains(" reaches out.sink.0") }
        let epochs = reaching.compactMap { Int64($0.split(separator: " ")[1]) }
        #expect(epochs == Array(1...Int64(epochs.count)), "the sink got epochs \(epochs.prefix(40))")
        let oldest = try #require(engine.barrierLocations().first)
        #expect(engine.now - oldest.injectedAt <= VirtualTime.second, "epoch \(oldest.epoch) waits: \(oldest.places)")
        #expect(engine.checkpoints.count > 100)
    }

    /// A switch to unaligned turns every checkpoint in flight, as the aligned-checkpoint
    /// timeout turns one: a barrier queued behind rows jumps them (they become the
    /// checkpoint's in-flight data), and one waiting at a blocked source is sent at once.
    /// Before, both waited for the rows ahead of them, for seconds behind the slow sink (and,
    /// under a checkpoint timeout, expired there).
    @Test(arguments: [FlowControlKind.credit, .permits, .tcp])
    func switchingToUnalignedTurnsTheCheckpointsInFlight(_ kind: FlowControlKind) throws {
        let switched = try Self.twoInputs(kind), stayed = try Self.twoInputs(kind)
        for engine in [switched, stayed] { engine.advance(by: 3 * VirtualTime.second) }
        // The switch comes while a barrier is queued behind rows (within a second of 3 s).
        func queuedBehindRows() -> [String] {
            switched.barrierLocations().flatMap(\.places).filter { $0.hasPrefix("queued at ") && !$0.contains(" behind 0 rows") }
        }
        for _ in 0..<100 where queuedBehindRows().isEmpty {
            for engine in [switched, stayed] { engine.advance(by: 10 * VirtualTime.millisecond) }
        }
        let inFlight = switched.barrierLocations()
        #expect(!queuedBehindRows().isEmpty, "\(inFlight.map(\.places))")
        try Self.setMode(switched, .unaligned)
        let pending = switched.barrierLocations().flatMap(\.places).filter { $0.hasPrefix("pending at ") }
        #expect(pending.isEmpty, "\(pending)")
        for engine in [switched, stayed] { engine.advance(by: VirtualTime.second) }
        let epochs = Set(inFlight.map(\.epoch))
        let turned = switched.checkpoints.filter { epochs.contains($0.epoch) }
        #expect(turned.count == epochs.count, "\(kind): \(epochs.count - turned.count) of the checkpoints in flight at the switch still waiting")
        #expect(turned.reduce(0) { $0 + $1.inFlightRows } > 0)
        #expect(stayed.checkpoints.filter { epochs.contains($0.epoch) }.count < epochs.count, "aligned, they wait longer")
        #expect(switched.ledger().balanced)
    }

    /// An alignment in progress when the mode turns unaligned ends there: the barrier goes on
    /// at once and the input it held is released, as Flink's aligned-checkpoint timeout does.
    /// A join of a click stream and a table: the table's side brings the barrier at once, the
    /// clicks' side behind the rows queued for the slow sink.
    @Test func switchingToUnalignedEndsAnAlignmentAtOnce() throws {
        let (engine, epoch, join) = try Fixtures.joinAligningABarrier()
        #expect(engine.barrierLocations()[0].places.contains("aligning at out.join.0: 1/2 inputs delivered it"))
        engine.traceCategories = [.barriers]
        try Self.setMode(engine, .unaligned)
        #expect(join.aligningEpoch == -1)
        #expect(join.forwardedEpoch == epoch)
        let texts = engine.drainTrace().map(\.text)
        #expect(texts.first?.hasPrefix("checkpoint \(epoch) turns unaligned after ") == true, "\(texts.prefix(2))")
        #expect(texts.dropFirst().first == "out.join.0 stops aligning barrier \(epoch) (checkpoint_mode = unaligned): sends it on at once and releases the held input")
        guard case .completed(let checkpoint) = try engine.stepBarrier() else {
            Issue.record("barrier \(epoch) did not complete")
            return
        }
        #expect(checkpoint.epoch == epoch)
    }
}
