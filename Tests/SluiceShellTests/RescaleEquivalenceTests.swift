import Testing
@testable import SluiceShell
import SluiceEngine

/// Rescaling never changes what the views hold. A graph of views over views, joins over an
/// aggregate, over two sources and of a source with itself, and slow sinks that keep every channel backpressured, is
/// rescaled view by view and sink by sink under load; once the sources stop and everything
/// drains, every view holds exactly what it holds in the same session never rescaled, and a
/// sink of the source's rows has written each of them once, under every flow-control scheme
/// that loses nothing and with buffers smaller than chunks.
@Suite("rescale equivalence")
struct RescaleEquivalenceTests {
    static let graph = """
        CREATE SOURCE a (user_id INT, url VARCHAR, amount DOUBLE) WITH (rate = 1000, keys = 20, partitions = 3);
        CREATE SOURCE b (uid INT, region VARCHAR) WITH (rate = 30, keys = 20);
        CREATE MATERIALIZED VIEW counts AS SELECT user_id, count(*) AS n, sum(amount) AS s FROM a WHERE amount > 5 GROUP BY user_id
          WITH (parallelism = 2);
        CREATE MATERIALIZED VIEW j AS SELECT counts.n, b.region FROM counts JOIN b ON counts.user_id = b.uid WITH (parallelism = 2);
        CREATE MATERIALIZED VIEW w AS SELECT n * 2 AS m FROM counts WHERE n > 3 WITH (parallelism = 2);
        CREATE MATERIALIZED VIEW r AS SELECT region, count(*) AS c, sum(n) AS t FROM j GROUP BY region;
        CREATE MATERIALIZED VIEW ab AS SELECT count(*) AS pairs FROM a JOIN b ON a.user_id = b.uid GROUP BY a.user_id
          WITH (parallelism = 2);
        CREATE MATERIALIZED VIEW selfj AS SELECT x.region AS r1, y.region AS r2 FROM b x JOIN b y ON x.uid = y.uid
          WITH (parallelism = 2);
        CREATE SINK out FROM w WITH (throughput = 300);
        CREATE SINK out2 FROM r WITH (throughput = 200, batch = 10);
        CREATE SINK raw FROM a WITH (throughput = 700, batch = 4, latency = '1ms');

        """

    static let reads = ["SELECT n, s FROM counts ORDER BY n, s;", "SELECT n, region FROM j ORDER BY n, region;",
                        "SELECT m FROM w ORDER BY m;", "SELECT region, c, t FROM r ORDER BY region;",
                        "SELECT pairs FROM ab ORDER BY pairs;", "SELECT r1, r2 FROM selfj ORDER BY r1, r2;"]

    @Test(arguments: ["SET flow_control = credit;", "SET flow_control = permits;", "SET flow_control = tcp;",
                      "SET flow_control = unbounded;", "SET streaming_enable_unaligned_join = true;", "SET sink_decouple = true;",
                      "SET chunk_rows = 16; SET buffer_rows = 4;"])
    func viewsHoldTheSameRowsAsWithoutRescaling(settings: String) {
        let rescaled = session(settings + "\n" + Self.graph), plain = session(settings + "\n" + Self.graph)
        let steps = [("700ms", "MATERIALIZED VIEW counts", 3), ("300ms", "MATERIALIZED VIEW j", 1), ("150ms", "SINK raw", 3),
                     ("200ms", "MATERIALIZED VIEW ab", 3), ("400ms", "MATERIALIZED VIEW w", 4), ("100ms", "SINK out2", 2),
                     ("250ms", "MATERIALIZED VIEW j", 3), ("350ms", "MATERIALIZED VIEW counts", 1), ("150ms", "MATERIALIZED VIEW ab", 1),
                     ("50ms", "SINK out", 3), ("200ms", "MATERIALIZED VIEW selfj", 3), ("100ms", "MATERIALIZED VIEW selfj", 1),
                     ("120ms", "SINK raw", 1)]
        for (run, object, parallelism) in steps {
            #expect(rescaled.execute("RUN \(run); ALTER \(object) SET PARALLELISM = \(parallelism);").ok)
            #expect(plain.execute("RUN \(run);").ok)
            #expect(rescaled.engine.ledger().balanced, "after rescaling \(object) to \(parallelism)")
        }
        for s in [rescaled, plain] {
            #expect(s.execute("RUN 1s; ALTER SOURCE a SET (rate = 0); ALTER SOURCE b SET (rate = 0); RUN 300s;").ok)
        }
        for read in Self.reads {
            let expected = plain.run(read)
            #expect(!expected.hasSuffix("(0 rows)\n"), "\(read)")
            #expect(rescaled.run(read) == expected, "\(read)")
        }
        let raw = rescaled.engine.jobSnapshots().first { $0.name == "raw" }?.delivered
        #expect(raw == rescaled.engine.sourceSnapshots().first { $0.name == "a" }?.generated, "every row of a written once")
        let ledger = rescaled.engine.ledger()
        #expect(ledger.balanced)
        #expect(ledger.sources.allSatisfy { $0.lag == 0 }, "the sources drained")
        #expect(ledger.channels.allSatisfy { $0.queued == 0 }, "every channel drained")
    }
}
