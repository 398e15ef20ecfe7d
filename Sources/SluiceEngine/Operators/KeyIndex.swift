/// A flat open-addressing map from a key of `width` 64-bit words to a dense index (0, 1, 2, …
/// in insertion order). Aggregation groups, join buckets and materialized rows all live in
/// dense arrays indexed by it, so iteration order is insertion order: deterministic.
struct KeyIndex {
    let width: Int
    private(set) var keys: [Int64] = []        // dense: width words per entry
    private var slots: [Int32]                  // -1 = empty, else dense index
    private var hashes: [UInt32] = []           // per dense entry, for rehashing
    private var mask: Int
    private(set) var count = 0

    init(width: Int, capacity: Int = 16) {
        self.width = max(1, width)
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    @inline(__always)
    static func hash(_ words: UnsafeBufferPointer<Int64>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        for w in words {
            h ^= UInt64(bitPattern: w)
            h = (h ^ (h >> 32)) &* 0xD6E8_FEB8_6659_FD93
            h = (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9
        }
        return h ^ (h >> 31)
    }

    @inline(__always)
    private func equal(_ index: Int, _ words: UnsafeBufferPointer<Int64>) -> Bool {
        let base = index &* width
        for i in 0..<width where keys[base &+ i] != words[i] { return false }
        return true
    }

    /// The dense index of `words` (exactly `width` of them), if present.
    func find(_ words: UnsafeBufferPointer<Int64>) -> Int? {
        let h = Self.hash(words)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[slot]
            if s < 0 { return nil }
            if hashes[Int(s)] == UInt32(truncatingIfNeeded: h), equal(Int(s), words) { return Int(s) }
            slot = (slot &+ 1) & mask
        }
    }

    /// The dense index of `words`, inserting it if new; `inserted` tells which.
    mutating func findOrInsert(_ words: UnsafeBufferPointer<Int64>) -> (index: Int, inserted: Bool) {
        let h = Self.hash(words)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[slot]
            if s < 0 { break }
            if hashes[Int(s)] == UInt32(truncatingIfNeeded: h), equal(Int(s), words) { return (Int(s), false) }
            slot = (slot &+ 1) & mask
        }
        let index = count
        slots[slot] = Int32(index)
        keys.append(contentsOf: words)
        hashes.append(UInt32(truncatingIfNeeded: h))
        count += 1
        if count * 2 > slots.count { grow() }
        return (index, true)
    }

    /// Convenience for callers holding a row of a chunk: the key columns `columns` of `row`.
    mutating func findOrInsert(_ chunk: Chunk, row: Int, columns: [Int]) -> (index: Int, inserted: Bool) {
        withKey(chunk, row: row, columns: columns) { findOrInsert($0) }
    }

    func find(_ chunk: Chunk, row: Int, columns: [Int]) -> Int? {
        withKey(chunk, row: row, columns: columns) { find($0) }
    }

    @inline(__always)
    private func withKey<R>(_ chunk: Chunk, row: Int, columns: [Int], _ body: (UnsafeBufferPointer<Int64>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: max(1, columns.count)) { buffer in
            if columns.isEmpty { buffer[0] = 0 } else {
                for (i, c) in columns.enumerated() { buffer[i] = chunk.value(row, c) }
            }
            return body(UnsafeBufferPointer(buffer))
        }
    }

    /// The key words of entry `index`.
    func key(_ index: Int) -> ArraySlice<Int64> { keys[(index * width)..<((index + 1) * width)] }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        for index in 0..<count {
            var slot = Int(hashes[index]) & mask
            // Stored hashes are 32 bits; probing from them is enough to rebuild.
            while slots[slot] >= 0 { slot = (slot &+ 1) & mask }
            slots[slot] = Int32(index)
        }
    }
}
