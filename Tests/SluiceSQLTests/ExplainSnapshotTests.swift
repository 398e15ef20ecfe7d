import Testing
import SluiceEngine
@testable import SluiceSQL

/// EXPLAIN snapshots: the stream plan in RisingWave's shape, then the fragments with their
/// actors and exchanges. Each plan is also created, and the engine must run exactly the
/// actors and channels the text promises.
@Suite("EXPLAIN snapshots")
struct ExplainSnapshotTests {
    static let filterView = "CREATE MATERIALIZED VIEW big_clicks AS SELECT user_id, amount FROM clicks WHERE amount > 10"
    static let aggregateView = """
        CREATE MATERIALIZED VIEW spend AS SELECT user_id, count(*) AS n, sum(amount) AS total \
        FROM clicks WHERE amount > 10 GROUP BY user_id
        """
    static let joinView = """
        CREATE MATERIALIZED VIEW enriched AS SELECT c.user_id, u.region, c.amount \
        FROM clicks c JOIN users u ON c.user_id = u.user_id
        """

    /// EXPLAIN of `create` at `parallelism`, after creating the catalog (and running `setup`).
    func explain(_ create: String, parallelism: Int, setup: String = "") throws -> (text: String, fixture: PlannerFixture) {
        let fixture = try PlannerFixture.withCatalog()
        try fixture.run(setup)
        let text = fixture.explain("EXPLAIN \(create) WITH (parallelism = \(parallelism));")
        return (text, fixture)
    }

    /// Creates the view for real and checks the engine's actors against the EXPLAIN text, and
    /// its channel count against the exchanges.
    func checkRuns(_ create: String, parallelism: Int, in fixture: PlannerFixture, explained: String, channels: Int,
                   sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        try fixture.run("\(create) WITH (parallelism = \(parallelism));")
        let job = String(create.split(separator: " ")[3])
        #expect(fixture.actors(of: job).sorted() == explainedActors(explained).sorted(), sourceLocation: sourceLocation)
        #expect(fixture.channels(into: job).count == channels, sourceLocation: sourceLocation)
        // EXPLAIN name prints what EXPLAIN CREATE promised.
        #expect(fixture.explain("EXPLAIN \(job);") == explained, sourceLocation: sourceLocation)
    }

    // MARK: Filter: one fragment, no exchange

    @Test func filterViewAtParallelism1() throws {
        let (text, fixture) = try explain(Self.filterView, parallelism: 1)
        #expect(text == FILTER1)
        try checkRuns(Self.filterView, parallelism: 1, in: fixture, explained: text, channels: 0)
    }

    @Test func filterViewAtParallelism4() throws {
        let (text, fixture) = try explain(Self.filterView, parallelism: 4)
        #expect(text == FILTER4)
        try checkRuns(Self.filterView, parallelism: 4, in: fixture, explained: text, channels: 0)
    }

    // MARK: Aggregate: a hash exchange on the group key

    @Test func aggregateViewAtParallelism1() throws {
        let (text, fixture) = try explain(Self.aggregateView, parallelism: 1)
        #expect(text == AGG1)
        try checkRuns(Self.aggregateView, parallelism: 1, in: fixture, explained: text, channels: 1)
    }

    @Test func aggregateViewAtParallelism4() throws {
        let (text, fixture) = try explain(Self.aggregateView, parallelism: 4)
        #expect(text == AGG4)
        // Hash exchange: every source actor to every aggregating actor.
        try checkRuns(Self.aggregateView, parallelism: 4, in: fixture, explained: text, channels: 16)
    }

    /// The unaligned-join setting changes joins only.
    @Test func aggregateViewIgnoresUnalignedJoin() throws {
        let (text, _) = try explain(Self.aggregateView, parallelism: 4, setup: "SET streaming_enable_unaligned_join = true;")
        #expect(text == AGG4)
    }

    // MARK: Join: both sides hashed on the join key

    @Test func joinViewAtParallelism1() throws {
        let (text, fixture) = try explain(Self.joinView, parallelism: 1)
        #expect(text == JOIN1)
        try checkRuns(Self.joinView, parallelism: 1, in: fixture, explained: text, channels: 2)
    }

    @Test func joinViewAtParallelism4() throws {
        let (text, fixture) = try explain(Self.joinView, parallelism: 4)
        #expect(text == JOIN4)
        try checkRuns(Self.joinView, parallelism: 4, in: fixture, explained: text, channels: 32)
    }

    // MARK: Unaligned join: StreamSyncLogStore above the join, NoShuffle exchanges around it

    @Test func unalignedJoinViewAtParallelism1() throws {
        let setup = "SET streaming_enable_unaligned_join = true;"
        let (text, fixture) = try explain(Self.joinView, parallelism: 1, setup: setup)
        #expect(text == UNALIGNED1)
        try checkRuns(Self.joinView, parallelism: 1, in: fixture, explained: text, channels: 4)
    }

    @Test func unalignedJoinViewAtParallelism4() throws {
        let setup = "SET streaming_enable_unaligned_join = true;"
        let (text, fixture) = try explain(Self.joinView, parallelism: 4, setup: setup)
        #expect(text == UNALIGNED4)
        // 16 + 16 hashed into the join, then 4 + 4 one-to-one through the log store.
        try checkRuns(Self.joinView, parallelism: 4, in: fixture, explained: text, channels: 40)
    }

    /// The setting is read when a view is planned; a view planned before it keeps its plan.
    @Test func unalignedJoinAppliesToViewsPlannedAfterIt() throws {
        let fixture = try PlannerFixture.withCatalog()
        try fixture.run(Self.joinView + ";")
        let before = fixture.explain("EXPLAIN enriched;")
        try fixture.run("SET streaming_enable_unaligned_join = true;")
        #expect(fixture.explain("EXPLAIN enriched;") == before)
        #expect(!before.contains("StreamSyncLogStore"))
    }

    // MARK: A view over a view

    @Test func viewOverAView() throws {
        let fixture = try PlannerFixture.withCatalog()
        try fixture.run("""
            CREATE MATERIALIZED VIEW spend AS SELECT user_id, count(*) AS n, sum(amount) AS total FROM clicks GROUP BY user_id;
            """)
        let top = "CREATE MATERIALIZED VIEW top AS SELECT user_id, total FROM spend WHERE total > 100"
        let text = fixture.explain("EXPLAIN \(top);")
        #expect(text == VIEW_OVER_VIEW)
        try fixture.run(top + ";")
        #expect(fixture.actors(of: "top") == ["top.materialize.0"])
        // It reads spend's changes through an exchange from spend's last actors.
        #expect(fixture.channels(into: "top") == ["spend.agg.0 → top.materialize.0"])
    }

    // MARK: Names as SQL

    /// Names a bare word cannot hold (reserved words, blanks, capitals) are written as SQL,
    /// double-quoted, as PostgreSQL's quote_ident does: `sum(a b)` could not be read back.
    @Test func namesThatNeedQuotesAreWrittenAsSQL() throws {
        let fixture = try PlannerFixture()
        try fixture.run("""
            CREATE SOURCE "select" ("from" INT, "a b" DOUBLE, "Up" VARCHAR);
            CREATE TABLE "My T" ("from" INT PRIMARY KEY, x INT) WITH (rows = 10);
            CREATE MATERIALIZED VIEW "v w" AS SELECT "Up", sum("a b") AS "S", count(*) AS n FROM "select" GROUP BY "Up";
            """)
        let join = fixture.explain("""
            EXPLAIN CREATE MATERIALIZED VIEW j AS SELECT s."from", t.x, s."a b" * 2 AS twice \
            FROM "select" s JOIN "My T" t ON s."from" = t."from" WHERE s."a b" > 1;
            """)
        #expect(join.hasPrefix("""
            StreamMaterialize { columns: ["from", x, twice], pk_columns: [] (append and retract rows) }
            └─StreamProject { exprs: [s."from" as "from", x, "a b" * 2 as twice] }
              └─StreamFilter { predicate: "a b" > 1 }
                └─StreamHashJoin { type: Inner, predicate: "select"."from" = "My T"."from", output: all }
                  ├─StreamExchange { dist: HashShard("from") }
                  │ └─StreamSource { source: "select", columns: ["from", "a b", "Up"] }
                  └─StreamExchange { dist: HashShard("from") }
                    └─StreamSource { source: "My T", columns: ["from", x] }

            """), "\(join)")
        let aggregate = fixture.explain("EXPLAIN \"v w\";")
        #expect(aggregate.hasPrefix("""
            StreamMaterialize { columns: ["Up", "S", n], pk_columns: ["Up"] }
            └─StreamHashAgg { group_key: ["Up"], aggs: [sum("a b"), count(*)] }
            """), "\(aggregate)")
        let top = fixture.explain(#"EXPLAIN CREATE MATERIALIZED VIEW top AS SELECT "Up" AS u, "S" FROM "v w";"#)
        #expect(top.contains(#"└─StreamProject { exprs: ["Up" as u, "S"] }"#), "\(top)")
        #expect(top.contains(#"└─StreamTableScan { table: "v w", columns: ["Up", "S", n] }"#), "\(top)")
        #expect(top.contains(#"exchange from materialized view "v w" over credit channels"#), "\(top)")
    }

    // MARK: Placement on nodes

    @Test func actorsArePlacedOnNodes() throws {
        let fixture = try PlannerFixture.withCatalog()
        try fixture.run("SET nodes = 2;")
        let text = fixture.explain("EXPLAIN \(Self.aggregateView) WITH (parallelism = 4);")
        #expect(text.contains("    actors: spend.agg.0@node1, spend.agg.1@node0, spend.agg.2@node1, spend.agg.3@node0\n"))
        #expect(text.contains("    actors: spend.source.0@node0, spend.source.1@node1, spend.source.2@node0, spend.source.3@node1"))
        try fixture.run(Self.aggregateView + " WITH (parallelism = 4);")
        let nodes = fixture.engine.actorSnapshots().filter { $0.job == "spend" }.map { "\($0.name)@node\($0.node)" }
        for placed in nodes { #expect(text.contains(placed)) }
    }

    /// A fragment fed one to one (no shuffle) runs on its upstream actors' nodes, as
    /// RisingWave schedules no-shuffle fragments and Flink chains forward operators: a sink's
    /// input and an unaligned join's log store never cross the network.
    @Test func aNoShuffleInputStaysOnItsNode() throws {
        let fixture = try PlannerFixture.withCatalog()
        try fixture.run("SET nodes = 2; SET streaming_enable_unaligned_join = true;")
        let sink = fixture.explain("EXPLAIN CREATE SINK out FROM clicks WITH (parallelism = 2);")
        #expect(sink.contains("    actors: out.sink.0@node0, out.sink.1@node1\n"), "\(sink)")
        #expect(sink.contains("    actors: out.source.0@node0, out.source.1@node1"), "\(sink)")
        let join = fixture.explain("EXPLAIN \(Self.joinView) WITH (parallelism = 2);")
        #expect(join.contains("    actors: enriched.join.0@node1, enriched.join.1@node0\n"), "\(join)")
        #expect(join.contains("    actors: enriched.logstore.0@node1, enriched.logstore.1@node0\n"), "\(join)")
        #expect(join.contains("    actors: enriched.materialize.0@node1, enriched.materialize.1@node0\n"), "\(join)")
        try fixture.run(Self.joinView + " WITH (parallelism = 2);")
        let channels = fixture.engine.channelSnapshots().filter { $0.to.hasPrefix("enriched.logstore") || $0.to.hasPrefix("enriched.materialize") }
        #expect(channels.count == 4 && channels.allSatisfy(\.isLocal), "\(channels.map { "\($0.from) → \($0.to)" })")
    }

    /// A relation joined with itself: the predicate names the two sides by the query's aliases.
    @Test func aSelfJoinNamesItsSidesByTheirAliases() throws {
        let fixture = try PlannerFixture.withCatalog()
        let text = fixture.explain("EXPLAIN CREATE MATERIALIZED VIEW pairs AS SELECT a.user_id, b.amount FROM clicks a JOIN clicks b ON a.user_id = b.user_id;")
        #expect(text.contains("StreamHashJoin { type: Inner, predicate: a.user_id = b.user_id, output: all }"), "\(text)")
        let other = fixture.explain("EXPLAIN \(Self.joinView);")
        #expect(other.contains("predicate: clicks.user_id = users.user_id"), "other joins name their relations: \(other)")
    }
}

// MARK: - Snapshots

private let FILTER1 = """
    StreamMaterialize { columns: [user_id, amount], pk_columns: [] (append and retract rows) }
    └─StreamProject { exprs: [user_id, amount] }
      └─StreamFilter { predicate: amount > 10 }
        └─StreamSource { source: clicks, columns: [user_id, url, amount] }

    Fragment 0 (big_clicks.source): StreamSource → StreamFilter → StreamProject → StreamMaterialize
        actors: big_clicks.source.0@node0
    """

private let FILTER4 = """
    StreamMaterialize { columns: [user_id, amount], pk_columns: [] (append and retract rows) }
    └─StreamProject { exprs: [user_id, amount] }
      └─StreamFilter { predicate: amount > 10 }
        └─StreamSource { source: clicks, columns: [user_id, url, amount] }

    Fragment 0 (big_clicks.source): StreamSource → StreamFilter → StreamProject → StreamMaterialize
        actors: big_clicks.source.0@node0, big_clicks.source.1@node0, big_clicks.source.2@node0, big_clicks.source.3@node0
    """

private let AGG1 = """
    StreamMaterialize { columns: [user_id, n, total], pk_columns: [user_id] }
    └─StreamHashAgg { group_key: [user_id], aggs: [count(*), sum(amount)] }
      └─StreamExchange { dist: HashShard(user_id) }
        └─StreamFilter { predicate: amount > 10 }
          └─StreamSource { source: clicks, columns: [user_id, url, amount] }

    Fragment 1 (spend.agg): StreamHashAgg → StreamMaterialize
        actors: spend.agg.0@node0
        input: HashShard(user_id) exchange from Fragment 0 (spend.source) over credit channels
    Fragment 0 (spend.source): StreamSource → StreamFilter
        actors: spend.source.0@node0
    """

private let AGG4 = """
    StreamMaterialize { columns: [user_id, n, total], pk_columns: [user_id] }
    └─StreamHashAgg { group_key: [user_id], aggs: [count(*), sum(amount)] }
      └─StreamExchange { dist: HashShard(user_id) }
        └─StreamFilter { predicate: amount > 10 }
          └─StreamSource { source: clicks, columns: [user_id, url, amount] }

    Fragment 1 (spend.agg): StreamHashAgg → StreamMaterialize
        actors: spend.agg.0@node0, spend.agg.1@node0, spend.agg.2@node0, spend.agg.3@node0
        input: HashShard(user_id) exchange from Fragment 0 (spend.source) over credit channels
    Fragment 0 (spend.source): StreamSource → StreamFilter
        actors: spend.source.0@node0, spend.source.1@node0, spend.source.2@node0, spend.source.3@node0
    """

private let JOIN1 = """
    StreamMaterialize { columns: [user_id, region, amount], pk_columns: [] (append and retract rows) }
    └─StreamProject { exprs: [c.user_id as user_id, region, amount] }
      └─StreamHashJoin { type: Inner, predicate: clicks.user_id = users.user_id, output: all }
        ├─StreamExchange { dist: HashShard(user_id) }
        │ └─StreamSource { source: clicks, columns: [user_id, url, amount] }
        └─StreamExchange { dist: HashShard(user_id) }
          └─StreamSource { source: users, columns: [user_id, region] }

    Fragment 2 (enriched.join): StreamHashJoin → StreamProject → StreamMaterialize
        actors: enriched.join.0@node0
        input (left): HashShard(user_id) exchange from Fragment 0 (enriched.source) over credit channels
        input (right): HashShard(user_id) exchange from Fragment 1 (enriched.source_users) over credit channels
    Fragment 1 (enriched.source_users): StreamSource
        actors: enriched.source_users.0@node0
    Fragment 0 (enriched.source): StreamSource
        actors: enriched.source.0@node0
    """

private let JOIN4 = """
    StreamMaterialize { columns: [user_id, region, amount], pk_columns: [] (append and retract rows) }
    └─StreamProject { exprs: [c.user_id as user_id, region, amount] }
      └─StreamHashJoin { type: Inner, predicate: clicks.user_id = users.user_id, output: all }
        ├─StreamExchange { dist: HashShard(user_id) }
        │ └─StreamSource { source: clicks, columns: [user_id, url, amount] }
        └─StreamExchange { dist: HashShard(user_id) }
          └─StreamSource { source: users, columns: [user_id, region] }

    Fragment 2 (enriched.join): StreamHashJoin → StreamProject → StreamMaterialize
        actors: enriched.join.0@node0, enriched.join.1@node0, enriched.join.2@node0, enriched.join.3@node0
        input (left): HashShard(user_id) exchange from Fragment 0 (enriched.source) over credit channels
        input (right): HashShard(user_id) exchange from Fragment 1 (enriched.source_users) over credit channels
    Fragment 1 (enriched.source_users): StreamSource
        actors: enriched.source_users.0@node0, enriched.source_users.1@node0, enriched.source_users.2@node0, enriched.source_users.3@node0
    Fragment 0 (enriched.source): StreamSource
        actors: enriched.source.0@node0, enriched.source.1@node0, enriched.source.2@node0, enriched.source.3@node0
    """

private let UNALIGNED1 = """
    StreamMaterialize { columns: [user_id, region, amount], pk_columns: [] (append and retract rows) }
    └─StreamProject { exprs: [c.user_id as user_id, region, amount] }
      └─StreamExchange { dist: NoShuffle }
        └─StreamSyncLogStore { barriers: pass at once, data: drains behind them }
          └─StreamExchange { dist: NoShuffle }
            └─StreamHashJoin { type: Inner, predicate: clicks.user_id = users.user_id, output: all }
              ├─StreamExchange { dist: HashShard(user_id) }
              │ └─StreamSource { source: clicks, columns: [user_id, url, amount] }
              └─StreamExchange { dist: HashShard(user_id) }
                └─StreamSource { source: users, columns: [user_id, region] }

    Fragment 4 (enriched.materialize): StreamProject → StreamMaterialize
        actors: enriched.materialize.0@node0
        input: NoShuffle exchange from Fragment 3 (enriched.logstore) over credit channels
    Fragment 3 (enriched.logstore): StreamSyncLogStore
        actors: enriched.logstore.0@node0
        input: NoShuffle exchange from Fragment 2 (enriched.join) over the log store's buffer (barriers pass)
    Fragment 2 (enriched.join): StreamHashJoin
        actors: enriched.join.0@node0
        input (left): HashShard(user_id) exchange from Fragment 0 (enriched.source) over credit channels
        input (right): HashShard(user_id) exchange from Fragment 1 (enriched.source_users) over credit channels
    Fragment 1 (enriched.source_users): StreamSource
        actors: enriched.source_users.0@node0
    Fragment 0 (enriched.source): StreamSource
        actors: enriched.source.0@node0
    """

private let UNALIGNED4 = """
    StreamMaterialize { columns: [user_id, region, amount], pk_columns: [] (append and retract rows) }
    └─StreamProject { exprs: [c.user_id as user_id, region, amount] }
      └─StreamExchange { dist: NoShuffle }
        └─StreamSyncLogStore { barriers: pass at once, data: drains behind them }
          └─StreamExchange { dist: NoShuffle }
            └─StreamHashJoin { type: Inner, predicate: clicks.user_id = users.user_id, output: all }
              ├─StreamExchange { dist: HashShard(user_id) }
              │ └─StreamSource { source: clicks, columns: [user_id, url, amount] }
              └─StreamExchange { dist: HashShard(user_id) }
                └─StreamSource { source: users, columns: [user_id, region] }

    Fragment 4 (enriched.materialize): StreamProject → StreamMaterialize
        actors: enriched.materialize.0@node0, enriched.materialize.1@node0, enriched.materialize.2@node0, enriched.materialize.3@node0
        input: NoShuffle exchange from Fragment 3 (enriched.logstore) over credit channels
    Fragment 3 (enriched.logstore): StreamSyncLogStore
        actors: enriched.logstore.0@node0, enriched.logstore.1@node0, enriched.logstore.2@node0, enriched.logstore.3@node0
        input: NoShuffle exchange from Fragment 2 (enriched.join) over the log store's buffer (barriers pass)
    Fragment 2 (enriched.join): StreamHashJoin
        actors: enriched.join.0@node0, enriched.join.1@node0, enriched.join.2@node0, enriched.join.3@node0
        input (left): HashShard(user_id) exchange from Fragment 0 (enriched.source) over credit channels
        input (right): HashShard(user_id) exchange from Fragment 1 (enriched.source_users) over credit channels
    Fragment 1 (enriched.source_users): StreamSource
        actors: enriched.source_users.0@node0, enriched.source_users.1@node0, enriched.source_users.2@node0, enriched.source_users.3@node0
    Fragment 0 (enriched.source): StreamSource
        actors: enriched.source.0@node0, enriched.source.1@node0, enriched.source.2@node0, enriched.source.3@node0
    """

private let VIEW_OVER_VIEW = """
    StreamMaterialize { columns: [user_id, total], pk_columns: [] (append and retract rows) }
    └─StreamProject { exprs: [user_id, total] }
      └─StreamFilter { predicate: total > 100 }
        └─StreamExchange { dist: HashShard(user_id, n, total) }
          └─StreamTableScan { table: spend, columns: [user_id, n, total] }

    Fragment 0 (top.materialize): StreamFilter → StreamProject → StreamMaterialize
        actors: top.materialize.0@node0
        input: HashShard(user_id, n, total) exchange from materialized view spend over credit channels
    """
