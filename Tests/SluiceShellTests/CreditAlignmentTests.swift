import Testing
@testable import SluiceShell
import SluiceEngine

/// Credit without exclusive buffers under aligned checkpoints (the credit help topic's own
/// setting): a channel that has sent its barrier blocks until the receiver has aligned it
/// (Flink ≥ 1.11, FLINK-16404), so rows behind one input's barrier never take the floating
/// buffers the other inputs need to bring theirs. Before, a gate with one floating buffer
/// stopped for good: no epoch completed and the lag stayed.
@Suite struct CreditAlignmentTests {
    static let joinThenAggregate = """
        SET buffers_per_channel = 0;
        SET floating_buffers_per_gate = 1;
        SET buffer_rows = 5;
        CREATE TABLE t (k INT, x INT) WITH (rows = 30, keys = 10);
        CREATE SOURCE s (k INT, v INT) WITH (rate = 2000, keys = 10, partitions = 3);
        CREATE MATERIALIZED VIEW j AS SELECT a.k, a.v, t.x FROM s a JOIN t ON a.k = t.k WITH (parallelism = 3);
        CREATE MATERIALIZED VIEW g AS SELECT x, count(*) AS n FROM j GROUP BY x WITH (parallelism = 2);
        CREATE SINK o FROM g WITH (throughput = 5000);
        """

    @Test func aSmallFloatingPoolNeverStopsTheAlignment() {
        let s = session(Self.joinThenAggregate)
        #expect(s.execute("RUN 5s; ALTER SOURCE s SET (rate = 0); RUN 60s;").ok)
        let ledger = s.engine.ledger()
        #expect(ledger.balanced)
        #expect(ledger.sources.allSatisfy { $0.lag == 0 }, "the source drained")
        #expect(ledger.channels.allSatisfy { $0.queued == 0 }, "every channel drained")
        #expect(s.engine.inFlightBarrierCount == 0, "every epoch completed")
        // 10 000 rows, each matching the table's 3 rows of its key.
        #expect(s.run("SELECT count(*) FROM j;").contains("30000"))
    }

    @Test func aBlockedChannelSaysSoAndResumesAfterTheAlignment() {
        let s = session(Self.joinThenAggregate + "TRACE credit;")
        let trace = s.run("RUN 2s;")
        #expect(trace.contains("blocked until j.join."), "\(trace.prefix(2000))")
        #expect(trace.contains("resumes consumption"))
        // Exclusive buffers keep Flink 1.5–1.10's behaviour: nothing blocks.
        let withExclusive = session(Self.joinThenAggregate.replacingOccurrences(of: "SET buffers_per_channel = 0;", with: "") + "TRACE credit;")
        #expect(!withExclusive.run("RUN 2s;").contains("blocked until"))
    }

    @Test func leavingTheSettingResumesEveryBlockedChannel() {
        let s = session(Self.joinThenAggregate)
        s.run("RUN 1500ms;")
        #expect(s.execute("SET buffers_per_channel = 2;").ok)
        #expect(!s.run("SHOW QUEUES;").contains("blocked by barrier"))
        #expect(s.execute("ALTER SOURCE s SET (rate = 0); RUN 60s;").ok)
        #expect(s.engine.ledger().sources.allSatisfy { $0.lag == 0 })
    }
}
