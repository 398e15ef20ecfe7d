import Testing
@testable import SluiceShell
import SluiceEngine

/// Settings changed while checkpoints are in flight leave nothing stuck: once the load stops,
/// every row drains and every barrier completes. Each script stopped a job for good.
@Suite("settings changed mid-alignment")
struct SettingsChangeDrainTests {
    /// The load stops, the sinks write without limit, and virtual time runs: nothing may stay
    /// queued, and no barrier may stay in flight.
    static func drains(_ script: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let s = session(script + """

            ALTER SOURCE o SET (rate = 0);
            RUN 60s;
            """)
        let ledger = s.run("SHOW LEDGER;")
        #expect(ledger.contains("│ queued or in progress               │    0 │"), "\(ledger)", sourceLocation: sourceLocation)
        #expect(s.engine.barrierLocations().isEmpty, "\(s.engine.barrierLocations().map(\.places))", sourceLocation: sourceLocation)
        #expect(s.engine.ledger().balanced, sourceLocation: sourceLocation)
    }

    /// `buffers_per_channel` 1 → 0 while barriers align: rows that came behind a barrier
    /// under exclusive buffers took the gates' floating buffers, and the other inputs could
    /// never bring theirs; a channel resumed after one alignment, with the next barrier
    /// already queued, took more.
    @Test func exclusiveBuffersDroppedMidAlignment() {
        Self.drains("""
            SET barrier_interval_ms = 100; SET buffer_rows = 1; SET chunk_rows = 2; SET floating_buffers_per_gate = 3;
            CREATE SOURCE o (c INT, amt DOUBLE) WITH (rate = 2000, partitions = 4, keys = 20);
            CREATE MATERIALIZED VIEW a AS SELECT c, count(*) AS n FROM o GROUP BY c WITH (parallelism = 6, cost = 'exp(100us)');
            CREATE SINK k0 FROM a WITH (throughput = 5000, batch = 10);
            CREATE SINK k1 FROM a WITH (throughput = 200, batch = 10);
            CREATE SINK k2 FROM a WITH (throughput = unlimited, batch = 1);
            SET buffers_per_channel = 0;
            STEP 200; SET buffers_per_channel = 1; RUN 1ms; STEP 200; STEP 200;
            SET buffers_per_channel = 0;
            ALTER SINK k1 SET (throughput = 'unlimited');
            """)
    }

    /// Unaligned checkpoints whose aligned-checkpoint timeout drops from 100 ms to 0 while an
    /// actor aligns: the checkpoint waited for a timeout no timer would bring, holding inputs.
    @Test func alignedCheckpointTimeoutDroppedToZero() {
        Self.drains("""
            CREATE SOURCE o (c INT, amt DOUBLE) WITH (rate = 1000, partitions = 4, keys = 100);
            CREATE MATERIALIZED VIEW a AS SELECT c, amt FROM o WHERE amt > 1 WITH (parallelism = 3, cost = '30us');
            CREATE MATERIALIZED VIEW b AS SELECT c, count(*) AS n FROM a GROUP BY c WITH (parallelism = 1, cost = '100us');
            SET aligned_checkpoint_timeout_ms = 100; SET checkpoint_mode = unaligned;
            RUN 10ms; BARRIER;
            SET aligned_checkpoint_timeout_ms = 0;
            RUN 100ms;
            """)
    }
}
