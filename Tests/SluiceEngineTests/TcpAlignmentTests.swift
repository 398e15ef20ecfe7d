import Testing
@testable import SluiceEngine

/// Aligned checkpoints under `tcp` (Flink before 1.5). An aligning actor holds the inputs
/// that delivered the barrier; Flink's BarrierBuffer kept reading the gate and spilled what
/// those channels had to disk, so their data never kept the gate's shared buffers. Queued
/// data of an input that becomes held is spilled too: otherwise it pins the gate, the other
/// input's data (and the barrier behind it) can never arrive, and the graph stops for good.
@Suite struct TcpAlignmentTests {
    /// `SELECT k, count(*) FROM a GROUP BY k WITH (parallelism = 2, cost = '1ms')` on a
    /// source of 2000 rows/s over 2 partitions: two sources, two aggregates, 1 ms a row.
    static func overloadedAggregate(nodes: Int) throws -> Engine {
        let engine = Fixtures.engine { s in
            s.flowControl = .tcp
            s.nodes = nodes
            s.bufferRows = 20
        }
        let schema = Schema([Column("k", .int)])
        let out = Schema([Column("k", .int), Column("n", .bigint)])
        try engine.createSource(Fixtures.source("a", rate: 2000, partitions: 2, keys: 40, schema: schema))
        try engine.createJob(JobSpec(name: "g", kind: .materializedView, fragments: [
            FragmentSpec(role: "source", operators: [.source("a")], parallelism: 2, inputs: [], outputSchema: schema),
            FragmentSpec(role: "agg", operators: [.hashAgg(groupKeys: [0], calls: [AggregateCall(.count, nil)]), .materialize(primaryKey: [0])],
                         parallelism: 2, inputs: [FragmentInput(from: .fragment(0), distribution: .hash([0]))],
                         cost: .fixed(VirtualTime.millisecond), outputSchema: out),
        ], outputSchema: out, dependsOn: ["a"], definition: ""))
        return engine
    }

    /// Every gate's pool adds up: free buffers plus the buffers its channels hold in memory
    /// (queued rows, less the spilled ones) make the pool's size. A spilled buffer given back
    /// twice, or never, breaks it.
    static func gateImbalances(_ engine: Engine) -> [String] {
        var found: [String] = []
        for (id, gates) in engine.gates.enumerated() where engine.actors[id].alive {
            for gate in gates where !gate.channels.isEmpty {
                let size = gate.channels.count * engine.settings.buffersPerChannel + engine.settings.floatingBuffersPerGate
                let held = gate.channels.reduce(0) { $0 + engine.channels[$1].inboxBuffers - engine.channels[$1].excessBuffers }
                if gate.tcpFree + held != size || gate.channels.contains(where: { engine.channels[$0].excessBuffers < 0 }) {
                    found.append("\(engine.actors[id].name): free \(gate.tcpFree) + held \(held) ≠ \(size)")
                }
            }
        }
        return found
    }

    @Test(arguments: [1, 2])
    func alignmentNeverPinsTheGate(nodes: Int) throws {
        let engine = try Self.overloadedAggregate(nodes: nodes)
        engine.advance(by: 10 * VirtualTime.second)
        let aggs = engine.actors.filter { $0.fragment == "g.agg" }
        #expect(aggs.count == 2)
        let rowsIn = aggs.map(\.rowsIn), completed = engine.checkpoints.count
        engine.advance(by: 5 * VirtualTime.second)
        for (agg, before) in zip(aggs, rowsIn) {
            #expect(agg.rowsIn > before + 1000, "\(agg.name) took \(agg.rowsIn - before) rows in 5 s on \(nodes) node(s)")
        }
        #expect(engine.checkpoints.count >= completed + 4, "\(engine.barrierLocations().first?.places ?? [])")
        #expect(engine.inFlightBarrierCount <= 2)
        #expect(EngineAudit.imbalances(engine) == [])
        #expect(Self.gateImbalances(engine) == [])
    }

    /// The audit's pipeline: 100 000 rows/s into four aggregates and a sink of 50 000 rows/s.
    static func overloadedSink() throws -> Engine {
        let engine = Fixtures.engine { $0.flowControl = .tcp }
        let schema = Schema([Column("k", .int), Column("v", .double)])
        let out = Schema([Column("k", .int), Column("n", .bigint), Column("t", .double)])
        try engine.createSource(Fixtures.source("s", rate: 100_000, partitions: 4, keys: 1000, schema: schema))
        try engine.createJob(JobSpec(name: "g", kind: .materializedView, fragments: [
            FragmentSpec(role: "source", operators: [.source("s")], parallelism: 4, inputs: [], outputSchema: schema),
            FragmentSpec(role: "agg", operators: [.hashAgg(groupKeys: [0], calls: [AggregateCall(.count, nil), AggregateCall(.sum, .column(1, .double, name: "v"))]),
                                                  .materialize(primaryKey: [0])],
                         parallelism: 4, inputs: [FragmentInput(from: .fragment(0), distribution: .hash([0]))], outputSchema: out),
        ], outputSchema: out, dependsOn: ["s"], definition: ""))
        try engine.createJob(Fixtures.sink("o", from: "g", schema: out, sink: Fixtures.sinkSpec(throughput: 50_000, batch: 100)))
        return engine
    }

    /// A held input's spill lasts only as long as the alignment, and SHOW QUEUES says what is
    /// spilled instead of counting it as buffers above the gate's capacity.
    @Test func spilledRowsAreShownAndBoundedByTheAlignment() throws {
        let engine = try Self.overloadedSink()
        engine.advance(by: 10 * VirtualTime.second)
        var sawSpill = false, peakRows = 0
        for _ in 0..<400 {
            engine.advance(by: 5 * VirtualTime.millisecond)
            for (c, snapshot) in zip(engine.channels, engine.channelSnapshots()) {
                peakRows = max(peakRows, c.inboxRows)
                #expect(snapshot.fill == c.inboxBuffers - c.excessBuffers)
                #expect(snapshot.fill <= snapshot.capacity ?? 0, "\(snapshot.from) → \(snapshot.to): \(snapshot.fill) buffers in memory")
                if c.excessBuffers > 0 {
                    sawSpill = true
                    #expect(snapshot.flowState.contains("spilled "), "\(snapshot.flowState)")
                } else {
                    #expect(!snapshot.flowState.contains("spilled"))
                }
            }
            #expect(Self.gateImbalances(engine) == [])
        }
        #expect(sawSpill)
        // Before the fix the held inputs' queues grew past 100 000 rows.
        #expect(peakRows < 20_000)
        #expect(engine.barrierLatencies(completedSince: 10 * VirtualTime.second).allSatisfy { $0 < 500 * VirtualTime.millisecond })
        #expect(EngineAudit.imbalances(engine, inConnections: true) == [])
    }
}
