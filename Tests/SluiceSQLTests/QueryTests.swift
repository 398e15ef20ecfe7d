import Testing
@testable import SluiceSQL

@Suite("SELECT and expressions")
struct QueryTests {
    @Test func selectWithEveryClause() {
        let sql = "SELECT * FROM spend WHERE total > 10 ORDER BY total DESC, user_id LIMIT 5;"
        guard let q = query(sql) else { return }
        #expect(q.items.count == 1)
        guard case .star(let starRange) = q.items[0] else { Issue.record("not *"); return }
        #expect(text(starRange, in: sql) == "*")
        #expect(q.from.name.name == "spend")
        #expect(q.from.alias == nil)
        #expect(q.whereClause?.sql == "total > 10")
        #expect(q.orderBy.map(\.descending) == [true, false])
        #expect(q.orderBy.map(\.expr.sql) == ["total", "user_id"])
        #expect(q.limit == 5)
        #expect(text(q.limitRange, in: sql) == "5")
        #expect(text(q.range, in: sql) == String(sql.dropLast()))
    }

    @Test func joinWithAliases() {
        let sql = "SELECT c.user_id, u.region, c.amount FROM clicks c JOIN users AS u ON c.user_id = u.user_id;"
        guard let q = query(sql) else { return }
        #expect(q.from == TableRef(name: q.from.name, alias: q.from.alias))
        #expect(q.from.alias?.name == "c")
        #expect(q.joins.count == 1)
        #expect(q.joins[0].table.name.name == "users")
        #expect(q.joins[0].table.alias?.name == "u")
        #expect(q.joins[0].table.exposedName.name == "u")
        #expect(text(q.joins[0].range, in: sql) == "JOIN users AS u ON c.user_id = u.user_id")
        guard case .binary(.eq, .column(let lt, let ln), .column(let rt, let rn), _) = q.joins[0].on else {
            Issue.record("not an equality of columns")
            return
        }
        #expect([lt?.name, ln.name, rt?.name, rn.name] == ["c", "user_id", "u", "user_id"])
        #expect(text(q.joins[0].on.range, in: sql) == "c.user_id = u.user_id")
        #expect(query("SELECT * FROM a INNER JOIN b ON a.k = b.k JOIN c ON b.k = c.k;")?.joins.count == 2)
    }

    @Test func selectItems() {
        let sql = "SELECT c.*, amount AS a, amount * 2 doubled, count(*) n FROM clicks c;"
        guard let q = query(sql) else { return }
        #expect(q.items.map(\.sql) == ["c.*", "amount AS a", "amount * 2 AS doubled", "count(*) AS n"])
        guard case .qualifiedStar(let table) = q.items[0], case .expr(_, let alias) = q.items[2] else {
            Issue.record("wrong items")
            return
        }
        #expect(table.name == "c")
        #expect(text(alias?.range, in: sql) == "doubled")
        #expect(text(q.items[3].range, in: sql) == "count(*) n")
    }

    @Test func calls() {
        guard let q = query("SELECT count(*), sum(amount), avg(a + b), min(x), max(y), f() FROM t GROUP BY k, j;") else { return }
        let calls = q.items.compactMap { item -> (String, Int, Bool)? in
            guard case .expr(.call(let name, let args, let star, _), _) = item else { return nil }
            return (name.name, args.count, star)
        }
        #expect(calls.map(\.0) == ["count", "sum", "avg", "min", "max", "f"])
        #expect(calls.map(\.1) == [0, 1, 1, 1, 1, 0])
        #expect(calls.map(\.2) == [true, false, false, false, false, false])
        #expect(q.groupBy.map(\.sql) == ["k", "j"])
    }

    /// The canonical SQL of the WHERE expression shows how the parser grouped it.
    func grouped(_ expr: String) -> String {
        query("SELECT * FROM t WHERE \(expr);")?.whereClause?.sql ?? "<none>"
    }

    @Test func precedence() {
        #expect(grouped("a OR b AND c") == "a OR b AND c")
        #expect(grouped("(a OR b) AND c") == "(a OR b) AND c")
        #expect(grouped("NOT a = 1 AND b") == "NOT a = 1 AND b")
        #expect(grouped("NOT (a AND b)") == "NOT (a AND b)")
        #expect(grouped("a + b * c = d - e / f % g") == "a + b * c = d - e / f % g")
        #expect(grouped("(a + b) * c") == "(a + b) * c")
        #expect(grouped("a - (b - c)") == "a - (b - c)")
        #expect(grouped("a - b - c") == "a - b - c")
        #expect(grouped("-a * b") == "-a * b")
        #expect(grouped("-(a + b) > 0") == "-(a + b) > 0")
        #expect(grouped("x <> 1 OR x != 2 OR x <= 3 OR x >= 4 OR x < 5 OR x > 6")
                == "x <> 1 OR x <> 2 OR x <= 3 OR x >= 4 OR x < 5 OR x > 6")
        guard case .binary(.or, _, .binary(.and, _, _, _), _)? = query("SELECT * FROM t WHERE a OR b AND c;")?.whereClause else {
            Issue.record("AND must bind tighter than OR")
            return
        }
        guard case .unary(.not, .binary(.eq, _, _, _), _)? = query("SELECT * FROM t WHERE NOT a = 1;")?.whereClause else {
            Issue.record("NOT must be looser than =")
            return
        }
        guard case .binary(.mul, .literal(.int(-2), _), _, _)? = query("SELECT * FROM t WHERE -2 * a;")?.whereClause else {
            Issue.record("unary minus must bind tightest and fold into a literal")
            return
        }
    }

    @Test func literals() {
        let sql = "SELECT * FROM t WHERE a = 'it''s' OR b = 1.5 OR c = TRUE OR d = NULL OR e = -9223372036854775808 OR f = false;"
        var found: [Literal] = []
        func collect(_ e: Expr) {
            switch e {
            case .literal(let l, _): found.append(l)
            case .binary(_, let l, let r, _): collect(l); collect(r)
            case .unary(_, let o, _): collect(o)
            default: break
            }
        }
        if let w = query(sql)?.whereClause { collect(w) }
        #expect(found == [.string("it's"), .double(1.5), .bool(true), .null, .int(.min), .bool(false)])
        #expect(message("SELECT * FROM t WHERE a = 9223372036854775808;") == "integer 9223372036854775808 is out of range")
    }

    @Test func ranges() {
        let sql = "SELECT sum(amount) AS total FROM clicks WHERE NOT (amount > 10 AND c.x = 'a');"
        guard let q = query(sql), case .expr(let expr, let alias) = q.items[0], let w = q.whereClause else { return }
        #expect(text(expr.range, in: sql) == "sum(amount)")
        #expect(text(alias?.range, in: sql) == "total")
        #expect(text(w.range, in: sql) == "NOT (amount > 10 AND c.x = 'a')")
        guard case .unary(.not, .binary(.and, let left, let right, _), _) = w else { Issue.record("shape"); return }
        #expect(text(left.range, in: sql) == "amount > 10")
        #expect(text(right.range, in: sql) == "c.x = 'a'")
    }

    @Test func unsupportedSQL() {
        #expect(message("SELECT * FROM a LEFT JOIN b ON a.k = b.k;") == "LEFT JOIN is not supported: only inner equi-joins are supported")
        #expect(message("SELECT * FROM a RIGHT OUTER JOIN b ON a.k = b.k;") == "RIGHT OUTER JOIN is not supported: only inner equi-joins are supported")
        #expect(message("SELECT * FROM a FULL JOIN b ON a.k = b.k;") == "FULL JOIN is not supported: only inner equi-joins are supported")
        #expect(message("SELECT * FROM a CROSS JOIN b;") == "CROSS JOIN is not supported: only inner equi-joins are supported")
        #expect(message("SELECT * FROM a, b;") == "comma joins are not supported: only inner equi-joins are supported")
        #expect(message("SELECT * FROM a JOIN b USING (k);") == "JOIN ... USING is not supported")
        #expect(message("SELECT * FROM (SELECT * FROM a) x;") == "subqueries are not supported; create a materialized view and select from it")
        #expect(message("SELECT * FROM a WHERE k IN (SELECT k FROM b);") == "subqueries are not supported; create a materialized view and select from it")
        #expect(message("SELECT (SELECT 1 FROM b) FROM a;") == "subqueries are not supported; create a materialized view and select from it")
        #expect(message("SELECT * FROM a WHERE EXISTS (SELECT 1 FROM b);") == "subqueries are not supported; create a materialized view and select from it")
        #expect(message("SELECT sum(x) OVER (PARTITION BY k) FROM a;") == "window functions (OVER) are not supported")
        #expect(message("SELECT k, count(*) FROM a GROUP BY k HAVING count(*) > 1;") == "HAVING is not supported")
        #expect(message("SELECT k FROM a UNION SELECT k FROM b;") == "UNION is not supported")
        #expect(message("SELECT DISTINCT k FROM a;") == "SELECT DISTINCT is not supported")
        #expect(message("SELECT count(DISTINCT k) FROM a;") == "DISTINCT aggregates are not supported")
        #expect(message("SELECT * FROM a WHERE k IS NULL;") == "the IS operator is not supported")
        #expect(message("SELECT * FROM a WHERE k NOT IN (SELECT k FROM b);") == "subqueries are not supported; create a materialized view and select from it")
        #expect(message("SELECT * FROM a WHERE k LIKE 'x%';") == "the LIKE operator is not supported")
        #expect(message("SELECT CASE WHEN a THEN 1 END FROM a;") == "CASE expressions are not supported")
        #expect(message("SELECT * FROM a LIMIT 5 OFFSET 2 OFFSET 3;") == "OFFSET is given twice")
        #expect(message("SELECT * FROM a LIMIT ALL LIMIT 3;") == "LIMIT is given twice")
        #expect(message("WITH x AS (SELECT * FROM a) SELECT * FROM x;") == "WITH queries (common table expressions) are not supported")
        #expect(message("SELECT * FROM a LIMIT 5 WHERE x = 1;") == "WHERE is out of place")
    }

    @Test func queryErrors() {
        #expect(message("SELECT 1;") == "expected FROM after the select list, found ';'")
        #expect(message("SELECT FROM t;") == "expected a select list after SELECT, found 'FROM'")
        #expect(message("SELECT a, FROM t;") == "expected an expression, found 'FROM'")
        #expect(message("SELECT * FROM t WHERE;") == "expected an expression, found ';'")
        #expect(message("SELECT * FROM t GROUP user_id;") == "expected BY after GROUP, found 'user_id'")
        #expect(message("SELECT * FROM t LIMIT -1;") == "a row count after LIMIT must be at least 0, found -1")
        #expect(message("SELECT * FROM t WHERE (a = 1;") == "expected ')' to close '(', found ';'")
        #expect(message("SELECT * FROM t JOIN u;") == "expected ON after the joined table, found ';'")
        #expect(message("SELECT t.* + 1 FROM t;") == "expected FROM after the select list, found '+'")
        #expect(message("SELECT a FROM t WHERE b = t.*;") == "t.* is only allowed in the select list")
        #expect(message("SELECT a FROM s.t;") == "qualified names are not supported")
        #expect(parseError("SELECT * FROM t WHERE a == 1;")?.hint == "compare with a single '='")
        #expect(parseError("SELECT a + FROM t;")?.hint == nil)
        #expect(parseError("SELECT a FORM t;")?.hint == "did you mean FROM?")
        #expect(parseError("SELECT * FROM t WHRE a = 1;")?.hint == "did you mean WHERE?")
        #expect(message("SELECT * FROM t ODER BY a;") == "expected ';' or a clause after the query, found 'ODER'")
        // A real alias close to a keyword still works when what follows fits an alias.
        #expect(query("SELECT * FROM t form WHERE form.a = 1;")?.from.alias?.name == "form")
        #expect(query("SELECT a limits FROM t;")?.items.first?.sql == "a AS limits")
    }
}

@Suite("edge cases")
struct EdgeCaseTests {
    @Test func hugeNumbers() {
        #expect(message("SELECT * FROM t WHERE a = 1e999;") == "number 1e999 is out of range")
        #expect(message("SELECT * FROM t WHERE a = -1e999;") == "number 1e999 is out of range")
    }

    @Test func quotedWordsThatLookLikeBooleansStayNames() {
        guard case .set(_, let value)? = statement(#"SET mode = "on";"#) else { Issue.record("SET"); return }
        #expect(value == .identifier("on"))
        #expect(value.sql == #""on""#)
    }

    @Test func namesThatNeedQuotes() {
        #expect(Identifier("spend").sql == "spend")
        #expect(Identifier("Spend").sql == #""Spend""#)
        #expect(Identifier("select").sql == #""select""#)
        #expect(Identifier("a\"b").sql == #""a""b""#)
        #expect(Identifier("9lives").sql == #""9lives""#)
    }

    /// `x IN (a, b, c)` reads as PostgreSQL rewrites it, `x = a OR x = b OR x = c`, and
    /// `x BETWEEN a AND b` as `x >= a AND x <= b`; NOT before IN or BETWEEN negates the whole.
    @Test func inAndBetweenReadAsComparisons() {
        #expect(query("SELECT * FROM t WHERE k IN (1, 2, 3);")?.whereClause?.sql == "k = 1 OR k = 2 OR k = 3")
        #expect(query("SELECT * FROM t WHERE k + 1 IN (2);")?.whereClause?.sql == "k + 1 = 2")
        #expect(query("SELECT * FROM t WHERE k NOT IN (1, 2);")?.whereClause?.sql == "NOT (k = 1 OR k = 2)")
        #expect(query("SELECT * FROM t WHERE v BETWEEN 1 AND 2.5;")?.whereClause?.sql == "v >= 1 AND v <= 2.5")
        #expect(query("SELECT * FROM t WHERE v NOT BETWEEN 1 AND 2 AND k = 3;")?.whereClause?.sql == "NOT (v >= 1 AND v <= 2) AND k = 3")
        // BETWEEN's AND is its own: the one after the upper bound joins the next condition.
        #expect(query("SELECT * FROM t WHERE k BETWEEN 1 AND 2 AND v > 0 OR k IN (7);")?.whereClause?.sql
                == "k >= 1 AND k <= 2 AND v > 0 OR k = 7")
        // Arithmetic binds tighter; NOT before the operand negates the comparison as usual.
        #expect(query("SELECT * FROM t WHERE NOT k * 2 IN (4, 6);")?.whereClause?.sql == "NOT (k * 2 = 4 OR k * 2 = 6)")
        #expect(query("SELECT k IN ('a', 'b') AS ab FROM t;") != nil)
    }

    @Test func inAndBetweenRanges() {
        let sql = "SELECT * FROM t WHERE k NOT IN (1, 'x') AND v BETWEEN 1 AND 2;"
        guard let w = query(sql)?.whereClause, case .binary(.and, let list, let between, _) = w else { Issue.record("shape"); return }
        #expect(text(list.range, in: sql) == "k NOT IN (1, 'x')")
        #expect(text(between.range, in: sql) == "v BETWEEN 1 AND 2")
        // Each `k = item` spans its item: a type error points there.
        guard case .unary(.not, .binary(.or, let first, let second, _), _) = list else { Issue.record("shape"); return }
        #expect(text(first.range, in: sql) == "1")
        #expect(text(second.range, in: sql) == "'x'")
        guard case .binary(.and, let low, let high, _) = between else { Issue.record("shape"); return }
        #expect(text(low.range, in: sql) == "1")
        #expect(text(high.range, in: sql) == "2")
    }

    @Test func inAndBetweenErrors() {
        #expect(rendered("SELECT * FROM t WHERE k IN ();") == """
            ERROR: expected an expression, found ')'
            LINE 1: SELECT * FROM t WHERE k IN ();
                                                ^
            """)
        #expect(message("SELECT * FROM t WHERE k IN 1, 2;") == "expected '(' after IN, found '1'")
        #expect(message("SELECT * FROM t WHERE k IN (1, 2;") == "expected ')' to close the IN list, found ';'")
        #expect(message("SELECT * FROM t WHERE k BETWEEN 1 OR 2;") == "expected AND between the bounds of BETWEEN, found 'OR'")
        #expect(message("SELECT * FROM t WHERE k BETWEEN 1;") == "expected AND between the bounds of BETWEEN, found ';'")
        #expect(message("SELECT * FROM t WHERE k IN (1) IN (2);") == "expected ';' or a clause after the query, found 'IN'")
    }

    /// The ORs of a list pair up: a list of thousands nests a dozen levels, far under the limit.
    @Test func aLongInListNestsAsItsLogarithm() {
        let items = (0..<5000).map(String.init).joined(separator: ", ")
        guard let w = query("SELECT * FROM t WHERE k IN (\(items));")?.whereClause else { return }
        func height(_ e: Expr) -> Int {
            switch e {
            case .binary(_, let l, let r, _): 1 + max(height(l), height(r))
            case .unary(_, let o, _): 1 + height(o)
            default: 1
            }
        }
        #expect(height(w) == 15)  // ⌈log₂ 5000⌉ = 13 ORs over `k = n`, which is 2 high
        // An item nested near the limit still counts: the list is as deep as its deepest item.
        let deep = String(repeating: "(", count: 198) + "1" + String(repeating: ")", count: 198)
        #expect(message("SELECT * FROM t WHERE k IN (2, \(deep));") == "expression is nested too deeply: more than 200 levels")
    }
}
