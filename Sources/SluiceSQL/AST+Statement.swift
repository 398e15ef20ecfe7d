/// The kinds of catalog object a statement can create, drop or alter.
public enum ObjectKind: String, Sendable, Hashable, CaseIterable {
    case source, table, materializedView, sink

    /// As SQL writes it: `SOURCE`, `MATERIALIZED VIEW`.
    public var sql: String {
        switch self {
        case .source: "SOURCE"
        case .table: "TABLE"
        case .materializedView: "MATERIALIZED VIEW"
        case .sink: "SINK"
        }
    }

    /// As a message names it: `source`, `materialized view`.
    public var noun: String { sql.lowercased() }
}

/// What `SHOW` lists (besides `SHOW METRICS` and `SHOW variable`).
public enum ShowKind: String, Sendable, Hashable, CaseIterable {
    case sources, tables, views, sinks, actors, queues, barriers, checkpoints, lag, ledger, graph, all

    /// The keyword after SHOW: `QUEUES`. (`views` also reads `MATERIALIZED VIEWS`.)
    public var sql: String { rawValue.uppercased() }

    /// Every word that may follow SHOW, including `metrics`, for suggestions when a
    /// `SHOW word` turns out to be neither a kind nor a session variable.
    public static let keywords: [String] = allCases.map(\.rawValue) + ["metrics"]
}

/// How far `STEP` moves the engine.
public enum StepAmount: Sendable, Hashable {
    /// `STEP` (one event) or `STEP 10`.
    case events(Int)
    /// `STEP 250ms`: advance virtual time, in nanoseconds.
    case duration(Int64)
    /// `STEP BARRIER`: until the oldest in-flight barrier is collected.
    case barrier
}

/// One chart of `PLOT`: `queue(spend.agg.0)`, `barrier_latency`, `lag(clicks)`.
public struct PlotSeries: Sendable, Hashable {
    /// The metric: `queue`, `barrier_latency`, `lag`, `throughput`, `busy`, `backpressure`, ...
    public var function: Identifier
    /// The dotted object or actor name in parentheses, if any.
    public var argument: String?
    /// Where the argument was written.
    public var argumentRange: SourceRange?
    /// The whole series.
    public var range: SourceRange

    /// A series given directly.
    public init(function: Identifier, argument: String? = nil, argumentRange: SourceRange? = nil, range: SourceRange? = nil) {
        self.function = function
        self.argument = argument
        self.argumentRange = argumentRange
        self.range = range ?? function.range
    }

    /// `queue(spend.agg.0)`.
    public var sql: String { function.sql + (argument.map { "(\($0))" } ?? "") }
}

/// A kind of flow-control event that `TRACE` can print.
public enum TraceCategory: String, Sendable, Hashable, CaseIterable {
    case credit, permits, barriers, blocking, kafka
}

/// `TRACE ON`, `TRACE OFF` or `TRACE credit, barriers`.
public enum TraceSetting: Sendable, Hashable {
    case on
    case off
    /// Only these categories, in the order written, without repeats.
    case categories([TraceCategory])
}

/// A statement of the Sluice language (DESIGN.md §2).
public enum Statement: Sendable, Hashable {
    // Define
    /// `CREATE SOURCE name (cols) WITH (...)`, or `CREATE TABLE` when `isTable`.
    case createSource(name: Identifier, columns: [ColumnDef], options: [WithOption], isTable: Bool)
    /// `CREATE MATERIALIZED VIEW name [WITH (...)] AS query [WITH (...)]`; both lists merged in order.
    case createView(name: Identifier, query: Query, options: [WithOption])
    /// `CREATE SINK name FROM view WITH (...)`.
    case createSink(name: Identifier, from: Identifier, options: [WithOption])
    /// `CREATE SINK name [WITH (...)] AS query [WITH (...)]`: a sink fed by its own query, as in
    /// RisingWave and Flink SQL; both option lists merged in order.
    case createSinkAsSelect(name: Identifier, query: Query, options: [WithOption])
    /// `DROP kind [IF EXISTS] name`.
    case drop(ObjectKind, name: Identifier, ifExists: Bool)
    /// `ALTER kind name SET (k = v, ...)`.
    case alterSet(ObjectKind, name: Identifier, options: [WithOption])
    /// `ALTER MATERIALIZED VIEW name SET PARALLELISM = n` (or `TO n`); `ALTER SINK` alike.
    case alterParallelism(ObjectKind, name: Identifier, parallelism: Int, valueRange: SourceRange)
    /// `ALTER SOURCE name PAUSE PARTITION n` / `RESUME PARTITION n`.
    case alterPartition(source: Identifier, partition: Int, pause: Bool, valueRange: SourceRange)
    /// `SELECT ...`: read a view's or table's current rows.
    case select(Query)

    // Drive
    /// `INJECT n INTO source [PARTITION p]`; the partition's range is the statement's `valueRange`.
    case inject(count: Int, source: Identifier, partition: Int?)
    /// `STEP`, `STEP 10`, `STEP 250ms`, `STEP BARRIER`.
    case step(StepAmount)
    /// `RUN 30s`, in nanoseconds.
    case run(Int64)
    /// `BARRIER`.
    case barrier
    /// `WATCH statement [EVERY d] FOR d [SPEED s]`, the statement one that reads (SHOW, SELECT,
    /// PLOT, DESCRIBE, DIAGNOSE, EXPLAIN): `every` and `duration` in nanoseconds;
    /// `every` is ``Statement/defaultWatchInterval`` when not written.
    indirect case watch(ParsedStatement, every: Int64, duration: Int64, speed: Double?)
    /// `TRACE ON | OFF | category, ...`.
    case trace(TraceSetting)

    // Variables
    /// `SET name = value` / `SET name TO value`; the value's range is the statement's `valueRange`.
    /// (`SET name TO DEFAULT` parses as ``reset(_:)``.)
    case set(Identifier, OptionValue)
    /// `SHOW name`.
    case showVariable(Identifier)
    /// `RESET name`.
    case reset(Identifier)
    /// `RESET ALL`.
    case resetAll

    // Look
    /// `SHOW SOURCES`, `SHOW QUEUES`, `SHOW ALL`, ...
    case show(ShowKind)
    /// `SHOW METRICS [actor]`.
    case showMetrics(Identifier?)
    /// `DESCRIBE name` (or `DESC name`, `SHOW COLUMNS FROM name`): a source's, table's, view's
    /// or sink's columns, and what the object is.
    case describe(Identifier)
    /// `RESET METRICS`.
    case resetMetrics
    /// `EXPLAIN CREATE MATERIALIZED VIEW ...` or `EXPLAIN CREATE SINK ...`: the plan of the
    /// create statement it holds, which is not run.
    indirect case explainCreate(Statement)
    /// `EXPLAIN name`.
    case explainName(Identifier)
    /// `EXPLAIN SELECT ...`: the batch plan of an ad hoc query.
    case explainSelect(Query)
    /// `DIAGNOSE`.
    case diagnose
    /// `PLOT series, ... [LAST d]`, `last` in nanoseconds.
    case plot([PlotSeries], last: Int64?)
    /// `HELP [topic]`: the same text as `.help [topic]`, for users who type psql's word; the
    /// topic's range is the statement's `valueRange`.
    case help(topic: String?)

    /// The redraw interval of `WATCH` without `EVERY`: one second.
    public static let defaultWatchInterval: Int64 = 1_000_000_000

    /// The longest wall time a WATCH paced by SPEED may take: an hour, in nanoseconds.
    public static let maxPacedWatch: Int64 = 3_600_000_000_000

    /// The slowest and fastest WATCH SPEED: a thousandth of real time, a million times it.
    public static let watchSpeeds: ClosedRange<Double> = 0.001...1_000_000

    /// The statements WATCH repeats: those that only read the engine (`desc` is DESCRIBE).
    public static let watchable = ["show", "select", "plot", "describe", "desc", "diagnose", "explain"]

    /// The most events one `STEP n` runs (and lists).
    public static let maxStepEvents = 100_000

    /// The frames a WATCH draws: one per `every` of `duration`, the last one after what is
    /// left of it (`FOR 1s EVERY 700ms`: at 700 ms and at 1 s), at least one.
    public static func watchFrames(every: Int64, duration: Int64) -> Int64 {
        max(1, duration / every + (duration % every == 0 ? 0 : 1))
    }

    /// The virtual time WATCH frame `k` (from 1) runs before it is drawn: `every`, or what is
    /// left of `duration` for the last.
    public static func watchFrameSpan(_ k: Int64, every: Int64, duration: Int64) -> Int64 {
        max(0, min(every, duration - (k - 1) * every))
    }
}

/// A statement with its own text and position in the parsed buffer.
public struct ParsedStatement: Sendable, Hashable {
    /// The statement.
    public var statement: Statement
    /// Its text exactly as written, trimmed, without the `;` (comments inside are kept).
    public var text: String
    /// Where that text is in the buffer.
    public var range: SourceRange
    /// The range of a value that the AST case carries without one: the value of `SET`,
    /// the partition of `INJECT ... PARTITION p`, the duration of `RUN` and `STEP`, the
    /// `FOR` (or a longer `EVERY`) of `WATCH`, the topic of `HELP`. Nil for other statements.
    public var valueRange: SourceRange?

    /// A parsed statement given directly.
    public init(statement: Statement, text: String, range: SourceRange, valueRange: SourceRange? = nil) {
        self.statement = statement
        self.text = text
        self.range = range
        self.valueRange = valueRange
    }
}

/// What ``parse(_:)`` makes of an interactive buffer.
public enum ParseOutcome: Sendable, Hashable {
    /// Every statement ends with `;`: here they are (none for blank or comment-only input).
    case complete([ParsedStatement])
    /// The buffer ends inside a statement, string or comment: show the continuation prompt.
    case incomplete
    /// A terminated statement is wrong.
    case error(SQLError)
}
