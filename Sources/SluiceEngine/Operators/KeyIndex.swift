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
    /// One padding entry lies just before `keys[0]` (`keys[-width..<0]`): an empty slot's -1
    /// then reads a real word, so a probe can load a slot's key before knowing it is full.
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
        keys = Self.allocateKeys(entries: entryCapacity, width: self.width)
        hashes = .allocate(capacity: entryCapacity)
        scratch = .allocate(capacity: self.width)
        scratch.initialize(repeating: 0, count: self.width)
    }

    deinit {
        slots.deallocate()
        (keys - width).deallocate()
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
    /// into `indices`, inserting the new ones (in row order): `findOrInsert` for a whole
    /// column at once.
    ///
    /// A key is usually in its home slot or the next one (the table is at most a quarter
    /// full), so a first pass checks both without a branch (which of the two holds the key is
    /// random, and a branch on it would mispredict on every collision) and marks the rest -1;
    /// a second pass probes further for those and inserts the new keys, in row order.
    func findOrInsert(column words: UnsafePointer<Int64>, stride: Int, count n: Int, into indices: UnsafeMutablePointer<Int>) {
        precondition(width == 1, "a column lookup needs one-word keys")
        for row in 0..<n {
            let key = words[row &* stride]
            let home = Int(truncatingIfNeeded: Self.hash(words + row &* stride, count: 1)) & mask
            // Both keys are read before either is compared, so the choice is a select; an
            // empty slot's -1 reads the padding key, and a match there yields -1.
            let first = Int(slots[home]), second = Int(slots[(home &+ 1) & mask])
            let firstKey = keys[first], secondKey = keys[second]
            let found = secondKey == key ? second : -1
            indices[row] = firstKey == key ? first : found
        }
        for row in 0..<n where indices[row] < 0 {
            let key = words + row &* stride
            indices[row] = findOrInsertProbing(key, home: Int(truncatingIfNeeded: Self.hash(key, count: 1)) & mask)
        }
    }

    /// `findOrInsert` for one one-word key whose probe starts at slot `home`.
    private func findOrInsertProbing(_ key: UnsafePointer<Int64>, home: Int) -> Int {
        var slot = home
        while true {
            let s = Int(slots[slot])
            if s < 0 { return insert(key, hash: UInt32(truncatingIfNeeded: Self.hash(key, count: 1)), slot: slot) }
            // One word: the key itself decides (its stored hash is only for rehashing).
            if keys[s] == key[0] { return s }
            slot = (slot &+ 1) & mask
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
        let newKeys = Self.allocateKeys(entries: capacity, width: width)
        newKeys.moveInitialize(from: keys, count: count * width)
        (keys - width).deallocate()
        keys = newKeys
        let newHashes = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        newHashes.moveInitialize(from: hashes, count: count)
        hashes.deallocate()
        hashes = newHashes
        entryCapacity = capacity
    }

    /// Room for `entries` keys after one zeroed padding entry; returns the first key's address.
    private static func allocateKeys(entries: Int, width: Int) -> UnsafeMutablePointer<Int64> {
        let base = UnsafeMutablePointer<Int64>.allocate(capacity: (entries + 1) * width)
        base.initialize(repeating: 0, count: width)
        return base + width
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
