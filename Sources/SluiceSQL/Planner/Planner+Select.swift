import SluiceEngine

/// The answer to an ad hoc `SELECT`.
public struct SelectResult: Sendable {
    public var schema: Schema
    public var rows: [[Value]]
}

/// Ad hoc `SELECT` reads the current contents of one materialized view or table, as
/// RisingWave serves batch queries over a view.
extension Planner {
    public func select(_ query: Query) throws(SQLError) -> SelectResult {
        let (relation, bound) = try adHoc(query)
        let data: (schema: Schema, chunk: Chunk)
        do { data = try engine.relationChunk(relation.name) } catch { throw SQLError(error.description, at: query.from.name.range) }
        let order = try orderKeys(query, bound)
        // Columns ORDER BY needs and the select list does not show ride along, then go.
        let width = bound.outputSchema.count
        var projection = bound.projection
        var schema = bound.outputSchema
        if !order.hidden.isEmpty {
            projection = (projection ?? schema.columns.indices.map { .column($0, schema.columns[$0].type, name: schema.columns[$0].name) }) + order.hidden
            schema = Schema(schema.columns + order.hidden.map { Column("", $0.type) })
        }
        let result = engine.evaluate(data.chunk, filter: bound.filter, groupKeys: bound.aggregate?.keys,
                                     calls: bound.aggregate?.calls ?? [], projection: projection)
        var rows = engine.decode(result, schema: schema)
        if let aggregate = bound.aggregate, aggregate.keys.isEmpty, rows.count == 1,
           engine.evaluate(data.chunk, filter: bound.filter, groupKeys: nil, calls: [], projection: nil).isEmpty {
            // SQL: over no rows, count is 0 and every other aggregate NULL (as is any
            // expression over one); the engine's fold starts them at 0.
            let nullCalls = Set(aggregate.calls.indices.filter { aggregate.calls[$0].function != .count })
            for j in rows[0].indices {
                let column = bound.projection?[j] ?? .column(j, bound.outputSchema.columns[j].type, name: "")
                if Self.references(column, anyOf: nullCalls) { rows[0][j] = .null }
            }
        }
        if !order.keys.isEmpty {
            rows = rows.enumerated().sorted { a, b in
                for (index, descending) in order.keys {
                    let x = a.element[index], y = b.element[index]
                    if x == y { continue }
                    return descending ? Value.less(y, x) : Value.less(x, y)
                }
                return a.offset < b.offset
            }.map(\.element)
        }
        if !order.hidden.isEmpty { rows = rows.map { Array($0.prefix(width)) } }
        if let offset = query.offset { rows = Array(rows.dropFirst(offset)) }
        if let limit = query.limit { rows = Array(rows.prefix(limit)) }
        return SelectResult(schema: bound.outputSchema, rows: rows)
    }

    /// `expression` without the names its columns and constants were written with, which
    /// only EXPLAIN shows: `a` and `t.a` bind to the same expression.
    static func unnamed(_ expression: ScalarExpr) -> ScalarExpr {
        switch expression {
        case .column(let i, let type, _): .column(i, type, name: "")
        case .constant(let bits, let type, _): .constant(bits, type, text: "")
        case .negate(let e): .negate(unnamed(e))
        case .not(let e): .not(unnamed(e))
        case .arithmetic(let op, let a, let b): .arithmetic(op, unnamed(a), unnamed(b))
        case .comparison(let op, let a, let b): .comparison(op, unnamed(a), unnamed(b))
        case .and(let a, let b): .and(unnamed(a), unnamed(b))
        case .or(let a, let b): .or(unnamed(a), unnamed(b))
        }
    }

    /// Whether `expression` reads one of the `columns`.
    static func references(_ expression: ScalarExpr, anyOf columns: Set<Int>) -> Bool {
        switch expression {
        case .column(let i, _, _): columns.contains(i)
        case .constant: false
        case .negate(let e), .not(let e): references(e, anyOf: columns)
        case .arithmetic(_, let a, let b), .comparison(_, let a, let b), .and(let a, let b), .or(let a, let b):
            references(a, anyOf: columns) || references(b, anyOf: columns)
        }
    }

    /// The relation an ad hoc query reads (a view or a table, one of them), and the query
    /// bound over it.
    func adHoc(_ query: Query) throws(SQLError) -> (Relation, BoundQuery) {
        let relation = try relation(query.from.name)
        if case .source(let s) = relation, !s.isTable {
            throw SQLError("\(Identifier(s.name).sql) is a source: only materialized views and tables can be read ad hoc", at: query.from.name.range,
                           hint: "keep a result with CREATE MATERIALIZED VIEW v AS SELECT ... FROM \(Identifier(s.name).sql); then SELECT * FROM v")
        }
        if let join = query.joins.first {
            throw SQLError("an ad hoc SELECT reads one view or table", at: join.range,
                           hint: "put the join in a materialized view and select from it")
        }
        return (relation, try bindQuery(query, uniqueNames: false))
    }

    /// ORDER BY items as output column positions: a name, an alias, an ordinal or an item's
    /// SQL; or, without GROUP BY, any expression over the relation's columns (`ORDER BY
    /// total` with `total` not selected, as PostgreSQL allows), computed as a hidden column
    /// after the output ones (`hidden`).
    func orderKeys(_ query: Query, _ bound: BoundQuery) throws(SQLError) -> (keys: [(Int, Bool)], hidden: [ScalarExpr]) {
        var keys: [(Int, Bool)] = []
        var hidden: [ScalarExpr] = []
        let names = bound.outputSchema.names
        for item in query.orderBy {
            var position: Int?
            switch item.expr {
            case .literal(.int(let n), let range):
                guard n >= 1 && Int(n) <= names.count else {
                    throw SQLError("ORDER BY position \(n) is not in select list", at: range)
                }
                position = Int(n) - 1
            case .column(nil, let name):
                // A name the select list gives to two different expressions is ambiguous (as
                // in PostgreSQL); the same expression twice (`a, t.a`) is not.
                let matching = names.indices.filter { names[$0] == name.name }
                let expressions = Set(matching.map { i in
                    Self.unnamed(bound.projection?[i] ?? .column(i, bound.outputSchema.columns[i].type, name: ""))
                })
                if expressions.count > 1 {
                    throw SQLError("ORDER BY \"\(name.name)\" is ambiguous: the select list has it more than once", at: item.expr.range,
                                   hint: "give one of them an alias with AS, or order by position")
                }
                position = matching.first
            default:
                break
            }
            if position == nil {
                position = query.items.firstIndex { if case .expr(let e, _) = $0 { return e.sql == item.expr.sql } else { return false } }
            }
            if position == nil && bound.aggregate == nil {
                hidden.append(try bind(item.expr, bound.scope))
                position = names.count + hidden.count - 1
            }
            guard let position else {
                throw SQLError("ORDER BY must name an output column of an aggregating query", at: item.expr.range,
                               hint: "output columns: " + names.joined(separator: ", "))
            }
            keys.append((position, item.descending))
        }
        return (keys, hidden)
    }
}
