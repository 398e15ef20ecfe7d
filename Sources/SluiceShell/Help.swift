import SluiceEngine
import SluiceSQL

/// `.help` and `.help TOPIC` (and the `HELP` statement): short, with an example each. A topic
/// is a mechanism (`flow_control`, `credit`, …, below) or a statement (`create source`,
/// `select`, …, in `Help+Statements.swift`), named in any case, its words one or more blanks
/// apart.
enum Help {
    /// The help on `topic`, or the overview without one; nil when there is no help on it.
    /// `settings` are the session's, which the text quotes where they change what it says.
    static func text(topic: String?, settings: EngineSettings = EngineSettings()) -> String? {
        guard let topic else { return overview }
        return lookup(topic).map { $0(settings) }
    }

    /// The help's prose, written in the source as lines of any length, as paragraphs of one
    /// line each, which the renderer wraps to the width it draws at (`OutputBlock.prose`).
    /// A line joins the one before it unless it is laid out by hand (a statement's syntax,
    /// its first lines, those that start with a keyword; an indented line; columns, three
    /// blanks apart), starts a part of its own (`Example:`, `Types:`, `Options (…):`), or
    /// follows a line ending in a colon.
    static func paragraphs(_ text: String, syntaxFirst: Bool = false) -> String {
        var out: [String] = []
        var joinable = false
        var inSyntax = syntaxFirst
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let keyword = line.prefix { !$0.isWhitespace }
            inSyntax = inSyntax && keyword.count > 1 && keyword.allSatisfy(\.isUppercase)
            let laidOut = inSyntax || line.isEmpty || line.hasPrefix(" ") || line.contains("   ")
            if joinable && !laidOut && !startsAPart(line) {
                out[out.count - 1] += " " + line
            } else {
                out.append(line)
            }
            joinable = !laidOut && !line.hasSuffix(":")
        }
        return out.joined(separator: "\n")
    }

    /// `Example: …`, `Not supported: …`, `Options (* …):`: a label of up to three words,
    /// capitalised, and a colon (or a parenthesis) begin a part of a statement's help.
    private static func startsAPart(_ line: String) -> Bool {
        guard let first = line.split(separator: " ", maxSplits: 1).first, first.first?.isUppercase == true else { return false }
        if let colon = line.firstIndex(of: ":"), line[..<colon].split(separator: " ").count <= 3 { return true }
        return first.dropFirst().allSatisfy(\.isLowercase) && line.dropFirst(first.count).hasPrefix(" (") && line.hasSuffix(":")
    }

    /// The error for a topic there is no help on, with the nearest topic and the lists.
    static func unknown(_ topic: String) -> (message: String, hint: String) {
        let list = "topics: " + topicList + "; statements: " + statementList
        let near = Suggest.nearest(normalized(topic), among: allNames)
        return ("no help on \(topic)", near.map { "did you mean \($0)? " + list } ?? list)
    }

    static let topicList = topics.map { $0.names[0] }.joined(separator: ", ")

    /// Every name a topic answers to: mechanisms', the statements' list, statements'.
    static let allNames = topics.flatMap(\.names) + ["statements"] + statements.flatMap(\.names)

    /// `.help statements`: which statements have help, as psql's `\h` alone lists them.
    static let statementIndex = """
        .help NAME shows a statement's syntax, options and an example (any case; HELP NAME; too):
        \(wrapped(statementList, width: 80, indent: "  ", first: "  "))
        For example: .help create source, .help select, HELP ALTER;
        """

    // MARK: - Lookup

    /// `  CREATE   Source; ` → `create source`: the words as names are written.
    static func normalized(_ topic: String) -> String {
        var words = topic.lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
        if let last = words.last, last.hasSuffix(";") {
            words[words.count - 1] = String(last.dropLast())
            if words[words.count - 1].isEmpty { words.removeLast() }
        }
        return words.joined(separator: " ")
    }

    /// The text of the topic `topic` names: a mechanism or a statement, by any of its names.
    /// A name followed by more words is that name's topic, the longest name that starts the
    /// words (`show queues` is SHOW, `create source source` CREATE SOURCE, as psql's `\h`
    /// takes them), unless only the first word names one and the whole is a likely
    /// misspelling of a longer name that starts with it (`create sourc`), which is reported
    /// instead. (`alter materialized view` is ALTER, however near `create materialized view`.)
    static func lookup(_ topic: String) -> (@Sendable (EngineSettings) -> String)? {
        let name = normalized(topic)
        if let found = exactly(name) { return found }
        let words = name.split(separator: " ").map(String.init)
        for count in stride(from: words.count - 1, through: 1, by: -1) {
            guard let found = exactly(words.prefix(count).joined(separator: " ")) else { continue }
            if count == 1, let near = Suggest.nearest(name, among: allNames), near.split(separator: " ").first.map(String.init) == words[0],
               near.contains(" ") { return nil }
            return found
        }
        return nil
    }

    /// The topic or statement `name` is one of the names of.
    private static func exactly(_ name: String) -> (@Sendable (EngineSettings) -> String)? {
        if let found = topics.first(where: { $0.names.contains(name) }) { return { paragraphs(found.text($0)) } }
        if name == "statements" { return { _ in statementIndex } }
        if let found = statements.first(where: { $0.names.contains(name) }) { return { _ in found.rendered } }
        return nil
    }

    /// The words that may follow `typed` in a topic's name, among `names`: every first word
    /// after `.help`, `source`, `table`, … after `.help create`.
    static func nextWords(after typed: [String], among names: [String]) -> [String] {
        let typed = typed.map { $0.lowercased() }
        var result: [String] = []
        for name in names {
            let words = name.split(separator: " ").map(String.init)
            if words.count > typed.count, Array(words.prefix(typed.count)) == typed, !result.contains(words[typed.count]) {
                result.append(words[typed.count])
            }
        }
        return result
    }

    // MARK: - Overview

    /// Every kind of statement and every dot-command. The lists of SHOW targets, TRACE
    /// categories, PLOT series, flow-control schemes, modes and topics come from the
    /// parser's and the engine's own enums; `syntax(of:)` is what each statement kind must
    /// be shown as, which a test checks against the parser's kinds.
    static let overview = """
    Statements end with ';' and may span lines. Dot-commands are one line.

    Define   CREATE SOURCE s (col type, ...) [WITH (rate = n, pattern = 'poisson', ...)];
             CREATE TABLE t (col type PRIMARY KEY, ...) [WITH (rows = n)];
             CREATE MATERIALIZED VIEW v AS SELECT ... [WITH (parallelism = n, cost = '20us')];
             CREATE SINK k FROM v [WITH (...)]; CREATE SINK k AS SELECT ... [WITH (...)];
             DROP SOURCE|TABLE|MATERIALIZED VIEW|SINK [IF EXISTS] name;
             ALTER SOURCE s SET (rate = n, ...); ALTER TABLE t SET (cost = '20us');
             ALTER MATERIALIZED VIEW v SET (cost = '20us'); ALTER SINK k SET (throughput = n, ...);
             ALTER MATERIALIZED VIEW v | SINK k SET PARALLELISM = n; ALTER SOURCE s PAUSE|RESUME PARTITION p
    Drive    INJECT n INTO s [PARTITION p]; STEP [n | 250ms | BARRIER]; RUN 30s; BARRIER;
             TRACE ON|OFF; TRACE \(traceCategories) [, ...];
             WATCH SHOW QUEUES [EVERY 200ms] FOR 10s [SPEED 1x]
    Choose   SET name = value, e.g. SET flow_control = \(FlowControlKind.allCases.map(\.rawValue).joined(separator: "|"));
             SHOW name; SHOW ALL; RESET name; RESET ALL
    Look     SHOW \(showTargets);
             SHOW METRICS [actor]; SELECT ... FROM view; DESCRIBE name; DIAGNOSE; RESET METRICS;
             EXPLAIN view; EXPLAIN CREATE ...; EXPLAIN SELECT ...;
             PLOT \(plotSeries) [LAST 30s]
    Help     HELP [topic]; is .help [topic]; a statement's syntax: .help CREATE SOURCE; .help statements

    .help [TOPIC]   topics: \(topicList)
    .mode \(OutputMode.allCases.map(\.rawValue).joined(separator: "|")) .timer on|off .read FILE.sql .quit .exit
    .save [NAME] .open NAME .sessions .delete NAME .replay NAME [--step] [--verify]
    .cells [N] .rerun N .rewind N .edit N .export FILE.md|FILE.html
    """

    static let traceCategories = SluiceSQL.TraceCategory.allCases.map(\.rawValue).joined(separator: "|")

    /// What SHOW lists (`SHOW ALL` is under Choose, with the variables).
    static let showTargets = ShowKind.allCases.filter { $0 != .all }.map(\.sql).joined(separator: "|")

    /// `queue|busy|…(actor), lag(source), barrier_latency`: the series and what each takes.
    static let plotSeries: String = {
        let onActors = SeriesMetric.allCases.filter { $0.needsTarget && $0 != .lag }.map(\.rawValue)
        let rest = SeriesMetric.allCases.filter { !($0.needsTarget && $0 != .lag) }
            .map { $0 == .lag ? "lag(source)" : $0.rawValue }
        return ([onActors.joined(separator: "|") + "(actor)"] + rest).joined(separator: ", ")
    }()

    /// How the overview shows a kind of statement: a test checks that it does.
    static func syntax(of kind: StatementKind) -> String {
        switch kind {
        case .createSource: "CREATE SOURCE s ("
        case .createTable: "CREATE TABLE t (col type PRIMARY KEY"
        case .createView: "CREATE MATERIALIZED VIEW v AS SELECT"
        case .createSink: "CREATE SINK k FROM v"
        case .createSinkAsSelect: "CREATE SINK k AS SELECT"
        case .drop: "DROP SOURCE|TABLE|MATERIALIZED VIEW|SINK"
        case .dropIfExists: "[IF EXISTS] name"
        case .alterSet: "ALTER SOURCE s SET ("
        case .alterParallelism: "ALTER MATERIALIZED VIEW v | SINK k SET PARALLELISM = n"
        case .alterPartition: "ALTER SOURCE s PAUSE|RESUME PARTITION p"
        case .select: "SELECT ... FROM view"
        case .inject: "INJECT n INTO s"
        case .injectPartition: "INJECT n INTO s [PARTITION p]"
        case .step: "STEP [n"
        case .stepDuration: "STEP [n | 250ms"
        case .stepBarrier: "STEP [n | 250ms | BARRIER]"
        case .run: "RUN 30s"
        case .barrier: "; BARRIER;"
        case .watch: "WATCH SHOW QUEUES [EVERY 200ms] FOR 10s"
        case .traceOnOff: "TRACE ON|OFF"
        case .traceCategories: "TRACE " + traceCategories
        case .set: "SET name = value"
        case .showVariable: "SHOW name"
        case .reset: "RESET name"
        case .resetAll: "RESET ALL"
        case .show: "SHOW " + showTargets
        case .showMetrics: "SHOW METRICS [actor]"
        case .describe: "DESCRIBE name"
        case .resetMetrics: "RESET METRICS"
        case .explainCreate: "EXPLAIN CREATE ..."
        case .explainName: "EXPLAIN view"
        case .explainSelect: "EXPLAIN SELECT ..."
        case .diagnose: "DIAGNOSE"
        case .plot: "PLOT " + plotSeries
        case .help: "HELP [topic]"
        }
    }

    // MARK: - Topics

    private static let defaults = EngineSettings()

    /// Each topic: its names, and its text for the session's settings.
    static let topics: [(names: [String], text: @Sendable (EngineSettings) -> String)] = [
        (["flow_control", "schemes"], { _ in """
        flow_control chooses what happens when a receiver is slower than its sender:
          credit     Flink >= 1.5: the receiver grants one credit per free buffer; the sender blocks at 0 credit
          permits    RisingWave: row permits per channel (2048), returned in batches of 256 on remote channels
          tcp        Flink < 1.5: channels between two nodes share one connection; one full receiver stalls all
          unbounded  never blocks: the queue and memory grow
          drop_tail  a full channel drops arriving rows (counted in SHOW LEDGER); drop_head drops the oldest
        Example: SET flow_control = permits; RUN 10s; SHOW QUEUES;
        """ }),
        (["credit", "flink"], { settings in """
        Credit-based flow control (FLINK-7282). Each channel has buffers_per_channel exclusive buffers
        (now \(settings.buffersPerChannel), default \(defaults.buffersPerChannel)); each input gate shares floating_buffers_per_gate (now \(settings.floatingBuffersPerGate), default \(defaults.floatingBuffersPerGate)).
        The sender announces its backlog; the receiver asks for backlog + buffers_per_channel buffers
        (backlog + \(settings.buffersPerChannel) now), taking floating ones for those it lacks, and grants a credit per buffer.
        Zero credit blocks that channel only. On a remote channel the sender keeps up to
        max_buffers_per_channel unsent buffers (now \(settings.maxBuffersPerChannel), default \(defaults.maxBuffersPerChannel)) from an output pool of
        channels × buffers_per_channel + floating_buffers_per_gate, and stops when either runs out.
        Example: SET buffers_per_channel = 0; SET floating_buffers_per_gate = 3; SET buffer_rows = 1;
                 TRACE credit; INJECT 5 INTO s; STEP 20;
        """ }),
        (["permits", "risingwave"], { settings in """
        RisingWave's exchange: each channel holds exchange_initial_permits row permits (now \(settings.exchangeInitialPermits),
        default \(defaults.exchangeInitialPermits)); a chunk takes min(rows, initial - batched) of them (min(rows, \(settings.exchangeInitialPermits - settings.exchangeBatchedPermits)) now);
        a barrier takes one of exchange_concurrent_barriers barrier permits (now \(settings.exchangeConcurrentBarriers)). Local receivers
        return permits as they dequeue; remote ones return them exchange_batched_permits at a time (now
        \(settings.exchangeBatchedPermits), default \(defaults.exchangeBatchedPermits)).
        Example: SET flow_control = permits; SET nodes = 2; TRACE permits; RUN 100ms;
        """ }),
        (["tcp"], { _ in """
        Flink before 1.5 multiplexed every channel between two TaskManagers over one TCP connection. When one
        receiver had no buffer, Flink stopped reading the connection: unrelated channels stalled too.
        Example: SET nodes = 2; SET flow_control = tcp; (two pipelines, one slow sink) RUN 30s; SHOW SINKS;
        """ }),
        (["kafka", "lag"], { _ in """
        A source is a partitioned log plus a generator. Consumers pull (max_poll_records per poll); when the
        pipeline is backpressured the lag grows, and past retention whole segments expire (counted).
        A job's source actors form one consumer group: one that goes max_poll_interval_ms without poll()
        (busy, or blocked by backpressure) leaves it and its partitions are rebalanced; a pause does not survive
        a rebalance. fetch_min_bytes / fetch_max_wait_ms make the broker hold a fetch until enough bytes are ready.
        Example: ALTER SOURCE clicks PAUSE PARTITION 0; RUN 10s; SHOW LAG; ALTER SOURCE clicks RESUME PARTITION 0;
        """ }),
        (["barriers", "checkpoints"], { settings in """
        Barriers are injected every barrier_interval_ms (now \(settings.barrierIntervalMs), default \(defaults.barrierIntervalMs)) or by BARRIER,
        travel with the data, align at multi-input actors, and complete when every actor has passed them (a
        source as it emits one). Latency = completion - injection (meta_barrier_duration_seconds); on an idle
        pipeline a barrier completes at once. checkpoint_mode = unaligned lets barriers overtake data;
        streaming_enable_unaligned_join puts a log store after joins; sink_decouple gives sinks their own log.
        barrier_cost (now \(settings.barrierCost), default free) is each actor's work per barrier, after sending it on;
        a shorter barrier_interval_ms reacts sooner and costs more of every actor's time (lesson 15).
        A checkpoint not complete checkpoint_timeout_ms after injection (now \(settings.checkpointTimeoutMs), default \(defaults.checkpointTimeoutMs);
        0 never) expires, as in Flink: it is aborted everywhere and its barriers are ignored (lesson 16). With unaligned
        checkpoints, a positive aligned_checkpoint_timeout_ms (now \(settings.alignedCheckpointTimeoutMs)) starts each aligned and turns it unaligned that old.
        Example: BARRIER; SHOW BARRIERS; STEP BARRIER;
        """ }),
        (["metrics", "diagnose"], { _ in """
        Per actor, over the window since RESET METRICS: busyTimeMsPerSecond, idleTimeMsPerSecond,
        backPressuredTimeMsPerSecond (Flink; they add up to 1000), the output blocking time ratio (RisingWave).
        Backpressure level: OK <= 10%, LOW <= 50%, HIGH > 50%. DIAGNOSE finds the frontmost actor that is busy,
        not backpressured (OK), with an upstream backpressured LOW or HIGH (LOW: only if its input never runs dry);
        or a busy source whose consumer lag grows; or a decoupled sink (sink_decouple) whose own log grows; or,
        where nothing backpressures, a busy actor whose input grows (unbounded) or drops rows (drop_tail, drop_head).
        Example: RUN 10s; SHOW ACTORS; DIAGNOSE; PLOT backpressure(spend) LAST 10s;
        """ }),
        (["notebook", "sessions", "replay"], { _ in """
        Every cell is recorded (a script's only after .save NAME). .save NAME names the session; .open NAME rebuilds
        it; .replay NAME --step shows each cell and runs it on Enter; .rewind N goes back; .edit N changes a cell and
        re-runs the rest; .export FILE.html.
        .delete NAME deletes a saved session with its cells (not the one this shell is recording).
        Ctrl-C during .rewind, .edit or .open cancels the whole command: nothing changes. One shell records into
        a session: .open of one another sluice is recording into continues in a copy (NAME-2). A cell that cannot
        be saved is reported at once and recording stops; .save NAME saves the whole notebook again.
        From the command line: sluice replay NAME --verify; sluice export NAME --to notebook.html;
        sluice sessions; sluice delete NAME (each takes --db PATH, before or after its name)
        """ }),
    ]
}
