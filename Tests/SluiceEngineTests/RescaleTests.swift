import Testing
@testable import SluiceEngine

/// What a rescale does with the rows a view's source actors had polled and not yet emitted.
@Suite struct RescaleTests {
    /// They go to the new actor that owns their partition, in order: a barrier's offsets
    /// (each partition's position minus what its owner still holds) stay exact.
    @Test func fetchedRowsGoToTheNewOwnerOfTheirPartition() throws {
        // One poll takes 2000 rows from each of partitions 0 and 1; 500 µs a row behind the
        // source keeps most of them waiting in the source actor.
        let engine = Fixtures.engine { $0.barrierIntervalMs = 0; $0.maxPollRecords = 4000; $0.bufferRows = 16 }
        try engine.createSource(Fixtures.source(partitions: 4))
        try engine.createJob(Fixtures.aggregateView("spend", cost: .fixed(500_000), threshold: -1))
        try engine.inject(8000, into: "clicks")
        engine.advance(by: 100 * VirtualTime.millisecond)
        let old = engine.actors.filter { $0.alive && $0.role == .source }
        let fetched = old.reduce(0) { $0 + $1.fetchedRemaining }
        try #require(Set(old.flatMap { $0.fetchedFrom.map(\.partition) }).count > 1, "rows of several partitions wait")

        try engine.rescale("spend", parallelism: 2)
        let sources = engine.actors.filter { $0.alive && $0.role == .source }
        #expect(sources.map(\.partitions) == [[0, 2], [1, 3]])
        // Every row is still waiting, or was taken since by its new owner.
        #expect(sources.reduce(0) { $0 + $1.fetchedRemaining + Int($1.rowsIn) } == fetched)
        for actor in sources {
            #expect(actor.fetchedFrom.allSatisfy { actor.partitions.contains($0.partition) }, "\(actor.name): \(actor.fetchedFrom)")
            #expect(actor.fetchedFrom.reduce(0) { $0 + $1.rows } == actor.fetchedRemaining)
        }
        #expect(engine.ledger().balanced)
    }

    /// The ledger's tables keep adding up after a rescale: the retired channels' and actors'
    /// rows (one line each) with the live ones' make the totals, and the rows folded into the
    /// aggregate are every row counted, whichever actor folded them.
    @Test(arguments: [FlowControlKind.credit, .dropTail])
    func theLedgerAddsUpAcrossARescale(_ kind: FlowControlKind) throws {
        let engine = Fixtures.engine { $0.flowControl = kind; $0.exchangeInitialPermits = 300 }
        try engine.createSource(Fixtures.source(rate: 3000, partitions: 3, keys: 20))
        try engine.createJob(Fixtures.aggregateView("spend", parallelism: 2, cost: .fixed(2 * VirtualTime.millisecond), threshold: -1))
        engine.advance(by: 2 * VirtualTime.second)
        try engine.rescale("spend", parallelism: 3)
        engine.advance(by: VirtualTime.second)
        let ledger = engine.ledger()
        let channels = ledger.channels + [try #require(ledger.retiredChannels)]
        let actors = ledger.actors + [try #require(ledger.retiredActors)]
        #expect(ledger.balanced)
        #expect(channels.reduce(0) { $0 + $1.dropped } == ledger.dropped)
        #expect(actors.reduce(0) { $0 + $1.absorbed } == ledger.absorbed)
        #expect(actors.reduce(0) { $0 + $1.derived } == ledger.derived)
        // Every row consumed was folded into an aggregate, is queued, or was filtered or dropped.
        #expect(ledger.absorbed + ledger.queued + ledger.dropped + ledger.filtered == ledger.sources.reduce(0) { $0 + $1.consumed })
    }

    /// A channel a rescale retired is counted once: rescaling the view a sink reads, then
    /// dropping or rescaling the sink, once added the old input channel's rows again.
    @Test(arguments: [false, true])
    func aRetiredChannelIsCountedOnce(rescaleTheSink: Bool) throws {
        let engine = Fixtures.engine { $0.flowControl = .dropTail; $0.exchangeInitialPermits = 50; $0.exchangeBatchedPermits = 10 }
        try engine.createSource(Fixtures.source(rate: 2000, partitions: 2))
        try engine.createJob(Fixtures.passView("v"))
        try engine.createJob(Fixtures.sink("out", from: "v", schema: Fixtures.clicks, sink: Fixtures.sinkSpec(throughput: 100)))
        engine.advance(by: 2 * VirtualTime.second)
        try engine.rescale("v", parallelism: 2)
        engine.advance(by: VirtualTime.second)
        if rescaleTheSink { try engine.rescale("out", parallelism: 2) } else { try engine.drop("out") }
        engine.advance(by: VirtualTime.second)
        let ledger = engine.ledger()
        let channels = ledger.channels + [try #require(ledger.retiredChannels)]
        #expect(ledger.dropped > 0)
        #expect(channels.reduce(0) { $0 + $1.dropped } == ledger.dropped)
        #expect(ledger.balanced)
    }

    /// A rescale to the parallelism the view has is a no-op: no actor is replaced, no row
    /// moves, the consumer group does not rebalance, and the run goes on exactly as without
    /// it. (Under tcp across nodes it once took the rows inside the connections back to their
    /// senders before finding nothing to do, and nothing sent them again: the job froze.)
    @Test(arguments: [FlowControlKind.credit, .permits, .tcp], [1, 2])
    func rescalingToTheSameParallelismChangesNothing(_ kind: FlowControlKind, nodes: Int) throws {
        func build() throws -> Engine {
            let engine = Fixtures.engine { $0.barrierIntervalMs = 0; $0.flowControl = kind; $0.nodes = nodes; $0.bufferRows = 10 }
            try engine.createSource(Fixtures.source(rate: 2000, partitions: 4))
            try engine.createJob(Fixtures.aggregateView("spend", cost: .fixed(800_000), threshold: -1))
            engine.advance(by: 500 * VirtualTime.millisecond)
            return engine
        }
        let engine = try build(), untouched = try build()
        let before = MetricsText.render(engine)
        #expect(try engine.rescale("spend", parallelism: 1) == false)
        #expect(MetricsText.render(engine) == before)
        #expect(engine.consumerSnapshots()[0].rebalances == 0)
        for e in [engine, untouched] { e.advance(by: 2 * VirtualTime.second) }
        #expect(MetricsText.render(engine) == MetricsText.render(untouched), "\(kind), \(nodes) nodes")
        #expect(try engine.rescale("spend", parallelism: 3))
        #expect(engine.consumerSnapshots()[0].rebalances == 1)
    }

    /// Rows a rescale moved go first, and only they: rows that arrive later on the same
    /// channel wait their turn. (Read first until the channel was empty, a channel kept busy
    /// by one source actor starved the other input for good: a partition stopped moving.)
    @Test func movedRowsGoFirstButDoNotStarveTheOtherInputs() throws {
        let engine = Fixtures.engine { $0.barrierIntervalMs = 0; $0.bufferRows = 10 }
        try engine.createSource(Fixtures.source(rate: 1000, partitions: 2, keys: 100))
        var view = Fixtures.aggregateView("mv", parallelism: 2, threshold: -1)
        view.fragments[0].parallelism = 2
        try engine.createJob(view)
        try engine.createJob(Fixtures.sink("snk", from: "mv", schema: view.outputSchema, sink: Fixtures.sinkSpec(throughput: 300)))
        engine.advance(by: 2 * VirtualTime.second)
        try engine.rescale("mv", parallelism: 3)
        let after = engine.partitionLag().map(\.position)
        engine.advance(by: 60 * VirtualTime.second)
        let later = engine.partitionLag().map(\.position)
        for p in 0..<2 { #expect(later[p] - after[p] > 5000, "partition \(p): \(after[p]) → \(later[p])") }
        #expect(engine.actors.filter(\.alive).allSatisfy { $0.priorityInputs.isEmpty }, "the moved rows are long taken")
        #expect(engine.ledger().balanced)
    }
}
