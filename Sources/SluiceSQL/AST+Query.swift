/// One entry of a select list.
public enum SelectItem: Sendable, Hashable {
    /// `*`
    case star(SourceRange)
    /// `t.*`: every column of one table or alias.
    case qualifiedStar(Identifier)
    /// An expression with an optional alias (`AS` is optional).
    case expr(Expr, alias: Identifier?)

    /// Where the item was written, alias included.
    public var range: SourceRange {
        switch self {
        case .star(let range): range
        case .qualifiedStar(let table): SourceRange(start: table.range.start, end: table.range.end + 2)
        case .expr(let expr, let alias): alias.map { expr.range.union($0.range) } ?? expr.range
        }
    }

    /// The item as SQL: `*`, `c.*`, `count(*) AS n`.
    public var sql: String {
        switch self {
        case .star: "*"
        case .qualifiedStar(let table): table.sql + ".*"
        case .expr(let expr, let alias): expr.sql + (alias.map { " AS " + $0.sql } ?? "")
        }
    }
}

/// A table, source or view named in FROM or JOIN, with an optional alias.
public struct TableRef: Sendable, Hashable {
    /// The object's name.
    public var name: Identifier
    /// `clicks c` or `clicks AS c`.
    public var alias: Identifier?

    /// A reference given directly.
    public init(name: Identifier, alias: Identifier? = nil) {
        self.name = name
        self.alias = alias
    }

    /// The name other clauses use for it: the alias if any, else the name.
    public var exposedName: Identifier { alias ?? name }

    /// Where it was written, alias included.
    public var range: SourceRange { alias.map { name.range.union($0.range) } ?? name.range }

    /// `clicks c`.
    public var sql: String { name.sql + (alias.map { " " + $0.sql } ?? "") }
}

/// `[INNER] JOIN table ON condition`: the only join Sluice plans (an inner equi-join).
public struct JoinClause: Sendable, Hashable {
    /// The joined table.
    public var table: TableRef
    /// The join condition; the planner checks that it is an equality of columns.
    public var on: Expr
    /// From `JOIN` (or `INNER`) to the end of the condition.
    public var range: SourceRange

    /// A join given directly.
    public init(table: TableRef, on: Expr, range: SourceRange) {
        self.table = table
        self.on = on
        self.range = range
    }

    /// `JOIN users u ON c.user_id = u.user_id`.
    public var sql: String { "JOIN \(table.sql) ON \(on.sql)" }
}

/// One `ORDER BY` key.
public struct OrderItem: Sendable, Hashable {
    /// The sort key.
    public var expr: Expr
    /// `DESC`; `ASC` is the default.
    public var descending: Bool
    /// The key and its direction keyword.
    public var range: SourceRange

    /// A key given directly.
    public init(expr: Expr, descending: Bool = false, range: SourceRange? = nil) {
        self.expr = expr
        self.descending = descending
        self.range = range ?? expr.range
    }

    /// `total DESC`.
    public var sql: String { expr.sql + (descending ? " DESC" : "") }
}

/// `SELECT items FROM t [JOIN ...] [WHERE ...] [GROUP BY ...] [ORDER BY ...] [LIMIT n]`.
public struct Query: Sendable, Hashable, CustomStringConvertible {
    /// The select list, never empty.
    public var items: [SelectItem]
    /// The first table.
    public var from: TableRef
    /// Inner joins, in order.
    public var joins: [JoinClause]
    /// The WHERE condition.
    public var whereClause: Expr?
    /// GROUP BY keys.
    public var groupBy: [Expr]
    /// ORDER BY keys.
    public var orderBy: [OrderItem]
    /// LIMIT, zero or more.
    public var limit: Int?
    /// Where the LIMIT value was written.
    public var limitRange: SourceRange?
    /// OFFSET, zero or more: the rows skipped before LIMIT counts.
    public var offset: Int?
    /// Where the OFFSET value was written.
    public var offsetRange: SourceRange?
    /// From `SELECT` to the last token of the query.
    public var range: SourceRange

    /// A query given directly.
    public init(items: [SelectItem], from: TableRef, joins: [JoinClause] = [], whereClause: Expr? = nil,
                groupBy: [Expr] = [], orderBy: [OrderItem] = [], limit: Int? = nil,
                limitRange: SourceRange? = nil, offset: Int? = nil, offsetRange: SourceRange? = nil, range: SourceRange) {
        self.items = items
        self.from = from
        self.joins = joins
        self.whereClause = whereClause
        self.groupBy = groupBy
        self.orderBy = orderBy
        self.limit = limit
        self.limitRange = limitRange
        self.offset = offset
        self.offsetRange = offsetRange
        self.range = range
    }

    /// The query as canonical SQL, on one line.
    public var sql: String {
        var parts = ["SELECT " + items.map(\.sql).joined(separator: ", "), "FROM " + from.sql]
        parts += joins.map(\.sql)
        if let whereClause { parts.append("WHERE " + whereClause.sql) }
        if !groupBy.isEmpty { parts.append("GROUP BY " + groupBy.map(\.sql).joined(separator: ", ")) }
        if !orderBy.isEmpty { parts.append("ORDER BY " + orderBy.map(\.sql).joined(separator: ", ")) }
        if let limit { parts.append("LIMIT \(limit)") }
        if let offset { parts.append("OFFSET \(offset)") }
        return parts.joined(separator: " ")
    }

    public var description: String { sql }
}
