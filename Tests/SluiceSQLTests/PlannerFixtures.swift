import Testing
import SluiceEngine
@testable import SluiceSQL

/// Drives the planner the way the shell does, without the shell: parse, plan, hand the plan
/// to the engine. Only the statements the planner tests need (CREATE, SET, DROP).
struct PlannerFixture {
    let engine: Engine

    init(settings: EngineSettings = EngineSettings()) throws {
        engine = try Engine(settings: settings)
    }

    /// The canonical schema of the planner tests: a partitioned source and a keyed table.
    static let catalog = """
        CREATE SOURCE clicks (user_id INT, url VARCHAR, amount DOUBLE) WITH (rate = 1000, partitions = 2);
        CREATE TABLE users (user_id INT PRIMARY KEY, region VARCHAR) WITH (rows = 100);
        """

    /// A fixture with `catalog` already created.
    static func withCatalog(settings: EngineSettings = EngineSettings()) throws -> PlannerFixture {
        let fixture = try PlannerFixture(settings: settings)
        try fixture.run(catalog)
        return fixture
    }

    var planner: Planner { Planner(engine: engine) }

    /// Runs every statement of `script`; the first failure throws its `SQLError` (or `EngineError`).
    func run(_ script: String) throws {
        for statement in parseScript(script) {
            try execute(statement.result.get(), in: script)
        }
    }

    private func execute(_ parsed: ParsedStatement, in script: String) throws {
        switch parsed.statement {
        case .createSource(let name, let columns, let options, let isTable):
            try engine.createSource(planner.planSource(name: name, columns: columns, options: options, isTable: isTable))
        case .createView, .createSink, .createSinkAsSelect:
            try engine.createJob(planner.planJob(parsed.statement, definition: parsed.text))
        case .set(let name, let value):
            guard let variable = SessionVariables.named(name.name) else { throw SQLError("no variable \(name.name)") }
            var settings = engine.settings
            if case .failure(let e) = variable.assign(value, to: &settings) { throw SQLError(e.message) }
            try engine.apply(settings)
        case .drop(_, let name, _):
            try engine.drop(name.name)
        default:
            throw SQLError("PlannerFixture does not run \(parsed.text)")
        }
    }

    /// The plan of `EXPLAIN CREATE MATERIALIZED VIEW …` (or of a `CREATE MATERIALIZED VIEW`), as text.
    func explain(_ sql: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
        guard case .success(let parsed) = parseScript(sql).first?.result else {
            Issue.record("does not parse: \(sql)", sourceLocation: sourceLocation)
            return ""
        }
        let spec: JobSpec
        do {
            switch parsed.statement {
            case .explainCreate(let create):
                spec = try planner.planJob(create, definition: parsed.text)
            case .createView, .createSink, .createSinkAsSelect:
                spec = try planner.planJob(parsed.statement, definition: parsed.text)
            case .explainName(let name):
                guard let existing = engine.jobSpec(name.name) else { throw SQLError("no job \(name.name)") }
                spec = existing
            default:
                throw SQLError("not an EXPLAIN: \(sql)")
            }
        } catch {
            Issue.record("cannot plan \(sql): \(error)", sourceLocation: sourceLocation)
            return ""
        }
        return Explain(engine: engine).text(spec)
    }

    /// The actors the engine runs for `job`, in the engine's order.
    func actors(of job: String) -> [String] {
        engine.actorSnapshots().filter { $0.job == job }.map(\.name)
    }

    /// Every channel of `job` (receiver in the job) as `from → to`.
    func channels(into job: String) -> [String] {
        let names = Set(actors(of: job))
        return engine.channelSnapshots().filter { names.contains($0.to) }.map { "\($0.from) → \($0.to)" }
    }
}

/// The actor names an EXPLAIN text lists, in the order it lists them.
func explainedActors(_ explain: String) -> [String] {
    explain.split(separator: "\n").filter { $0.hasPrefix("    actors: ") }.flatMap { line in
        line.dropFirst("    actors: ".count).split(separator: ", ").map { String($0.split(separator: "@")[0]) }
    }
}
