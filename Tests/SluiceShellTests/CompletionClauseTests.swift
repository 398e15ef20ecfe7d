import Testing
@testable import SluiceShell

/// Completion inside a query: what may come next depends on where the cursor is in its
/// clause (an operand to start, or one just ended) and on whether the query is ad hoc
/// (ORDER BY, LIMIT, no JOIN) or a view's or sink's (one JOIN, WITH, no ORDER BY or LIMIT).
@Suite struct CompletionClauseTests {
    let context = StaticCompletionContext(
        sources: ["clicks"], tables: ["users"], views: ["big_spenders"],
        columns: [("clicks", ["user_id", "url", "amount"]), ("users", ["user_id", "region"]),
                  ("big_spenders", ["user_id", "clicks", "total"])])
    let engine = CompletionEngine()

    func complete(_ line: String) -> [String] {
        engine.candidates(line: line, cursor: line.utf8.count, context: context)
    }

    /// After an ORDER BY item: its direction, then LIMIT (the columns were offered again).
    @Test func afterAnOrderByItemItsDirectionThenLimit() {
        #expect(complete("SELECT * FROM big_spenders ORDER BY total ") == ["ASC", "DESC", "LIMIT", "OFFSET"])
        #expect(complete("SELECT * FROM big_spenders ORDER BY total DESC ") == ["LIMIT", "OFFSET"])
        // LIMIT and OFFSET in either order, once each.
        #expect(complete("SELECT * FROM big_spenders LIMIT 3 ") == ["OFFSET"])
        #expect(complete("SELECT * FROM big_spenders OFFSET 3 ") == ["LIMIT"])
        #expect(complete("SELECT * FROM big_spenders LIMIT 3 OFFSET 1 ") == [])
        #expect(complete("SELECT * FROM big_spenders ORDER BY total D") == ["DESC"])
        #expect(complete("select * from big_spenders order by total d") == ["desc"])
        #expect(complete("SELECT * FROM big_spenders ORDER BY ") == ["clicks", "total", "user_id"])
        #expect(complete("SELECT * FROM big_spenders ORDER BY total, ") == ["clicks", "total", "user_id"])
        #expect(complete("WATCH SELECT * FROM big_spenders ORDER BY total DESC ") == ["EVERY", "FOR", "LIMIT", "OFFSET", "SPEED"])
    }

    /// An ad hoc SELECT reads one view or table: no JOIN. A view's or sink's query may join
    /// once, and takes neither ORDER BY nor LIMIT.
    @Test func joinOnlyWhereAQueryMayJoin() {
        #expect(complete("SELECT * FROM big_spenders ") == ["GROUP", "LIMIT", "OFFSET", "ORDER", "WHERE"])
        #expect(complete("SELECT * FROM big_spenders b ") == ["GROUP", "LIMIT", "OFFSET", "ORDER", "WHERE"])
        #expect(complete("EXPLAIN SELECT * FROM big_spenders ") == ["GROUP", "LIMIT", "OFFSET", "ORDER", "WHERE"])
        #expect(complete("CREATE MATERIALIZED VIEW v AS SELECT * FROM clicks ") == ["GROUP", "JOIN", "WHERE", "WITH"])
        #expect(complete("CREATE SINK k AS SELECT * FROM clicks c ") == ["GROUP", "JOIN", "WHERE", "WITH"])
        #expect(complete("EXPLAIN CREATE MATERIALIZED VIEW v AS SELECT * FROM clicks ") == ["GROUP", "JOIN", "WHERE", "WITH"])
        #expect(complete("CREATE MATERIALIZED VIEW v AS SELECT * FROM clicks c JOIN users u ") == ["ON"])
        #expect(complete("CREATE MATERIALIZED VIEW v AS SELECT * FROM clicks c JOIN users ") == ["AS", "ON"])
        #expect(complete("CREATE MATERIALIZED VIEW v AS SELECT * FROM clicks c JOIN users u ON c.user_id = u.user_id ")
                == ["AND", "GROUP", "WHERE", "WITH"])
    }

    /// Where an operand starts, only columns: `as` and `asc` are not valid after WHERE.
    @Test func whereAnOperandStartsOnlyColumns() {
        #expect(complete("SELECT * FROM clicks WHERE a") == ["amount"])
        #expect(complete("SELECT * FROM big_spenders WHERE t") == ["total"])
        #expect(complete("SELECT user_id, a") == [], "no relation named yet")
        #expect(complete("SELECT * FROM clicks WHERE amount > 10 AND u") == ["url", "user_id"])
        #expect(complete("SELECT * FROM clicks WHERE url IN ('a', ") == ["amount", "url", "user_id"])
    }

    /// After an operand: what may follow it in its clause.
    @Test func afterAnOperandWhatFollowsIt() {
        #expect(complete("SELECT * FROM big_spenders WHERE total > 10 ") == ["AND", "GROUP", "LIMIT", "OFFSET", "OR", "ORDER"])
        #expect(complete("CREATE MATERIALIZED VIEW v AS SELECT * FROM clicks WHERE amount > 10 ")
                == ["AND", "GROUP", "OR", "WITH"])
        #expect(complete("SELECT * FROM big_spenders WHERE total BETWEEN 1 ") == ["AND"])
        // An operand alone wants its comparison, not AND or a later clause.
        #expect(complete("SELECT * FROM big_spenders WHERE total ") == ["<", "<=", "<>", "=", ">", ">=", "BETWEEN", "IN", "NOT"])
        #expect(complete("SELECT * FROM big_spenders WHERE total > 1 AND user_id ") == ["<", "<=", "<>", "=", ">", ">=", "BETWEEN", "IN", "NOT"])
        #expect(complete("SELECT * FROM big_spenders WHERE total BETWEEN 1 AND 2 ") == ["AND", "GROUP", "LIMIT", "OFFSET", "OR", "ORDER"])
        #expect(complete("SELECT * FROM big_spenders WHERE user_id IN (1, 2) ") == ["AND", "GROUP", "LIMIT", "OFFSET", "OR", "ORDER"])
        #expect(complete("CREATE MATERIALIZED VIEW v AS SELECT * FROM clicks c JOIN users u ON c.user_id ") == ["="])
        #expect(complete("CREATE MATERIALIZED VIEW v AS SELECT * FROM clicks c JOIN users u ON c.user_id = u.user_id AND c.url ") == ["="])
        // `x NOT` goes on with BETWEEN or IN; `WHERE NOT` with an operand.
        #expect(complete("SELECT * FROM big_spenders WHERE total NOT ") == ["BETWEEN", "IN"])
        #expect(complete("SELECT * FROM big_spenders WHERE NOT t") == ["total"])
        #expect(complete("SELECT * FROM big_spenders GROUP BY user_id ") == ["LIMIT", "OFFSET", "ORDER"])
        #expect(complete("CREATE MATERIALIZED VIEW v AS SELECT user_id, count(*) FROM clicks GROUP BY user_id ") == ["WITH"])
        #expect(complete("SELECT user_id ") == ["AS", "FROM"])
        #expect(complete("SELECT user_id AS u ") == ["FROM"])
        #expect(complete("SELECT * ") == ["FROM"])
        #expect(complete("SELECT count(amount ") == [], "inside parentheses only ) or , can come")
        #expect(complete("SELECT user_id AS ") == [], "an alias is a new name")
    }

    /// Where a count, a duration or a value comes, or the statement is whole, no keyword fits.
    @Test func noKeywordWhereAValueComes() {
        #expect(complete("RUN ") == [])
        #expect(complete("RUN 10s ") == [])
        #expect(complete("STEP ") == ["BARRIER"])
        #expect(complete("STEP 10 ") == [])
        #expect(complete("INJECT ") == [])
        #expect(complete("INJECT 5 INTO clicks PARTITION ") == [])
        #expect(complete("SET checkpoint_mode = unaligned ") == [])
    }
}
