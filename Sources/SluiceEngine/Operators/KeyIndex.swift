/// A flat open-addressing map from a key of `width` 64-bit words to a dense index (0, 1, 2, …
/// in insertion order). Aggregation groups, join buckets and materialized rows all live in
/// dense arrays indexed by it, so iteration order is insertion order: deterministic.
///
/// Owns its memory through raw pointers (no copy-on-write checks on the probe path); one
/// instance per operator, never shared.
final class KeyIndex {
    let width: Int
    private(set) var count = 0
    /// Dense keys, `width` words per entry, and each entry's 32-bit hash (for rehashing).
    private var keys: UnsafeMutablePointer<Int64>
    private var hashes: UnsafeMutablePointer<UInt32>
    private var entryCapacity: Int
    /// Open-addressing table: -1 empty, else a dense index.
    private var slots: UnsafeMutablePointer<Int32>
    private var mask: Int
    /// Room to gather one key from a row.
    private let scratch: UnsafeMutablePointer<Int64>

    init(width: Int, capacity: Int = 16) {
        self.width = max(1, width)
        var size = 16
        while size < capacity * 4 { size <<= 1 }
        slots = .allocate(capacity: size)
        slots.initialize(repeating: -1, count: size)
        mask = size - 1
        entryCapacity = max(8, capacity)
        keys = .allocate(capacity: entryCapacity * self.width)
        hashes = .allocate(capacity: entryCapacity)
        scratch = .allocate(capacity: self.width)
        scratch.initialize(repeating: 0, count: self.width)
    }

    deinit {
        slots.deallocate()
        keys.deallocate()
        hashes.deallocate()
        scratch.deallocate()
    }

    /// The hash exchanges route by and the table probes with; stable across processes.
    @inline(__always)
    static func hash(_ words: UnsafeBufferPointer<Int64>) -> UInt64 {
        hash(words.baseAddress!, count: words.count)
    }

    @inline(__always)
    static func hash(_ words: UnsafePointer<Int64>, count: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        for i in 0..<count {
            h ^= UInt64(bitPattern: words[i])
            h = (h ^ (h >> 32)) &* 0xD6E8_FEB8_6659_FD93
            h = (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9
        }
        return h ^ (h >> 31)
    }

    @inline(__always)
    private func equal(_ index: Int, _ words: UnsafePointer<Int64>) -> Bool {
        if width == 1 { return keys[index] == words[0] }
        let stored = keys + index &* width
        for i in 0..<width where stored[i] != words[i] { return false }
        return true
    }

    /// The dense index of the key at `words` (exactly `width` of them), if present.
    @inline(__always)
    func find(_ words: UnsafePointer<Int64>) -> Int? {
        let h = Self.hash(words, count: width)
        let short = UInt32(truncatingIfNeeded: h)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = Int(slots[slot])
            if s < 0 { return nil }
            if hashes[s] == short, equal(s, words) { return s }
            slot = (slot &+ 1) & mask
        }
    }

    /// The dense index of the key at `words`, inserting it if new; `inserted` tells which.
    @inline(__always)
    func findOrInsert(_ words: UnsafePointer<Int64>) -> (index: Int, inserted: Bool) {
        let h = Self.hash(words, count: width)
        let short = UInt32(truncatingIfNeeded: h)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = Int(slots[slot])
            if s < 0 { break }
            if hashes[s] == short, equal(s, words) { return (s, false) }
            slot = (slot &+ 1) & mask
        }
        return (insert(words, hash: short, slot: slot), true)
    }

    /// The dense index of each of `n` one-word keys, read every `stride` words from `words`,
    /// into `indices`, inserting the new ones: `findOrInsert` for a whole column at once.
    func findOrInsert(column words: UnsafePointer<Int64>, stride: Int, count n: Int, into indices: UnsafeMutablePointer<Int>) {
        precondition(width == 1, "a column lookup needs one-word keys")
        for row in 0..<n {
            let key = words + row &* stride
            var slot = Int(truncatingIfNeeded: Self.hash(key, count: 1)) & mask
            while true {
                let s = Int(slots[slot])
                if s < 0 {
                    indices[row] = insert(key, hash: UInt32(truncatingIfNeeded: Self.hash(key, count: 1)), slot: slot)
                    break
                }
                // One word: the key itself decides (its stored hash is only for rehashing).
                if keys[s] == key[0] {
                    indices[row] = s
                    break
                }
                slot = (slot &+ 1) & mask
            }
        }
    }

    func find(_ words: UnsafeBufferPointer<Int64>) -> Int? { find(words.baseAddress!) }
    func findOrInsert(_ words: UnsafeBufferPointer<Int64>) -> (index: Int, inserted: Bool) { findOrInsert(words.baseAddress!) }

    /// The key columns `columns` of row `row` of `chunk` (a width-1 zero key when there are none).
    @inline(__always)
    func gather(_ chunk: Chunk, row: Int, columns: [Int]) -> UnsafePointer<Int64> {
        for (i, c) in columns.enumerated() { scratch[i] = chunk.value(row, c) }
        return UnsafePointer(scratch)
    }

    func findOrInsert(_ chunk: Chunk, row: Int, columns: [Int]) -> (index: Int, inserted: Bool) {
        findOrInsert(gather(chunk, row: row, columns: columns))
    }

    func find(_ chunk: Chunk, row: Int, columns: [Int]) -> Int? {
        find(gather(chunk, row: row, columns: columns))
    }

    /// The key words of entry `index`, valid until the next insert.
    @inline(__always)
    func keyWords(_ index: Int) -> UnsafePointer<Int64> { UnsafePointer(keys + index &* width) }

    /// The key words of entry `index`, copied.
    func key(_ index: Int) -> [Int64] { Array(UnsafeBufferPointer(start: keyWords(index), count: width)) }

    private func insert(_ words: UnsafePointer<Int64>, hash short: UInt32, slot: Int) -> Int {
        let index = count
        if index == entryCapacity { growEntries() }
        (keys + index &* width).initialize(from: words, count: width)
        hashes[index] = short
        slots[slot] = Int32(index)
        count += 1
        // At most a quarter full: a probe rarely goes past its first slot.
        if count * 4 > mask + 1 { growSlots() }
        return index
    }

    private func growEntries() {
        let capacity = entryCapacity * 2
        let newKeys = UnsafeMutablePointer<Int64>.allocate(capacity: capacity * width)
        newKeys.moveInitialize(from: keys, count: count * width)
        keys.deallocate()
        keys = newKeys
        let newHashes = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        newHashes.moveInitialize(from: hashes, count: count)
        hashes.deallocate()
        hashes = newHashes
        entryCapacity = capacity
    }

    private func growSlots() {
        let size = (mask + 1) * 2
        slots.deallocate()
        slots = .allocate(capacity: size)
        slots.initialize(repeating: -1, count: size)
        mask = size - 1
        for index in 0..<count {
            // Stored hashes are the low 32 bits; probing from them is enough to rebuild.
            var slot = Int(hashes[index]) & mask
            while slots[slot] >= 0 { slot = (slot &+ 1) & mask }
            slots[slot] = Int32(index)
        }
    }
}
