import Testing
@testable import SluiceShell
import SluiceEngine

/// SHOW LEDGER checks every actor as well as every source and channel: what an actor took in
/// is what it emitted, wrote, filtered or folded into state, less the rows its aggregates and
/// joins derived. A join that amplifies, an aggregate with retractions and a filter, under
/// every scheme, and a rescale in the middle.
@Suite("actor ledger")
struct ActorLedgerTests {
    static let setup = """
        SET buffer_rows = 16;
        CREATE SOURCE clicks (user_id INT, amount DOUBLE) WITH (rate = 3000, partitions = 2, keys = 50);
        CREATE TABLE users (user_id INT PRIMARY KEY, region VARCHAR) WITH (rows = 50);
        CREATE MATERIALIZED VIEW enriched AS
          SELECT c.user_id, u.region, c.amount FROM clicks c JOIN users u ON c.user_id = u.user_id
          WITH (parallelism = 2, cost = '100us');
        CREATE MATERIALIZED VIEW spend AS
          SELECT region, count(*) AS n, sum(amount) AS total FROM enriched WHERE amount > 20 GROUP BY region;
        CREATE SINK out FROM spend WITH (throughput = 500, batch = 10);
        """

    @Test(arguments: FlowControlKind.allCases)
    func everyActorBalances(_ scheme: FlowControlKind) throws {
        let s = session("SET flow_control = \(scheme.rawValue);\n" + Self.setup)
        _ = s.run("RUN 2s;")
        var ledger = s.engine.ledger()
        #expect(ledger.balanced, "\(ledger.actors.filter { !$0.balanced })")
        #expect(ledger.actors.count == s.engine.actorSnapshots().count)
        let join = ledger.actors.filter { $0.actor.hasPrefix("enriched.") && $0.absorbed > 0 }
        #expect(!join.isEmpty && join.allSatisfy { $0.derived > 0 }, "the join folds rows in and derives rows")
        #expect(ledger.actors.contains { $0.filtered > 0 }, "the filter drops small amounts")
        #expect(ledger.actors.contains { $0.written > 0 }, "the sink writes")

        _ = s.run("ALTER MATERIALIZED VIEW enriched SET PARALLELISM = 3; RUN 1s;")
        ledger = s.engine.ledger()
        #expect(ledger.balanced, "\(ledger.actors.filter { !$0.balanced })")
        let shown = s.run("SHOW LEDGER;")
        #expect(shown.contains("Actors: taken = emitted + written + writing + filtered + absorbed - derived"))
        #expect(!shown.contains("✗") && shown.hasSuffix("ledger balanced: every row is accounted for\n"))
    }

    /// With `auto_offset_reset = latest`, a group that retention overtakes jumps to the log
    /// end: SHOW LEDGER then shows the retained rows it skipped beside the expired ones, and
    /// its source line still balances. With none skipped (the default, `earliest`), the
    /// column and the row are not shown.
    @Test func rowsALatestResetSkipsAreShownApartFromExpiredOnes() {
        let s = session("""
            SET auto_offset_reset = latest;
            CREATE SOURCE s (a INT) WITH (rate = 1000, retention = '2s', segment = '1s');
            CREATE SINK k FROM s WITH (throughput = 1);
            RUN 5s;
            """)
        let shown = s.run("SHOW LEDGER;")
        #expect(shown.contains("Sources: generated = consumed + lag + expired + skipped"), "\(shown)")
        #expect(shown.contains("│ skipped by auto_offset_reset = latest │"), "\(shown)")
        #expect(!shown.contains("✗"))
        let earliest = session("""
            CREATE SOURCE s (a INT) WITH (rate = 1000, retention = '2s', segment = '1s');
            CREATE SINK k FROM s WITH (throughput = 1);
            RUN 5s;
            """).run("SHOW LEDGER;")
        #expect(earliest.contains("Sources: generated = consumed + lag + expired\n") && !earliest.contains("skipped"), "\(earliest)")
    }
}
