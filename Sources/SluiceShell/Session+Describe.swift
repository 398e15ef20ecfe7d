import SluiceEngine
import SluiceSQL

/// DESCRIBE: one object's columns, then what it is and what it is made of.
extension Session {
    func describe(_ name: Identifier) throws -> [OutputBlock] {
        if let source = engine.sourceSpec(name.name) { return describe(source) }
        if let job = engine.jobSpec(name.name) { return describe(job) }
        throw SQLError("\"\(name.name)\" does not exist", at: name.range,
                       hint: Suggest.didYouMean(name.name, among: engine.sourceNames + engine.jobNames)
                           ?? "SHOW SOURCES, SHOW VIEWS and SHOW SINKS list what exists")
    }

    private func describe(_ source: SourceSpec) -> [OutputBlock] {
        // A table's key: its PRIMARY KEY as declared, or a key that no two rows share
        // (keys ≥ rows), or one they do.
        let keyNote = !source.isTable ? "key: \(source.keys) keys, \(source.keyDistribution)"
            : source.primaryKey == source.keyColumn ? "primary key"
            : source.keys >= source.tableRows ? "key: unique, \(source.tableRows) rows" : "key: \(source.keys) keys over \(source.tableRows) rows"
        let columns = columnsTable(source.schema) { $0 == source.keyColumn ? keyNote : "" }
        var facts: [String]
        if source.isTable {
            facts = ["\(source.tableRows) rows"]
        } else {
            facts = ["a log of \(source.partitions) partition\(source.partitions == 1 ? "" : "s")",
                     "rate \(VirtualTime.formatNumber(source.rate)) rows/s, \(source.pattern)",
                     "retention " + (source.retention.map(VirtualTime.format) ?? "forever")]
        }
        if source.cost != .free { facts.append("cost \(source.cost) per row") }
        if source.pollCost != .free { facts.append("poll_cost \(source.pollCost) per poll") }
        let readers = engine.jobNames.filter { engine.jobSpec($0)?.dependsOn.contains(source.name) == true }
        facts.append(readers.isEmpty ? "read by nothing yet" : "read by " + Session.sqlNames(readers))
        return [.table(columns), .notice("\(source.isTable ? "table" : "source") \(Identifier(source.name).sql): " + facts.joined(separator: "; "))]
    }

    private func describe(_ job: JobSpec) -> [OutputBlock] {
        let primaryKey: [Int]
        if case .materialize(let pk)? = job.fragments.last?.operators.last { primaryKey = pk } else { primaryKey = [] }
        let columns = columnsTable(job.outputSchema) { primaryKey.contains($0) ? "primary key" : "" }
        let actors = job.fragments.reduce(0) { $0 + $1.parallelism }
        var facts = ["\(job.fragments.count) fragment\(job.fragments.count == 1 ? "" : "s"), \(actors) actor\(actors == 1 ? "" : "s")",
                     "reads " + Session.sqlNames(job.dependsOn)]
        switch job.kind {
        case .materializedView:
            if primaryKey.isEmpty { facts.append("no primary key: its rows are a multiset") }
        case .sink:
            if let sink = job.sink {
                facts.append("writes " + (sink.throughput.map { "\(VirtualTime.formatNumber($0)) rows/s" } ?? "without a limit")
                             + " in batches of up to \(sink.batch), \(VirtualTime.format(sink.latency)) per write")
            }
        }
        // The job's `cost` option, as CREATE or the last ALTER set it (a job has a fragment).
        let cost = job.fragments[Planner.costFragment(of: job)].cost
        if !cost.isFree { facts.append("cost \(cost) per row") }
        let kind = job.kind == .sink ? "sink" : "materialized view"
        return [.table(columns), .notice("\(kind) \(Identifier(job.name).sql): " + facts.joined(separator: "; ")), .text(job.definition)]
    }

    /// Object names as they are written in statements (`"v w", j`): in a sentence, a bare
    /// `v w, j` reads as three names.
    static func sqlNames(_ names: [String]) -> String {
        names.map { Identifier($0).sql }.joined(separator: ", ")
    }

    private func columnsTable(_ schema: Schema, note: (Int) -> String) -> ResultTable {
        let rows = schema.columns.enumerated().map { i, c -> [ResultValue] in [.text(c.name), .text(c.type.sqlName), .text(note(i))] }
        return ResultTable(columns: [ResultColumn("column"), ResultColumn("type"), ResultColumn("note")], rows: rows)
    }
}
