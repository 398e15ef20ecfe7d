/// A change to a row: RisingWave's `Op`. Aggregations retract the old value of a group and
/// insert the new one, so a changelog of inserts and deletes flows between operators.
public enum RowOp: Int8, Sendable {
    case insert = 1
    case delete = -1
}

/// A batch of rows, stored row-major as 64-bit words (`width` words per row), with an
/// optional op per row (empty means every row is an insert).
public struct Chunk: Sendable {
    public private(set) var width: Int
    public private(set) var count: Int
    public var values: [Int64]
    public var ops: [RowOp]

    public init(width: Int, capacity: Int = 0) {
        self.width = width
        self.count = 0
        self.values = []
        self.ops = []
        if capacity > 0 { values.reserveCapacity(capacity * width) }
    }

    public var isEmpty: Bool { count == 0 }

    @inline(__always)
    public func value(_ row: Int, _ column: Int) -> Int64 { values[row &* width &+ column] }

    @inline(__always)
    public func op(_ row: Int) -> RowOp { ops.isEmpty ? .insert : ops[row] }

    public mutating func append(row: UnsafeBufferPointer<Int64>, op: RowOp = .insert) {
        values.append(contentsOf: row)
        appendOp(op)
    }

    public mutating func append(_ row: [Int64], op: RowOp = .insert) {
        values.append(contentsOf: row)
        appendOp(op)
    }

    /// Appends row `row` of `other` (same width).
    @inline(__always)
    public mutating func append(from other: Chunk, row: Int) {
        let start = row &* width
        values.append(contentsOf: other.values[start..<(start &+ width)])
        appendOp(other.op(row))
    }

    /// `ops` stays empty while every row is an insert; the first other op fills it in.
    @inline(__always)
    private mutating func appendOp(_ op: RowOp) {
        if !ops.isEmpty {
            ops.append(op)
        } else if op != .insert {
            ops = [RowOp](repeating: .insert, count: count)
            ops.append(op)
        }
        count &+= 1
    }

    /// Counts a row whose words the caller already appended to `values`.
    @inline(__always)
    public mutating func commitRow(op: RowOp = .insert) { appendOp(op) }

    /// The first `n` rows, leaving the rest in `self`.
    public mutating func split(first n: Int) -> Chunk {
        precondition(n > 0 && n < count)
        var head = Chunk(width: width)
        head.values = Array(values[0..<(n * width)])
        values.removeFirst(n * width)
        if !ops.isEmpty {
            head.ops = Array(ops[0..<n])
            ops.removeFirst(n)
        }
        head.count = n
        count -= n
        return head
    }

    /// Appends every row of `other` (same width).
    public mutating func append(contentsOf other: Chunk) {
        if other.count == 0 { return }
        values.append(contentsOf: other.values)
        if !ops.isEmpty || !other.ops.isEmpty {
            if ops.isEmpty { ops = [RowOp](repeating: .insert, count: count) }
            ops.append(contentsOf: other.ops.isEmpty ? [RowOp](repeating: .insert, count: other.count) : other.ops)
        }
        count += other.count
    }
}
