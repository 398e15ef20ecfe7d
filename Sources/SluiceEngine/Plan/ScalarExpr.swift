/// A typed scalar expression compiled against an input schema: what filters and projections
/// evaluate per row. The planner builds these from the language's AST.
public indirect enum ScalarExpr: Sendable, Hashable, CustomStringConvertible {
    /// An input column by index. `name` is only what `description` (EXPLAIN) writes for it,
    /// as SQL: the planner double-quotes a name that a bare word cannot hold (`"a b"`).
    case column(Int, ColumnType, name: String)
    case constant(Int64, ColumnType, text: String)
    case negate(ScalarExpr)
    case not(ScalarExpr)
    case arithmetic(ArithmeticOp, ScalarExpr, ScalarExpr)
    case comparison(ComparisonOp, ScalarExpr, ScalarExpr)
    case and(ScalarExpr, ScalarExpr)
    case or(ScalarExpr, ScalarExpr)

    public enum ArithmeticOp: String, Sendable, Hashable { case add = "+", sub = "-", mul = "*", div = "/", mod = "%" }
    public enum ComparisonOp: String, Sendable, Hashable { case eq = "=", ne = "<>", lt = "<", le = "<=", gt = ">", ge = ">=" }

    /// The type of the value this expression produces. Each operand's type is read once:
    /// reading it twice per level took time exponential in the depth of `a + a + … + a`.
    public var type: ColumnType {
        switch self {
        case .column(_, let t, _), .constant(_, let t, _): t
        case .negate(let e): e.type
        case .not, .comparison, .and, .or: .boolean
        case .arithmetic(_, let l, let r):
            switch (l.type, r.type) {
            case (.double, _), (_, .double): .double
            case (.bigint, _), (_, .bigint): .bigint
            default: .int
            }
        }
    }

    public var description: String {
        switch self {
        case .column(_, _, let name): name
        case .constant(_, _, let text): text
        case .negate(let e): "-\(e.parenthesized)"
        case .not(let e): "NOT \(e.parenthesized)"
        case .arithmetic(let op, let l, let r): "\(l.parenthesized) \(op.rawValue) \(r.parenthesized)"
        case .comparison(let op, let l, let r): "\(l.parenthesized) \(op.rawValue) \(r.parenthesized)"
        case .and(let l, let r): "\(l.parenthesized) AND \(r.parenthesized)"
        case .or(let l, let r): "\(l.parenthesized) OR \(r.parenthesized)"
        }
    }

    private var parenthesized: String {
        switch self {
        case .column, .constant: description
        default: "(\(description))"
        }
    }

    /// Evaluates against row `row` of `chunk`; strings compare through the pool.
    @inline(__always)
    public func evaluate(_ chunk: Chunk, _ row: Int, _ strings: StringPool) -> Int64 {
        switch self {
        case .column(let index, _, _):
            return chunk.value(row, index)
        case .constant(let bits, _, _):
            return bits
        case .negate(let e):
            let v = e.evaluate(chunk, row, strings)
            return e.type == .double ? Self.bits(-Self.double(v)) : 0 &- v
        case .not(let e):
            return e.evaluate(chunk, row, strings) == 0 ? 1 : 0
        case .and(let l, let r):
            return l.evaluate(chunk, row, strings) != 0 && r.evaluate(chunk, row, strings) != 0 ? 1 : 0
        case .or(let l, let r):
            return l.evaluate(chunk, row, strings) != 0 || r.evaluate(chunk, row, strings) != 0 ? 1 : 0
        case .arithmetic(let op, let l, let r):
            let a = l.evaluate(chunk, row, strings), b = r.evaluate(chunk, row, strings)
            if l.type == .double || r.type == .double {
                let x = l.type == .double ? Self.double(a) : Double(a)
                let y = r.type == .double ? Self.double(b) : Double(b)
                switch op {
                case .add: return Self.bits(x + y)
                case .sub: return Self.bits(x - y)
                case .mul: return Self.bits(x * y)
                case .div: return Self.bits(y == 0 ? 0 : x / y)
                case .mod: return Self.bits(y == 0 ? 0 : x.truncatingRemainder(dividingBy: y))
                }
            }
            switch op {
            case .add: return a &+ b
            case .sub: return a &- b
            case .mul: return a &* b
            // Division wraps like the other operators (Int64.min / -1 is Int64.min), never traps.
            case .div: return b == 0 ? 0 : a.dividedReportingOverflow(by: b).partialValue
            case .mod: return b == 0 ? 0 : a.remainderReportingOverflow(dividingBy: b).partialValue
            }
        case .comparison(let op, let l, let r):
            let a = l.evaluate(chunk, row, strings), b = r.evaluate(chunk, row, strings)
            let order: Int
            if l.type == .varchar && r.type == .varchar {
                if op == .eq { return a == b ? 1 : 0 }
                if op == .ne { return a != b ? 1 : 0 }
                let x = strings.string(a), y = strings.string(b)
                order = x < y ? -1 : (x == y ? 0 : 1)
            } else if l.type == .double || r.type == .double {
                let x = l.type == .double ? Self.double(a) : Double(a)
                let y = r.type == .double ? Self.double(b) : Double(b)
                order = x < y ? -1 : (x == y ? 0 : 1)
            } else {
                order = a < b ? -1 : (a == b ? 0 : 1)
            }
            switch op {
            case .eq: return order == 0 ? 1 : 0
            case .ne: return order != 0 ? 1 : 0
            case .lt: return order < 0 ? 1 : 0
            case .le: return order <= 0 ? 1 : 0
            case .gt: return order > 0 ? 1 : 0
            case .ge: return order >= 0 ? 1 : 0
            }
        }
    }

    @inline(__always) public static func double(_ bits: Int64) -> Double { Double(bitPattern: UInt64(bitPattern: bits)) }
    /// The word that stores DOUBLE `x`. SQL has one zero, and (as PostgreSQL orders it) one
    /// NaN: −0.0 is stored as 0.0 and every NaN as the same quiet NaN, so that equal values
    /// have equal words, which grouping, joins and the hash exchange compare and hash.
    @inline(__always) public static func bits(_ x: Double) -> Int64 {
        let y = x + 0  // −0.0 + 0.0 is +0.0; every other value is itself
        return y.isNaN ? canonicalNaN : Int64(bitPattern: y.bitPattern)
    }
    private static let canonicalNaN = Int64(bitPattern: Double.nan.bitPattern)
}
