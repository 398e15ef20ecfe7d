/// Expressions, loosest first: OR, AND, NOT, comparisons, `+ -`, `* / %`, unary minus.
extension Parser {
    /// Reads a whole expression.
    mutating func expression() throws(SQLError) -> Expr {
        var left = try conjunction()
        while accept("or") != nil {
            let right = try conjunction()
            left = .binary(.or, left, right, left.range.union(right.range))
        }
        return left
    }

    mutating func conjunction() throws(SQLError) -> Expr {
        var left = try negation()
        while accept("and") != nil {
            let right = try negation()
            left = .binary(.and, left, right, left.range.union(right.range))
        }
        return left
    }

    mutating func negation() throws(SQLError) -> Expr {
        if let not = accept("not") {
            let operand = try negation()
            return .unary(.not, operand, not.range.union(operand.range))
        }
        return try comparison()
    }

    static let comparisons: [String: BinaryOp] = ["=": .eq, "<>": .ne, "!=": .ne, "<": .lt, "<=": .le, ">": .gt, ">=": .ge]

    mutating func comparison() throws(SQLError) -> Expr {
        var left = try additive()
        while current.kind == .symbol, let op = Parser.comparisons[current.value] {
            advance()
            let right = try additive()
            left = .binary(op, left, right, left.range.union(right.range))
        }
        try refuseUnsupportedOperator()
        return left
    }

    /// `IS NULL`, `IN (...)`, `BETWEEN`, `LIKE` get their own message, not "expected ';'".
    func refuseUnsupportedOperator() throws(SQLError) {
        var index = 0
        if sees("not"), peek(1).kind == .word { index = 1 }
        let token = peek(index)
        guard token.kind == .word, ["is", "in", "between", "like", "ilike", "similar"].contains(token.value) else { return }
        if token.value == "in", peek(index + 1).isSymbol("("), peek(index + 2).isKeyword("select") {
            throw SQLError("subqueries are not supported; create a materialized view and select from it",
                           at: parenthesized(from: position + index + 1))
        }
        let range = index == 1 ? current.range.union(token.range) : token.range
        throw SQLError("the \(token.value.uppercased()) operator is not supported", at: range,
                       hint: "supported operators: AND, OR, NOT, =, <>, <, <=, >, >=, +, -, *, /, %")
    }

    mutating func additive() throws(SQLError) -> Expr {
        var left = try multiplicative()
        while let token = acceptSymbol("+") ?? acceptSymbol("-") {
            let right = try multiplicative()
            left = .binary(token.value == "+" ? .add : .sub, left, right, left.range.union(right.range))
        }
        return left
    }

    mutating func multiplicative() throws(SQLError) -> Expr {
        var left = try unary()
        while let token = acceptSymbol("*") ?? acceptSymbol("/") ?? acceptSymbol("%") {
            let right = try unary()
            let op: BinaryOp = token.value == "*" ? .mul : token.value == "/" ? .div : .mod
            left = .binary(op, left, right, left.range.union(right.range))
        }
        return left
    }

    /// Unary minus; `-` before a number literal folds into the literal (so `-9223372036854775808` fits).
    mutating func unary() throws(SQLError) -> Expr {
        if let minus = acceptSymbol("-") {
            let number = current
            if number.kind == .integer, let value = Int64("-" + number.value) {
                advance()
                return .literal(.int(value), minus.range.union(number.range))
            }
            if number.kind == .decimal, let value = Double(number.value), value.isFinite {
                advance()
                return .literal(.double(-value), minus.range.union(number.range))
            }
            let operand = try unary()
            return .unary(.neg, operand, minus.range.union(operand.range))
        }
        if acceptSymbol("+") != nil {
            return try unary()
        }
        return try primary()
    }

    mutating func primary() throws(SQLError) -> Expr {
        let token = current
        switch token.kind {
        case .integer:
            advance()
            guard let value = Int64(token.value) else {
                throw SQLError("integer \(token.text) is out of range", at: token.range,
                               hint: "integers are 64-bit: at most 9223372036854775807")
            }
            return .literal(.int(value), token.range)
        case .decimal:
            advance()
            guard let value = Double(token.value), value.isFinite else {
                throw SQLError("number \(token.text) is out of range", at: token.range)
            }
            return .literal(.double(value), token.range)
        case .string:
            advance()
            return .literal(.string(token.value), token.range)
        case .symbol where token.value == "(":
            if peek(1).isKeyword("select") {
                throw SQLError("subqueries are not supported; create a materialized view and select from it",
                               at: parenthesized(from: position))
            }
            advance()
            let inner = try expression()
            let close = try expectSymbol(")", "to close '('")
            return inner.widened(to: token.range.union(close.range))
        case .word:
            switch token.value {
            case "true", "false":
                advance()
                return .literal(.bool(token.value == "true"), token.range)
            case "null":
                advance()
                return .literal(.null, token.range)
            case "exists" where peek(1).isSymbol("("):
                throw SQLError("subqueries are not supported; create a materialized view and select from it",
                               at: token.range.union(parenthesized(from: position + 1)))
            case "case":
                throw SQLError("CASE expressions are not supported", at: token.range,
                               hint: "filter with WHERE, or compute the branches in separate views")
            case "cast" where peek(1).isSymbol("("):
                throw SQLError("CAST is not supported", at: token.range, hint: "columns keep the type they are declared with")
            default:
                if Keywords.isReserved(token.value) { throw unexpected("an expression") }
            }
            return try nameOrCall()
        case .quotedIdentifier:
            return try nameOrCall()
        default:
            let doubled = token.isSymbol("=") && position > 0 && tokens[position - 1].isSymbol("=")
            throw unexpected("an expression", hint: doubled ? "compare with a single '='" : nil)
        }
    }

    /// A column (`amount`, `c.amount`) or a function call (`count(*)`, `sum(amount)`).
    mutating func nameOrCall() throws(SQLError) -> Expr {
        let name = try identifier("an expression")
        if seesSymbol("(") {
            return try call(name)
        }
        if acceptSymbol(".") != nil {
            if seesSymbol("*") {
                throw SQLError("\(name.sql).* is only allowed in the select list", at: name.range.union(current.range))
            }
            let column = try identifier("a column name after '\(name.sql).'")
            return .column(table: name, name: column)
        }
        return .column(table: nil, name: name)
    }

    mutating func call(_ name: Identifier) throws(SQLError) -> Expr {
        _ = try expectSymbol("(")
        var args: [Expr] = []
        var star = false
        if let distinct = accept("distinct") {
            throw SQLError("DISTINCT aggregates are not supported", at: distinct.range,
                           hint: "GROUP BY the value in one materialized view, then count(*) its rows in another")
        }
        if acceptSymbol("*") != nil {
            star = true
        } else if !seesSymbol(")") {
            repeat {
                args.append(try expression())
            } while acceptSymbol(",") != nil
        }
        let close = try expectSymbol(")", "to close the arguments of \(name.sql)")
        if let over = accept("over") {
            let range = seesSymbol("(") ? over.range.union(parenthesized(from: position)) : over.range
            throw SQLError("window functions (OVER) are not supported", at: range,
                           hint: "aggregate with GROUP BY in a materialized view instead")
        }
        if sees("filter"), peek(1).isSymbol("(") {
            throw SQLError("aggregate FILTER is not supported", at: current.range,
                           hint: "filter the rows with WHERE before aggregating")
        }
        return .call(name: name, args: args, star: star, name.range.union(close.range))
    }
}

extension Expr {
    /// The same expression with its range widened to cover enclosing parentheses
    /// (a column's range is its names', so it stays as written).
    func widened(to range: SourceRange) -> Expr {
        switch self {
        case .column: self
        case .literal(let literal, _): .literal(literal, range)
        case .unary(let op, let operand, _): .unary(op, operand, range)
        case .binary(let op, let left, let right, _): .binary(op, left, right, range)
        case .call(let name, let args, let star, _): .call(name: name, args: args, star: star, range)
        }
    }
}
