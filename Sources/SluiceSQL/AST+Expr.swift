/// A constant in an expression.
public enum Literal: Sendable, Hashable {
    case int(Int64)
    case double(Double)
    case string(String)
    case bool(Bool)
    case null

    /// The constant as SQL: `42`, `1.5`, `'it''s'`, `TRUE`, `NULL`.
    public var sql: String {
        switch self {
        case .int(let v): String(v)
        case .double(let v): "\(v)"
        case .string(let s): s.sqlQuoted("'")
        case .bool(let b): b ? "TRUE" : "FALSE"
        case .null: "NULL"
        }
    }
}

/// A prefix operator.
public enum UnaryOp: String, Sendable, Hashable {
    /// Arithmetic negation, `-x`.
    case neg = "-"
    /// Boolean negation, `NOT x`.
    case not = "NOT"
}

/// An infix operator. Precedence, loosest first: OR, AND, (NOT), comparisons, `+ -`, `* / %`.
public enum BinaryOp: String, Sendable, Hashable, CaseIterable {
    case add = "+", sub = "-", mul = "*", div = "/", mod = "%"
    case eq = "=", ne = "<>", lt = "<", le = "<=", gt = ">", ge = ">="
    case and = "AND", or = "OR"

    /// Binding strength: OR 1, AND 2, comparisons 4, `+ -` 5, `* / %` 6 (NOT is 3, unary minus 7).
    public var precedence: Int {
        switch self {
        case .or: 1
        case .and: 2
        case .eq, .ne, .lt, .le, .gt, .ge: 4
        case .add, .sub: 5
        case .mul, .div, .mod: 6
        }
    }

    /// True for `= <> < <= > >=`.
    public var isComparison: Bool { precedence == 4 }
}

/// A scalar or aggregate expression of a query, with its source range.
public indirect enum Expr: Sendable, Hashable, CustomStringConvertible {
    /// A column, optionally qualified by a table name or alias: `amount`, `c.user_id`.
    case column(table: Identifier?, name: Identifier)
    /// A constant. Negative number literals are folded: `-5` is `.literal(.int(-5))`.
    case literal(Literal, SourceRange)
    /// `-x` or `NOT x`.
    case unary(UnaryOp, Expr, SourceRange)
    /// `a + b`, `a = b`, `a AND b`, ...
    case binary(BinaryOp, Expr, Expr, SourceRange)
    /// A function call: `count(*)` has `star` true and no arguments; `sum(amount)`.
    case call(name: Identifier, args: [Expr], star: Bool, SourceRange)

    /// Where the whole expression was written.
    public var range: SourceRange {
        switch self {
        case .column(let table, let name): table.map { $0.range.union(name.range) } ?? name.range
        case .literal(_, let range), .unary(_, _, let range), .binary(_, _, _, let range), .call(_, _, _, let range): range
        }
    }

    /// The expression as SQL with only the parentheses precedence requires.
    public var sql: String {
        switch self {
        case .column(let table, let name):
            return (table.map { $0.sql + "." } ?? "") + name.sql
        case .literal(let literal, _):
            return literal.sql
        case .unary(.neg, let operand, _):
            // `- -x`, not `--x` (a comment) nor `-(-x)`, which would nest deeper than it was written.
            let inner = operand.sql
            return operand.precedence < 7 ? "-(\(inner))" : inner.hasPrefix("-") ? "- " + inner : "-" + inner
        case .unary(.not, let operand, _):
            return "NOT " + (operand.precedence < 3 ? "(\(operand.sql))" : operand.sql)
        case .binary(let op, let left, let right, _):
            let l = left.precedence < op.precedence ? "(\(left.sql))" : left.sql
            let r = right.precedence <= op.precedence ? "(\(right.sql))" : right.sql
            return "\(l) \(op.rawValue) \(r)"
        case .call(let name, let args, let star, _):
            return name.sql + "(" + (star ? "*" : args.map(\.sql).joined(separator: ", ")) + ")"
        }
    }

    public var description: String { sql }

    /// How tightly the expression binds when printed (8 for atoms).
    var precedence: Int {
        switch self {
        case .column, .literal, .call: 8
        case .unary(.neg, _, _): 7
        case .unary(.not, _, _): 3
        case .binary(let op, _, _, _): op.precedence
        }
    }
}
