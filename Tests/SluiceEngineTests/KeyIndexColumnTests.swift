import Testing
@testable import SluiceEngine

/// The whole-column lookup checks a key's home slot and the next one without branching and
/// probes further only for the rest: keys that share a home slot, wrap around the table's
/// end, or equal the padding word (0) read for an empty slot must all come out as they do
/// one key at a time.
@Suite struct KeyIndexColumnTests {
    /// `count` distinct keys whose home slot in a 16-slot table is `slot`.
    static func keys(homeSlot slot: Int, count: Int, from start: Int64 = -50) -> [Int64] {
        var found: [Int64] = []
        var k = start
        while found.count < count {
            let h = [k].withUnsafeBufferPointer { KeyIndex.hash($0) }
            if Int(truncatingIfNeeded: h) & 15 == slot { found.append(k) }
            k += 1
        }
        return found
    }

    @Test func keysProbedPastTheirSecondSlotAndAroundTheEndAgree() {
        // Capacity 4: a 16-slot table that does not grow below four keys.
        let colliding = Self.keys(homeSlot: 15, count: 3)
        let column = KeyIndex(width: 1, capacity: 4), oneByOne = KeyIndex(width: 1, capacity: 4)
        // Three keys chained from the last slot (15, 0, 1), then each looked up again, with
        // 0 (the padding word) new in between and then found.
        let words: [Int64] = colliding + [0] + colliding.reversed() + [0]
        var got = [Int](repeating: -9, count: words.count)
        words.withUnsafeBufferPointer { w in
            got.withUnsafeMutableBufferPointer { column.findOrInsert(column: w.baseAddress!, stride: 1, count: words.count, into: $0.baseAddress!) }
        }
        let expected = words.map { HotPathValueTests.findOrInsert(oneByOne, [$0]).index }
        #expect(got == expected)
        #expect(got == [0, 1, 2, 3, 2, 1, 0, 3])
        // Looked up again as a column, with nothing new: every key found where it is.
        var again = [Int](repeating: -9, count: words.count)
        words.withUnsafeBufferPointer { w in
            again.withUnsafeMutableBufferPointer { column.findOrInsert(column: w.baseAddress!, stride: 1, count: words.count, into: $0.baseAddress!) }
        }
        #expect(again == expected && column.count == 4)
    }

    @Test func zeroIsFoundInEitherOfItsFirstTwoSlots() {
        // 0 in its home slot, or in the next one behind a key that shares its home.
        let zeroHome = Int(truncatingIfNeeded: [Int64(0)].withUnsafeBufferPointer { KeyIndex.hash($0) }) & 15
        let sharer = Self.keys(homeSlot: zeroHome, count: 1, from: 1)[0]
        for order in [[Int64(0), sharer], [sharer, 0]] {
            let index = KeyIndex(width: 1, capacity: 4)
            for key in order { _ = HotPathValueTests.findOrInsert(index, [key]) }
            let words: [Int64] = [0, sharer, 7, 0]
            var got = [Int](repeating: -9, count: words.count)
            words.withUnsafeBufferPointer { w in
                got.withUnsafeMutableBufferPointer { index.findOrInsert(column: w.baseAddress!, stride: 1, count: words.count, into: $0.baseAddress!) }
            }
            let zero = order[0] == 0 ? 0 : 1
            #expect(got == [zero, 1 - zero, 2, zero], "order \(order)")
        }
    }
}
