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
                throw SQLError("\(name.sql) is a sink; a sink cannot be read", at: name.range,
                               hint: "read the view the sink writes from instead")
            }
            return .view(job)
        }
        throw SQLError("relation \"\(name.name)\" does not exist", at: name.range, hint: missingRelationHint(name.name))
    }

    /// The relation nearest to a name that is none; else the few there are, or where to list them.
    func missingRelationHint(_ name: String) -> String {
        let names = relationNames
        if let near = Suggest.didYouMean(name, among: names) { return near }
        if names.isEmpty { return "there is nothing to read yet: CREATE SOURCE or CREATE TABLE first" }
        if names.count <= 6 { return "relations: " + names.map { Identifier($0).sql }.joined(separator: ", ") }
        return "SHOW SOURCES and SHOW VIEWS list the relations"
    }

    var relationNames: [String] {
        engine.sourceNames + engine.jobNames.filter { engine.jobSpec($0)?.kind == .materializedView }
    }

    /// Every name in the catalog, for duplicate checks.
    func checkNewName(_ name: Identifier) throws(SQLError) {
        if let s = engine.sourceSpec(name.name) {
            throw SQLError("\(s.isTable ? "table" : "source") \"\(name.name)\" already exists", at: name.range,
                           hint: "choose another name, or DROP \(s.isTable ? "TABLE" : "SOURCE") \(name.sql) first")
        }
        if let j = engine.jobSpec(name.name) {
            throw SQLError("\(j.kind.rawValue) \"\(name.name)\" already exists", at: name.range,
                           hint: "choose another name, or DROP \(j.kind == .sink ? "SINK" : "MATERIALIZED VIEW") \(name.sql) first")
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
