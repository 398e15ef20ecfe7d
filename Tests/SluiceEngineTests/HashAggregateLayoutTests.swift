import Testing
@testable import SluiceEngine

/// The aggregate keeps each group's state in one record whose layout depends on the number
/// of group keys and on the calls (padded to a power of two words when it fits a cache line).
/// Every shape gives the changelog a plain model computes.
@Suite struct HashAggregateLayoutTests {
    static let value = ScalarExpr.column(3, .bigint, name: "v")

    /// Inserts-only chunks of `(k0, k1, k2, v)` rows, keys from a few values so groups repeat.
    static func chunks(seed: UInt64) -> [[[Int64]]] {
        var rng = SeededRandom(seed: seed)
        return (0..<40).map { _ in
            (0..<(1 + rng.below(20))).map { _ in [Int64(rng.below(3)), Int64(rng.below(2)) - 7, Int64(rng.below(2)), Int64(rng.below(50)) - 10] }
        }
    }

    @Test(arguments: [[], [0], [1, 0], [0, 1, 2]])
    func everyRecordShapeEmitsTheModelsChangelog(keys: [Int]) {
        let callSets: [[AggregateCall]] = [
            [AggregateCall(.count, nil)],
            [AggregateCall(.sum, Self.value)],
            [AggregateCall(.count, nil), AggregateCall(.sum, Self.value)],
            [AggregateCall(.count, nil), AggregateCall(.sum, Self.value), AggregateCall(.min, Self.value),
             AggregateCall(.max, Self.value), AggregateCall(.avg, Self.value)],
        ]
        let strings = StringPool()
        for (i, calls) in callSets.enumerated() {
            let chunks = Self.chunks(seed: UInt64(10 + i))
            let agg = HashAggOperator(groupKeys: keys, calls: calls)
            var got: [[Int64]] = []
            for rows in chunks {
                var input = Chunk(width: 4)
                for row in rows { input.append(row) }
                let out = agg.process(input, side: 0, strings: strings)
                got += (0..<out.count).map { r in [Int64(out.op(r).rawValue)] + (0..<out.width).map { out.value(r, $0) } }
            }
            #expect(got == AggregateModel.changelog(chunks.map { $0.map { ($0, RowOp.insert) } }, keys: keys, calls: calls), "keys \(keys), calls \(calls.map(\.function))")
        }
    }

    @Test func exportedGroupsImportIntoAnEqualAggregate() {
        let calls = [AggregateCall(.count, nil), AggregateCall(.sum, Self.value), AggregateCall(.min, Self.value)]
        let strings = StringPool()
        let agg = HashAggOperator(groupKeys: [1, 0], calls: calls)
        for rows in Self.chunks(seed: 3) {
            var input = Chunk(width: 4)
            for row in rows { input.append(row) }
            _ = agg.process(input, side: 0, strings: strings)
        }
        let copy = HashAggOperator(groupKeys: [1, 0], calls: calls)
        for g in agg.exportGroups() {
            copy.importGroup(g)
        }
        let exported = agg.exportGroups(), imported = copy.exportGroups()
        #expect(imported.count == exported.count)
        for (a, b) in zip(exported, imported) {
            #expect(a.key == b.key && a.rowCount == b.rowCount && a.accumulators == b.accumulators && a.counts == b.counts && a.emitted == b.emitted)
        }
        // The next chunk changes both the same way.
        var input = Chunk(width: 4)
        input.append([1, -7, 0, 5])
        input.append([2, -6, 1, -3])
        let a = agg.process(input, side: 0, strings: strings), b = copy.process(input, side: 0, strings: strings)
        #expect((0..<a.count).map { r in (0..<a.width).map { a.value(r, $0) } } == (0..<b.count).map { r in (0..<b.width).map { b.value(r, $0) } })
    }
}
