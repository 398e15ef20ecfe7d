import SluiceEngine
import SluiceSQL

/// One statement's help, as psql's `\h` gives it: the syntax, what it does, and an example.
struct StatementHelp: Sendable {
    /// Lower case, one space apart; lists show the first.
    let names: [String]
    /// The syntax and what it means.
    let text: String
    /// Statements that run as written, on the objects the CREATE examples define
    /// (`Help.exampleCatalog`); a test runs each. Lines after the first are indented under it.
    let example: String

    /// The syntax, its meaning in paragraphs (`Help.paragraphs`), and the example.
    var rendered: String {
        Help.paragraphs(text, syntaxFirst: true) + "\nExample: "
            + example.split(separator: "\n").joined(separator: "\n" + String(repeating: " ", count: 9))
    }
}

/// `.help CREATE SOURCE`, `.help select`, …: each statement's syntax. The lists in them (options,
/// SHOW targets, trace categories, series, variables) come from the parser, the planner and
/// the engine, so that none can be added without its help showing it.
extension Help {
    /// The statements' help, in the order `statementList` shows them.
    static let statements: [StatementHelp] = [
        StatementHelp(names: ["create"], text: """
        CREATE SOURCE name (column type, ...) [WITH (...)]
            a log and its generator: .help create source
        CREATE TABLE name (column type PRIMARY KEY, ...) [WITH (...)]
            rows loaded once: .help create table
        CREATE MATERIALIZED VIEW name AS SELECT ... [WITH (...)]
            a continuous query: .help create view
        CREATE SINK name FROM relation | AS SELECT ... [WITH (...)]
            an external system: .help create sink
        """, example: """
        CREATE SOURCE s (k INT) WITH (rate = 100);
        CREATE MATERIALIZED VIEW v AS SELECT k, count(*) AS n FROM s GROUP BY k;
        """),

        StatementHelp(names: ["create source"], text: """
        CREATE SOURCE name (column type [PRIMARY KEY], ...) [WITH (option = value, ...)]
        A partitioned, Kafka-like log plus a generator that appends to it at its rate; each view or sink reading it is
        a consumer group of its own. The key column takes keys distinct values, the others random ones.
        Types: \(types).
        Options (* also changed by ALTER SOURCE name SET (...)):
        \(optionLines(Planner.sourceOptions, sourceOptionHelp, alterable: Planner.alterableSourceOptions))
        """, example: exampleCatalog[0]),

        StatementHelp(names: ["create table"], text: """
        CREATE TABLE name (column type [PRIMARY KEY], ...) [WITH (option = value, ...)]
        A bounded log: its rows are generated once, when it is created, and every view that reads it reads them all,
        whenever it is created. A PRIMARY KEY is unique, so keys cannot be fewer than rows.
        Types: \(types).
        Options (* also changed by ALTER TABLE name SET (...)):
        \(optionLines(Planner.tableOptions, tableOptionHelp, alterable: Planner.alterableTableOptions))
        """, example: exampleCatalog[1]),

        StatementHelp(names: ["create materialized view", "create view"], text: """
        CREATE MATERIALIZED VIEW name [WITH (...)] AS SELECT ... [WITH (option = value, ...)]
        A continuous query over sources, tables and views, whose result the view keeps and SELECT reads. The query
        is a SELECT (.help select) with no ORDER BY or LIMIT (order when you read it). A view over a view that holds rows starts from
        them (backfill); over a source, from the log's start (SET auto_offset_reset). Plain views are refused.
        Options (* also changed by ALTER MATERIALIZED VIEW name SET (...), parallelism by SET PARALLELISM = n):
        \(optionLines(Planner.viewOptions, viewOptionHelp, alterable: alterableJobOptions(Planner.alterableViewOptions)))
        """, example: exampleCatalog[2]),

        StatementHelp(names: ["create sink"], text: """
        CREATE SINK name FROM relation [WITH (option = value, ...)]
        CREATE SINK name AS SELECT ... [WITH (option = value, ...)]
        Writes a view's changes, or a source's or a table's rows, to a modelled external system: a write of n rows
        takes latency + n ÷ throughput + n × cost. AS SELECT plans the query as a view's (.help select) and keeps
        nothing. Under SET sink_decouple = true, a new sink reads a log of its own and never backpressures its input.
        Options (* also changed by ALTER SINK name SET (...), parallelism by SET PARALLELISM = n):
        \(optionLines(Planner.sinkOptions, sinkOptionHelp, alterable: alterableJobOptions(Planner.alterableSinkOptions)))
        """, example: """
        CREATE SINK warehouse FROM spend WITH (throughput = 1000, batch = 10, latency = '2ms');
        CREATE SINK big_clicks AS SELECT user_id, amount FROM clicks WHERE amount > 90 WITH (parallelism = 2);
        """),

        StatementHelp(names: ["alter"], text: """
        ALTER SOURCE | TABLE name SET (option = value, ...)  or SET option = value, for one
        ALTER MATERIALIZED VIEW | SINK name SET (...)        the same
        ALTER SOURCE name PAUSE | RESUME PARTITION p         Kafka pause() / resume() of one partition, for every group
        ALTER MATERIALIZED VIEW | SINK name SET PARALLELISM = n
                                                             rescale (\(range(Limits.parallelism))): state and queued rows move to
                                                             the new actors; a sink's write in progress completes
        A change applies at once, to the running object:
          ALTER SOURCE changes             \(Planner.alterableSourceOptions.joined(separator: ", "))
          ALTER TABLE changes              \(Planner.alterableTableOptions.joined(separator: ", "))
          ALTER MATERIALIZED VIEW changes  \(Planner.alterableViewOptions.joined(separator: ", ")), and its parallelism by SET PARALLELISM
          ALTER SINK changes               \(Planner.alterableSinkOptions.joined(separator: ", ")), and its parallelism by SET PARALLELISM
          CREATE fixes the rest            \(fixedOptions) (DROP and CREATE again)
        A view's or sink's actors take the new values with the next chunk or write they start; what they are working
        on finishes at the cost it started with. Partitions are added, never removed, and every group rebalances; a
        rebalance lifts the pauses, as in Kafka.
        The options: .help create source, .help create table, .help create view, .help create sink.
        """, example: """
        ALTER SOURCE clicks SET (rate = 500, pattern = 'burst(on=1s, off=4s)');
        ALTER TABLE users SET (cost = '20us');
        ALTER SOURCE clicks PAUSE PARTITION 1; RUN 1s; ALTER SOURCE clicks RESUME PARTITION 1;
        ALTER MATERIALIZED VIEW spend SET PARALLELISM = 4; ALTER MATERIALIZED VIEW spend SET (cost = '5us');
        CREATE SINK warehouse FROM spend WITH (latency = '20ms'); ALTER SINK warehouse SET (batch = 100);
        ALTER SINK warehouse SET PARALLELISM = 2;
        """),

        StatementHelp(names: ["drop"], text: """
        DROP SOURCE | TABLE | MATERIALIZED VIEW | SINK [IF EXISTS] name
        Removes the object and its actors. What reads it must be dropped first (there is no CASCADE); with
        IF EXISTS, a missing object is a notice, not an error.
        """, example: "DROP SINK IF EXISTS warehouse; DROP MATERIALIZED VIEW spend; DROP SOURCE clicks; DROP TABLE users;"),

        StatementHelp(names: ["inject"], text: """
        INJECT n INTO source [PARTITION p]
        Appends n generated rows (1 to \(Limits.maxInjectRows) at a time) to the source's log now, spread round-robin over
        its partitions, or all into partition p. A source with rate = 0 gets rows only this way; a table takes none.
        """, example: "INJECT 1000 INTO clicks; INJECT 10 INTO clicks PARTITION 1;"),

        StatementHelp(names: ["step", "barrier"], text: """
        STEP              run the next scheduler event and show it (generator ticks
                          with no row due and none expired are passed over, up to 10s)
        STEP n            run n events (at most \(Statement.maxStepEvents)), one line each
        STEP 250ms        advance virtual time, as RUN does
        BARRIER           inject a barrier at every source now
        STEP BARRIER      run until the oldest barrier in flight completes (Ctrl-C stops it)
        """, example: "STEP; STEP 10; STEP 250ms; BARRIER; STEP BARRIER;"),

        StatementHelp(names: ["run"], text: """
        RUN duration
        Advances virtual time by the duration, running every event that falls due; a progress bar shows on a terminal
        and Ctrl-C stops cleanly. Virtual time ends at \(Limits.maxVirtualTime / DurationUnit.hour.nanoseconds)h.
        Durations: 250ms, 1.5s, '2m' (units: \(DurationUnit.list)).
        """, example: "RUN 1s; SHOW SOURCES;"),

        StatementHelp(names: ["watch"], text: """
        WATCH statement [EVERY interval] FOR duration [SPEED factor]
        Runs virtual time for the duration and shows the statement's result every interval
        (default \(VirtualTime.format(Statement.defaultWatchInterval))) and at its end, the clauses in any order. The statement only
        reads: \(watchable); one that fails fails before any time passes.
        Without SPEED it runs as fast as it can; SPEED 1x paces it to the wall clock
        (\(number(Statement.watchSpeeds.lowerBound))x to \(number(Statement.watchSpeeds.upperBound))x, for at most \(Statement.maxPacedWatch / DurationUnit.hour.nanoseconds)h).
        """, example: "WATCH SHOW QUEUES EVERY 200ms FOR 1s; WATCH SELECT * FROM spend ORDER BY total DESC LIMIT 3 FOR 2s;"),

        StatementHelp(names: ["trace"], text: """
        TRACE ON | OFF
        TRACE category [, ...]     only these
        Prints flow-control events as they happen, at their virtual time, during STEP, RUN and WATCH:
        \(SluiceSQL.TraceCategory.allCases.map { "  " + $0.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0) + meaning(of: $0) }.joined(separator: "\n"))
        """, example: "TRACE credit, barriers; STEP 20; TRACE OFF;"),

        StatementHelp(names: ["set", "reset"], text: """
        SET name = value          also SET name TO value; SET name TO DEFAULT resets it
        SHOW name                 its value; SHOW ALL: every variable, its value and what it models
        RESET name                back to its default; RESET ALL: every variable
        Variables and their defaults (.help flow_control, credit, permits, kafka, barriers explain them):
        \(wrapped(SessionVariables.all.map { "\($0.name) = \($0.defaultValue)" }.joined(separator: ", "), width: 80, indent: "  ", first: "  "))
        \(wrapped("Only what is created afterwards takes " + Session.appliesToNewObjectsOnly.sorted().joined(separator: ", ") + " (SET says so).", width: 80, indent: ""))
        """, example: "SET flow_control = permits; SET nodes TO 2; SHOW flow_control; RESET flow_control; SHOW ALL;"),

        StatementHelp(names: ["select"], text: """
        SELECT item, ... FROM relation [alias] [[INNER] JOIN relation [alias] ON a.x = b.y [AND ...]]
          [WHERE condition] [GROUP BY column, ...] [ORDER BY item [ASC | DESC], ...] [LIMIT n] [OFFSET n]
        Items: *, alias.*, expressions [AS name]. GROUP BY takes column names. Expressions: columns, numbers,
        'strings', TRUE, FALSE; + - * / %; = <> != < <= > >=; x [NOT] IN (a, b, ...); x [NOT] BETWEEN a AND b;
        AND, OR, NOT; aggregates.
        Aggregates: \(aggregates).
        Views: in a view or a sink's AS SELECT, one inner equi-join (join a view to join more); no ORDER BY, LIMIT
        or OFFSET.
        Ad hoc: reads one view's or table's current contents (not a source's log), without JOIN; ORDER BY takes an
        output column, its position, or (without GROUP BY) any expression over the columns; OFFSET skips rows and
        LIMIT keeps the first of the rest.
        Not supported: outer, cross and comma joins, USING, subqueries, WITH, DISTINCT, HAVING, UNION,
        window functions (OVER), FILTER, CASE, CAST, IS, IN (SELECT ...), LIKE, NULL.
        """, example: """
        RUN 1s; SELECT * FROM spend ORDER BY total DESC LIMIT 3;
        SELECT count(*) AS users, sum(n) AS clicks FROM spend WHERE total > 100;
        CREATE MATERIALIZED VIEW by_region AS SELECT u.region, count(*) AS n
          FROM clicks c JOIN users u ON c.user_id = u.user_id GROUP BY u.region;
        """),

        StatementHelp(names: ["show", "describe", "desc"], text: """
        \(ShowKind.allCases.map { "SHOW " + $0.sql.padding(toLength: 24, withPad: " ", startingAt: 0) + meaning(of: $0) }.joined(separator: "\n"))
        SHOW METRICS [name]          the real systems' metric names, per actor, fragment (spend.agg) or job
        DESCRIBE name                an object's columns, key and definition (also SHOW COLUMNS FROM name)
        SHOW name                    a session variable (.help set)
        """, example: "SHOW SOURCES; SHOW QUEUES; SHOW METRICS spend; DESCRIBE spend; SHOW chunk_rows;"),

        StatementHelp(names: ["explain"], text: """
        EXPLAIN name                                     a view's or sink's plan: fragments, exchanges, actors, nodes
        EXPLAIN CREATE MATERIALIZED VIEW name AS ...     the plan, without creating it (EXPLAIN CREATE SINK ... too)
        EXPLAIN SELECT ...                               an ad hoc query's batch plan: it runs once over one view or table
        """, example: "EXPLAIN spend; EXPLAIN SELECT * FROM spend ORDER BY total DESC LIMIT 3;"),

        StatementHelp(names: ["plot"], text: """
        PLOT series [, ...] [LAST duration]
        Charts what the engine samples every 100ms; LAST shows only the end. .export FILE.html draws them as SVG.
        \(SeriesMetric.allCases.map { "  " + series($0).padding(toLength: 22, withPad: " ", startingAt: 0) + meaning(of: $0) + " (\($0.unit))" }.joined(separator: "\n"))
        name: an actor (spend.agg.0), a fragment (spend.agg: all its actors) or a job (spend: its last fragment's actors);
        a series draws at most \(Engine.maxPlottedActors) actors, the first \(Engine.maxPlottedActors) in order: name actors to choose others.
        """, example: "RUN 1s; PLOT queue(spend.agg), lag(clicks), barrier_latency LAST 1s;"),
    ]

    /// The examples that create what the others use: a source `clicks`, a table `users`, a view
    /// `spend`. The help of CREATE SOURCE, TABLE and MATERIALIZED VIEW shows them.
    static let exampleCatalog = [
        """
        CREATE SOURCE clicks (user_id INT, url VARCHAR, amount DOUBLE)
          WITH (rate = 2000, pattern = 'poisson', keys = 100, key_skew = 'zipf(1.2)', partitions = 2);
        """,
        "CREATE TABLE users (user_id INT PRIMARY KEY, region VARCHAR) WITH (rows = 100);",
        """
        CREATE MATERIALIZED VIEW spend AS
          SELECT user_id, count(*) AS n, sum(amount) AS total FROM clicks WHERE amount > 10 GROUP BY user_id
          WITH (parallelism = 2, cost = 'exp(20us)');
        """,
    ]

    /// `CREATE SOURCE|TABLE|MATERIALIZED VIEW|SINK, ALTER, DROP, …`: the statements' topics,
    /// those that share a first word together. (`create` alone lists the CREATE topics.)
    static let statementList: String = {
        let names = statements.map { $0.names[0] }
        var groups: [(first: String, rests: [String])] = []
        for name in names where !names.contains(where: { $0.hasPrefix(name + " ") }) {
            let words = name.uppercased().split(separator: " ", maxSplits: 1).map(String.init)
            if words.count == 2, let last = groups.last, last.first == words[0] {
                groups[groups.count - 1].rests.append(words[1])
            } else {
                groups.append((words[0], words.count == 2 ? [words[1]] : []))
            }
        }
        return groups.map { $0.rests.isEmpty ? $0.first : $0.first + " " + $0.rests.joined(separator: "|") }.joined(separator: ", ")
    }()

    // MARK: - Lists from the language and the engine

    private static let types = SluiceSQL.ColumnType.allCases.map(\.rawValue).joined(separator: ", ")

    private static let watchable = Statement.watchable.filter { $0 != "desc" }.map { $0.uppercased() }.joined(separator: ", ")

    private static let aggregates = AggregateFunction.allCases.map { $0 == .count ? "count(*), count(x)" : "\($0.rawValue)(x)" }
        .joined(separator: ", ") + "; x is a number but in count(x)"

    /// The options CREATE takes and ALTER does not change.
    private static func fixed(_ all: [String], _ alterable: [String]) -> String {
        all.filter { !alterable.contains($0) }.joined(separator: ", ")
    }

    /// What ALTER changes of a view or sink: its `SET (...)` options, and its parallelism by `SET PARALLELISM`.
    static func alterableJobOptions(_ options: [String]) -> [String] { options + ["parallelism"] }

    /// `a source's key, segment, seed; …`: per kind of object, the options only CREATE sets.
    private static let fixedOptions = [
        ("a source's", fixed(Planner.sourceOptions, Planner.alterableSourceOptions)),
        ("a table's", fixed(Planner.tableOptions, Planner.alterableTableOptions)),
        ("a view's", fixed(Planner.viewOptions, alterableJobOptions(Planner.alterableViewOptions))),
        ("a sink's", fixed(Planner.sinkOptions, alterableJobOptions(Planner.alterableSinkOptions))),
    ].filter { !$0.1.isEmpty }.map { "\($0.0) \($0.1)" }.joined(separator: ";\n" + String(repeating: " ", count: 35))

    /// `queue(name)`, `lag(source)`, `barrier_latency`.
    private static func series(_ metric: SeriesMetric) -> String {
        switch metric {
        case .lag: "lag(source)"
        case .barrierLatency: metric.rawValue
        case .queue, .busy, .idle, .backpressure, .throughput: metric.rawValue + "(name)"
        }
    }

    private static func meaning(of metric: SeriesMetric) -> String {
        switch metric {
        case .queue: "rows queued at its input"
        case .busy: "time spent working, per second"
        case .idle: "time spent waiting for input, per second"
        case .backpressure: "time spent blocked by a full output, per second"
        case .throughput: "rows it emits per second"
        case .lag: "each consumer group's lag"
        case .barrierLatency: "each completed barrier's latency"
        }
    }

    private static func meaning(of category: SluiceSQL.TraceCategory) -> String {
        switch category {
        case .credit: "backlogs announced, buffers sent, credits granted (flow_control = credit)"
        case .permits: "permits taken and returned (flow_control = permits)"
        case .barriers: "barriers injected, aligned and skipped"
        case .blocking: "senders blocked and unblocked, stalled connections, dropped rows"
        case .kafka: "fetches the broker holds, consumers leaving and rejoining, rebalances"
        }
    }

    private static func meaning(of kind: ShowKind) -> String {
        switch kind {
        case .sources: "each source and table: columns, rate, pattern, partitions, log end, retention"
        case .tables: "each table, as SHOW SOURCES shows a source"
        case .views: "each materialized view: rows, fragments, actors, parallelism, cost, what it reads"
        case .sinks: "each sink: what it reads, rows delivered and per second, log lag, parallelism, writes"
        case .actors: "each actor: input queue, busy / idle / backpressured ms per second, level"
        case .queues: "each channel: rows queued and unsent, credits or permits, drops"
        case .barriers: "barriers in flight and where each is; recent ones with their latency, and expired ones"
        case .checkpoints: "completed epochs: duration, source offsets, state, in-flight rows stored; expired ones"
        case .lag: "per partition: log start and end, position, lag, expired; per consumer group"
        case .ledger: "every row accounted for, per source, channel and actor"
        case .graph: "the dataflow graph, each actor marked OK, LOW or HIGH"
        case .all: "every session variable (.help set)"
        }
    }

    // MARK: - Layout

    /// `text` (items separated by ", ") broken after a comma before `width` columns, the lines
    /// after the first indented by `indent` (the first by `first`).
    static func wrapped(_ text: String, width: Int, indent: String, first: String = "") -> String {
        var lines: [String] = []
        var line = first
        for item in text.components(separatedBy: ", ") {
            let piece = line == first || line == indent ? item : ", " + item
            if line.count + piece.count + 1 > width, line != first, line != indent {
                lines.append(line + ",")
                line = indent + item
            } else {
                line += piece
            }
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }
}
