import Testing
import SluiceEngine
@testable import SluiceSQL

/// The planner's errors say what to write instead, where the message alone does not: the
/// relations there are, the GROUP BY or the comparison that is missing, the partitions a
/// source has. Names in hints are written as SQL, quoted where a bare word cannot hold them.
@Suite("planner errors: hints")
struct PlannerHintTests {
    /// The error `sql` fails with (message and hint), run against `fixture`.
    func failure(_ sql: String, in fixture: PlannerFixture, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [String?] {
        do {
            try fixture.run(sql)
            Issue.record("\(sql) succeeded", sourceLocation: sourceLocation)
        } catch let error as SQLError {
            return [error.message, error.hint]
        } catch {
            Issue.record("\(sql): \(error)", sourceLocation: sourceLocation)
        }
        return []
    }

    // MARK: Relations

    @Test func aMissingRelationNamesTheNearestOrTheFewThereAre() throws {
        let fixture = try PlannerFixture.withCatalog()
        #expect(failure("CREATE MATERIALIZED VIEW v AS SELECT * FROM clikcs;", in: fixture)
                == ["relation \"clikcs\" does not exist", "did you mean clicks?"])
        #expect(failure("CREATE MATERIALIZED VIEW v AS SELECT * FROM nothere;", in: fixture)
                == ["relation \"nothere\" does not exist", "relations: clicks, users"])
    }

    /// The first unknown column in reading order is reported: the select list's before
    /// WHERE's, as PostgreSQL does.
    @Test func theFirstUnknownColumnInReadingOrderIsReported() throws {
        let fixture = try PlannerFixture.withCatalog()
        #expect(failure("CREATE MATERIALIZED VIEW v AS SELECT nope FROM clicks WHERE zzz > 1;", in: fixture).first == "column \"nope\" does not exist")
        #expect(failure("CREATE MATERIALIZED VIEW v AS SELECT user_id, sum(nope) AS s FROM clicks WHERE zzz > 1 GROUP BY user_id;", in: fixture).first
                == "column \"nope\" does not exist")
        #expect(failure("CREATE MATERIALIZED VIEW v AS SELECT user_id FROM clicks WHERE zzz > 1;", in: fixture).first == "column \"zzz\" does not exist")
    }

    @Test func aMissingRelationInAnEmptyCatalogSaysToCreateOne() throws {
        let fixture = try PlannerFixture()
        #expect(failure("CREATE MATERIALIZED VIEW v AS SELECT * FROM t;", in: fixture)
                == ["relation \"t\" does not exist", "there is nothing to read yet: CREATE SOURCE or CREATE TABLE first"])
    }

    @Test func aMissingRelationAmongManyPointsToTheListings() throws {
        let fixture = try PlannerFixture()
        try fixture.run((1...7).map { "CREATE SOURCE s\($0) (a INT);" }.joined(separator: "\n"))
        #expect(failure("CREATE MATERIALIZED VIEW v AS SELECT * FROM nothere;", in: fixture)
                == ["relation \"nothere\" does not exist", "SHOW SOURCES and SHOW VIEWS list the relations"])
    }

    @Test func namesInHintsAreWrittenAsSQL() throws {
        let fixture = try PlannerFixture()
        try fixture.run(#"CREATE TABLE "My T" ("a b" INT, "from" INT, c INT) WITH (rows = 1);"#)
        #expect(failure(#"CREATE MATERIALIZED VIEW v AS SELECT * FROM "my t";"#, in: fixture)
                == ["relation \"my t\" does not exist", "did you mean \"My T\"?"])
        #expect(failure(#"CREATE MATERIALIZED VIEW v AS SELECT nope FROM "My T";"#, in: fixture)
                == ["column \"nope\" does not exist", "columns: \"a b\", \"from\", c"])
        #expect(failure(#"CREATE MATERIALIZED VIEW v AS SELECT "a c" FROM "My T";"#, in: fixture)
                == ["column \"a c\" does not exist", "did you mean \"a b\"?"])
    }

    // MARK: Queries

    @Test func aColumnOutsideGroupByNamesBothFixes() throws {
        let fixture = try PlannerFixture.withCatalog()
        #expect(failure("CREATE MATERIALIZED VIEW v AS SELECT user_id, sum(amount) AS s FROM clicks;", in: fixture)
                == ["column \"user_id\" must appear in the GROUP BY clause or be used in an aggregate function",
                    "add GROUP BY user_id, or aggregate it: max(user_id)"])
        // A VARCHAR has no max here: count is the aggregate it takes.
        #expect(failure("CREATE MATERIALIZED VIEW v AS SELECT user_id, url, count(*) AS n FROM clicks GROUP BY user_id;", in: fixture)
                == ["column \"url\" must appear in the GROUP BY clause or be used in an aggregate function",
                    "add url to GROUP BY, or aggregate it: count(url)"])
    }

    @Test func aWhereThatIsNoConditionSuggestsAComparison() throws {
        let fixture = try PlannerFixture.withCatalog()
        #expect(failure("CREATE MATERIALIZED VIEW v AS SELECT url FROM clicks WHERE amount * 2;", in: fixture)
                == ["argument of WHERE must be type BOOLEAN, not type DOUBLE", "write a comparison, e.g. WHERE amount * 2 > 0"])
        #expect(failure("CREATE MATERIALIZED VIEW v AS SELECT url FROM clicks WHERE url;", in: fixture)
                == ["argument of WHERE must be type BOOLEAN, not type VARCHAR", "write a comparison, e.g. WHERE url = 'text'"])
    }

    // MARK: Sources and sinks

    /// The parser refuses a repeated column first; the planner, reached through the API,
    /// says the same.
    @Test func aRepeatedColumnIsRefusedInPostgresWords() throws {
        let fixture = try PlannerFixture()
        let columns = [ColumnDef(name: Identifier("k"), type: .int), ColumnDef(name: Identifier("k"), type: .varchar)]
        #expect(throws: SQLError("column \"k\" specified more than once", at: .at(0), hint: "give one of them another name")) {
            try fixture.planner.planSource(name: Identifier("s"), columns: columns, options: [], isTable: false)
        }
    }

    @Test func rateAndThroughputOutOfRangeSayWhatToDoInstead() throws {
        let fixture = try PlannerFixture.withCatalog()
        #expect(failure("CREATE SOURCE big (a INT) WITH (rate = 1e9);", in: fixture)
                == ["invalid rate for source big: rate '1e9' is out of range: expected 0 to 100000000 rows per second",
                    "to overload a pipeline, slow it down instead: a view's cost = '1ms', a sink's throughput = 500"])
        #expect(failure("CREATE SINK k FROM users WITH (throughput = 1e9);", in: fixture)
                == ["invalid throughput for sink k: rate '1e9' is out of range: expected 0 to 100000000 rows per second",
                    "throughput = 'unlimited' (or leaving it out) writes without a limit"])
        // A negative rate keeps its own hint.
        #expect(failure("CREATE SOURCE big (a INT) WITH (rate = -1);", in: fixture)
                == ["invalid rate for source big: rate '-1' is negative", "a rate is zero or more rows per second"])
    }

    /// `partitions = 0` on ALTER is a decrease, and Kafka never removes partitions: that
    /// says more than the range.
    @Test(arguments: [("0", 1), ("0", 2), ("-1", 2), ("1", 2)])
    func fewerPartitionsIsRefusedAsADecrease(_ value: String, _ partitions: Int) throws {
        let fixture = try PlannerFixture()
        try fixture.run("CREATE SOURCE s (a INT) WITH (partitions = \(partitions));")
        let sql = "ALTER SOURCE s SET (partitions = \(value));"
        guard case .alterSet(_, let name, let options)? = statement(sql) else { Issue.record("not ALTER SET"); return }
        let plural = partitions == 1 ? "partition" : "partitions"
        #expect(throws: SQLError("source s has \(partitions) \(plural): a partition count cannot be decreased",
                                 at: options[0].valueRange, hint: "Kafka adds partitions but never removes them")) {
            try fixture.planner.alterSource(name, options: options, isTable: false)
        }
    }

    @Test func createWithZeroPartitionsKeepsTheRange() throws {
        let fixture = try PlannerFixture()
        #expect(failure("CREATE SOURCE s (a INT) WITH (partitions = 0);", in: fixture)
                == ["invalid partitions for source s: value 0 is out of range: expected 1 to 1024", nil])
    }
}
