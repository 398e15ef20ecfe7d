import Testing
@testable import SluiceEngine

/// `Engine.alterJob`: a running view's or sink's costs and a sink's write options change in
/// place, for the next chunk or write; the graph, the state and the counts stay.
@Suite struct AlterJobTests {
    static let ms = VirtualTime.millisecond

    /// A 2000 rows/s source behind a sink that writes 200 a second, one row per write.
    static func slowSink() throws -> Engine {
        let engine = Fixtures.engine { $0.barrierIntervalMs = 0 }
        try engine.createSource(Fixtures.source(rate: 2000))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 200)))
        return engine
    }

    static func delivered(_ engine: Engine) -> Int64 { engine.jobSnapshots().first { $0.name == "out" }!.delivered }
    static func lag(_ engine: Engine) -> Int64 { engine.consumerSnapshots()[0].lag }

    static func setThroughput(_ engine: Engine, _ throughput: Double) throws {
        try engine.alterJob("out") { spec in
            spec.fragments[spec.fragments.count - 1].operators = [.sink(Fixtures.sinkSpec(throughput: throughput))]
        }
    }

    /// The lag grows by some 1800 rows a second; raised to 3000 rows a second, the sink
    /// delivers that many and the lag shrinks, until the sink keeps up with the source.
    @Test func raisingASinksThroughputDrainsTheLag() throws {
        let engine = try Self.slowSink()
        engine.advance(by: 2 * VirtualTime.second)
        let lag0 = Self.lag(engine)
        engine.advance(by: VirtualTime.second)
        let lag1 = Self.lag(engine)
        #expect(lag1 - lag0 > 1500, "the slow sink falls behind: \(lag0) → \(lag1)")

        try Self.setThroughput(engine, 3000)
        let before = Self.delivered(engine)
        engine.advance(by: VirtualTime.second)
        let rate = Self.delivered(engine) - before
        #expect(rate >= 2900 && rate <= 3001, "delivered \(rate) rows in the second after ALTER")
        let lag2 = Self.lag(engine)
        #expect(lag2 < lag1 - 500, "the lag shrinks: \(lag1) → \(lag2)")

        engine.advance(by: 10 * VirtualTime.second)
        let lag3 = Self.lag(engine)
        engine.advance(by: VirtualTime.second)
        #expect(Self.lag(engine) <= max(lag3, 300), "caught up, the lag stops growing: \(lag3) → \(Self.lag(engine))")
        #expect(lag3 < 300)
        #expect(engine.ledger().balanced)
    }

    /// The same statements, the same metrics: an ALTER draws nothing of its own.
    @Test func theSameScenarioTwiceGivesIdenticalMetrics() throws {
        func scenario() throws -> String {
            let engine = Fixtures.engine { $0.barrierIntervalMs = 100 }
            try engine.createSource(Fixtures.source(rate: 1500, partitions: 2))
            try engine.createJob(Fixtures.aggregateView("spend", cost: .exponential(mean: 300_000), threshold: -1))
            try engine.createJob(Fixtures.sink("out", from: "spend", schema: Fixtures.aggregateView("spend").outputSchema,
                                               sink: Fixtures.sinkSpec(throughput: 300, batch: 2, latency: Self.ms)))
            engine.advance(by: 1500 * Self.ms)
            try engine.alterJob("spend") { $0.fragments[1].cost = .uniform(low: 10_000, high: 90_000) }
            try engine.alterJob("out") { $0.fragments[0].operators = [.sink(Fixtures.sinkSpec(throughput: 5000, batch: 20))] }
            engine.advance(by: 1500 * Self.ms)
            return MetricsText.render(engine)
        }
        let first = try scenario()
        #expect(first.contains("view spend [["))
        #expect(try scenario() == first)
    }

    /// A write that started at 1 row/s ends a second after it started, whatever ALTER did
    /// meanwhile; the next one is written at the new throughput.
    @Test func workInProgressFinishesAtTheCostItWasDrawnWith() throws {
        let engine = Fixtures.engine { $0.barrierIntervalMs = 0 }
        try engine.createSource(Fixtures.source())
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 1)))
        try engine.inject(10, into: "clicks")
        engine.advance(by: 500 * Self.ms)
        try Self.setThroughput(engine, 1000)
        engine.advance(by: 499 * Self.ms)
        #expect(Self.delivered(engine) == 0, "the first write still takes its second")
        engine.advance(by: 1 * Self.ms)
        #expect(Self.delivered(engine) == 1)
        engine.advance(by: 9 * Self.ms)
        #expect(Self.delivered(engine) == 10, "the others take a millisecond each")
        #expect(engine.ledger().balanced)
    }

    /// A sink at throughput 0 takes nothing in; given a throughput, it starts at once.
    @Test func aSinkThatNeverWroteStartsWriting() throws {
        let engine = Fixtures.engine { $0.barrierIntervalMs = 0 }
        try engine.createSource(Fixtures.source())
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec(throughput: 0)))
        try engine.inject(5, into: "clicks")
        engine.advance(by: VirtualTime.second)
        #expect(Self.delivered(engine) == 0)
        try Self.setThroughput(engine, 100)
        engine.advance(by: 50 * Self.ms)
        #expect(Self.delivered(engine) == 5)
    }

    /// A view's cost on its source fragment is chained into the source actor: ALTER changes
    /// that, and leaves the source's own cost (ALTER SOURCE's) alone.
    @Test func aCostChainedIntoASourceActorStaysChained() throws {
        let engine = Fixtures.engine { $0.barrierIntervalMs = 0 }
        try engine.createSource(Fixtures.source(cost: .fixed(5_000)))
        let view = JobSpec(name: "v", kind: .materializedView, fragments: [
            FragmentSpec(role: "source", operators: [.source("clicks"), .materialize(primaryKey: [])], parallelism: 2,
                         inputs: [], cost: .fixed(1_000), outputSchema: Fixtures.clicks),
        ], outputSchema: Fixtures.clicks, dependsOn: ["clicks"], definition: "")
        try engine.createJob(view)
        try engine.alterJob("v") { $0.fragments[0].cost = .fixed(7_000) }
        let actors = engine.actors.filter { $0.job == "v" }
        #expect(actors.count == 2)
        #expect(actors.allSatisfy { $0.cost == .fixed(5_000) && $0.chainedCost == .fixed(7_000) })
        try engine.alterJob("v") { $0.fragments[0].cost = .free }
        #expect(actors.allSatisfy { $0.cost == .fixed(5_000) && $0.chainedCost == nil })
        #expect(engine.jobSpec("v")?.fragments[0].cost == .free)
    }

    /// A rescale makes a view's actors anew, from the altered plan.
    @Test func aRescaleKeepsTheAlteredCost() throws {
        let engine = Fixtures.engine { $0.barrierIntervalMs = 0 }
        try engine.createSource(Fixtures.source(rate: 500, partitions: 2))
        try engine.createJob(Fixtures.aggregateView("spend", cost: .fixed(1_000)))
        engine.advance(by: 200 * Self.ms)
        try engine.alterJob("spend") { $0.fragments[1].cost = .fixed(9_000) }
        try engine.rescale("spend", parallelism: 3)
        let aggs = engine.actors.filter { $0.alive && $0.fragment == "spend.agg" }
        #expect(aggs.count == 3 && aggs.allSatisfy { $0.cost == .fixed(9_000) })
        #expect(engine.ledger().balanced)
    }

    /// An ALTER that is refused changes nothing: not the spec, not an actor.
    @Test func refusedChangesLeaveTheJobAsItWas() throws {
        let engine = try Self.slowSink()
        engine.advance(by: 500 * Self.ms)
        let spec = try #require(engine.jobSpec("out"))
        let before = MetricsText.render(engine)
        #expect(throws: EngineError.unknownObject(kind: "materialized view or sink", name: "nope")) {
            try engine.alterJob("nope") { _ in }
        }
        #expect(throws: EngineError.unknownObject(kind: "materialized view or sink", name: "clicks")) {
            try engine.alterJob("clicks") { _ in }
        }
        // The graph: a parallelism, an operator, a kind.
        for change in [{ (s: inout JobSpec) in s.fragments[1].parallelism = 2 },
                       { (s: inout JobSpec) in s.fragments[0].operators.append(.logStore) },
                       { (s: inout JobSpec) in s.kind = .materializedView }] {
            #expect(performing: { try engine.alterJob("out", change) }, throws: { error in
                guard case EngineError.invalidPlan(let text) = error else { return false }
                return text.hasPrefix("ALTER changes only the costs of out's fragments")
            })
        }
        // Values CREATE refuses, the second after a valid one: nothing is half applied.
        #expect(throws: EngineError.invalidOption(object: "sink out", option: "batch", value: "0", reason: "must be at least 1")) {
            try engine.alterJob("out") { s in
                s.fragments[1].cost = .fixed(1_000)
                var sink = Fixtures.sinkSpec(throughput: 500)
                sink.batch = 0
                s.fragments[1].operators = [.sink(sink)]
            }
        }
        #expect(throws: EngineError.self) { try engine.alterJob("out") { $0.fragments[1].cost = .fixed(-1) } }
        #expect(engine.jobSpec("out") == spec)
        #expect(engine.actors.filter { $0.job == "out" && $0.role == .sink }.allSatisfy { $0.sink == spec.fragments[1].operators.last.flatMap {
            if case .sink(let s) = $0 { s } else { nil }
        } && $0.cost == .free })
        #expect(MetricsText.render(engine) == before)
    }
}
