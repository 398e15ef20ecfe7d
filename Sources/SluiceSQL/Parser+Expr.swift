/// Expressions, loosest first: OR, AND, NOT, comparisons (with IN and BETWEEN), `+ -`, `* / %`, unary minus.
///
/// An expression nests at most ``maxExpressionDepth`` levels, each operator, parenthesis,
/// function call and operand being one (SQLite stops at 1000, PostgreSQL at its stack depth
/// limit). The planner, the engine's expression compiler, EXPLAIN and the SQL printer all
/// recurse over the tree, and this parser recurses into parentheses, calls and prefix
/// operators; in a debug build one level of parentheses takes some 14 KB of stack here and
/// a call 18 KB, so at the limit parsing needs under 4 MB and every later pass less: well
/// inside an 8 MB main-thread stack (500 parentheses used to overflow it). Two
/// counts enforce it: `nesting`, the levels open above the token being read, stops the
/// descent; `depth`, the height of the expression read last, catches `a + a + … + a`, which
/// is read in a loop but is as deep as it is long for every pass after this one.
extension Parser {
    /// The most levels an expression may nest.
    static let maxExpressionDepth = 200

    /// Reads a whole expression.
    mutating func expression() throws(SQLError) -> Expr {
        var left = try conjunction()
        var height = depth
        while let or = accept("or") {
            let right = try conjunction()
            try join(&left, height: &height, .or, right, at: or)
        }
        depth = height
        return left
    }

    mutating func conjunction() throws(SQLError) -> Expr {
        var left = try negation()
        var height = depth
        while let and = accept("and") {
            let right = try negation()
            try join(&left, height: &height, .and, right, at: and)
        }
        depth = height
        return left
    }

    mutating func negation() throws(SQLError) -> Expr {
        if let not = accept("not") {
            try open(not)
            let operand = try negation()
            try close(not, over: depth)
            return .unary(.not, operand, not.range.union(operand.range))
        }
        return try comparison()
    }

    static let comparisons: [String: BinaryOp] = ["=": .eq, "<>": .ne, "!=": .ne, "<": .lt, "<=": .le, ">": .gt, ">=": .ge]

    mutating func comparison() throws(SQLError) -> Expr {
        var left = try additive()
        var height = depth
        while current.kind == .symbol, let op = Parser.comparisons[current.value] {
            let token = advance()
            let right = try additive()
            try join(&left, height: &height, op, right, at: token)
        }
        if let test = try listOrRange(of: left, height: height) {
            left = test
            height = depth
        }
        depth = height
        try refuseUnsupportedOperator()
        return left
    }

    /// `x [NOT] IN (a, b, ...)` and `x [NOT] BETWEEN a AND b` after the comparison `x`, read
    /// as PostgreSQL rewrites them: `x = a OR x = b ...` and `x >= a AND x <= b`, under NOT
    /// when negated (EXPLAIN shows them so). Each `x = a` (`x >= a`) spans its `a`, where a
    /// type error points. Nil when neither follows.
    mutating func listOrRange(of operand: Expr, height: Int) throws(SQLError) -> Expr? {
        let negated = sees("not") && (peek(1).isKeyword("in") || peek(1).isKeyword("between"))
        let at = negated ? 1 : 0
        // A subquery is refused with its own message (`refuseUnsupportedOperator`).
        if peek(at).isKeyword("in"), peek(at + 1).isSymbol("("), peek(at + 2).isKeyword("select") { return nil }
        let first = current
        if negated { advance() }
        let test: Expr
        if let word = accept("in") {
            let open = try expectSymbol("(", "after IN")
            try self.open(open)
            var tests: [(expr: Expr, height: Int)] = []
            repeat {
                let item = try additive()
                tests.append((.binary(.eq, operand, item, item.range), try level(over: max(height, depth), at: word)))
            } while acceptSymbol(",") != nil
            let closing = try expectSymbol(")", "to close the IN list")
            nesting -= 1
            let any = try anyOf(tests, at: word)
            test = any.expr.widened(to: operand.range.union(closing.range))
            depth = any.height
        } else if let word = accept("between") {
            let low = try additive()
            let lowHeight = depth
            _ = try expect("and", "between the bounds of BETWEEN")
            let high = try additive()
            let atLeast = Expr.binary(.ge, operand, low, low.range)
            let atMost = Expr.binary(.le, operand, high, high.range)
            let bounds = try level(over: max(height, lowHeight, depth), at: word)
            test = .binary(.and, atLeast, atMost, operand.range.union(high.range))
            depth = try level(over: bounds, at: word)
        } else {
            return nil
        }
        guard negated else { return test }
        depth = try level(over: depth, at: first)
        return .unary(.not, test, operand.range.union(test.range))
    }

    /// The ORs of an IN list's tests (each with its height), paired level by level into a
    /// balanced tree: a list of thousands nests only as deep as its logarithm.
    private func anyOf(_ tests: [(expr: Expr, height: Int)], at word: Token) throws(SQLError) -> (expr: Expr, height: Int) {
        var round = tests
        while round.count > 1 {
            var paired: [(expr: Expr, height: Int)] = []
            for i in stride(from: 0, to: round.count, by: 2) {
                guard i + 1 < round.count else { paired.append(round[i]); break }
                let (a, b) = (round[i], round[i + 1])
                paired.append((.binary(.or, a.expr, b.expr, a.expr.range.union(b.expr.range)),
                               try level(over: max(a.height, b.height), at: word)))
            }
            round = paired
        }
        return round[0]
    }

    /// `IS NULL`, `LIKE` and an `IN (SELECT ...)` subquery get their own message, not "expected ';'".
    func refuseUnsupportedOperator() throws(SQLError) {
        var index = 0
        if sees("not"), peek(1).kind == .word { index = 1 }
        let token = peek(index)
        guard token.kind == .word, ["is", "in", "like", "ilike", "similar"].contains(token.value) else { return }
        if token.value == "in" {
            guard peek(index + 1).isSymbol("("), peek(index + 2).isKeyword("select") else { return }
            throw SQLError("subqueries are not supported; create a materialized view and select from it",
                           at: parenthesized(from: position + index + 1))
        }
        let range = index == 1 ? current.range.union(token.range) : token.range
        throw SQLError("the \(token.value.uppercased()) operator is not supported", at: range,
                       hint: "supported operators: AND, OR, NOT, =, <>, <, <=, >, >=, IN (...), BETWEEN, +, -, *, /, %")
    }

    mutating func additive() throws(SQLError) -> Expr {
        var left = try multiplicative()
        var height = depth
        while let token = acceptSymbol("+") ?? acceptSymbol("-") {
            let right = try multiplicative()
            try join(&left, height: &height, token.value == "+" ? .add : .sub, right, at: token)
        }
        depth = height
        return left
    }

    mutating func multiplicative() throws(SQLError) -> Expr {
        var left = try unary()
        var height = depth
        while let token = acceptSymbol("*") ?? acceptSymbol("/") ?? acceptSymbol("%") {
            let right = try unary()
            let op: BinaryOp = token.value == "*" ? .mul : token.value == "/" ? .div : .mod
            try join(&left, height: &height, op, right, at: token)
        }
        depth = height
        return left
    }

    /// Unary minus; `-` before a number literal folds into the literal (so `-9223372036854775808` fits).
    mutating func unary() throws(SQLError) -> Expr {
        if let minus = acceptSymbol("-") {
            if let literal = negativeLiteral(after: minus) { return literal }
            try open(minus)
            let operand = try unary()
            try close(minus, over: depth)
            return .unary(.neg, operand, minus.range.union(operand.range))
        }
        if let plus = acceptSymbol("+") {
            try open(plus)
            let operand = try unary()
            try close(plus, over: depth)
            return operand
        }
        return try primary()
    }

    /// The number after `minus` as one negative literal, or nil when no number follows.
    mutating func negativeLiteral(after minus: Token) -> Expr? {
        let number = current
        if number.kind == .integer, let value = Int64("-" + number.value) {
            advance()
            return .literal(.int(value), minus.range.union(number.range))
        }
        if number.kind == .decimal, let value = Double(number.value), value.isFinite {
            advance()
            return .literal(.double(-value), minus.range.union(number.range))
        }
        return nil
    }

    /// A literal, a parenthesized expression, a column or a call. What lies on the way into
    /// parentheses and calls is split into small functions: in a debug build each frame holds
    /// every branch's temporaries, and these frames repeat at every level of nesting.
    mutating func primary() throws(SQLError) -> Expr {
        depth = 1
        switch current.kind {
        case .integer, .decimal, .string:
            return try literal()
        case .symbol where seesSymbol("("):
            return try group()
        case .word:
            if let literal = keywordLiteral() { return literal }
            try refuseUnsupportedExpression()
            return try nameOrCall()
        case .quotedIdentifier:
            return try nameOrCall()
        default:
            throw notAnExpression()
        }
    }

    /// `expected an expression`, with a hint for `==`.
    func notAnExpression() -> SQLError {
        let doubled = current.isSymbol("=") && position > 0 && tokens[position - 1].isSymbol("=")
        return unexpected("an expression", hint: doubled ? "compare with a single '='" : nil)
    }

    /// A number or a string.
    mutating func literal() throws(SQLError) -> Expr {
        let token = advance()
        switch token.kind {
        case .integer:
            guard let value = Int64(token.value) else {
                throw SQLError("integer \(token.text) is out of range", at: token.range,
                               hint: "integers are 64-bit: at most 9223372036854775807")
            }
            return .literal(.int(value), token.range)
        case .decimal:
            guard let value = Double(token.value), value.isFinite else {
                throw SQLError("number \(token.text) is out of range", at: token.range)
            }
            return .literal(.double(value), token.range)
        default:
            return .literal(.string(token.value), token.range)
        }
    }

    /// `TRUE`, `FALSE` or `NULL`, or nil for another word.
    mutating func keywordLiteral() -> Expr? {
        let token = current
        switch token.value {
        case "true", "false":
            advance()
            return .literal(.bool(token.value == "true"), token.range)
        case "null":
            advance()
            return .literal(.null, token.range)
        default:
            return nil
        }
    }

    /// `( expression )`: a level of nesting.
    mutating func group() throws(SQLError) -> Expr {
        let open = current
        if peek(1).isKeyword("select") {
            throw SQLError("subqueries are not supported; create a materialized view and select from it",
                           at: parenthesized(from: position))
        }
        advance()
        try self.open(open)
        let inner = try expression()
        let closing = try expectSymbol(")", "to close '('")
        try close(open, over: depth)
        return inner.widened(to: open.range.union(closing.range))
    }

    /// `EXISTS (...)`, `CASE` and `CAST (...)` get their own message, and a reserved word
    /// the usual one, before a name is read.
    func refuseUnsupportedExpression() throws(SQLError) {
        let token = current
        switch token.value {
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
    }

    /// A column (`amount`, `c.amount`) or a function call (`count(*)`, `sum(amount)`).
    mutating func nameOrCall() throws(SQLError) -> Expr {
        let name = try identifier("an expression")
        if seesSymbol("(") {
            return try call(name)
        }
        if acceptSymbol(".") != nil {
            return try qualifiedColumn(name)
        }
        return .column(table: nil, name: name)
    }

    /// The column after `table.`.
    mutating func qualifiedColumn(_ table: Identifier) throws(SQLError) -> Expr {
        if seesSymbol("*") {
            throw SQLError("\(table.sql).* is only allowed in the select list", at: table.range.union(current.range))
        }
        let column = try identifier("a column name after '\(table.sql).'")
        return .column(table: table, name: column)
    }

    /// `name(*)`, `name()` or `name(expression, ...)`: a level of nesting.
    mutating func call(_ name: Identifier) throws(SQLError) -> Expr {
        let open = try expectSymbol("(")
        try self.open(open)
        try refuseDistinctArgument()
        var args: [Expr] = []
        var height = 0
        let star = acceptSymbol("*") != nil
        if !star, !seesSymbol(")") {
            repeat {
                args.append(try expression())
                height = max(height, depth)
            } while acceptSymbol(",") != nil
        }
        let closing = try closeArguments(of: name)
        try close(open, over: height)
        try refuseWindowOrFilter()
        return .call(name: name, args: args, star: star, name.range.union(closing.range))
    }

    /// The `)` after a call's arguments.
    mutating func closeArguments(of name: Identifier) throws(SQLError) -> Token {
        try expectSymbol(")", "to close the arguments of \(name.sql)")
    }

    /// `count(DISTINCT x)` gets its own message.
    func refuseDistinctArgument() throws(SQLError) {
        guard sees("distinct") else { return }
        throw SQLError("DISTINCT aggregates are not supported", at: current.range,
                       hint: "GROUP BY the value in one materialized view, then count(*) its rows in another")
    }

    /// `OVER (...)` and `FILTER (...)` after a call.
    func refuseWindowOrFilter() throws(SQLError) {
        if sees("over") {
            let range = peek(1).isSymbol("(") ? current.range.union(parenthesized(from: position + 1)) : current.range
            throw SQLError("window functions (OVER) are not supported", at: range,
                           hint: "aggregate with GROUP BY in a materialized view instead")
        }
        if sees("filter"), peek(1).isSymbol("(") {
            throw SQLError("aggregate FILTER is not supported", at: current.range,
                           hint: "filter the rows with WHERE before aggregating")
        }
    }

    // MARK: Depth

    /// Makes `left op right` of `left`, whose height becomes one more than the higher operand's.
    private mutating func join(_ left: inout Expr, height: inout Int, _ op: BinaryOp, _ right: Expr,
                               at token: Token) throws(SQLError) {
        height = try level(over: max(height, depth), at: token)
        left = .binary(op, left, right, left.range.union(right.range))
    }

    /// Opens a level at `token` (a parenthesis, a call's arguments, a prefix operator) before
    /// reading what it holds.
    private mutating func open(_ token: Token) throws(SQLError) {
        guard nesting < Parser.maxExpressionDepth else { throw tooDeep(at: token) }
        nesting += 1
    }

    /// Closes the level `open` opened at `token`, over what it held, `height` levels high.
    private mutating func close(_ token: Token, over height: Int) throws(SQLError) {
        nesting -= 1
        depth = try level(over: height, at: token)
    }

    /// The height of a level at `token` over operands `height` high, which must fit under
    /// the levels open above it.
    private func level(over height: Int, at token: Token) throws(SQLError) -> Int {
        guard nesting + height < Parser.maxExpressionDepth else { throw tooDeep(at: token) }
        return height + 1
    }

    private func tooDeep(at token: Token) -> SQLError {
        SQLError("expression is nested too deeply: more than \(Parser.maxExpressionDepth) levels", at: token.range,
                 hint: "each operator, parenthesis, function call and operand is a level; "
                     + "compute part of the expression in a materialized view and select from it")
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
