import Testing
@testable import SluiceShell
import SluiceEngine

/// DIAGNOSE among parallel actors: the one the upstream waits on is named, and a load that
/// piles onto one of them (key skew) is told apart from a load too big for the fragment.
@Suite("diagnose: parallel actors and skew")
struct DiagnoseSkewTests {
    /// Zipf-skewed keys behind a hash exchange: one aggregation actor takes the hottest keys
    /// and is busy all the time while its siblings idle. It, not the first by id, is named,
    /// and scaling out is not offered as the fix (it cannot split a key).
    @Test func theHotActorIsNamedAndSkewIsSaid() throws {
        let s = session("""
            CREATE SOURCE s (k INT, v DOUBLE) WITH (rate = 9000, keys = 1000, key_skew = 'zipf(1.5)', partitions = 4);
            CREATE MATERIALIZED VIEW hot AS SELECT k, count(*) AS n FROM s GROUP BY k WITH (parallelism = 4, cost = '300us');
            RUN 5s;
            """)
        let aggs = (0..<4).compactMap { s.engine.actorSnapshot(named: "hot.agg.\($0)") }
        let hottest = try #require(aggs.max { $0.busyTimeMsPerSecond < $1.busyTimeMsPerSecond })
        #expect(hottest.busyTimeMsPerSecond >= 990)
        #expect(hottest.name != "hot.agg.0", "the test needs the hot keys away from the first actor")
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("bottleneck: \(hottest.name) (StreamHashAgg → StreamMaterialize)"), "\(diagnosis)")
        #expect(diagnosis.contains("│ \(hottest.name)    │ rows in "), "\(diagnosis)")
        #expect(diagnosis.contains("key skew, its keys are the hot ones"))
        #expect(diagnosis.contains("  - the load is skewed, not too big for the fragment: a hash exchange sends every row of a key to one actor"))
        #expect(!diagnosis.contains("  - scale out the bottleneck"))
    }

    /// An even load too big for the fragment: every actor is saturated, no skew is claimed,
    /// and scaling out is the advice.
    @Test func anEvenOverloadIsToldToScaleOut() {
        let s = session("""
            CREATE SOURCE s (k INT, v DOUBLE) WITH (rate = 9000, keys = 1000, partitions = 4);
            CREATE MATERIALIZED VIEW even AS SELECT k, count(*) AS n FROM s GROUP BY k WITH (parallelism = 2, cost = '300us');
            RUN 5s;
            """)
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("bottleneck: even.agg."), "\(diagnosis)")
        #expect(!diagnosis.contains("skew"))
        #expect(diagnosis.contains("  - scale out the bottleneck: ALTER MATERIALIZED VIEW even SET PARALLELISM = 4\n"))
    }

    /// A skewed join (one row out per row in): the advice spreads a hot key the way joins
    /// do, and says nothing of amplification, which there is none of.
    @Test func aSkewedJoinIsAdvisedAsAJoin() {
        let s = session("""
            SET buffer_rows = 100;
            CREATE SOURCE o (c INT, v DOUBLE) WITH (rate = 6000, keys = 500, key_skew = 'zipf(1.3)', partitions = 4);
            CREATE TABLE cu (c INT PRIMARY KEY, r VARCHAR) WITH (rows = 500);
            CREATE MATERIALIZED VIEW j AS SELECT o.c, c.r, o.v FROM o JOIN cu c ON o.c = c.c WITH (parallelism = 6, cost = '500us');
            RUN 4s; RESET METRICS; RUN 3s;
            """)
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("bottleneck: j.join."), "\(diagnosis)")
        #expect(diagnosis.contains("salt it (a random suffix on both sides), or broadcast the smaller side"))
        #expect(!diagnosis.contains("pre-aggregate"))
        #expect(!diagnosis.contains("amplification"), "\(diagnosis)")
    }
}
