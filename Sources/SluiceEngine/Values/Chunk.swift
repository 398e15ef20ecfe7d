/// A change to a row: RisingWave's `Op`. Aggregations retract the old value of a group and
/// insert the new one, so a changelog of inserts and deletes flows between operators.
public enum RowOp: Int8, Sendable {
    case insert = 1
    case delete = -1
}

/// A batch of rows, row-major as 64-bit words (`width` words per row), with an op per row.
///
/// A chunk is a view (`count` rows from `start`) of storage that views share: taking the
/// first rows off a chunk, or cutting a big one into channel-sized pieces, copies nothing.
/// Writing is copy-on-write: a view appends in place only when it owns its storage alone and
/// ends where the storage ends; otherwise it first copies its own rows.
public struct Chunk: Sendable {
    public let width: Int
    public private(set) var count: Int
    private var start: Int
    private var storage: ChunkStorage

    public init(width: Int, capacity: Int = 0) {
        self.width = width
        self.count = 0
        self.start = 0
        self.storage = ChunkStorage(width: width, capacity: capacity)
    }

    public var isEmpty: Bool { count == 0 }

    // MARK: Reading

    @inline(__always)
    public func value(_ row: Int, _ column: Int) -> Int64 {
        storage.words[(start &+ row) &* width &+ column]
    }

    @inline(__always)
    public func op(_ row: Int) -> RowOp {
        guard let ops = storage.ops else { return .insert }
        return ops[start &+ row]
    }

    /// The storage behind this view (for tests of sharing and release).
    var backingStorage: ChunkStorage { storage }

    /// Whether any row may be a delete (false: every row is an insert).
    public var hasOps: Bool { storage.ops != nil }

    /// Calls `body` with the view's words (`count × width`, row-major), without copying.
    @inline(__always)
    public func withUnsafeWords<R>(_ body: (UnsafePointer<Int64>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(UnsafePointer(storage.words + start &* width)) }
    }

    /// Calls `body` with the view's ops (`count` of them), or nil when every row is an insert.
    @inline(__always)
    public func withUnsafeOps<R>(_ body: (UnsafePointer<RowOp>?) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(storage.ops.map { UnsafePointer($0 + start) }) }
    }

    /// The rows `range` as a chunk of their own, sharing this chunk's storage.
    public func rows(_ range: Range<Int>) -> Chunk {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        var view = self
        view.start = start &+ range.lowerBound
        view.count = range.count
        return view
    }

    /// The first `n` rows, leaving the rest in `self`; shares storage, copies nothing.
    public mutating func split(first n: Int) -> Chunk {
        precondition(n > 0 && n < count)
        let head = rows(0..<n)
        start &+= n
        count &-= n
        return head
    }

    /// Forgets the first `n` rows.
    public mutating func removeFirst(_ n: Int) {
        precondition(n >= 0 && n <= count)
        start &+= n
        count &-= n
    }

    // MARK: Writing

    /// Makes room for `n` more rows at the end, owned by this view alone.
    public mutating func reserve(rows n: Int) {
        let end = start &+ count
        if isKnownUniquelyReferenced(&storage) && end == storage.rows && end &+ n <= storage.capacity { return }
        let copy = ChunkStorage(width: width, capacity: Swift.max(count &+ n, 2 &* count, 4))
        if count > 0 {
            copy.words.update(from: storage.words + start &* width, count: count &* width)
            if let ops = storage.ops {
                let newOps = copy.makeOps()
                newOps.update(from: ops + start, count: count)
            }
        }
        copy.rows = count
        storage = copy
        start = 0
    }

    /// Appends `n` zeroed rows, with the ops of the first `n` rows of `opsOf` (inserts when
    /// nil), for the caller to fill through `withUnsafeMutableWords`.
    public mutating func appendBlankRows(_ n: Int, opsOf source: Chunk? = nil) {
        guard n > 0 else { return }
        reserve(rows: n)
        let row = start &+ count
        (storage.words + row &* width).update(repeating: 0, count: n &* width)
        if let source, let sourceOps = source.storage.ops {
            withExtendedLifetime(source.storage) { (storage.makeOps() + row).update(from: sourceOps + source.start, count: n) }
        } else if let ops = storage.ops {
            (ops + row).update(repeating: .insert, count: n)
        }
        storage.rows = row &+ n
        count &+= n
    }

    /// Calls `body` with the view's words to write in place (copying first if shared).
    public mutating func withUnsafeMutableWords<R>(_ body: (UnsafeMutablePointer<Int64>) throws -> R) rethrows -> R {
        reserve(rows: 0)
        return try body(storage.words + start &* width)
    }

    /// Appends `n` rows that `body` writes in full: it gets their `n × width` words and, when
    /// `withOps` (some row will be a delete), their ops, every one an insert until it writes
    /// another. One capacity and ownership check for the lot (the hot path of operators that
    /// compute their output rows in place).
    public mutating func appendRows<R>(_ n: Int, withOps: Bool,
                                       writing body: (UnsafeMutablePointer<Int64>, UnsafeMutablePointer<RowOp>?) throws -> R) rethrows -> R {
        reserve(rows: n)
        let first = start &+ count
        let ops = withOps ? storage.makeOps() + first : storage.ops.map { $0 + first }
        ops?.update(repeating: .insert, count: n)
        defer {
            storage.rows = first &+ n
            count &+= n
        }
        return try withExtendedLifetime(storage) { try body(storage.words + first &* width, withOps ? ops : nil) }
    }

    /// Appends up to `n` rows that `body` writes in full from the first on, as
    /// `appendRows(_:withOps:writing:)` does; `body` returns how many it wrote, and only
    /// those are appended.
    public mutating func appendRows(upTo n: Int, withOps: Bool,
                                    writing body: (UnsafeMutablePointer<Int64>, UnsafeMutablePointer<RowOp>?) throws -> Int) rethrows {
        reserve(rows: n)
        let first = start &+ count
        let ops = withOps ? storage.makeOps() + first : storage.ops.map { $0 + first }
        ops?.update(repeating: .insert, count: n)
        let written = try withExtendedLifetime(storage) { try body(storage.words + first &* width, withOps ? ops : nil) }
        precondition(written >= 0 && written <= n, "appendRows(upTo:) wrote more rows than it had room for")
        storage.rows = first &+ written
        count &+= written
    }

    /// Appends one row and returns where its `width` words go; the caller writes all of them
    /// before touching the chunk again.
    @inline(__always)
    public mutating func appendRow(op: RowOp = .insert) -> UnsafeMutablePointer<Int64> {
        reserve(rows: 1)
        let row = start &+ count
        if op != .insert || storage.ops != nil { storage.makeOps()[row] = op }
        storage.rows = row &+ 1
        count &+= 1
        return storage.words + row &* width
    }

    public mutating func append(row: UnsafeBufferPointer<Int64>, op: RowOp = .insert) {
        precondition(row.count == width)
        let target = appendRow(op: op)
        for k in 0..<width { target[k] = row[k] }
    }

    public mutating func append(_ row: [Int64], op: RowOp = .insert) {
        row.withUnsafeBufferPointer { append(row: $0, op: op) }
    }

    /// Appends row `row` of `other` (same width).
    @inline(__always)
    public mutating func append(from other: Chunk, row: Int) {
        let target = appendRow(op: other.op(row))
        let source = other.storage.words + (other.start &+ row) &* width
        // Rows are a few words: a loop beats a call to memcpy.
        for k in 0..<width { target[k] = source[k] }
    }

    /// Appends every row of `other` (same width).
    public mutating func append(contentsOf other: Chunk) {
        appendRows(from: other, 0..<other.count)
    }

    /// Appends rows `range` of `other` (same width) in one copy.
    public mutating func appendRows(from other: Chunk, _ range: Range<Int>) {
        let n = range.count
        guard n > 0 else { return }
        if count == 0 && range == 0..<other.count {
            self = other
            return
        }
        if other.storage === storage && other.start &+ range.lowerBound == start &+ count {
            // The rows follow this view in the same storage (consecutive pieces of one chunk).
            count &+= n
            return
        }
        reserve(rows: n)
        let row = start &+ count
        let source = other.start &+ range.lowerBound
        withExtendedLifetime(other.storage) {
            (storage.words + row &* width).update(from: other.storage.words + source &* width, count: n &* width)
            if let otherOps = other.storage.ops {
                (storage.makeOps() + row).update(from: otherOps + source, count: n)
            } else if let ops = storage.ops {
                (ops + row).update(repeating: .insert, count: n)
            }
        }
        storage.rows = row &+ n
        count &+= n
    }
}

extension Chunk {
    /// Appends the rows of `other` (same width) whose `keep` word is not 0; `kept` is how many
    /// there are. One branch-free pass: every row is written at the next place and the place
    /// advances only for kept rows (so one row more than `kept` must fit).
    public mutating func appendRows(from other: Chunk, where keep: UnsafePointer<Int64>, kept: Int) {
        guard kept > 0 else { return }
        reserve(rows: kept &+ 1)
        let first = start &+ count, n = other.count, width = width
        withExtendedLifetime(other.storage) {
            let source = other.storage.words + other.start &* width
            let target = storage.words + first &* width
            // One loop per usual width, so the row copy is straight-line.
            @inline(__always) func compact(_ width: Int) {
                var to = target
                for row in 0..<n {
                    let from = source + row &* width
                    for k in 0..<width { to[k] = from[k] }
                    to += keep[row] != 0 ? width : 0
                }
            }
            switch width {
            case 1: compact(1)
            case 2: compact(2)
            case 3: compact(3)
            case 4: compact(4)
            default: compact(width)
            }
            if let otherOps = other.storage.ops {
                let ops = storage.makeOps() + first, from = otherOps + other.start
                var j = 0
                for row in 0..<n {
                    ops[j] = from[row]
                    j &+= keep[row] != 0 ? 1 : 0
                }
            } else if let ops = storage.ops {
                (ops + first).update(repeating: .insert, count: kept)
            }
        }
        storage.rows = first &+ kept
        count &+= kept
    }

    /// Splits the rows into up to `n` chunks, row `r` going to part `target[r]` (each below
    /// `n`), in their order within each part: a counting pass, then one scatter into storage
    /// sized exactly for each part (the hash exchange; appending row by row grew and re-checked
    /// every part on every row). Only the parts that receive rows are returned, in part order:
    /// a wide exchange leaves most parts empty, and an empty chunk per part cost an allocation
    /// or a reference count each.
    public func scattered(by target: UnsafePointer<Int>, into n: Int) -> [(part: Int, chunk: Chunk)] {
        precondition(n > 0, "scattering into no parts")
        var counts = [Int](repeating: 0, count: n)
        for row in 0..<count { counts[target[row]] &+= 1 }
        var parts: [(part: Int, chunk: Chunk)] = []
        parts.reserveCapacity(Swift.min(n, count))
        let sourceOps = storage.ops.map { $0 + start }
        withUnsafeTemporaryAllocation(of: UnsafeMutablePointer<Int64>.self, capacity: n) { words in
            withUnsafeTemporaryAllocation(of: UnsafeMutablePointer<RowOp>.self, capacity: sourceOps == nil ? 0 : n) { ops in
                for i in 0..<n where counts[i] > 0 {
                    var part = Chunk(width: width, capacity: counts[i])
                    part.storage.rows = counts[i]
                    part.count = counts[i]
                    words[i] = part.storage.words
                    if sourceOps != nil { ops[i] = part.storage.makeOps() }
                    parts.append((i, part))
                }
                withExtendedLifetime(storage) {
                    let source = storage.words + start &* width
                    // One loop per usual width, so the row copy is straight-line.
                    @inline(__always) func scatter(_ width: Int) {
                        for row in 0..<count {
                            let part = target[row]
                            let to = words[part], from = source + row &* width
                            for k in 0..<width { to[k] = from[k] }
                            words[part] = to + width
                        }
                    }
                    switch width {
                    case 1: scatter(1)
                    case 2: scatter(2)
                    case 3: scatter(3)
                    case 4: scatter(4)
                    default: scatter(width)
                    }
                    if let sourceOps {
                        for row in 0..<count {
                            let part = target[row]
                            ops[part].pointee = sourceOps[row]
                            ops[part] += 1
                        }
                    }
                }
            }
        }
        return parts
    }
}

/// The memory behind chunk views: room for `capacity` rows of `width` words, `rows` of them
/// written. Ops are allocated only once a row is not an insert.
final class ChunkStorage: @unchecked Sendable {
    let width: Int
    let capacity: Int
    var rows = 0
    let words: UnsafeMutablePointer<Int64>
    private(set) var ops: UnsafeMutablePointer<RowOp>?

    init(width: Int, capacity: Int) {
        self.width = width
        self.capacity = Swift.max(capacity, 1)
        words = .allocate(capacity: Swift.max(1, self.capacity * width))
    }

    /// The ops array, created (every row so far an insert) on first need.
    @inline(__always)
    func makeOps() -> UnsafeMutablePointer<RowOp> {
        if let ops { return ops }
        let created = UnsafeMutablePointer<RowOp>.allocate(capacity: capacity)
        created.initialize(repeating: .insert, count: capacity)
        ops = created
        return created
    }

    deinit {
        words.deallocate()
        ops?.deallocate()
    }
}
