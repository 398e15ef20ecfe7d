@testable import SluiceEngine

/// Small builders so engine tests read like the pipelines they describe.
enum Fixtures {
    static let clicks = Schema([Column("user_id", .int), Column("url", .varchar), Column("amount", .double)])

    static func source(_ name: String = "clicks", rate: Double = 0, partitions: Int = 1, keys: Int = 1000,
                       cost: CostSpec = .free, schema: Schema = clicks) -> SourceSpec {
        var s = SourceSpec(name: name, schema: schema)
        s.rate = rate
        s.partitions = partitions
        s.keys = keys
        s.cost = cost
        return s
    }

    static func sinkSpec(throughput: Double? = nil, batch: Int = 1, latency: Int64 = 0) -> SinkSpec {
        var s = SinkSpec()
        s.throughput = throughput
        s.batch = batch
        s.latency = latency
        return s
    }

    /// source → (stations: pass-through fragments with the given costs) → sink.
    static func chain(_ name: String, source: String, schema: Schema = clicks, sourceParallelism: Int = 1,
                      stations: [CostSpec], sink: SinkSpec, sinkCost: CostSpec = .free,
                      distribution: Distribution = .simple) -> JobSpec {
        var fragments = [FragmentSpec(role: "source", operators: [.source(source)], parallelism: sourceParallelism,
                                      inputs: [], outputSchema: schema)]
        for (i, cost) in stations.enumerated() {
            fragments.append(FragmentSpec(role: "s\(i + 1)", operators: [], parallelism: 1,
                                          inputs: [FragmentInput(from: .fragment(fragments.count - 1), distribution: distribution)],
                                          cost: cost, outputSchema: schema))
        }
        fragments.append(FragmentSpec(role: "sink", operators: [.sink(sink)], parallelism: 1,
                                      inputs: [FragmentInput(from: .fragment(fragments.count - 1), distribution: distribution)],
                                      cost: sinkCost, outputSchema: schema))
        return JobSpec(name: name, kind: .sink, fragments: fragments, outputSchema: schema, dependsOn: [source], definition: "")
    }

    /// source → filter(amount > threshold) → hash agg by user_id (count, sum) → materialize.
    static func aggregateView(_ name: String, source: String = "clicks", parallelism: Int = 1,
                              cost: CostSpec = .free, threshold: Double = 10) -> JobSpec {
        let amount = ScalarExpr.column(2, .double, name: "amount")
        let filter = ScalarExpr.comparison(.gt, amount, .constant(ScalarExpr.bits(threshold), .double, text: "\(threshold)"))
        let out = Schema([Column("user_id", .int), Column("n", .bigint), Column("total", .double)])
        return JobSpec(name: name, kind: .materializedView, fragments: [
            FragmentSpec(role: "source", operators: [.source(source), .filter(filter)], parallelism: 1, inputs: [], outputSchema: clicks),
            FragmentSpec(role: "agg", operators: [.hashAgg(groupKeys: [0], calls: [AggregateCall(.count, nil), AggregateCall(.sum, amount)]),
                                                  .materialize(primaryKey: [0])],
                         parallelism: parallelism, inputs: [FragmentInput(from: .fragment(0), distribution: .hash([0]))],
                         cost: cost, outputSchema: out),
        ], outputSchema: out, dependsOn: [source], definition: "")
    }

    static func sink(_ name: String, from view: String, schema: Schema, sink: SinkSpec, cost: CostSpec = .free) -> JobSpec {
        JobSpec(name: name, kind: .sink, fragments: [
            FragmentSpec(role: "sink", operators: [.sink(sink)], parallelism: 1,
                         inputs: [FragmentInput(from: .view(view), distribution: .roundRobin)], cost: cost, outputSchema: schema),
        ], outputSchema: schema, dependsOn: [view], definition: "")
    }

    static func engine(_ configure: (inout EngineSettings) -> Void = { _ in }) -> Engine {
        var settings = EngineSettings()
        configure(&settings)
        return try! Engine(settings: settings)
    }
}
