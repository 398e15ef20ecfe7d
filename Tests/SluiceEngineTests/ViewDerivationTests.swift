import Testing
@testable import SluiceEngine

/// Which aggregate or join a view's rows derive from, for rebuilding the view on a rescale.
@Suite("view derivation")
struct ViewDerivationTests {
    let schema = Schema([Column("k", .int), Column("v", .double)])
    let wide = Schema([Column("k", .int), Column("v", .double), Column("k2", .int), Column("v2", .double)])

    func fragment(_ role: String, _ operators: [OperatorSpec], parallelism: Int = 2, from inputs: [FragmentInput] = [],
                  schema: Schema? = nil) -> FragmentSpec {
        FragmentSpec(role: role, operators: operators, parallelism: parallelism, inputs: inputs, outputSchema: schema ?? self.schema)
    }

    func job(_ fragments: [FragmentSpec]) -> JobSpec {
        JobSpec(name: "v", kind: .materializedView, fragments: fragments, outputSchema: schema, dependsOn: ["s"], definition: "")
    }

    var aggregate: OperatorSpec { .hashAgg(groupKeys: [0], calls: [AggregateCall(.count, nil)]) }
    var join: OperatorSpec { .hashJoin(leftKeys: [0], rightKeys: [0], leftWidth: 2, rightWidth: 2) }
    var source: FragmentSpec { fragment("source", [.source("s")]) }

    @Test func anAggregateInTheViewsChain() {
        let spec = job([source, fragment("agg", [aggregate, .project([], names: []), .materialize(primaryKey: [])],
                                         from: [FragmentInput(from: .fragment(0), distribution: .hash([0]))])])
        #expect(ViewDerivation(viewIn: 1, of: spec) == ViewDerivation(stateFragment: 1, statePosition: 0, path: [1], viewPosition: 2))
        #expect(ViewDerivation(viewIn: 0, of: spec) == nil, "a fragment without a view")
    }

    @Test func aJoinTwoNoShuffleHopsUpstream() {
        let spec = job([source, source,
                        fragment("join", [join], from: [FragmentInput(from: .fragment(0), distribution: .hash([0])),
                                                        FragmentInput(from: .fragment(1), distribution: .hash([0]), side: 1)], schema: wide),
                        fragment("logstore", [.logStore], from: [FragmentInput(from: .fragment(2), distribution: .simple)], schema: wide),
                        fragment("materialize", [.materialize(primaryKey: [])], from: [FragmentInput(from: .fragment(3), distribution: .simple)])])
        #expect(ViewDerivation(viewIn: 4, of: spec) == ViewDerivation(stateFragment: 2, statePosition: 0, path: [2, 3, 4], viewPosition: 0))
    }

    @Test func rowsThatNoAggregateOrJoinProduced() {
        // Straight from a source, or across a shuffle: the view's rows are placed by their own values.
        let direct = job([fragment("source", [.source("s"), .filter(.constant(1, .boolean, text: "true")), .materialize(primaryKey: [])])])
        #expect(ViewDerivation(viewIn: 0, of: direct) == nil)
        let shuffled = job([fragment("agg", [aggregate]), fragment("materialize", [.materialize(primaryKey: [0])],
                                                                    from: [FragmentInput(from: .fragment(0), distribution: .hash([0]))])])
        #expect(ViewDerivation(viewIn: 1, of: shuffled) == nil)
        let rescaledApart = job([fragment("agg", [aggregate], parallelism: 1),
                                 fragment("materialize", [.materialize(primaryKey: [])], parallelism: 2,
                                          from: [FragmentInput(from: .fragment(0), distribution: .simple)])])
        #expect(ViewDerivation(viewIn: 1, of: rescaledApart) == nil, "a no-shuffle edge between different parallelisms")
    }
}
