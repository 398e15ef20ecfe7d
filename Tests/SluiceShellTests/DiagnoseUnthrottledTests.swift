import Testing
@testable import SluiceShell
import SluiceEngine

/// DIAGNOSE under the schemes that never backpressure: the overloaded actor is found by its
/// growing input (unbounded) or the rows its input drops (drop_tail, drop_head).
@Suite("diagnose: buffer and drop")
struct DiagnoseUnthrottledTests {
    /// 5000 rows/s into an aggregation that takes 2000 (500 µs a row).
    static func overloaded(_ scheme: String) -> Session {
        session("""
            SET flow_control = \(scheme);
            CREATE SOURCE clicks (user_id INT, amount DOUBLE) WITH (rate = 5000, partitions = 2, keys = 100);
            CREATE MATERIALIZED VIEW agg AS SELECT user_id, sum(amount) AS t FROM clicks GROUP BY user_id WITH (cost = '500us');
            RUN 5s; RESET METRICS; RUN 5s;
            """)
    }

    @Test func anUnboundedQueueThatGrowsNamesItsReceiver() throws {
        let s = Self.overloaded("unbounded")
        let agg = try #require(s.engine.actorSnapshot(named: "agg.agg.0"))
        // What the finding rests on: the queue grows by what arrives less what it takes.
        #expect((2800...3200).contains(agg.inputGrowthPerSecond), "\(agg.inputGrowthPerSecond)")
        #expect(agg.inputDroppedPerSecond == 0)
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("bottleneck: agg.agg.0 (StreamHashAgg → StreamMaterialize) — busy 1000 ms/s, and its input queue grows "
                                    + "\(Session.rate(agg.inputGrowthPerSecond)) rows/s: unbounded buffers what it cannot take instead of "
                                    + "backpressuring, so nothing upstream waits and memory grows\n"), "\(diagnosis)")
        #expect(diagnosis.contains("│ agg.source.0 │ backPressuredTimeMsPerSecond │ "))
        #expect(diagnosis.contains("  - scale out the bottleneck: ALTER MATERIALIZED VIEW agg SET PARALLELISM = 2\n"))
        #expect(diagnosis.contains("  - or bound the queue: SET flow_control = credit (or permits) backpressures the source"))
    }

    @Test(arguments: ["drop_tail", "drop_head"])
    func droppedRowsNameTheirReceiver(_ scheme: String) throws {
        let s = Self.overloaded(scheme)
        let agg = try #require(s.engine.actorSnapshot(named: "agg.agg.0"))
        // Dropped over the window: what arrives (5000) less what the aggregation takes (2000).
        #expect((2700...3100).contains(agg.inputDroppedPerSecond), "\(agg.inputDroppedPerSecond)")
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("bottleneck: agg.agg.0 (StreamHashAgg → StreamMaterialize) — busy 1000 ms/s, and its input drops "
                                    + "\(Session.rate(agg.inputDroppedPerSecond)) rows/s: \(scheme) sheds what it cannot take"), "\(diagnosis)")
        #expect(diagnosis.contains("│ agg.agg.0    │ input dropped                │ \(Session.rate(agg.inputDroppedPerSecond)) rows/s │"), "\(diagnosis)")
        #expect(diagnosis.contains("  - or block instead of dropping: SET flow_control = credit (or permits)"))
        // The advice runs, and under credit the same actor is found by Flink's rule instead.
        #expect(s.execute("SET flow_control = credit; RUN 5s; RESET METRICS; RUN 5s;").ok)
        #expect(s.run("DIAGNOSE;").hasPrefix("bottleneck: agg.agg.0 (StreamHashAgg → StreamMaterialize) — busy 1000 ms/s and not backpressured, while agg.source.0 waits on it"))
    }

    /// A receiver that keeps up with what arrives is no bottleneck, whatever the scheme.
    @Test(arguments: ["unbounded", "drop_tail"])
    func aReceiverThatKeepsUpIsNone(_ scheme: String) {
        let s = session("""
            SET flow_control = \(scheme);
            CREATE SOURCE clicks (user_id INT, amount DOUBLE) WITH (rate = 1000, partitions = 2, keys = 100);
            CREATE MATERIALIZED VIEW agg AS SELECT user_id, sum(amount) AS t FROM clicks GROUP BY user_id WITH (cost = '500us');
            RUN 5s; RESET METRICS; RUN 5s;
            """)
        #expect(s.run("DIAGNOSE;").hasPrefix("no bottleneck found"))
    }

    /// Two overloaded actors in a row, both dropping: the one that loses the most is named
    /// (here the sink, which writes 500 of the thousands of updates per second the aggregation
    /// sends it, while the aggregation itself loses about a fifth of its input), the others
    /// listed. Named first, the aggregation's advice (scale it out) would only send more rows
    /// to the sink's overflowing input.
    @Test(arguments: ["drop_tail", "drop_head"])
    func theActorThatDropsMostIsNamed(_ scheme: String) throws {
        let s = session("""
            SET flow_control = \(scheme);
            SET exchange_batched_permits = 50;
            SET exchange_initial_permits = 100;
            CREATE SOURCE clicks (user_id INT, amount DOUBLE) WITH (rate = 5000, partitions = 2, keys = 100000);
            CREATE MATERIALIZED VIEW agg AS SELECT user_id, sum(amount) AS t FROM clicks GROUP BY user_id
              WITH (parallelism = 2, cost = '500us');
            CREATE SINK out FROM agg WITH (throughput = 500);
            RUN 3s; RESET METRICS; RUN 3s;
            """)
        let sink = try #require(s.engine.actorSnapshot(named: "out.sink.0"))
        let aggs = ["agg.agg.0", "agg.agg.1"].compactMap { s.engine.actorSnapshot(named: $0) }
        #expect(aggs.allSatisfy { $0.inputDroppedPerSecond > 0 && $0.inputDroppedPerSecond < sink.inputDroppedPerSecond })
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("bottleneck: out.sink.0 (StreamSink) — busy 1000 ms/s, and its input drops"), "\(diagnosis)")
        for agg in aggs {
            #expect(diagnosis.contains("│ \(agg.name)  │ input dropped "), "\(diagnosis)")
        }
        #expect(diagnosis.contains("  - scale the sink out: ALTER SINK out SET PARALLELISM = 2\n"))
    }

    /// A decoupled sink's log grows by design: it is named as a sink falling behind, not as
    /// an unbounded queue.
    @Test func aDecoupledSinkIsNotAnUnboundedQueue() {
        let s = session("""
            SET sink_decouple = true;
            CREATE SOURCE clicks (user_id INT, amount DOUBLE) WITH (rate = 1000, partitions = 2, keys = 100);
            CREATE SINK slow FROM clicks WITH (throughput = 300);
            RUN 5s; RESET METRICS; RUN 5s;
            """)
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.contains("falling behind: its sink log holds "), "\(diagnosis)")
        #expect(!diagnosis.contains("buffers what it cannot take"))
    }

    /// An actor a rescale made measures its input's growth from what was moved into it, not
    /// from nothing: the rows it inherited are not growth.
    @Test func growthAfterARescaleCountsFromTheMovedRows() throws {
        let s = Self.overloaded("unbounded")
        #expect(s.execute("ALTER MATERIALIZED VIEW agg SET PARALLELISM = 2; RUN 2s;").ok)
        let aggs = s.engine.actorSnapshots().filter { $0.fragment == "agg.agg" }
        try #require(aggs.count == 2)
        // Two actors take about 4000 of the 5000 rows/s: the queues grow about 1000 rows/s.
        let growth = aggs.reduce(0) { $0 + $1.inputGrowthPerSecond }
        #expect((600...1400).contains(growth), "\(growth)")
        #expect(aggs.reduce(0) { $0 + $1.inputRows } > 20_000, "the moved backlog is still there")
    }
}
