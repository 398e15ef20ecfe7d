import Testing
@testable import SluiceEngine

/// The aggregate retracts the row a group last emitted from a copy kept in the group's
/// record, and writes its output in one pass (rows up to a bound, only those written kept).
@Suite struct AggregateRetractionTests {
    static let value = ScalarExpr.column(3, .bigint, name: "v")

    /// Chunks of inserts and of deletes of rows inserted earlier, so groups shrink, empty
    /// out (emitting only their retraction) and come back.
    static func chunks(seed: UInt64) -> [[(row: [Int64], op: RowOp)]] {
        var rng = SeededRandom(seed: seed)
        var live: [[Int64]] = []
        return (0..<60).map { _ in
            (0..<(1 + rng.below(12))).map { _ in
                if !live.isEmpty && rng.below(3) == 0 {
                    return (live.remove(at: rng.below(live.count)), .delete)
                }
                let row = [Int64(rng.below(4)), Int64(rng.below(2)) - 7, 0, Int64(rng.below(50)) - 10]
                live.append(row)
                return (row, .insert)
            }
        }
    }

    static func process(_ agg: HashAggOperator, _ chunk: [(row: [Int64], op: RowOp)], _ strings: StringPool) -> [[Int64]] {
        var input = Chunk(width: 4)
        for (row, op) in chunk { input.append(row, op: op) }
        let out = agg.process(input, side: 0, strings: strings)
        return (0..<out.count).map { r in [Int64(out.op(r).rawValue)] + (0..<out.width).map { out.value(r, $0) } }
    }

    @Test(arguments: [[0], [1, 0]])
    func retractionsEmitTheRowsTheGroupsLastEmitted(keys: [Int]) {
        let callSets: [[AggregateCall]] = [
            [AggregateCall(.count, nil)],
            [AggregateCall(.count, nil), AggregateCall(.sum, Self.value)],
            [AggregateCall(.sum, Self.value), AggregateCall(.avg, Self.value), AggregateCall(.count, nil)],
            // Deleting a group's extreme brings back the next one it holds.
            [AggregateCall(.min, Self.value), AggregateCall(.max, Self.value), AggregateCall(.count, nil)],
        ]
        let strings = StringPool()
        for (i, calls) in callSets.enumerated() {
            let chunks = Self.chunks(seed: UInt64(40 + i))
            let agg = HashAggOperator(groupKeys: keys, calls: calls)
            let got = chunks.flatMap { Self.process(agg, $0, strings) }
            #expect(got == AggregateModel.changelog(chunks, keys: keys, calls: calls), "keys \(keys), calls \(calls.map(\.function))")
        }
    }

    /// A rescale moves a group's state, its min/max values included: deletes after the move
    /// change the copy as they change the original.
    @Test func anImportedGroupRetractsTheRowItsStateGives() {
        let calls = [AggregateCall(.count, nil), AggregateCall(.avg, Self.value), AggregateCall(.min, Self.value), AggregateCall(.max, Self.value)]
        let strings = StringPool()
        let chunks = Self.chunks(seed: 7)
        let agg = HashAggOperator(groupKeys: [0], calls: calls)
        for chunk in chunks.prefix(30) { _ = Self.process(agg, chunk, strings) }
        let copy = HashAggOperator(groupKeys: [0], calls: calls)
        for g in agg.exportGroups() {
            copy.importGroup(g)
        }
        for chunk in chunks.dropFirst(30) {
            #expect(Self.process(agg, chunk, strings) == Self.process(copy, chunk, strings))
        }
    }

    @Test func appendingUpToABoundKeepsOnlyTheRowsWritten() {
        var chunk = Chunk(width: 2)
        chunk.append([1, 2])
        chunk.appendRows(upTo: 4, withOps: true) { words, ops in
            words[0] = 3; words[1] = 4
            ops![0] = .delete
            words[2] = 5; words[3] = 6
            return 2
        }
        #expect(chunk.count == 3)
        #expect((0..<3).map { [chunk.value($0, 0), chunk.value($0, 1)] } == [[1, 2], [3, 4], [5, 6]])
        #expect((0..<3).map { chunk.op($0) } == [.insert, .delete, .insert])
        // The next append goes right after the rows written.
        chunk.append([7, 8])
        #expect(chunk.count == 4 && chunk.value(3, 0) == 7 && chunk.op(3) == .insert)
        // Writing none leaves the chunk as it was.
        var empty = Chunk(width: 3)
        empty.appendRows(upTo: 2, withOps: false) { _, ops in
            #expect(ops == nil)
            return 0
        }
        #expect(empty.isEmpty && !empty.hasOps)
    }

    @Test func aRawBufferResetToACountKeepsRoomAndGrows() {
        var buffer = RawBuffer<Int>(capacity: 2)
        buffer.append(9)
        let small = buffer.reset(count: 2)
        small[0] = 1; small[1] = 2
        #expect(buffer.count == 2 && buffer[0] == 1 && buffer[1] == 2)
        let large = buffer.reset(count: 100)
        for i in 0..<100 { large[i] = i }
        #expect(buffer.count == 100 && buffer[99] == 99 && buffer.pointer == large)
        _ = buffer.reset(count: 0)
        let empty = buffer.isEmpty
        #expect(empty)
    }
}
