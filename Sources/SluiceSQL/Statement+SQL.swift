import SluiceEngine

/// Statements printed back as canonical SQL: keywords upper-case, one space between words,
/// names quoted only when they must be. Parsing the result gives the same statement (up to
/// ranges), which the round-trip tests check; the recorder and `.cells` can show it too.
extension Statement: CustomStringConvertible {
    /// The statement as canonical SQL, without the `;`.
    public var sql: String {
        switch self {
        case .createSource(let name, let columns, let options, let isTable):
            return "CREATE \(isTable ? "TABLE" : "SOURCE") \(name.sql) (" + columns.map(\.sql).joined(separator: ", ") + ")"
                + Statement.with(options)
        case .createView(let name, let query, let options):
            return "CREATE MATERIALIZED VIEW \(name.sql) AS \(query.sql)" + Statement.with(options)
        case .createSink(let name, let from, let options):
            return "CREATE SINK \(name.sql) FROM \(from.sql)" + Statement.with(options)
        case .createSinkAsSelect(let name, let query, let options):
            return "CREATE SINK \(name.sql) AS \(query.sql)" + Statement.with(options)
        case .drop(let kind, let name, let ifExists):
            return "DROP \(kind.sql) " + (ifExists ? "IF EXISTS " : "") + name.sql
        case .alterSet(let kind, let name, let options):
            return "ALTER \(kind.sql) \(name.sql) SET (" + options.map(\.sql).joined(separator: ", ") + ")"
        case .alterParallelism(let kind, let name, let parallelism, _):
            return "ALTER \(kind.sql) \(name.sql) SET PARALLELISM = \(parallelism)"
        case .alterPartition(let source, let partition, let pause, _):
            return "ALTER SOURCE \(source.sql) \(pause ? "PAUSE" : "RESUME") PARTITION \(partition)"
        case .select(let query):
            return query.sql
        case .inject(let count, let source, let partition):
            return "INJECT \(count) INTO \(source.sql)" + (partition.map { " PARTITION \($0)" } ?? "")
        case .step(.events(1)):
            return "STEP"
        case .step(.events(let n)):
            return "STEP \(n)"
        case .step(.duration(let ns)):
            return "STEP \(Statement.duration(ns))"
        case .step(.barrier):
            return "STEP BARRIER"
        case .run(let ns):
            return "RUN \(Statement.duration(ns))"
        case .barrier:
            return "BARRIER"
        case .watch(let inner, let every, let duration, let speed):
            return "WATCH \(inner.statement.sql) EVERY \(Statement.duration(every)) FOR \(Statement.duration(duration))"
                + (speed.map { " SPEED \(VirtualTime.formatNumber($0))x" } ?? "")
        case .trace(.on):
            return "TRACE ON"
        case .trace(.off):
            return "TRACE OFF"
        case .trace(.categories(let categories)):
            return "TRACE " + categories.map(\.rawValue).joined(separator: ", ")
        case .set(let name, let value):
            return "SET \(name.sql) = \(value.sql)"
        case .describe(let name):
            return "DESCRIBE \(name.sql)"
        case .showVariable(let name):
            return "SHOW \(name.sql)"
        case .reset(let name):
            return "RESET \(name.sql)"
        case .resetAll:
            return "RESET ALL"
        case .show(let kind):
            return "SHOW \(kind.sql)"
        case .showMetrics(let actor):
            return "SHOW METRICS" + (actor.map { " " + $0.name } ?? "")
        case .resetMetrics:
            return "RESET METRICS"
        case .explainCreate(let create):
            return "EXPLAIN " + create.sql
        case .explainName(let name):
            return "EXPLAIN \(name.sql)"
        case .explainSelect(let query):
            return "EXPLAIN " + query.sql
        case .diagnose:
            return "DIAGNOSE"
        case .plot(let series, let last):
            return "PLOT " + series.map(\.sql).joined(separator: ", ") + (last.map { " LAST \(Statement.duration($0))" } ?? "")
        case .help(let topic):
            return "HELP" + (topic.map { " " + $0 } ?? "")
        }
    }

    public var description: String { sql }

    static func with(_ options: [WithOption]) -> String {
        options.isEmpty ? "" : " WITH (" + options.map(\.sql).joined(separator: ", ") + ")"
    }

    /// A duration in the shortest exact form: `250ms`, `1500ms` rather than a rounded `1.5s`.
    static func duration(_ ns: Int64) -> String {
        let units: [(Int64, String)] = [(3_600_000_000_000, "h"), (60_000_000_000, "m"), (1_000_000_000, "s"),
                                        (1_000_000, "ms"), (1_000, "us")]
        for (scale, name) in units where ns != 0 && ns % scale == 0 {
            return "\(ns / scale)\(name)"
        }
        return "\(ns)ns"
    }
}
