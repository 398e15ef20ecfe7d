/// The words of the language, for completion, suggestions and quoting.
public enum Keywords {
    /// The words a statement can begin with, upper-case, alphabetical.
    public static let statements: [String] = [
        "ALTER", "BARRIER", "CREATE", "DESCRIBE", "DIAGNOSE", "DROP", "EXPLAIN", "HELP", "INJECT", "PLOT",
        "RESET", "RUN", "SELECT", "SET", "SHOW", "STEP", "TRACE", "WATCH",
    ]

    /// Every keyword of the language, upper-case, alphabetical, without repeats: what the
    /// line editor completes. Type names, SHOW kinds and trace categories are included.
    public static let all: [String] = Array(Set(statements + [
        // Define
        "AS", "BY", "DEFAULT", "EXISTS", "FROM", "GROUP", "IF", "INNER", "JOIN", "KEY", "LIMIT",
        "MATERIALIZED", "ON", "ORDER", "PARALLELISM", "PARTITION", "PAUSE", "PRIMARY", "RESUME",
        "SINK", "SOURCE", "TABLE", "TO", "VIEW", "WHERE", "WITH", "ASC", "DESC",
        "AND", "OR", "NOT", "TRUE", "FALSE", "NULL",
        // Types
        "INT", "INTEGER", "BIGINT", "DOUBLE", "PRECISION", "FLOAT", "REAL", "VARCHAR", "TEXT", "STRING", "BOOLEAN",
        // Drive and look
        "INTO", "EVERY", "FOR", "SPEED", "LAST", "OFF", "METRICS", "ALL",
        "SOURCES", "TABLES", "VIEWS", "SINKS", "ACTORS", "QUEUES", "BARRIERS", "CHECKPOINTS", "LAG",
        "LEDGER", "GRAPH", "CREDIT", "PERMITS", "BLOCKING",
        // Aggregates
        "COUNT", "SUM", "AVG", "MIN", "MAX",
    ])).sorted()

    /// Words that cannot be a bare name or alias (quote them to use them as names), lower-case.
    public static let reserved: [String] = [
        "all", "and", "as", "asc", "between", "by", "case", "cross", "desc", "distinct", "else", "end",
        "except", "exists", "false", "fetch", "from", "full", "group", "having", "ilike", "in", "inner", "intersect",
        "is", "join", "left", "like", "limit", "natural", "not", "null", "offset", "on", "or", "order",
        "outer", "over", "right", "select", "then", "true", "union", "using", "when", "where", "window", "with",
    ]

    /// True when `word` (lower-case) is reserved.
    static func isReserved(_ word: String) -> Bool {
        reserved.contains(word)
    }
}

extension String {
    /// The string between `quote`s, with the quote doubled inside: `'it''s'`.
    func sqlQuoted(_ quote: Character) -> String {
        var result = String(quote)
        for character in self {
            if character == quote { result.append(quote) }
            result.append(character)
        }
        result.append(quote)
        return result
    }
}
