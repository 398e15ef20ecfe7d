import SluiceEngine

/// `CREATE SOURCE | TABLE` and `ALTER SOURCE | TABLE … SET (…)`: one reading of the options,
/// so that ALTER refuses what CREATE refuses, with the same message under the same value.
extension Planner {
    /// What `CREATE SOURCE ... WITH (...)` takes; `.help create source` documents each.
    public static let sourceOptions = ["rate", "pattern", "keys", "key_skew", "key", "partitions", "retention", "segment", "cost", "poll_cost", "seed"]
    /// What `CREATE TABLE ... WITH (...)` takes; `.help create table` documents each.
    public static let tableOptions = ["rows", "keys", "key", "cost", "seed"]
    /// What ALTER SOURCE changes while the source runs: its generator, its log and its costs.
    public static let alterableSourceOptions = ["rate", "pattern", "keys", "key_skew", "retention", "cost", "poll_cost", "partitions"]
    /// What ALTER TABLE changes: only what reading it costs. Its rows were appended when it was
    /// created, and every view that reads it, whenever, must read the same rows.
    public static let alterableTableOptions = ["cost"]

    /// The `keys` a source or table may have.
    public static let keyCounts = 1...100_000_000
    /// The `rows` a table may have, and how many it has without the option.
    public static let tableRowCounts = 0...100_000_000
    public static let defaultTableRows = 1000

    // MARK: CREATE

    public func planSource(name: Identifier, columns: [ColumnDef], options: [WithOption], isTable: Bool) throws(SQLError) -> SourceSpec {
        try checkNewName(name)
        let kind = isTable ? "table" : "source"
        var seen: [String] = []
        for column in columns {
            if seen.contains(column.name.name) {
                throw SQLError("column \"\(column.name.name)\" specified more than once", at: column.name.range,
                               hint: "give one of them another name")
            }
            seen.append(column.name.name)
        }
        let schema = Schema(columns.map { Column($0.name.name, Planner.engineType($0.type)) })
        let o = try Options(options, allowed: isTable ? Planner.tableOptions : Planner.sourceOptions, object: "\(kind) \(name.sql)")
        var spec = SourceSpec(name: name.name, schema: schema)
        spec.isTable = isTable
        if let pk = columns.firstIndex(where: \.primaryKey) {
            spec.keyColumn = pk
            spec.primaryKey = pk
        }
        if let keyName: String = try o.get("key", { $0.word() }) {
            guard let index = schema.index(of: keyName) else {
                throw SQLError("\(kind) \(name.sql) has no column \(Identifier(keyName).sql)", at: o.range("key"),
                               hint: Suggest.didYouMean(keyName, among: schema.names))
            }
            spec.keyColumn = index
        }
        let keyType = schema.columns[spec.keyColumn].type
        // A BOOLEAN key has two values, whatever the default number of keys.
        if keyType == .boolean { spec.keys = 2 }
        try read(o, into: &spec)
        if let segment = try o.get("segment", { $0.positiveDuration("segment", hint: "a segment is a positive duration, e.g. '1s'") }) {
            spec.segment = segment
        }
        if let seed = try o.get("seed", { $0.seed() }) { spec.seed = seed }
        if isTable {
            spec.tableRows = try o.get("rows", { $0.integer(in: Planner.tableRowCounts) }) ?? Planner.defaultTableRows
            // One key per row; an empty table (rows = 0) still has a key space of one.
            if o.values["keys"] == nil, keyType != .boolean { spec.keys = max(1, spec.tableRows) }
        }
        try checkKeyValues(spec, o, at: columns[spec.keyColumn].range)
        // A primary key is unique: fewer keys than rows would repeat it.
        if isTable, let pk = columns.first(where: \.primaryKey), spec.keys < spec.tableRows {
            throw SQLError("table \(name.sql) would repeat its primary key \(pk.name.sql): keys = \(spec.keys) is below rows = \(spec.tableRows)",
                           at: o.range("keys") ?? o.range("rows"),
                           hint: keyType == .boolean ? "a BOOLEAN primary key has two values, false and true: make rows at most 2"
                                                     : "a primary key is unique: leave keys out (one per row), or make rows at most keys")
        }
        return spec
    }

    // MARK: ALTER

    /// Applies `ALTER SOURCE … SET (…)` (or `ALTER TABLE`, with `isTable`) to a copy of the spec.
    public func alterSource(_ name: Identifier, options: [WithOption], isTable: Bool) throws(SQLError) -> SourceSpec {
        let kind = isTable ? "table" : "source"
        guard var spec = engine.sourceSpec(name.name), spec.isTable == isTable else {
            throw SQLError("\(kind) \"\(name.name)\" does not exist", at: name.range,
                           hint: Suggest.didYouMean(name.name, among: engine.sourceNames))
        }
        try refuseFixedOptions(options, of: spec)
        let allowed = isTable ? Planner.alterableTableOptions : Planner.alterableSourceOptions
        let o = try Options(options, allowed: allowed, object: "\(kind) \(name.sql)")
        let partitions = spec.partitions
        // Fewer partitions than now (0 included) is refused as a decrease, before the range check.
        if case .number(_, let text)? = o.values["partitions"]?.value, let wanted = Int(text), wanted < partitions {
            throw decreasedPartitions(name, partitions, at: o.range("partitions"))
        }
        try read(o, into: &spec)
        guard spec.partitions >= partitions else { throw decreasedPartitions(name, partitions, at: o.range("partitions")) }
        try checkKeyValues(spec, o, at: name.range)
        return spec
    }

    private func decreasedPartitions(_ name: Identifier, _ partitions: Int, at range: SourceRange?) -> SQLError {
        SQLError("source \(name.sql) has \(partitions) partition\(partitions == 1 ? "" : "s"): a partition count cannot be decreased",
                 at: range, hint: "Kafka adds partitions but never removes them")
    }

    /// Options that CREATE takes and ALTER cannot change get their own message, rather than
    /// "unknown option": what the option fixes, and to create the object again.
    private func refuseFixedOptions(_ options: [WithOption], of spec: SourceSpec) throws(SQLError) {
        let kind = spec.isTable ? "TABLE" : "SOURCE"
        let created = spec.isTable ? Planner.tableOptions : Planner.sourceOptions
        let alterable = spec.isTable ? Planner.alterableTableOptions : Planner.alterableSourceOptions
        let name = Identifier(spec.name).sql
        let recreate = "DROP \(kind) \(name), then CREATE \(kind) \(name) ... WITH (...) again"
        for option in options where !alterable.contains(option.key.name) {
            let key = option.key.name
            if created.contains(key) {
                let reason = spec.isTable ? "a table's rows are generated once, when it is created" : "it is fixed when the source is created"
                throw SQLError("\(key) cannot be changed by ALTER \(kind): \(reason)", at: option.key.range, hint: recreate)
            }
            if spec.isTable, Planner.sourceOptions.contains(key) {
                throw SQLError("\(key) applies to sources, not tables: a table is a bounded log, loaded once", at: option.key.range,
                               hint: "ALTER TABLE changes only cost; generate rows with a source: CREATE SOURCE ... WITH (rate = 100)")
            }
        }
    }

    // MARK: Shared

    /// The options CREATE and ALTER share, each read and checked the same way. Only those
    /// `o` allows can be present.
    private func read(_ o: Options, into spec: inout SourceSpec) throws(SQLError) {
        if let rate = try o.get("rate", { $0.rate().hinting("to overload a pipeline, slow it down instead: a view's cost = '1ms', a sink's throughput = 500") }) {
            spec.rate = rate
        }
        if let pattern = try o.get("pattern", { $0.pattern() }) { spec.pattern = pattern }
        if let keys = try o.get("keys", { $0.integer(in: Planner.keyCounts) }) { spec.keys = keys }
        if let skew = try o.get("key_skew", { $0.keyDistribution() }) { spec.keyDistribution = skew }
        if let partitions = try o.get("partitions", { $0.integer(in: Limits.partitions) }) { spec.partitions = partitions }
        if let retention = try o.get("retention", { $0.retention() }) { spec.retention = retention }
        if let cost = try o.get("cost", { $0.cost() }) { spec.cost = cost }
        if let cost = try o.get("poll_cost", { $0.cost() }) { spec.pollCost = cost }
    }

    /// A BOOLEAN key column has two values, and a VARCHAR one a bounded number of strings
    /// (`SourceSpec.maxKeyValues`): more keys are refused under the option that asks for them.
    private func checkKeyValues(_ spec: SourceSpec, _ o: Options, at fallback: SourceRange) throws(SQLError) {
        let key = spec.schema.columns[spec.keyColumn]
        guard let most = SourceSpec.maxKeyValues(key.type), spec.keyValues > most else { return }
        let type = key.type.sqlName
        throw SQLError("key column \(key.name) is \(type): it takes at most \(most) distinct values, not \(spec.keyValues)",
                       at: o.range("keys") ?? o.range("rows") ?? fallback,
                       hint: spec.isTable ? "make keys (or rows) at most \(most), or choose a key column of another type with key = column"
                                          : "make keys at most \(most), or choose a key column of another type with key = column")
    }
}
