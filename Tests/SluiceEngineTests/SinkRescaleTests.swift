import Testing
@testable import SluiceEngine

/// `ALTER SINK … SET PARALLELISM`: a sink rescales as a view does, and what it delivered,
/// what it was writing and what its log held all survive the change of actors.
@Suite struct SinkRescaleTests {
    /// A view of every click, read by a slow sink with a latency per write: at any instant a
    /// write is in progress and rows queue in front of it.
    /// The view sends about 4000 changes a second (a delete and an insert per click); one
    /// writer takes 8 rows per 3 ms + 8 ms, about 730 rows/s.
    private func slowSinkEngine(decoupled: Bool, flow: FlowControlKind = .credit) throws -> Engine {
        let engine = Fixtures.engine { $0.flowControl = flow; $0.sinkDecouple = decoupled; $0.barrierIntervalMs = 100 }
        try engine.createSource(Fixtures.source(rate: 2000, partitions: 4, keys: 100))
        try engine.createJob(Fixtures.aggregateView("spend", parallelism: 2, threshold: -1))
        try engine.createJob(Fixtures.sink("warehouse", from: "spend", schema: Self.spend,
                                           sink: Fixtures.sinkSpec(throughput: 1000, batch: 8, latency: 3 * VirtualTime.millisecond)))
        return engine
    }

    /// The view on three actors and a sink on three, writing 300 rows/s each, after 2 s of
    /// 2000 rows/s: every channel into the sink holds rows.
    private func threeByThree(_ configure: (inout EngineSettings) -> Void) throws -> Engine {
        let engine = Fixtures.engine(configure)
        try engine.createSource(Fixtures.source(rate: 2000, partitions: 4, keys: 100))
        try engine.createJob(Fixtures.aggregateView("spend", parallelism: 3, threshold: -1))
        var sink = Fixtures.sink("warehouse", from: "spend", schema: Self.spend, sink: Fixtures.sinkSpec(throughput: 300, batch: 3))
        sink.fragments[0].parallelism = 3
        try engine.createJob(sink)
        engine.advance(by: 2 * VirtualTime.second)
        return engine
    }

    /// `Fixtures.aggregateView`'s output.
    private static let spend = Schema([Column("user_id", .int), Column("n", .bigint), Column("total", .double)])

    private func delivered(_ engine: Engine) -> Int64 {
        engine.jobSnapshots().first { $0.name == "warehouse" }!.delivered
    }

    /// The write in progress completes at the rescale; the sink's count never goes back; the
    /// ledger balances across the change and after the rows have drained.
    @Test(arguments: [FlowControlKind.credit, .permits, .tcp, .unbounded])
    func deliveriesSurviveTheNewActors(flow: FlowControlKind) throws {
        let engine = try slowSinkEngine(decoupled: false, flow: flow)
        engine.advance(by: 3 * VirtualTime.second + 1_234_567)
        let writing = engine.actors.filter { $0.alive && $0.sink != nil && $0.status == .busy }.reduce(0) { $0 + $1.inProgressRows }
        try #require(writing > 0, "a write is in progress")
        let before = delivered(engine)

        #expect(try engine.rescale("warehouse", parallelism: 3))
        #expect(engine.jobSnapshots().first { $0.name == "warehouse" }!.actors == 3)
        #expect(delivered(engine) == before + Int64(writing), "the write in progress completed")
        #expect(engine.ledger().balanced)

        engine.advance(by: 2 * VirtualTime.second)
        #expect(delivered(engine) > before + Int64(writing))
        #expect(try engine.rescale("warehouse", parallelism: 1))
        try engine.alterSource("clicks") { $0.rate = 0 }
        engine.advance(by: 120 * VirtualTime.second)
        let ledger = engine.ledger()
        #expect(ledger.balanced)
        #expect(ledger.queued == 0, "every row drained")
        #expect(engine.consumerSnapshots().allSatisfy { $0.lag == 0 })
    }

    /// Under tcp, rows a rescale moves onto fewer actors can exceed their gates: the excess
    /// holds none of a gate's buffers (as a spill), so no gate lends buffers it does not have,
    /// and the connections drain instead of stalling each other for good.
    @Test func movedRowsNeverOvercommitATcpGate() throws {
        let engine = try threeByThree { $0.flowControl = .tcp; $0.nodes = 2; $0.barrierIntervalMs = 100; $0.bufferRows = 10 }
        try engine.rescale("warehouse", parallelism: 1)
        try engine.rescale("spend", parallelism: 1)
        #expect(engine.gates.joined().allSatisfy { $0.tcpFree >= 0 }, "\(engine.gates.joined().map(\.tcpFree))")
        try engine.alterSource("clicks") { $0.rate = 0 }
        try engine.alterJob("warehouse") { $0.fragments[0].operators = [.sink(Fixtures.sinkSpec(throughput: 100_000))] }
        engine.advance(by: 300 * VirtualTime.second)
        #expect(engine.ledger().queued == 0, "every row drained")
        #expect(engine.ledger().balanced)
    }

    /// Rows the view's actors had queued for the sink stay on their way from the same actor:
    /// each lands on that actor's channel to its new receiver, so no channel takes over
    /// another's rows (and its flow control is not charged for them).
    @Test func movedRowsStayWithTheirSender() throws {
        let engine = try threeByThree { $0.flowControl = .permits; $0.barrierIntervalMs = 0 }
        func queuedBySender() -> [String: Int] {
            var rows: [String: Int] = [:]
            for c in engine.channels where engine.actors[c.receiver].alive && engine.actors[c.receiver].sink != nil {
                rows[engine.actors[c.sender].name, default: 0] += c.queuedRows
            }
            return rows
        }
        let before = queuedBySender()
        try #require(before.values.allSatisfy { $0 > 1000 }, "\(before)")
        try engine.rescale("warehouse", parallelism: 1)
        let after = queuedBySender()
        #expect(after.keys.sorted() == before.keys.sorted())
        // The new actor has started one write of up to 3 rows, from one of them.
        for (sender, rows) in before { #expect((rows - 3...rows).contains(after[sender] ?? -1), "\(sender): \(rows) → \(after[sender] ?? -1)") }
        #expect(engine.ledger().balanced)
    }

    /// A decoupled sink's log moves to the new actors whole: no row lost, none written twice,
    /// and its growth over the window measures from the log the window started with.
    @Test func aDecoupledSinksLogMovesWhole() throws {
        let engine = try slowSinkEngine(decoupled: true)
        engine.advance(by: 2 * VirtualTime.second)
        engine.resetMetrics()
        engine.advance(by: 2 * VirtualTime.second)
        let job = { engine.jobSnapshots().first { $0.name == "warehouse" }! }
        let log = try #require(job().logLag)
        try #require(log > 1000, "the log backs up behind one writer")

        try engine.rescale("warehouse", parallelism: 8)
        // The new actors start writing at once, from the logs they took over.
        let writing = engine.actors.filter { $0.alive && $0.sink != nil && $0.status == .busy }
        #expect(writing.count == 8, "the log is spread over the new actors")
        #expect(job().logLag! + writing.reduce(0) { $0 + $1.inProgressRows } == log, "every row of the log is in the new actors' logs")
        #expect(engine.ledger().balanced)
        // Eight writers outpace what the view sends: the log drains.
        engine.advance(by: 30 * VirtualTime.second)
        #expect(job().logLag! < 200)
        #expect(engine.ledger().balanced)
    }

    /// Throughput over a window that began before the rescale counts what the earlier actors
    /// delivered since then; RESET METRICS after it counts only what came later.
    @Test func throughputSpansTheRescale() throws {
        let engine = try slowSinkEngine(decoupled: false)
        engine.advance(by: VirtualTime.second)
        engine.resetMetrics()
        let start = delivered(engine)
        engine.advance(by: 2 * VirtualTime.second)
        try engine.rescale("warehouse", parallelism: 2)
        engine.advance(by: 2 * VirtualTime.second)
        let job = engine.jobSnapshots().first { $0.name == "warehouse" }!
        #expect(abs(job.throughput - Double(job.delivered - start) / 4) < 1e-9)

        engine.resetMetrics()
        let again = delivered(engine)
        engine.advance(by: VirtualTime.second)
        let later = engine.jobSnapshots().first { $0.name == "warehouse" }!
        #expect(abs(later.throughput - Double(later.delivered - again)) < 1e-9)
    }

    /// A rescale to the parallelism the sink has does nothing; an unknown name is an error
    /// that names both kinds it could have been.
    @Test func noOpAndUnknown() throws {
        let engine = try slowSinkEngine(decoupled: false)
        engine.advance(by: VirtualTime.second)
        #expect(try engine.rescale("warehouse", parallelism: 1) == false)
        #expect(throws: EngineError.self) { try engine.rescale("nope", parallelism: 2) }
    }
}
