/// The column types a Sluice relation can have. Every value is stored as 64 bits: integers as
/// themselves, doubles as their bit pattern, strings as an interned id, booleans as 0 or 1.
public enum ColumnType: String, Sendable, Hashable, CaseIterable {
    case int, bigint, double, varchar, boolean

    /// Bytes one value takes on the wire, used to derive rows per network buffer.
    public var wireWidth: Int {
        switch self {
        case .int: 4
        case .bigint, .double: 8
        case .varchar: 16
        case .boolean: 1
        }
    }

    public var isNumeric: Bool { self == .int || self == .bigint || self == .double }
    public var sqlName: String { rawValue.uppercased() }
}

public struct Column: Sendable, Hashable {
    public var name: String
    public var type: ColumnType
    public init(_ name: String, _ type: ColumnType) {
        self.name = name
        self.type = type
    }
}

/// An ordered list of columns.
public struct Schema: Sendable, Hashable {
    public var columns: [Column]
    public init(_ columns: [Column]) { self.columns = columns }

    public var count: Int { columns.count }
    public var names: [String] { columns.map(\.name) }
    /// Serialized bytes of one row, as a network buffer would hold it.
    public var rowWidth: Int { max(1, columns.reduce(0) { $0 + $1.type.wireWidth }) }

    public func index(of name: String) -> Int? { columns.firstIndex { $0.name == name } }
}

/// Interns strings so a row stays a fixed number of 64-bit words. One pool per engine.
/// A string's id comes from its content (a stable hash), not from the order strings were
/// seen, so interning a literal never shifts the ids — and the hash routing — of others.
public struct StringPool: Sendable {
    private var ids: [String: Int64] = [:]
    private var strings: [Int64: String] = [:]

    public init() {}

    public mutating func intern(_ s: String) -> Int64 {
        if let id = ids[s] { return id }
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        var id = Int64(bitPattern: h & 0x7FFF_FFFF_FFFF_FFFF)
        while let taken = strings[id], taken != s { id = (id &+ 1) & 0x7FFF_FFFF_FFFF_FFFF }
        strings[id] = s
        ids[s] = id
        return id
    }

    public func string(_ id: Int64) -> String { strings[id] ?? "?" }
}

/// A value read back out of the engine, for SELECT and inspection.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case int(Int64)
    case double(Double)
    case string(String)
    case bool(Bool)
    case null

    public var description: String {
        switch self {
        case .int(let v): String(v)
        case .double(let v): VirtualTime.formatNumber(v)
        case .string(let s): s
        case .bool(let b): b ? "t" : "f"
        case .null: "NULL"
        }
    }

    public static func decode(_ bits: Int64, _ type: ColumnType, strings: StringPool) -> Value {
        switch type {
        case .int, .bigint: .int(bits)
        case .double: .double(Double(bitPattern: UInt64(bitPattern: bits)))
        case .varchar: .string(strings.string(bits))
        case .boolean: .bool(bits != 0)
        }
    }

    /// Orders values for ORDER BY: numbers numerically, strings lexically, NULL last.
    public static func less(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): x < y
        case (.double(let x), .double(let y)): x < y
        case (.int(let x), .double(let y)): Double(x) < y
        case (.double(let x), .int(let y)): x < Double(y)
        case (.string(let x), .string(let y)): x < y
        case (.bool(let x), .bool(let y)): !x && y
        case (.null, _): false
        case (_, .null): true
        default: a.description < b.description
        }
    }
}
