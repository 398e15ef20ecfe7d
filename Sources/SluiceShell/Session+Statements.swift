import SluiceEngine
import SluiceSQL

/// Executing one parsed statement: define, drive, set, look.
extension Session {
    var planner: Planner { Planner(engine: engine) }

    func run(_ parsed: ParsedStatement, in buffer: String) -> [OutputBlock] {
        do {
            return try dispatch(parsed, in: buffer)
        } catch let error as SQLError {
            return [.error(report(error, in: buffer))]
        } catch let error as EngineError {
            return [.error(report(error))]
        } catch {
            return [.error(ErrorReport(message: "\(error)"))]
        }
    }

    /// `; backfills 3000 rows from v`: a job over views starts from their contents.
    private func backfill(_ rows: Int64, _ spec: JobSpec) -> String {
        guard rows > 0 else { return "" }
        let views = spec.dependsOn.filter { engine.jobSpec($0) != nil }
        return "; backfills \(rows) row\(rows == 1 ? "" : "s") from \(views.joined(separator: ", "))"
    }

    private func dispatch(_ parsed: ParsedStatement, in buffer: String) throws -> [OutputBlock] {
        switch parsed.statement {
        // MARK: Define
        case .createSource(let name, let columns, let options, let isTable):
            let spec = try planner.planSource(name: name, columns: columns, options: options, isTable: isTable)
            try engine.createSource(spec)
            return [.notice(isTable ? "CREATE TABLE (\(spec.tableRows) row\(spec.tableRows == 1 ? "" : "s"))" : "CREATE SOURCE")]
        case .createView(let name, let query, let options):
            let spec = try planner.planView(name: name, query: query, options: options, definition: parsed.text)
            let backfilled = try engine.createJob(spec)
            return [.notice("CREATE MATERIALIZED VIEW (\(describe(spec))\(backfill(backfilled, spec)))")] + drainTrace()
        case .createSink, .createSinkAsSelect:
            let spec = try planner.planJob(parsed.statement, definition: parsed.text)
            let backfilled = try engine.createJob(spec)
            let decoupled = engine.settings.sinkDecouple ? ", decoupled: reads its own log" : ""
            return [.notice("CREATE SINK (\(describe(spec))\(decoupled)\(backfill(backfilled, spec)))")] + drainTrace()
        case .drop(let kind, let name, let ifExists):
            return try drop(kind, name, ifExists: ifExists)
        case .alterSet(let kind, let name, let options):
            return try alter(kind, name, options: options)
        case .alterParallelism(let kind, let name, let parallelism, let range):
            return try rescale(kind, name, parallelism: parallelism, range: range)
        case .alterPartition(let source, let partition, let pause, let range):
            guard let spec = engine.sourceSpec(source.name) else {
                throw SQLError("source \"\(source.name)\" does not exist", at: source.range,
                               hint: Suggest.didYouMean(source.name, among: engine.sourceNames))
            }
            // A table is read once, whole: it has no consumer to pause.
            if spec.isTable {
                throw SQLError("\(source.sql) is a table: only a source's partitions can be paused", at: source.range,
                               hint: "a table is loaded once and read whole; pause a source's partition: ALTER SOURCE name PAUSE PARTITION 0")
            }
            do {
                try engine.setPartitionPaused(source.name, partition: partition, paused: pause)
            } catch {
                throw Session.sqlError(error, at: range)
            }
            return [.notice("ALTER SOURCE: partition \(partition) \(pause ? "paused (consumer.pause)" : "resumed (consumer.resume)")")]
        case .select(let query):
            let result = try planner.select(query)
            return [.table(table(result))]

        // MARK: Drive
        case .inject(let count, let source, let partition):
            if engine.sourceSpec(source.name)?.isTable == true {
                throw SQLError("\(source.sql) is a table: INJECT appends to a source's log", at: source.range,
                               hint: "a table is loaded once, with CREATE TABLE ... WITH (rows = N)")
            }
            guard let spec = engine.sourceSpec(source.name) else {
                let sources = engine.sourceSnapshots().filter { !$0.isTable }.map(\.name)
                throw SQLError("source \"\(source.name)\" does not exist", at: source.range,
                               hint: Suggest.didYouMean(source.name, among: sources))
            }
            do {
                try engine.inject(count, into: source.name, partition: partition)
            } catch {
                throw Session.sqlError(error, at: parsed.valueRange ?? source.range)
            }
            let where_ = partition.map { "partition \($0) of \(source.name)" } ?? "\(source.name) (\(spec.partitions) partition\(spec.partitions == 1 ? "" : "s"))"
            return drainTrace() + [.notice("INJECT \(count): appended to \(where_)")]
        case .step(let amount):
            return try step(amount, at: parsed.range, durationAt: parsed.valueRange)
        case .run(let duration):
            return try runFor(duration, at: parsed.valueRange)
        case .barrier:
            let epoch: Int64
            do {
                epoch = try engine.injectBarrier()
            } catch {
                throw SQLError(error.description, at: parsed.range,
                               hint: "barriers travel from sources through views to sinks: CREATE MATERIALIZED VIEW or CREATE SINK first")
            }
            var notice = "BARRIER: epoch \(epoch) injected at \(VirtualTime.formatSeconds(engine.now))"
            if engine.checkpoints.last?.epoch == epoch {
                // Nothing queued in its way: every actor passed it within the instant.
                notice += ", and completed at once: no data queued in its way (latency 0s)"
            }
            return drainTrace() + [.notice(notice)]
        case .watch(let show, let every, let duration, let speed):
            return try watch(show, every: every, duration: duration, speed: speed, buffer: buffer, spanAt: parsed.valueRange)
        case .trace(let setting):
            return trace(setting)

        // MARK: Variables
        case .set(let name, let value):
            return try set(name, value, valueRange: parsed.valueRange)
        case .showVariable(let name):
            return try showVariable(name)
        case .reset(let name):
            return try set(name, nil, valueRange: nil)
        case .resetAll:
            try engine.apply(EngineSettings())
            return [.notice("RESET ALL")]

        // MARK: Look
        case .show(let kind):
            return try show(kind)
        case .showMetrics(let actor):
            return try showMetrics(actor)
        case .describe(let name):
            return try describe(name)
        case .resetMetrics:
            engine.resetMetrics()
            return [.notice("RESET METRICS: the averaging window starts at \(VirtualTime.formatSeconds(engine.now))")]
        case .explainCreate(let create):
            return [.text(Explain(engine: engine).text(try planner.planJob(create, definition: create.sql)))]
        case .explainSelect(let query):
            return [.text(try planner.explainSelect(query))]
        case .explainName(let name):
            guard let spec = engine.jobSpec(name.name) else {
                throw SQLError("\"\(name.name)\" is not a materialized view or sink", at: name.range,
                               hint: Suggest.didYouMean(name.name, among: engine.jobNames))
            }
            return [.text(Explain(engine: engine).text(spec))]
        case .diagnose:
            return diagnose()
        case .plot(let series, let last):
            return try plot(series, last: last)
        case .help(let topic):
            guard let text = Help.text(topic: topic, settings: engine.settings) else {
                let unknown = Help.unknown(topic ?? "")
                throw SQLError(unknown.message, at: parsed.valueRange, hint: unknown.hint)
            }
            return [.prose(text)]
        }
    }

    private func describe(_ spec: JobSpec) -> String {
        let actors = spec.fragments.reduce(0) { $0 + $1.parallelism }
        return "\(spec.fragments.count) fragment\(spec.fragments.count == 1 ? "" : "s"), \(actors) actor\(actors == 1 ? "" : "s")"
    }

    func table(_ result: SelectResult) -> ResultTable {
        let columns = result.schema.columns.map {
            ResultColumn($0.name, alignment: $0.type.isNumeric ? .right : .left)
        }
        let rows = result.rows.map { row in
            row.map { value -> ResultValue in
                switch value {
                case .int(let v): .int(v)
                case .double(let v): .real(v)
                case .string(let s): .text(s)
                case .bool(let b): .boolean(b)
                case .null: .null
                }
            }
        }
        return ResultTable(columns: columns, rows: rows)
    }

    // MARK: DDL helpers

    /// What `name` is in the catalog, if anything.
    private func kind(of name: String) -> ObjectKind? {
        if let s = engine.sourceSpec(name) { return s.isTable ? .table : .source }
        if let j = engine.jobSpec(name) { return j.kind == .sink ? .sink : .materializedView }
        return nil
    }

    private func drop(_ kind: ObjectKind, _ name: Identifier, ifExists: Bool) throws -> [OutputBlock] {
        guard let actual = self.kind(of: name.name) else {
            if ifExists { return [.notice("NOTICE: \(kind.noun) \"\(name.name)\" does not exist, skipping")] }
            let names = engine.sourceNames + engine.jobNames
            throw SQLError("\(kind.noun) \"\(name.name)\" does not exist", at: name.range,
                           hint: Suggest.didYouMean(name.name, among: names))
        }
        guard actual == kind else {
            throw SQLError("\"\(name.name)\" is not a \(kind.noun)", at: name.range, hint: "use DROP \(actual.sql) \(name.sql)")
        }
        do {
            try engine.drop(name.name)
        } catch {
            if case .hasDependents(_, _, let dependents) = error {
                throw SQLError("cannot drop \(kind.noun) \(name.sql) because other objects depend on it", at: name.range,
                               hint: "drop \(dependents.map { Identifier($0).sql }.joined(separator: ", ")) first")
            }
            throw error
        }
        return [.notice("DROP \(kind.sql)")]
    }

    /// `ALTER kind name SET (...)`: a source's generator and costs, a table's cost, a view's
    /// cost, a sink's write options and cost. The planner checks every option before the
    /// engine changes anything.
    private func alter(_ kind: ObjectKind, _ name: Identifier, options: [WithOption]) throws -> [OutputBlock] {
        try requireAlterable(kind, name)
        switch kind {
        case .source, .table:
            let spec = try planner.alterSource(name, options: options, isTable: kind == .table)
            try engine.alterSource(name.name) { $0 = spec }
            return [.notice("ALTER \(kind.sql)")]
        case .materializedView, .sink:
            let spec = try planner.alterJob(name, kind: kind == .sink ? .sink : .materializedView, options: options)
            try engine.alterJob(name.name) { $0 = spec }
            return [.notice("ALTER \(kind.sql)")]
        }
    }

    /// ALTER's target must exist and be of the kind the statement names; otherwise the error
    /// says what it is and what ALTER can do to that.
    private func requireAlterable(_ kind: ObjectKind, _ name: Identifier) throws(SQLError) {
        guard let actual = self.kind(of: name.name) else {
            let names = kind == .source || kind == .table ? engine.sourceNames : engine.jobNames
            throw SQLError("\(kind.noun) \"\(name.name)\" does not exist", at: name.range,
                           hint: Suggest.didYouMean(name.name, among: names))
        }
        guard actual == kind else {
            throw SQLError("\"\(name.name)\" is not a \(kind.noun)", at: name.range,
                           hint: "it is a \(actual.noun): \(Session.alterExample(actual, name.sql))")
        }
    }

    /// An engine error about a statement's value, at that value: a partition that is not
    /// there says which ones are.
    static func sqlError(_ error: EngineError, at range: SourceRange?) -> SQLError {
        guard case .invalidPartition(let source, let partition, let partitions) = error else {
            return SQLError(error.description, at: range)
        }
        let name = Identifier(source).sql
        return SQLError("source \(name) has no partition \(partition)", at: range,
                        hint: partitions == 1 ? "\(name) has one partition: PARTITION 0"
                                              : "\(name) has \(partitions) partitions: PARTITION 0 to \(partitions - 1)")
    }

    /// What ALTER can do to an object of `kind`, as an example; `name` as SQL.
    private static func alterExample(_ kind: ObjectKind, _ name: String) -> String {
        switch kind {
        case .source: "ALTER SOURCE \(name) SET (rate = 500)"
        case .table: "ALTER TABLE \(name) SET (cost = '1ms')"
        case .materializedView: "ALTER MATERIALIZED VIEW \(name) SET PARALLELISM = 4"
        case .sink: "ALTER SINK \(name) SET (throughput = 500) or SET PARALLELISM = 4"
        }
    }

    private func rescale(_ kind: ObjectKind, _ name: Identifier, parallelism: Int, range: SourceRange) throws -> [OutputBlock] {
        try requireAlterable(kind, name)
        guard let spec = engine.jobSpec(name.name) else { return [] }
        let before = spec.fragments.last?.parallelism ?? 1
        guard Limits.parallelism.contains(parallelism) else {
            throw SQLError("parallelism \(parallelism) is out of range: expected \(Limits.parallelism.lowerBound) to \(Limits.parallelism.upperBound)", at: range,
                           hint: "\(name.sql) runs at parallelism \(before) now"
                               + (parallelism < Limits.parallelism.lowerBound ? "; DROP \(kind.sql) \(name.sql) removes it" : ""))
        }
        guard try engine.rescale(name.name, parallelism: parallelism, definition: Planner.definition(spec.definition, parallelism: parallelism)) else {
            return [.notice("ALTER \(kind.sql): parallelism is already \(parallelism), nothing to do")]
        }
        return [.notice("ALTER \(kind.sql): parallelism \(before) → \(parallelism)")]
    }

    // MARK: Variables

    /// For a real system's configuration key (`max.poll.records`), the variable Sluice models
    /// it with, and how to use it.
    static func realNameHint(_ key: String, _ usage: (String) -> String) -> String? {
        SessionVariables.variable(forRealName: key).map { "Sluice calls it \($0): " + usage($0) }
    }

    /// A value as PostgreSQL quotes it in a message: a word or string as written, unquoted.
    static func plain(_ value: OptionValue) -> String {
        switch value {
        case .identifier(let text), .string(let text): text
        default: value.sql
        }
    }

    private func set(_ name: Identifier, _ value: OptionValue?, valueRange: SourceRange?) throws -> [OutputBlock] {
        guard let variable = SessionVariables.named(name.name) else {
            throw SQLError("unrecognized configuration parameter \"\(name.name)\"", at: name.range,
                           hint: Self.realNameHint(name.name) { "SET \($0) = ..." }
                               ?? Suggest.nearest(name.name, among: SessionVariables.names).map { "did you mean \($0)?" }
                               ?? "SHOW ALL lists the variables")
        }
        var settings = engine.settings
        if let value {
            if case .failure(let e) = variable.assign(value, to: &settings) {
                // PostgreSQL's form, unless the reason says more than that the value is invalid.
                let message = e.message.hasPrefix("invalid value ") ? "invalid value for parameter \"\(name.name)\": \"\(Self.plain(value))\""
                    : "invalid value for parameter \"\(name.name)\": \(e.message)"
                throw SQLError(message, at: valueRange ?? name.range, hint: e.hint)
            }
        } else {
            variable.reset(&settings)
        }
        if let e = SessionVariables.conflict(changing: variable.name, in: settings) {
            let what = value == nil ? "cannot reset parameter \"\(name.name)\" to its default" : "invalid value for parameter \"\(name.name)\""
            throw SQLError("\(what): \(e.message)", at: valueRange ?? name.range, hint: e.hint)
        }
        let before = variable.value(in: engine.settings)
        do {
            try engine.apply(settings)
        } catch {
            throw SQLError(error.description, at: valueRange ?? name.range)
        }
        let verb = value == nil ? "RESET" : "SET"
        // Say so when what exists keeps the old value (psql's "takes effect for new sessions").
        let jobs = engine.jobNames
        if Session.appliesToNewObjectsOnly.contains(variable.name), !jobs.isEmpty, variable.value(in: settings) != before {
            return [.notice(Session.laterNotice(verb: verb, variable: variable.name, before: before, jobs: jobs))]
        }
        return [.notice(verb)]
    }

    /// What SET of a variable in `appliesToNewObjectsOnly` says when views or sinks exist.
    /// `nodes` and the buffer size are read whenever actors or channels are made, and a
    /// rescale (ALTER … SET PARALLELISM) makes the view's anew: what exists keeps the old
    /// value only until then. The others are fixed when the view or sink is created.
    static func laterNotice(verb: String, variable name: String, before: String, jobs: [String]) -> String {
        let one = jobs.count == 1
        switch name {
        case "nodes":
            return "\(verb): nodes places actors created from now on (by CREATE, or by a rescale with ALTER … SET PARALLELISM); "
                + "\(one ? jobs[0] + "'s actors stay" : "the actors of the \(jobs.count) that exist stay") where they are, on \(before) node\(before == "1" ? "" : "s")"
        case "buffer_bytes", "buffer_rows":
            return "\(verb): \(name) applies to channels made from now on (by CREATE, or by a rescale with ALTER … SET PARALLELISM); "
                + "\(one ? jobs[0] + "'s channels keep" : "the channels of the \(jobs.count) that exist keep") \(name) = \(before)"
        default:
            return "\(verb): \(name) applies to views and sinks created from now on; "
                + "\(one ? jobs[0] + " keeps" : "the \(jobs.count) that exist keep") \(name) = \(before)"
        }
    }

    /// Variables read when a view or sink is planned or its channels are made, never after.
    static let appliesToNewObjectsOnly: Set<String> = ["buffer_bytes", "buffer_rows", "nodes", "streaming_enable_unaligned_join",
                                                       "sink_decouple", "auto_offset_reset"]

    private func showVariable(_ name: Identifier) throws -> [OutputBlock] {
        guard let variable = SessionVariables.named(name.name) else {
            throw SQLError("unrecognized configuration parameter \"\(name.name)\"", at: name.range,
                           hint: Self.realNameHint(name.name) { "SHOW \($0)" }
                               ?? Suggest.nearest(name.name, among: SessionVariables.names + ShowKind.keywords).map { "did you mean \($0)?" }
                               ?? "SHOW ALL lists the variables; SHOW SOURCES, VIEWS, SINKS, ACTORS, QUEUES, BARRIERS, LAG, LEDGER, GRAPH, METRICS inspect")
        }
        // A setting: shown as text, and as a number or boolean in JSON.
        return [.table(ResultTable(columns: [ResultColumn(variable.name)], rows: [[.setting(variable.value(in: engine.settings))]]))]
    }

    // MARK: Trace

    private func trace(_ setting: TraceSetting) -> [OutputBlock] {
        switch setting {
        case .on: engine.traceCategories = Set(SluiceEngine.TraceCategory.allCases)
        case .off: engine.traceCategories = []
        case .categories(let list):
            engine.traceCategories = Set(list.compactMap { SluiceEngine.TraceCategory(rawValue: $0.rawValue) })
        }
        let on = SluiceEngine.TraceCategory.allCases.filter { engine.traceCategories.contains($0) }.map(\.rawValue)
        return [.notice(on.isEmpty ? "TRACE OFF" : "TRACE ON: " + on.joined(separator: ", "))]
    }

    /// The flow-control events recorded since the last statement, one line each.
    func drainTrace() -> [OutputBlock] {
        let events = engine.drainTrace()
        guard !events.isEmpty else { return [] }
        let lines = events.map { e in
            "\(VirtualTime.formatSeconds(e.time).padding(toLength: 9, withPad: " ", startingAt: 0)) \(e.category.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(e.text)"
        }
        return [.text(lines.joined(separator: "\n"))]
    }
}
