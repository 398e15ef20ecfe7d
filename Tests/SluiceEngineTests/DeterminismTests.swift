import Testing
@testable import SluiceEngine

/// DESIGN.md §1.1: same statements + same seed ⇒ byte-identical output, in any run and in
/// any process. Swift seeds `Dictionary`/`Set` hashing per process, so only a second process
/// can catch hash-order iteration leaking into results; the exit test runs the scenario in a
/// child copy of this test binary and compares the bytes it prints.
@Suite struct DeterminismTests {
    /// A scenario that touches every source of nondeterminism the engine has: drawn costs
    /// (exp, uniform), Poisson arrivals, zipf keys, several partitions, hash exchanges and
    /// aggregation state, a join, VARCHAR interning, multiple nodes (TCP connections are kept
    /// in a dictionary), barriers, retention, pause/resume, an INJECT, ALTER SOURCE, ALTER of a
    /// view's cost and of a sink, and a metrics reset, under the given scheme.
    static func scenario(_ kind: FlowControlKind, seed: UInt64 = 42) throws -> String {
        let engine = Fixtures.engine { s in
            s.flowControl = kind
            s.nodes = 3
            s.barrierIntervalMs = 250
            s.checkpointMode = kind == .permits ? .unaligned : .aligned
            s.bufferRows = 20
            s.chunkRows = 64
            s.seed = seed
        }
        var clicks = Fixtures.source(rate: 800, partitions: 3, keys: 200, cost: .exponential(mean: 100_000))
        clicks.pattern = .poisson
        clicks.keyDistribution = .zipf(1.1)
        clicks.retention = 700 * VirtualTime.millisecond
        clicks.segment = 200 * VirtualTime.millisecond
        try engine.createSource(clicks)
        try engine.createSource(Fixtures.table(rows: 600, keys: 200))
        try engine.createJob(Fixtures.aggregateView("spend", parallelism: 2, cost: .uniform(low: 50_000, high: 400_000)))
        try engine.createJob(Fixtures.sink("out", from: "spend", schema: Fixtures.aggregateView("spend").outputSchema,
                                           sink: Fixtures.sinkSpec(throughput: 400, batch: 5, latency: VirtualTime.millisecond)))
        try engine.createJob(Fixtures.joinSink("enriched", logStore: true, sink: Fixtures.sinkSpec(throughput: 3000, batch: 50)))
        engine.advance(by: 700 * VirtualTime.millisecond)
        try engine.setPartitionPaused("clicks", partition: 1, paused: true)
        try engine.inject(500, into: "clicks", partition: 2)
        engine.advance(by: 400 * VirtualTime.millisecond)
        try engine.setPartitionPaused("clicks", partition: 1, paused: false)
        try engine.alterSource("clicks") { $0.rate = 1500; $0.pattern = .burst(on: 100 * VirtualTime.millisecond, off: 50 * VirtualTime.millisecond) }
        try engine.alterJob("spend") { $0.fragments[1].cost = .exponential(mean: 150_000) }
        try engine.alterJob("out") { $0.fragments[0].operators = [.sink(Fixtures.sinkSpec(throughput: 900, batch: 10))] }
        engine.resetMetrics()
        try engine.injectBarrier()
        engine.advance(by: 600 * VirtualTime.millisecond)
        return MetricsText.render(engine)
    }

    static func allScenarios() throws -> String {
        try FlowControlKind.allCases.map { "== \($0.rawValue)\n" + (try scenario($0)) }.joined(separator: "\n")
    }

    @Test(arguments: FlowControlKind.allCases)
    func sameScenarioTwiceGivesIdenticalMetrics(_ kind: FlowControlKind) throws {
        let first = try Self.scenario(kind)
        #expect(first.contains("view spend [["), "the scenario moves data")
        #expect(first.contains("BarrierLocation(epoch: 1,") || first.contains("checkpoint 1 "), "and barriers")
        #expect(try Self.scenario(kind) == first)
    }

    @Test func theSeedMatters() throws {
        #expect(try Self.scenario(.credit, seed: 1) != Self.scenario(.credit, seed: 2))
    }

    /// Two engines stepped event by event in one process share nothing: each ends exactly as
    /// an engine run alone to the same time (and stepping equals running).
    @Test func interleavedEnginesDoNotInterfere() throws {
        func build() throws -> Engine {
            let engine = Fixtures.engine { $0.barrierIntervalMs = 100; $0.flowControl = .tcp; $0.nodes = 2 }
            var s = Fixtures.source(rate: 1000, cost: .exponential(mean: 200_000))
            s.pattern = .poisson
            try engine.createSource(s)
            try engine.createJob(Fixtures.aggregateView("v", parallelism: 3, cost: .exponential(mean: 300_000)))
            return engine
        }
        let a = try build(), b = try build(), alone = try build()
        for _ in 0..<3_000 {
            a.step()
            b.step()
            b.step()
        }
        let end = max(a.now, b.now) + 500 * VirtualTime.millisecond
        for engine in [a, b, alone] { engine.run(until: end) }
        #expect(a.now == b.now && a.now == alone.now)
        #expect(MetricsText.render(a) == MetricsText.render(alone))
        #expect(MetricsText.render(b) == MetricsText.render(alone))
    }

    /// The same scenarios in a child process (this test binary, re-executed by Swift
    /// Testing's exit test) print the same bytes.
    @Test func sameScenarioInAnotherProcessGivesIdenticalBytes() async throws {
        let here = try Self.allScenarios()
        let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
            let text = try! DeterminismTests.allScenarios()
            print("<<<scenario>>>\n" + text + "\n<<<end>>>")
        }
        let output = String(decoding: result?.standardOutputContent ?? [], as: UTF8.self)
        guard let start = output.range(of: "<<<scenario>>>\n"), let end = output.range(of: "\n<<<end>>>") else {
            Issue.record("the child printed no scenario: \(output.prefix(500))")
            return
        }
        let there = String(output[start.upperBound..<end.lowerBound])
        #expect(there.utf8.count == here.utf8.count)
        if there != here {
            let mismatch = zip(there.split(separator: "\n"), here.split(separator: "\n")).first { $0 != $1 }
            Issue.record("first differing line: child \(mismatch.map { String($0.0) } ?? "?") vs parent \(mismatch.map { String($0.1) } ?? "?")")
        }
    }
}
