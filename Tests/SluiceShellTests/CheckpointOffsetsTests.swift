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
}
