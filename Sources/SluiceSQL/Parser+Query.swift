/// `SELECT ... FROM ... [JOIN ...] [WHERE] [GROUP BY] [ORDER BY] [LIMIT]`, and targeted
/// errors for the SQL Sluice does not plan (outer joins, subqueries, HAVING, UNION, DISTINCT).
extension Parser {
    /// Clause keywords a misspelt word is compared with, and that end a bare alias.
    static let clauseKeywords = ["from", "group", "inner", "join", "limit", "order", "where", "with"]

    /// Reads a query starting at SELECT. The caller checks what follows (`;`, or WITH).
    mutating func query() throws(SQLError) -> Query {
        let select = try expect("select")
        if let distinct = accept("distinct") {
            throw SQLError("SELECT DISTINCT is not supported", at: distinct.range, hint: "GROUP BY the columns instead")
        }
        _ = accept("all")
        let items = try selectList()
        guard accept("from") != nil else {
            throw unexpected("FROM after the select list", suggesting: ["from"],
                             hint: "a query reads from a source, table or view: SELECT ... FROM name")
        }
        let from = try tableRef()
        var joins: [JoinClause] = []
        while let join = try joinClause() { joins.append(join) }
        var whereClause: Expr?
        if accept("where") != nil { whereClause = try expression() }
        var groupBy: [Expr] = []
        if accept("group") != nil {
            _ = try expect("by", "after GROUP")
            repeat { groupBy.append(try expression()) } while acceptSymbol(",") != nil
        }
        var orderBy: [OrderItem] = []
        if accept("order") != nil {
            _ = try expect("by", "after ORDER")
            repeat { orderBy.append(try orderItem()) } while acceptSymbol(",") != nil
        }
        // LIMIT n OFFSET m, or OFFSET m LIMIT n, as PostgreSQL takes them; LIMIT ALL is no limit.
        var limit: Int?, limitRange: SourceRange?, limitGiven = false
        var offset: Int?, offsetRange: SourceRange?
        while true {
            if !limitGiven, accept("limit") != nil {
                limitGiven = true
                if accept("all") == nil {
                    (limit, limitRange) = try integer("a row count after LIMIT", minimum: 0, example: "LIMIT 10")
                }
            } else if offset == nil, accept("offset") != nil {
                (offset, offsetRange) = try integer("a row count after OFFSET", minimum: 0, example: "OFFSET 10")
                if accept("rows") == nil { _ = accept("row") }
            } else if sees("limit") || sees("offset") {
                // Each is read once: this one is the second.
                throw SQLError("\(Parser.display(current.value)) is given twice", at: current.range,
                               hint: "write LIMIT n and OFFSET m once each")
            } else {
                break
            }
        }
        try refuseAfterQuery()
        return Query(items: items, from: from, joins: joins, whereClause: whereClause, groupBy: groupBy,
                     orderBy: orderBy, limit: limit, limitRange: limitRange, offset: offset, offsetRange: offsetRange,
                     range: range(from: select.range.start))
    }

    // MARK: Select list

    mutating func selectList() throws(SQLError) -> [SelectItem] {
        if sees("from") || atEnd {
            throw unexpected("a select list after SELECT", hint: "write SELECT * or name the columns")
        }
        var items: [SelectItem] = []
        repeat {
            if let star = acceptSymbol("*") {
                items.append(.star(star.range))
            } else if seesName, peek(1).isSymbol("."), peek(2).isSymbol("*") {
                let table = try identifier("a table name")
                advance()
                advance()
                items.append(.qualifiedStar(table))
            } else {
                let expr = try expression()
                items.append(.expr(expr, alias: try alias(followers: ["from"])))
            }
        } while acceptSymbol(",") != nil
        return items
    }

    /// `AS name`, or a bare name unless it looks like a misspelt clause keyword (`FORM`,
    /// `WHRE`, `GROPU BY`): then it is left for the caller to report with a suggestion.
    mutating func alias(followers: [String]) throws(SQLError) -> Identifier? {
        if accept("as") != nil {
            return try identifier("an alias after AS")
        }
        guard seesName else { return nil }
        if current.kind == .word {
            let next = peek(1)
            let endsAlias = next == end || next.isSymbol(",") || next.isSymbol(")")
                || (next.kind == .word && (Keywords.isReserved(next.value) || followers.contains(next.value)))
            let nearKeyword = current.value.count >= 4
                && Parser.clauseKeywords.contains { Suggest.distance(current.value, $0) <= 1 }
            if nearKeyword, !endsAlias || next.isKeyword("by") { return nil }
        }
        let token = advance()
        return Identifier(token.value, range: token.range)
    }

    mutating func orderItem() throws(SQLError) -> OrderItem {
        let expr = try expression()
        var descending = false
        var end = expr.range
        if let direction = accept("desc") ?? accept("asc") {
            descending = direction.value == "desc"
            end = direction.range
        }
        if let nulls = accept("nulls") {
            throw SQLError("NULLS FIRST/LAST is not supported", at: nulls.range.union(current.range))
        }
        return OrderItem(expr: expr, descending: descending, range: expr.range.union(end))
    }

    // MARK: FROM and JOIN

    mutating func tableRef() throws(SQLError) -> TableRef {
        if seesSymbol("("), peek(1).isKeyword("select") {
            throw SQLError("subqueries are not supported; create a materialized view and select from it",
                           at: parenthesized(from: position))
        }
        let name = try identifier("a source, table or view name")
        if seesSymbol("."), peek(1).kind == .word || peek(1).kind == .quotedIdentifier {
            throw SQLError("qualified names are not supported", at: name.range.union(peek(1).range),
                           hint: "sources, tables and views live in one namespace: write just the name")
        }
        return TableRef(name: name, alias: try alias(followers: ["on"]))
    }

    /// `[INNER] JOIN t ON cond`, or nil when no join follows; outer joins fail here.
    mutating func joinClause() throws(SQLError) -> JoinClause? {
        let start = current
        if ["left", "right", "full"].contains(start.value), start.kind == .word {
            var last = peek(1)
            var offset = 1
            if last.isKeyword("outer") {
                offset = 2
                last = peek(2)
            }
            let spelled = (offset == 2 ? "\(start.value) outer join" : "\(start.value) join").uppercased()
            throw SQLError("\(spelled) is not supported: only inner equi-joins are supported",
                           at: last.isKeyword("join") ? start.range.union(last.range) : start.range,
                           hint: "write JOIN t ON a.key = t.key; rows without a match are not kept")
        }
        if ["cross", "natural"].contains(start.value), start.kind == .word {
            throw SQLError("\(start.value.uppercased()) JOIN is not supported: only inner equi-joins are supported",
                           at: peek(1).isKeyword("join") ? start.range.union(peek(1).range) : start.range,
                           hint: "write JOIN t ON a.key = t.key")
        }
        if let comma = acceptSymbol(",") {
            throw SQLError("comma joins are not supported: only inner equi-joins are supported", at: comma.range,
                           hint: "write JOIN t ON a.key = t.key")
        }
        guard sees("join") || sees("inner") else { return nil }
        if accept("inner") != nil {
            _ = try expect("join", "after INNER")
        } else {
            advance()
        }
        let table = try tableRef()
        if let using = accept("using") {
            throw SQLError("JOIN ... USING is not supported", at: using.range, hint: "write ON a.key = b.key")
        }
        _ = try expect("on", "after the joined table")
        let condition = try expression()
        return JoinClause(table: table, on: condition, range: range(from: start.range.start))
    }

    // MARK: After the query

    /// Set operations, HAVING, FETCH and out-of-order clauses get their own message.
    func refuseAfterQuery() throws(SQLError) {
        let token = current
        guard token.kind == .word else { return }
        switch token.value {
        case "union", "intersect", "except":
            throw SQLError("\(token.value.uppercased()) is not supported", at: token.range,
                           hint: "create one materialized view per query")
        case "having":
            throw SQLError("HAVING is not supported", at: token.range,
                           hint: "filter the aggregate in a second view: CREATE MATERIALIZED VIEW v2 AS SELECT * FROM v1 WHERE ...")
        case "fetch":
            throw SQLError("FETCH FIRST is not supported", at: token.range, hint: "write LIMIT n")
        case "where", "group", "order", "limit", "offset", "join", "inner":
            throw SQLError("\(Parser.display(token.value)) is out of place", at: token.range,
                           hint: "clauses go in this order: FROM, JOIN, WHERE, GROUP BY, ORDER BY, LIMIT, OFFSET")
        default:
            return
        }
    }

    /// Fails unless the query is followed by the end of the statement (or an allowed word).
    func expectEndOfQuery(allowing allowed: [String] = []) throws(SQLError) {
        guard !atEnd, !allowed.contains(where: { sees($0) }) else { return }
        throw unexpected("';' or a clause after the query", suggesting: Parser.clauseKeywords.filter { $0 != "from" })
    }
}
