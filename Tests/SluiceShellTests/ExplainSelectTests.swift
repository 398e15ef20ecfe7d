import Testing
@testable import SluiceShell

/// `EXPLAIN SELECT`: the batch plan of an ad hoc query, root first, as RisingWave prints it,
/// and the same errors as the query itself (which change nothing).
@Suite struct ExplainSelectTests {
    static let footer = "runs once over the materialized view's current contents, as RisingWave serves a batch query; it does not stream"

    /// The plan's lines, without the blank line and footer that follow it.
    func plan(_ s: Session, _ sql: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        let result = s.execute(sql)
        #expect(result.ok, "\(result.output)", sourceLocation: sourceLocation)
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
        #expect(lines.last == Self.footer, sourceLocation: sourceLocation)
        return Array(lines.dropLast())
    }

    @Test func eachClauseIsANode() {
        let s = session(standardCatalog)
        #expect(plan(s, "EXPLAIN SELECT * FROM spend;") == ["BatchScan { table: spend, columns: [user_id, n, total] }"])
        #expect(plan(s, "EXPLAIN SELECT * FROM spend ORDER BY total DESC LIMIT 3;") == [
            "BatchTopN { order: [total DESC], limit: 3, offset: 0 }",
            "└─BatchScan { table: spend, columns: [user_id, n, total] }",
        ])
        #expect(plan(s, "EXPLAIN SELECT user_id, total * 2 AS twice FROM spend WHERE n BETWEEN 2 AND 5 LIMIT 10;") == [
            "BatchLimit { limit: 10, offset: 0 }",
            "└─BatchProject { exprs: [user_id, total * 2 as twice] }",
            "  └─BatchFilter { predicate: (n >= 2) AND (n <= 5) }",
            "    └─BatchScan { table: spend, columns: [user_id, n, total] }",
        ])
        #expect(plan(s, "EXPLAIN SELECT user_id, max(total) AS top FROM spend WHERE n > 1 GROUP BY user_id ORDER BY top;") == [
            "BatchSort { order: [top ASC] }",
            "└─BatchHashAgg { group_key: [user_id], aggs: [max(total)] }",
            "  └─BatchFilter { predicate: n > 1 }",
            "    └─BatchScan { table: spend, columns: [user_id, n, total] }",
        ])
        #expect(plan(s, "EXPLAIN SELECT count(*) FROM spend;") == [
            "BatchSimpleAgg { aggs: [count(*)] }",
            "└─BatchScan { table: spend, columns: [user_id, n, total] }",
        ])
    }

    /// A table is read the same way; the footer says what it reads.
    @Test func aTableIsScannedToo() {
        let s = session(standardCatalog)
        let output = s.run("EXPLAIN SELECT region FROM users;")
        #expect(output.contains("└─BatchScan { table: users, columns: [user_id, region] }"), "\(output)")
        #expect(output.hasSuffix("runs once over the table's current contents, as RisingWave serves a batch query; it does not stream\n"), "\(output)")
    }

    /// What SELECT refuses, EXPLAIN SELECT refuses with the same error, and changes nothing.
    @Test(arguments: [
        ("EXPLAIN SELECT * FROM clicks;", "clicks is a source: only materialized views and tables can be read ad hoc"),
        ("EXPLAIN SELECT * FROM spend s JOIN users u ON s.user_id = u.user_id;", "an ad hoc SELECT reads one view or table"),
        ("EXPLAIN SELECT * FROM nothing;", "relation \"nothing\" does not exist"),
        ("EXPLAIN SELECT nope FROM spend;", "column \"nope\" does not exist"),
    ])
    func errorsAreTheQuerysOwn(_ sql: String, _ error: String) {
        let s = session(standardCatalog)
        let before = s.visibleState
        let explained = s.execute(sql), selected = s.execute(String(sql.dropFirst("EXPLAIN ".count)))
        #expect(!explained.ok && explained.output.contains("ERROR: \(error)"), "\(explained.output)")
        #expect(!selected.ok && selected.output.contains("ERROR: \(error)"), "\(selected.output)")
        #expect(s.visibleState == before)
    }
}
