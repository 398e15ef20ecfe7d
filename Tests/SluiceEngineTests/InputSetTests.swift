import Testing
@testable import SluiceEngine

/// `InputSet` against a plain `Set<Int>`: membership, counts, and the first member in a range
/// with some excluded, over random inserts and removes across several words.
@Suite struct InputSetTests {
    @Test(arguments: [1, 2, 63, 64, 65, 200, 700])
    func firstMatchesASetScan(size: Int) {
        var rng = SeededRandom(seed: UInt64(size))
        var bits = InputSet(), excluded = InputSet()
        var model = Set<Int>(), excludedModel = Set<Int>()
        for _ in 0..<(4 * size) {
            let i = Int(rng.next() % UInt64(size))
            switch rng.next() % 4 {
            case 0: bits.remove(i); model.remove(i)
            case 1: excluded.insert(i); excludedModel.insert(i)
            default: bits.insert(i); model.insert(i)
            }
            #expect(bits.contains(i) == model.contains(i))
            let lower = Int(rng.next() % UInt64(size + 1)), upper = Int(rng.next() % UInt64(size + 2))
            let expected = (lower..<max(lower, upper)).first { model.contains($0) && !excludedModel.contains($0) }
            #expect(bits.first(in: lower, upper, excluding: excluded) == expected, "\(lower)..<\(upper)")
            #expect(bits.first(in: lower, upper) == (lower..<max(lower, upper)).first { model.contains($0) })
        }
        #expect(bits.count == model.count)
        #expect(!bits.contains(-1) && !bits.contains(size + 64))
        bits.removeAll()
        #expect(bits.count == 0 && bits.first(in: 0, size) == nil)
    }
}
