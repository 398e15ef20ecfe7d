import SluiceEngine
import SluiceSQL

/// The words completion knows without asking the session.
public enum CompletionVocabulary {
    /// Every keyword of the language, upper case.
    public static let keywords: [String] = [
        "ACTORS", "ALL", "ALTER", "AND", "AS", "ASC", "BARRIER", "BARRIERS", "BY", "CHECKPOINTS",
        "CREATE", "DESC", "DIAGNOSE", "DROP", "EVERY", "EXISTS", "EXPLAIN", "FOR", "FROM", "GRAPH", "GROUP",
        "HELP", "IF", "INJECT", "INTO", "JOIN", "KEY", "LAG", "LAST", "LEDGER", "LIMIT", "MATERIALIZED", "METRICS",
        "NOT", "OFF", "OFFSET", "ON", "OR", "ORDER", "PARALLELISM", "PARTITION", "PAUSE", "PLOT", "PRIMARY",
        "QUEUES", "RESET", "RESUME", "RUN", "SELECT", "SET", "SHOW", "SINK", "SINKS", "SOURCE",
        "SOURCES", "SPEED", "STEP", "TABLE", "TABLES", "TO", "TRACE", "VIEW", "VIEWS", "WATCH",
        "WHERE", "WITH",
    ]

    /// Keywords that begin a statement.
    public static let statementStarts: [String] = [
        "ALTER", "BARRIER", "CREATE", "DESCRIBE", "DIAGNOSE", "DROP", "EXPLAIN", "HELP", "INJECT", "PLOT", "RESET",
        "RUN", "SELECT", "SET", "SHOW", "STEP", "TRACE", "WATCH",
    ]

    /// What `SHOW` can show besides a variable.
    public static let showTargets: [String] = [
        "ACTORS", "ALL", "BARRIERS", "CHECKPOINTS", "COLUMNS", "GRAPH", "LAG", "LEDGER", "METRICS", "QUEUES",
        "SINKS", "SOURCES", "TABLES", "VIEWS",
    ]

    /// The series `PLOT` draws (the engine's own list); those that need a target take a name in `(`.
    /// PLOT's series, with the parenthesis of those that take a name (`queue(`).
    public static let plotSeries: [String] = SeriesMetric.allCases.map { $0.needsTarget ? $0.rawValue + "(" : $0.rawValue }.sorted()

    /// The dot-commands, with their leading dot: those the dispatcher knows.
    public static let dotCommands: [String] = Session.dotCommands.sorted()

    /// Keywords that may follow a statement's first words: (words so far, what follows).
    static let followers: [([String], [String])] = [
        (["CREATE"], ["MATERIALIZED", "SINK", "SOURCE", "TABLE"]),
        (["CREATE", "MATERIALIZED"], ["VIEW"]),
        (["EXPLAIN", "CREATE"], ["MATERIALIZED", "SINK"]),
        (["SHOW", "COLUMNS"], ["FROM"]),
        (["EXPLAIN", "CREATE", "MATERIALIZED"], ["VIEW"]),
        (["DROP"], ["MATERIALIZED", "SINK", "SOURCE", "TABLE"]),
        (["DROP", "MATERIALIZED"], ["VIEW"]),
        (["ALTER"], ["MATERIALIZED", "SINK", "SOURCE", "TABLE"]),
        (["ALTER", "MATERIALIZED"], ["VIEW"]),
        (["STEP"], ["BARRIER"]),
        (["TRACE"], ["OFF", "ON"] + SluiceSQL.TraceCategory.allCases.map(\.rawValue)),
        (["WATCH"], ["DESCRIBE", "DIAGNOSE", "EXPLAIN", "PLOT", "SELECT", "SHOW"]),
    ]
}
