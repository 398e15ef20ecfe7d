import Testing
@testable import SluiceShell
import SluiceEngine

/// DIAGNOSE under tcp: a ring of connections that wait on each other, and actors held back
/// by a shared connection rather than by their own receivers.
@Suite("diagnose")
struct DiagnoseTests {
    /// Under `tcp` on two nodes, three stations of views spread over both nodes send both
    /// ways: each connection's head channel waits for a receiver whose output waits on the
    /// other connection. Nothing moves again; DIAGNOSE names the ring instead of an actor.
    /// Whether the ring closes depends on the draws and on how much the senders' buffers
    /// (10 a remote channel) absorb: with this seed and these bursts it does.
    @Test func aRingOfStalledTCPConnectionsIsNamed() {
        let s = session("""
            SET seed = 1;
            SET flow_control = tcp;
            SET chunk_rows = 1;
            SET nodes = 2;
            CREATE SOURCE s (k INT, g INT, a INT) WITH (keys = 5, partitions = 2);
            CREATE MATERIALIZED VIEW neg AS SELECT k, g % 3 AS g, 0 - a AS na, a FROM s WITH (parallelism = 3, cost = 'exp(300us)');
            CREATE MATERIALIZED VIEW ag AS SELECT k, g, count(*) AS n, sum(na) AS sn, min(a) AS lo FROM neg GROUP BY k, g
              WITH (parallelism = 3, cost = 'exp(300us)');
            CREATE MATERIALIZED VIEW hav AS SELECT k, g, sn FROM ag WHERE sn > -30000 WITH (parallelism = 3, cost = 'exp(300us)');
            INJECT 3000 INTO s; RUN 200ms; INJECT 3000 INTO s; RUN 200ms; INJECT 3000 INTO s; RUN 200ms; INJECT 3000 INTO s;
            RUN 600s;
            """)
        #expect(s.engine.stalledConnectionCycle() == [0, 1, 0])
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("the TCP connections node 0 → node 1 → node 0 are all stalled"), "\(diagnosis)")
        #expect(diagnosis.contains("a deadlock that tcp flow control cannot leave"))
        #expect(s.engine.ledger().balanced, "stuck, but nothing lost")
    }

    /// A sink that never writes (throughput 0) with rows waiting is the bottleneck, busy,
    /// and the advice is its throughput (no batching, decoupling or scaling out helps).
    @Test func aSinkThatNeverWritesIsNamed() {
        let s = session("""
            CREATE SOURCE a (k INT, v DOUBLE) WITH (rate = 100);
            CREATE SINK o FROM a WITH (throughput = 0);
            RUN 2s;
            """)
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("bottleneck: o.sink.0 (StreamSink) — busy "), "\(diagnosis)")
        #expect(diagnosis.contains("What to try:\n  - it never finishes a write (throughput = 0, an external system that takes nothing): "
                                   + "ALTER SINK o SET (throughput = 1000) lets it write again\n"), "\(diagnosis)")
        #expect(!diagnosis.contains("scale the sink out"))
    }

    /// Credit never stalls a connection: the same graph drains.
    @Test func creditHasNoRing() {
        let s = session("""
            SET chunk_rows = 1;
            SET nodes = 2;
            CREATE SOURCE s (k INT, g INT, a INT) WITH (keys = 5, partitions = 2);
            CREATE MATERIALIZED VIEW neg AS SELECT k, g % 3 AS g, a FROM s WITH (parallelism = 3, cost = 'exp(300us)');
            INJECT 1200 INTO s; RUN 60s;
            """)
        #expect(s.engine.stalledConnectionCycle() == nil)
        #expect(!s.run("DIAGNOSE;").contains("TCP connections"))
    }

    /// Lesson 4's two pipelines on two nodes: under tcp the fast one's source waits on the
    /// shared connection while its own receiver idles, and DIAGNOSE says so beside the finding;
    /// under credit nothing holds it back, and nothing is said.
    @Test(arguments: ["tcp", "credit"])
    func aSourceHeldBackByASharedConnectionIsNamed(_ scheme: String) throws {
        let s = session("""
            SET nodes = 2; SET buffer_rows = 50; SET flow_control = \(scheme);
            CREATE SOURCE orders (id INT, amount DOUBLE) WITH (rate = 1000, keys = 100);
            CREATE SOURCE clicks (id INT, url VARCHAR) WITH (rate = 2000, keys = 100);
            CREATE MATERIALIZED VIEW slow_totals AS SELECT id, sum(amount) AS total FROM orders GROUP BY id WITH (cost = '2ms');
            CREATE MATERIALIZED VIEW click_counts AS SELECT id, count(*) AS n FROM clicks GROUP BY id;
            RUN 2s; RESET METRICS; RUN 2s;
            """)
        let diagnosis = s.run("DIAGNOSE;")
        #expect(diagnosis.hasPrefix("bottleneck: slow_totals.agg.0 "), "\(diagnosis)")
        let source = try #require(s.engine.actorSnapshot(named: "click_counts.source.0"))
        if scheme == "tcp" {
            #expect(diagnosis.contains("\nalso held back by a shared TCP connection, not by its own receivers: click_counts.source.0 "
                                       + "(\(Int(source.backPressuredTimeMsPerSecond.rounded())) ms/s backpressured, while click_counts.agg.0 idles)."))
        } else {
            #expect(source.backPressuredTimeMsPerSecond < 100)
            #expect(!diagnosis.contains("shared TCP connection"))
        }
    }
}
