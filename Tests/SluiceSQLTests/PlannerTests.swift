import Testing
import SluiceEngine
@testable import SluiceSQL

/// The planner: fragments and exchanges where keys need them, dependencies for DROP, and
/// "a plan that fails changes nothing".
@Suite("planner")
struct PlannerTests {
    // MARK: Fragments

    /// Roles of a planned view's or sink's fragments, in fragment order, with their parallelism.
    func fragments(_ create: String, setup: String = "") throws -> [String] {
        let fixture = try PlannerFixture.withCatalog()
        try fixture.run(setup)
        try fixture.run(create)
        // CREATE MATERIALIZED VIEW name ... or CREATE SINK name ...
        let words = create.split(separator: " ")
        let name = String(words[words[1] == "SINK" ? 2 : 3])
        let spec = try #require(fixture.engine.jobSpec(name))
        return spec.fragments.map { "\($0.role)×\($0.parallelism)" }
    }

    @Test func aFilterIsChainedIntoTheSourceFragment() throws {
        #expect(try fragments("CREATE MATERIALIZED VIEW v AS SELECT url FROM clicks WHERE amount > 1 WITH (parallelism = 3);")
            == ["source×3"])
    }

    @Test func groupByStartsAFragmentBehindAHashExchange() throws {
        #expect(try fragments("CREATE MATERIALIZED VIEW v AS SELECT url, count(*) AS n FROM clicks GROUP BY url WITH (parallelism = 3);")
            == ["source×3", "agg×3"])
    }

    /// A global aggregate (no GROUP BY key) runs on one actor whatever the parallelism.
    @Test func aGlobalAggregateRunsOnOneActor() throws {
        #expect(try fragments("CREATE MATERIALIZED VIEW v AS SELECT count(*) AS n FROM clicks WITH (parallelism = 3);")
            == ["source×3", "agg×1"])
    }

    @Test func aJoinReadsBothSidesThroughHashExchanges() throws {
        let create = "CREATE MATERIALIZED VIEW v AS SELECT c.url, u.region FROM clicks c JOIN users u ON c.user_id = u.user_id WITH (parallelism = 2);"
        #expect(try fragments(create) == ["source×2", "source_users×2", "join×2"])
        #expect(try fragments(create, setup: "SET streaming_enable_unaligned_join = true;")
            == ["source×2", "source_users×2", "join×2", "logstore×2", "materialize×2"])
    }

    @Test func aViewOverAViewHasNoSourceFragment() throws {
        let fixture = try PlannerFixture.withCatalog()
        try fixture.run("""
            CREATE MATERIALIZED VIEW spend AS SELECT user_id, sum(amount) AS total FROM clicks GROUP BY user_id;
            CREATE MATERIALIZED VIEW top AS SELECT user_id FROM spend WHERE total > 10 WITH (parallelism = 2);
            """)
        let spec = try #require(fixture.engine.jobSpec("top"))
        #expect(spec.fragments.map(\.role) == ["materialize"])
        #expect(spec.dependsOn == ["spend"])
        #expect(fixture.actors(of: "top") == ["top.materialize.0", "top.materialize.1"])
    }

    // MARK: A sink's own query

    /// The query is planned as a view's would be, with nothing materialized; the sink reads
    /// its last fragment without a shuffle, as many actors as it has.
    @Test func aSinksQueryIsPlannedLikeAViewWithTheSinkBehindIt() throws {
        #expect(try fragments("CREATE SINK s AS SELECT url FROM clicks WHERE amount > 1 WITH (parallelism = 3);")
            == ["source×3", "sink×3"])
        #expect(try fragments("CREATE SINK s AS SELECT url, count(*) AS n FROM clicks GROUP BY url WITH (parallelism = 3);")
            == ["source×3", "agg×3", "sink×3"])
        #expect(try fragments("CREATE SINK s AS SELECT count(*) AS n FROM clicks WITH (parallelism = 3);")
            == ["source×3", "agg×1", "sink×1"])
        #expect(try fragments("CREATE SINK s AS SELECT c.url, u.region FROM clicks c JOIN users u ON c.user_id = u.user_id;")
            == ["source×1", "source_users×1", "join×1", "sink×1"])
        #expect(try fragments("CREATE SINK s AS SELECT c.url, u.region FROM clicks c JOIN users u ON c.user_id = u.user_id;",
                                  setup: "SET streaming_enable_unaligned_join = true;")
            == ["source×1", "source_users×1", "join×1", "logstore×1", "select×1", "sink×1"])
        // Nothing left to do after the log store: the sink reads it directly.
        #expect(try fragments("CREATE SINK s AS SELECT * FROM a JOIN b ON a.x = b.y;", setup: """
            CREATE SOURCE a (x INT, p DOUBLE); CREATE SOURCE b (y INT, q VARCHAR);
            SET streaming_enable_unaligned_join = true;
            """) == ["source×1", "source_b×1", "join×1", "logstore×1", "sink×1"])
    }

    @Test func aSinkOverAViewsQueryAndSelectStarAreTheFromForms() throws {
        #expect(try fragments("CREATE SINK s AS SELECT * FROM clicks WITH (parallelism = 2);") == ["source×2", "sink×2"])
        let fixture = try PlannerFixture.withCatalog()
        try fixture.run("""
            CREATE MATERIALIZED VIEW spend AS SELECT user_id, sum(amount) AS total FROM clicks GROUP BY user_id;
            CREATE SINK everything AS (SELECT * FROM spend);
            CREATE SINK w FROM spend;
            CREATE SINK big AS SELECT user_id FROM spend WHERE total > 10 WITH (cost = '5us', throughput = 100);
            """)
        let everything = try #require(fixture.engine.jobSpec("everything")), w = try #require(fixture.engine.jobSpec("w"))
        #expect(everything.fragments == w.fragments)
        let big = try #require(fixture.engine.jobSpec("big"))
        #expect(big.kind == .sink && everything.kind == .sink)
        #expect(big.fragments.map(\.role) == ["select", "sink"])
        #expect(big.dependsOn == ["spend"])
        // The sink's cost is the sink's, as in CREATE SINK ... FROM; the query costs nothing.
        #expect(big.fragments.map(\.cost) == [.free, .fixed(5_000)])
        #expect(throws: EngineError.self) { try fixture.run("DROP MATERIALIZED VIEW spend;") }
    }

    @Test func aSinksQueryHasNoOrderAndNoLimit() throws {
        let fixture = try PlannerFixture.withCatalog()
        for sql in ["CREATE SINK s AS SELECT * FROM clicks ORDER BY amount;", "CREATE SINK s AS SELECT * FROM clicks LIMIT 5;",
                    "CREATE SINK s AS SELECT nope FROM clicks;", "CREATE SINK s AS SELECT * FROM clicks WITH (rate = 5);"] {
            #expect(throws: SQLError.self, "\(sql)") { try fixture.run(sql) }
        }
        #expect(fixture.engine.jobNames.isEmpty)
        #expect(fixture.engine.actorSnapshots().isEmpty)
    }

    // MARK: DROP and dependents

    @Test func dropRefusesWhileDependentsExistAndNamesThem() throws {
        let fixture = try PlannerFixture.withCatalog()
        try fixture.run("""
            CREATE MATERIALIZED VIEW spend AS SELECT user_id, sum(amount) AS total FROM clicks GROUP BY user_id;
            CREATE MATERIALIZED VIEW enriched AS SELECT c.url, u.region FROM clicks c JOIN users u ON c.user_id = u.user_id;
            CREATE MATERIALIZED VIEW top AS SELECT user_id FROM spend WHERE total > 10;
            CREATE SINK warehouse FROM top WITH (throughput = 500);
            """)
        let engine = fixture.engine
        #expect(throws: EngineError.hasDependents(kind: "source", name: "clicks", dependents: ["spend", "enriched"])) {
            try engine.drop("clicks")
        }
        #expect(throws: EngineError.hasDependents(kind: "table", name: "users", dependents: ["enriched"])) {
            try engine.drop("users")
        }
        #expect(throws: EngineError.hasDependents(kind: "materialized view", name: "spend", dependents: ["top"])) {
            try engine.drop("spend")
        }
        #expect(throws: EngineError.hasDependents(kind: "materialized view", name: "top", dependents: ["warehouse"])) {
            try engine.drop("top")
        }
        #expect(engine.jobNames == ["spend", "enriched", "top", "warehouse"])
        #expect(engine.sourceNames == ["clicks", "users"])

        // Dropped from the leaves up, everything goes.
        for name in ["warehouse", "top", "spend", "enriched", "clicks", "users"] {
            #expect(throws: Never.self) { try engine.drop(name) }
        }
        #expect(engine.jobNames.isEmpty)
        #expect(engine.sourceNames.isEmpty)
    }

    // MARK: A failed plan changes nothing

    /// Plans that fail after binding part of the query.
    static let failingViews = [
        "CREATE MATERIALIZED VIEW v AS SELECT url FROM clicks WHERE amount > 'x';",
        "CREATE MATERIALIZED VIEW v AS SELECT url FROM clicks WHERE url = 'a' AND amount;",
        "CREATE MATERIALIZED VIEW v AS SELECT url, nope FROM clicks WHERE url = 'b';",
        "CREATE MATERIALIZED VIEW v AS SELECT url FROM clicks WHERE url = 'c' WITH (parallelism = 0);",
    ]

    @Test(arguments: failingViews)
    func aFailedPlanLeavesTheCatalogAlone(_ sql: String) throws {
        let fixture = try PlannerFixture.withCatalog()
        #expect(throws: SQLError.self) { try fixture.run(sql) }
        #expect(fixture.engine.jobNames.isEmpty)
        #expect(fixture.engine.sourceNames == ["clicks", "users"])
        #expect(fixture.engine.actorSnapshots().isEmpty)
    }

    /// The planner "reads the engine's catalog and never changes it". Binding a string
    /// literal interns it, but string ids come from the string's content, so a failed plan
    /// cannot shift the ids (and the hash routing) of strings interned later.
    /// `SessionDeterminismTests` shows the visible side.
    @Test(arguments: failingViews.prefix(3))
    func aFailedPlanDoesNotShiftLaterStringIds(_ sql: String) throws {
        let untouched = try PlannerFixture.withCatalog()
        let fixture = try PlannerFixture.withCatalog()
        #expect(throws: SQLError.self) { try fixture.run(sql) }
        for probe in ["probe", "url-7", "a", "x"] {
            #expect(fixture.engine.intern(probe) == untouched.engine.intern(probe))
        }
    }
}
