import SluiceEngine

/// Turns the language's statements into what the engine runs: a `SourceSpec` for
/// `CREATE SOURCE|TABLE`, a `JobSpec` (fragments joined by exchanges) for
/// `CREATE MATERIALIZED VIEW` and `CREATE SINK`. It reads the engine's catalog and never
/// changes it; a plan that fails changes nothing.
public struct Planner {
    public let engine: Engine
    public init(engine: Engine) { self.engine = engine }

    var settings: EngineSettings { engine.settings }

    // MARK: Relations

    /// What a name in FROM or JOIN refers to.
    enum Relation {
        case source(SourceSpec)
        case view(JobSpec)

        var schema: Schema {
            switch self {
            case .source(let s): s.schema
            case .view(let j): j.outputSchema
            }
        }
        var name: String {
            switch self {
            case .source(let s): s.name
            case .view(let j): j.name
            }
        }
    }

    func relation(_ name: Identifier) throws(SQLError) -> Relation {
        if let source = engine.sourceSpec(name.name) { return .source(source) }
        if let job = engine.jobSpec(name.name) {
            guard job.kind == .materializedView else {
                throw SQLError("\(name.name) is a sink; a sink cannot be read", at: name.range,
                               hint: "read the view the sink writes from instead")
            }
            return .view(job)
        }
        throw SQLError("relation \"\(name.name)\" does not exist", at: name.range,
                       hint: Suggest.nearest(name.name, among: relationNames).map { "did you mean \($0)?" })
    }

    var relationNames: [String] {
        engine.sourceNames + engine.jobNames.filter { engine.jobSpec($0)?.kind == .materializedView }
    }

    /// Every name in the catalog, for duplicate checks.
    func checkNewName(_ name: Identifier) throws(SQLError) {
        if let s = engine.sourceSpec(name.name) {
            throw SQLError("\(s.isTable ? "table" : "source") \"\(name.name)\" already exists", at: name.range,
                           hint: "choose another name, or DROP \(s.isTable ? "TABLE" : "SOURCE") \(name.name) first")
        }
        if let j = engine.jobSpec(name.name) {
            throw SQLError("\(j.kind.rawValue) \"\(name.name)\" already exists", at: name.range,
                           hint: "choose another name, or DROP \(j.kind == .sink ? "SINK" : "MATERIALIZED VIEW") \(name.name) first")
        }
    }

    // MARK: Options

    /// Reads WITH (...) options: each known key once, unknown keys rejected with the nearest.
    struct Options {
        var values: [String: WithOption] = [:]
        let allowed: [String]
        let object: String

        init(_ options: [WithOption], allowed: [String], object: String) throws(SQLError) {
            self.allowed = allowed
            self.object = object
            for option in options {
                let key = option.key.name
                guard allowed.contains(key) else {
                    throw SQLError("unknown option \(key) for \(object)", at: option.key.range,
                                   hint: Suggest.nearest(key, among: allowed).map { "did you mean \($0)? " }.map { $0 + "options: " + allowed.joined(separator: ", ") }
                                       ?? "options: " + allowed.joined(separator: ", "))
                }
                guard values[key] == nil else {
                    throw SQLError("option \(key) is given twice", at: option.key.range)
                }
                values[key] = option
            }
        }

        func get<T>(_ key: String, _ read: (OptionValue) -> Result<T, LiteralError>) throws(SQLError) -> T? {
            guard let option = values[key] else { return nil }
            switch read(option.value) {
            case .success(let v): return v
            case .failure(let e):
                throw SQLError("invalid \(key) for \(object): \(e.message)", at: option.valueRange, hint: e.hint)
            }
        }

        func range(_ key: String) -> SourceRange? { values[key]?.valueRange }
    }

    // MARK: Sources and tables

    public func planSource(name: Identifier, columns: [ColumnDef], options: [WithOption], isTable: Bool) throws(SQLError) -> SourceSpec {
        try checkNewName(name)
        let kind = isTable ? "table" : "source"
        var seen: [String] = []
        for column in columns {
            if seen.contains(column.name.name) {
                throw SQLError("column \(column.name.name) is defined twice", at: column.name.range)
            }
            seen.append(column.name.name)
        }
        let schema = Schema(columns.map { Column($0.name.name, Planner.engineType($0.type)) })
        let allowed = isTable ? ["rows", "keys", "key", "cost", "seed"]
                              : ["rate", "pattern", "keys", "key_skew", "key", "partitions", "retention", "segment", "cost", "poll_cost", "seed"]
        let o = try Options(options, allowed: allowed, object: "\(kind) \(name.name)")
        var spec = SourceSpec(name: name.name, schema: schema)
        spec.isTable = isTable
        if let pk = columns.firstIndex(where: \.primaryKey) { spec.keyColumn = pk }
        if let keyName: String = try o.get("key", { $0.word() }) {
            guard let index = schema.index(of: keyName) else {
                throw SQLError("\(kind) \(name.name) has no column \(keyName)", at: o.range("key"),
                               hint: Suggest.nearest(keyName, among: schema.names).map { "did you mean \($0)?" })
            }
            spec.keyColumn = index
        }
        if let rate = try o.get("rate", { $0.rate() }) { spec.rate = rate }
        if let pattern = try o.get("pattern", { $0.pattern() }) { spec.pattern = pattern }
        if let keys = try o.get("keys", { $0.integer(in: 1...100_000_000) }) { spec.keys = keys }
        if let skew = try o.get("key_skew", { $0.keyDistribution() }) { spec.keyDistribution = skew }
        if let partitions = try o.get("partitions", { $0.integer(in: 1...1024) }) { spec.partitions = partitions }
        if let retention = try o.get("retention", { $0.duration() }) {
            guard retention > 0 else { throw SQLError("retention must be positive", at: o.range("retention")) }
            spec.retention = retention
        }
        if let segment = try o.get("segment", { $0.duration() }) {
            guard segment > 0 else { throw SQLError("segment must be positive", at: o.range("segment")) }
            spec.segment = segment
        }
        if let cost = try o.get("cost", { $0.cost() }) { spec.cost = cost }
        if let cost = try o.get("poll_cost", { $0.cost() }) { spec.pollCost = cost }
        if let seed = try o.get("seed", { $0.integer(in: 0...Int.max) }) { spec.seed = UInt64(seed) }
        if isTable {
            spec.tableRows = try o.get("rows", { $0.integer(in: 0...100_000_000) }) ?? 1000
            if o.values["keys"] == nil { spec.keys = spec.tableRows }
            // A primary key is unique: fewer keys than rows would repeat it.
            if let pk = columns.first(where: \.primaryKey), spec.keys < spec.tableRows {
                throw SQLError("table \(name.name) would repeat its primary key \(pk.name.name): keys = \(spec.keys) is below rows = \(spec.tableRows)",
                               at: o.range("keys"), hint: "a primary key is unique: leave keys out (one per row), or make rows at most keys")
            }
        }
        return spec
    }

    /// Applies `ALTER SOURCE … SET (…)` options to a copy of the source's spec.
    public func alterSource(_ name: Identifier, options: [WithOption]) throws(SQLError) -> SourceSpec {
        guard var spec = engine.sourceSpec(name.name) else {
            throw SQLError("source \"\(name.name)\" does not exist", at: name.range,
                           hint: Suggest.nearest(name.name, among: engine.sourceNames).map { "did you mean \($0)?" })
        }
        let o = try Options(options, allowed: ["rate", "pattern", "keys", "key_skew", "retention", "cost", "poll_cost", "partitions"], object: "source \(name.name)")
        if let partitions = try o.get("partitions", { $0.integer(in: 1...1024) }) {
            guard partitions >= spec.partitions else {
                throw SQLError("source \(name.name) has \(spec.partitions) partitions: a partition count cannot be decreased",
                               at: o.range("partitions"), hint: "Kafka adds partitions but never removes them")
            }
            spec.partitions = partitions
        }
        if let rate = try o.get("rate", { $0.rate() }) { spec.rate = rate }
        if let pattern = try o.get("pattern", { $0.pattern() }) { spec.pattern = pattern }
        if let keys = try o.get("keys", { $0.integer(in: 1...100_000_000) }) { spec.keys = keys }
        if let skew = try o.get("key_skew", { $0.keyDistribution() }) { spec.keyDistribution = skew }
        if let retention = try o.get("retention", { $0.duration() }) { spec.retention = retention }
        if let cost = try o.get("cost", { $0.cost() }) { spec.cost = cost }
        if let cost = try o.get("poll_cost", { $0.cost() }) { spec.pollCost = cost }
        return spec
    }

    static func engineType(_ type: ColumnType) -> SluiceEngine.ColumnType {
        switch type {
        case .int: .int
        case .bigint: .bigint
        case .double: .double
        case .varchar: .varchar
        case .boolean: .boolean
        }
    }
}
