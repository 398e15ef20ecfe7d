import Testing
@testable import SluiceShell
import SluiceEngine
import SluiceSQL

/// `.help` lists every statement the parser accepts and every dot-command the dispatcher
/// runs. The lists come from the parser (`StatementKind`, `Keywords.statements`, `ShowKind`,
/// `TraceCategory`, …) and the dispatcher (`Session.dotCommands`), so nothing can be added
/// without the overview showing it.
@Suite("the help lists everything")
struct HelpTests {
    /// One statement of each kind, as a user writes it.
    static let samples = [
        "CREATE SOURCE s (k INT) WITH (rate = 10);", "CREATE TABLE t (k INT PRIMARY KEY) WITH (rows = 3);",
        "CREATE MATERIALIZED VIEW v AS SELECT k FROM s;", "CREATE SINK k FROM v;", "CREATE SINK k AS SELECT k FROM s;",
        "DROP SINK k;", "DROP MATERIALIZED VIEW IF EXISTS v;", "ALTER TABLE t SET (cost = '20us');",
        "ALTER MATERIALIZED VIEW v SET PARALLELISM = 2;", "ALTER SOURCE s PAUSE PARTITION 0;", "SELECT * FROM v;",
        "INJECT 5 INTO s;", "INJECT 5 INTO s PARTITION 0;", "STEP;", "STEP 250ms;", "STEP BARRIER;", "RUN 1s;",
        "BARRIER;", "WATCH SHOW QUEUES FOR 1s;", "TRACE ON;", "TRACE credit, kafka;", "SET nodes = 2;", "SHOW nodes;",
        "RESET nodes;", "RESET ALL;", "SHOW TABLES;", "SHOW METRICS v;", "DESCRIBE v;", "RESET METRICS;",
        "EXPLAIN CREATE MATERIALIZED VIEW w AS SELECT k FROM s;", "EXPLAIN v;", "EXPLAIN SELECT * FROM v;", "DIAGNOSE;", "PLOT idle(v);", "HELP;",
    ]

    @Test func everyKindOfStatementIsInTheOverview() throws {
        // The samples reach every kind, so none is left out of this check.
        let kinds = try Self.samples.map { sql -> StatementKind in
            guard case .complete(let statements) = parse(sql), let first = statements.first else {
                throw HelpTestError.doesNotParse(sql)
            }
            return first.statement.kind
        }
        #expect(Set(kinds) == Set(StatementKind.allCases), "kinds without a sample: \(Set(StatementKind.allCases).subtracting(kinds))")
        let overview = try #require(Help.text(topic: nil))
        for kind in StatementKind.allCases {
            #expect(overview.contains(Help.syntax(of: kind)), "\(kind): \(Help.syntax(of: kind))")
        }
    }

    @Test func everyWordOfTheLanguageThatChoosesSomethingIsInTheOverview() throws {
        let overview = try #require(Help.text(topic: nil))
        let words: [String] = Keywords.statements + ShowKind.allCases.map(\.sql) + ObjectKind.allCases.map(\.sql)
            + SluiceSQL.TraceCategory.allCases.map(\.rawValue) + SeriesMetric.allCases.map(\.rawValue)
            + FlowControlKind.allCases.map(\.rawValue) + OutputMode.allCases.map(\.rawValue)
            + Help.topics.map { $0.names[0] } + ["IF EXISTS", "PARTITION p", "PAUSE", "RESUME", "EVERY", "SPEED", "LAST"]
        for word in words { #expect(overview.contains(word), "\(word)") }
    }

    @Test func everyDotCommandIsInTheOverview() throws {
        let overview = try #require(Help.text(topic: nil))
        for command in Session.dotCommands { #expect(overview.contains(command + " ") || overview.contains(command + "\n"), "\(command)") }
        #expect(CompletionVocabulary.dotCommands == Session.dotCommands.sorted(), "Tab offers what the dispatcher runs")
    }

    /// Lesson 3 sets `buffers_per_channel = 0`: the receiver then asks for the backlog alone.
    @Test func creditHelpQuotesTheSessionsBuffers() {
        let s = session()
        #expect(s.run(".help credit").replacingOccurrences(of: "\n", with: " ").contains("asks for backlog + buffers_per_channel buffers (backlog + 2 now)"))
        #expect(s.execute("SET buffers_per_channel = 0;").ok)
        let help = s.run(".help credit")
        #expect(help.contains("(now 0, default 2)"), "\(help)")
        #expect(help.contains("(backlog + 0 now)"))
        #expect(!help.contains("backlog + 2"))
        #expect(s.run("HELP credit;") == help)
    }
}

enum HelpTestError: Error {
    case doesNotParse(String)
}
