import Testing
@testable import SluiceEngine

/// The hash aggregate's changelog, chunk by chunk: for every group a chunk touches, U- (the
/// row it emitted before, if any) then U+ (its new row, unless all its rows were retracted),
/// in the order the chunk first touched the groups. Checked against a plain model too.
@Suite struct HashAggregateTests {
    static let value = ScalarExpr.column(1, .bigint, name: "v")

    /// `count(*)`, `sum(v)`, `min(v)` grouped by column 0.
    static func aggregate() -> HashAggOperator {
        HashAggOperator(groupKeys: [0], calls: [AggregateCall(.count, nil), AggregateCall(.sum, value), AggregateCall(.min, value)])
    }

    static func chunk(_ rows: [(key: Int64, value: Int64, op: RowOp)]) -> Chunk {
        var c = Chunk(width: 2)
        for r in rows { c.append([r.key, r.value], op: r.op) }
        return c
    }

    static func rows(_ c: Chunk) -> [[Int64]] {
        (0..<c.count).map { r in [Int64(c.op(r).rawValue)] + (0..<c.width).map { c.value(r, $0) } }
    }

    @Test func eachTouchedGroupRetractsItsOldRowThenInsertsTheNewOne() {
        let agg = Self.aggregate()
        let strings = StringPool()
        let first = agg.process(Self.chunk([(7, 10, .insert), (3, 5, .insert), (7, 1, .insert)]), side: 0, strings: strings)
        #expect(Self.rows(first) == [[1, 7, 2, 11, 1], [1, 3, 1, 5, 5]])
        let second = agg.process(Self.chunk([(3, 4, .insert), (9, 2, .insert), (7, 10, .delete)]), side: 0, strings: strings)
        #expect(Self.rows(second) == [
            [-1, 3, 1, 5, 5], [1, 3, 2, 9, 4],
            [1, 9, 1, 2, 2],
            [-1, 7, 2, 11, 1], [1, 7, 1, 1, 1],
        ])
    }

    @Test func aGroupWhoseRowsAreAllRetractedEmitsOnlyItsRetraction() {
        let agg = Self.aggregate()
        let strings = StringPool()
        _ = agg.process(Self.chunk([(1, 10, .insert), (2, 20, .insert), (3, 30, .insert)]), side: 0, strings: strings)
        // Group 2 empties in the middle of the chunk; 1 and 3 change around it.
        let out = agg.process(Self.chunk([(1, 1, .insert), (2, 20, .delete), (3, 3, .insert)]), side: 0, strings: strings)
        #expect(Self.rows(out) == [
            [-1, 1, 1, 10, 10], [1, 1, 2, 11, 1],
            [-1, 2, 1, 20, 20],
            [-1, 3, 1, 30, 30], [1, 3, 2, 33, 3],
        ])
        #expect(agg.stateRows == 3, "an emptied group keeps its slot")
        // It can come back: no U- (nothing of it is live downstream), a fresh U+.
        let back = agg.process(Self.chunk([(2, 7, .insert)]), side: 0, strings: strings)
        #expect(Self.rows(back) == [[1, 2, 1, 7, 7]])
        // Every group retracted at once: only U- rows.
        let gone = agg.process(Self.chunk([(2, 7, .delete), (1, 10, .delete), (1, 1, .delete)]), side: 0, strings: strings)
        #expect(Self.rows(gone) == [[-1, 2, 1, 7, 7], [-1, 1, 2, 11, 1]])
    }

    @Test func resultRowsHaveEveryCallWhateverTheirNumberAndKind() {
        let strings = StringPool()
        let input = Self.chunk([(4, 6, .insert), (5, 1, .insert), (4, 3, .insert)])
        // No calls at all (GROUP BY alone): only the keys.
        let distinct = HashAggOperator(groupKeys: [0], calls: [])
        #expect(Self.rows(distinct.process(input, side: 0, strings: strings)) == [[1, 4], [1, 5]])
        // More than three calls, and an average (integer input: its result is a double).
        let wide = HashAggOperator(groupKeys: [0], calls: [AggregateCall(.count, nil), AggregateCall(.sum, Self.value),
                                                           AggregateCall(.max, Self.value), AggregateCall(.min, Self.value),
                                                           AggregateCall(.avg, Self.value)])
        #expect(Self.rows(wide.process(input, side: 0, strings: strings)) == [
            [1, 4, 2, 9, 6, 3, ScalarExpr.bits(4.5)], [1, 5, 1, 1, 1, 1, ScalarExpr.bits(1)],
        ])
        let next = wide.process(Self.chunk([(5, 2, .insert)]), side: 0, strings: strings)
        #expect(Self.rows(next) == [[-1, 5, 1, 1, 1, 1, ScalarExpr.bits(1)], [1, 5, 2, 3, 2, 1, ScalarExpr.bits(1.5)]])
    }

    /// A random changelog, chunk by chunk, against a model that recomputes each group from
    /// its live rows: applying the emitted U-/U+ rows keeps a view equal to the model.
    @Test func theChangelogKeepsAViewEqualToTheGroupsLiveRows() {
        var rng = SeededRandom(seed: 5)
        let agg = HashAggOperator(groupKeys: [0], calls: [AggregateCall(.count, nil), AggregateCall(.sum, Self.value)])
        let strings = StringPool()
        var live: [Int64: [Int64]] = [:]
        var view: [Int64: [Int64]] = [:]
        for _ in 0..<300 {
            var rows: [(key: Int64, value: Int64, op: RowOp)] = []
            for _ in 0..<(1 + rng.below(12)) {
                let key = Int64(rng.below(6))
                if let values = live[key], !values.isEmpty, rng.below(3) == 0 {
                    let v = values[rng.below(values.count)]
                    live[key]!.remove(at: live[key]!.firstIndex(of: v)!)
                    rows.append((key, v, .delete))
                } else {
                    let v = Int64(rng.below(100))
                    live[key, default: []].append(v)
                    rows.append((key, v, .insert))
                }
            }
            let out = agg.process(Self.chunk(rows), side: 0, strings: strings)
            for r in 0..<out.count {
                let row = [out.value(r, 1), out.value(r, 2)]
                if out.op(r) == .delete {
                    #expect(view[out.value(r, 0)] == row, "U- retracts exactly the row the view holds")
                    view[out.value(r, 0)] = nil
                } else {
                    #expect(view[out.value(r, 0)] == nil, "U+ lands on a retracted or new group")
                    view[out.value(r, 0)] = row
                }
            }
            for key in Set(live.keys).union(view.keys) {
                let values = live[key] ?? []
                #expect(view[key] == (values.isEmpty ? nil : [Int64(values.count), values.reduce(0, +)]), "group \(key)")
            }
        }
    }
}
