import Testing
import SluiceEngine
@testable import SluiceSQL

/// `ALTER MATERIALIZED VIEW | SINK … SET (…)` in the planner: the cost lands on the fragment
/// CREATE put it on, and the definition DESCRIBE shows says the new values.
@Suite struct AlterJobPlanTests {
    /// Every shape of view and sink the planner makes, with a cost.
    static let shapes = [
        "CREATE MATERIALIZED VIEW v AS SELECT user_id, amount FROM clicks WHERE amount > 1 WITH (cost = '7us')",
        "CREATE MATERIALIZED VIEW v AS SELECT user_id, count(*) AS n FROM clicks GROUP BY user_id WITH (cost = '7us')",
        "CREATE MATERIALIZED VIEW v AS SELECT count(*) AS n FROM clicks WITH (cost = '7us', parallelism = 2)",
        "CREATE MATERIALIZED VIEW v AS SELECT c.user_id, u.region FROM clicks c JOIN users u ON c.user_id = u.user_id WITH (cost = '7us')",
        "CREATE MATERIALIZED VIEW v AS SELECT u.region, count(*) AS n FROM clicks c JOIN users u ON c.user_id = u.user_id GROUP BY u.region WITH (cost = '7us')",
        "CREATE MATERIALIZED VIEW v AS SELECT user_id FROM base WHERE n > 1 WITH (cost = '7us')",
        "CREATE MATERIALIZED VIEW v AS SELECT user_id, count(*) AS k FROM base GROUP BY user_id WITH (cost = '7us')",
        "CREATE SINK v FROM clicks WITH (cost = '7us')",
        "CREATE SINK v FROM base WITH (cost = '7us', parallelism = 2)",
        "CREATE SINK v AS SELECT user_id, count(*) AS n FROM clicks GROUP BY user_id WITH (cost = '7us')",
        "CREATE SINK v AS SELECT c.user_id, u.region FROM clicks c JOIN users u ON c.user_id = u.user_id WITH (cost = '7us')",
    ]

    static func fixture(unalignedJoin: Bool) throws -> PlannerFixture {
        var settings = EngineSettings()
        settings.unalignedJoin = unalignedJoin
        let f = try PlannerFixture.withCatalog(settings: settings)
        try f.run("CREATE MATERIALIZED VIEW base AS SELECT user_id, count(*) AS n FROM clicks GROUP BY user_id;")
        return f
    }

    /// `costFragment` is where CREATE put the cost: the only fragment that has it.
    @Test(arguments: shapes, [false, true])
    func theCostFragmentIsWhereCreatePutTheCost(_ sql: String, unalignedJoin: Bool) throws {
        let f = try Self.fixture(unalignedJoin: unalignedJoin)
        let parsed = try #require(try parseScript(sql, endsInput: true).first?.result.get())
        let spec = try f.planner.planJob(parsed.statement, definition: parsed.text)
        let costed = spec.fragments.indices.filter { !spec.fragments[$0].cost.isFree }
        #expect(costed == [Planner.costFragment(of: spec)], "\(sql): \(spec.fragments.map(\.role))")
    }

    /// ALTER on each shape changes that fragment's cost, and nothing else of the plan.
    @Test(arguments: shapes)
    func alterChangesOnlyTheCost(_ sql: String) throws {
        let f = try Self.fixture(unalignedJoin: false)
        try f.run(sql + ";")
        let before = try #require(f.engine.jobSpec("v"))
        let kind: ObjectKind = before.kind == .sink ? .sink : .materializedView
        let alter = try #require(statement("ALTER \(kind.sql) v SET (cost = 'exp(3us)');"))
        guard case .alterSet(_, let name, let options) = alter else { Issue.record("not an ALTER … SET"); return }
        let after = try f.planner.alterJob(name, kind: before.kind, options: options)
        var expected = before
        expected.fragments[Planner.costFragment(of: before)].cost = .exponential(mean: 3_000)
        expected.definition = after.definition
        #expect(after == expected)
        #expect(after.definition == sql.replacingOccurrences(of: "cost = '7us'", with: "cost = 'exp(3us)'"))
    }

    @Test func aSinksWriteOptionsAreReadAsCreateReadsThem() throws {
        let f = try PlannerFixture.withCatalog()
        try f.run("CREATE SINK k FROM clicks WITH (batch = 1, latency = '5ms');")
        let alter = try #require(statement("ALTER SINK k SET (throughput = '120/m', batch = 50);"))
        guard case .alterSet(_, let name, let options) = alter else { Issue.record("not an ALTER … SET"); return }
        let spec = try f.planner.alterJob(name, kind: .sink, options: options)
        var sink = SinkSpec()
        sink.throughput = 2
        sink.batch = 50
        sink.latency = 5 * VirtualTime.millisecond
        #expect(spec.fragments.last?.operators == [.sink(sink)])
        #expect(spec.definition == "CREATE SINK k FROM clicks WITH (batch = 50, latency = '5ms', throughput = '120/m')")
    }

    // MARK: The definition

    /// An option the definition has takes its new value where it is written; comments, line
    /// breaks and the other options stay as they were.
    @Test func theDefinitionKeepsHowItWasWritten() throws {
        let definition = """
            CREATE MATERIALIZED VIEW v WITH (parallelism = 2) AS -- the spenders
              SELECT user_id, count(*) AS n FROM clicks
              GROUP BY user_id WITH (cost = '1ms')
            """
        let options = try Self.options("SET (cost = 'exp(20us)')")
        #expect(Planner.definition(definition, setting: options) == definition.replacingOccurrences(of: "'1ms'", with: "'exp(20us)'"))
    }

    @Test func anOptionItDoesNotHaveFollowsItsLastOrANewWith() throws {
        #expect(Planner.definition("CREATE SINK k FROM v WITH (batch = 1)", setting: try Self.options("SET (latency = 5ms)"))
                == "CREATE SINK k FROM v WITH (batch = 1, latency = 5ms)")
        #expect(Planner.definition("CREATE SINK k FROM v -- no options\n", setting: try Self.options("SET (batch = 10, cost = '1us')"))
                == "CREATE SINK k FROM v WITH (batch = 10, cost = '1us') -- no options\n")
        #expect(Planner.definition("CREATE SINK k AS SELECT a FROM s WHERE a > 1", setting: try Self.options("SET throughput = 5"))
                == "CREATE SINK k AS SELECT a FROM s WHERE a > 1 WITH (throughput = 5)")
        // A job made by hand, without SQL, keeps what it has.
        #expect(Planner.definition("", setting: try Self.options("SET (batch = 10)")) == "")
    }

    /// The options of `ALTER SINK k <text>;`.
    static func options(_ text: String) throws -> [WithOption] {
        let alter = try #require(statement("ALTER SINK k \(text);"))
        guard case .alterSet(_, _, let options) = alter else { throw SQLError("not an ALTER … SET") }
        return options
    }
}
