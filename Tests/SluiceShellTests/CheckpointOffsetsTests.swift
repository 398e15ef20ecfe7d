import Testing
@testable import SluiceShell
import SluiceEngine

/// SHOW CHECKPOINTS' source offsets: one `actor=position[/position…]` per source actor that
/// owns a partition. A table of one partition read by a view with parallelism 2 has a source
/// actor with none, which printed as `j.source_t.1=`, a value that looked cut off.
@Suite("SHOW CHECKPOINTS: source offsets")
struct CheckpointOffsetsTests {
    @Test func aSourceActorWithoutAPartitionIsLeftOut() throws {
        let s = session("""
            SET barrier_interval_ms = 0;
            CREATE TABLE t (k INT, x INT) WITH (rows = 40, keys = 20);
            CREATE SOURCE s (k INT, v INT) WITH (keys = 20, partitions = 2);
            CREATE MATERIALIZED VIEW j AS SELECT a.k, a.v, t.x FROM s a JOIN t ON a.k = t.k WITH (parallelism = 2);
            BARRIER;
            STEP BARRIER;
            """)
        // What the test rests on: the engine records the partitionless actor with no offsets.
        let checkpoint = try #require(s.engine.checkpoints.last)
        #expect(checkpoint.sourceOffsets.map(\.consumer) == ["j.source.0", "j.source.1", "j.source_t.0", "j.source_t.1"])
        #expect(checkpoint.sourceOffsets.last?.offsets == [])
        let shown = s.run("SHOW CHECKPOINTS;")
        #expect(shown.contains("│ j.source.0=0 j.source.1=0 j.source_t.0=40 │"), "\(shown)")
        #expect(!shown.contains("j.source_t.1"), "\(shown)")
    }

    /// An unaligned join's barrier passes the join's output queued at its log store: those
    /// rows are the log store's part of the checkpoint (RisingWave persists the log store
    /// with the epoch). Every joined row the offsets account for is in the view or the log.
    @Test func theRowsABarrierPassesAtALogStoreAreItsState() throws {
        let s = session("""
            SET streaming_enable_unaligned_join = true;
            SET barrier_interval_ms = 0;
            CREATE SOURCE s (k INT, v DOUBLE) WITH (rate = 0, keys = 1);
            CREATE TABLE t (k INT, r VARCHAR) WITH (rows = 1000, keys = 1);
            CREATE MATERIALIZED VIEW j AS SELECT s.k, t.r, s.v FROM s JOIN t ON s.k = t.k;
            CREATE SINK o FROM j WITH (throughput = 1000);
            RUN 100ms;
            INJECT 20 INTO s;
            RUN 1s;
            BARRIER;
            STEP BARRIER;
            """)
        let checkpoint = try #require(s.engine.checkpoints.last)
        #expect(checkpoint.sourceOffsets.map(\.offsets) == [[20], [1000]])
        let state = Dictionary(uniqueKeysWithValues: checkpoint.stateRows.map { ($0.actor, $0.rows) })
        let logged = try #require(state["j.logstore.0"], "\(checkpoint.stateRows)")
        #expect(logged > 0 && state["j.materialize.0"] != nil)
        #expect(logged + state["j.materialize.0", default: 0] == 20 * 1000, "\(checkpoint.stateRows)")
        #expect(checkpoint.inFlightRows == 0, "a log store's rows are its state, not in flight")
    }
}
