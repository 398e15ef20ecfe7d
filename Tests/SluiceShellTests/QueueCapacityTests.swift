import Foundation
import Testing
@testable import SluiceShell
import SluiceEngine

/// A queue's capacity as SHOW QUEUES and SHOW ACTORS show it: nil is unbounded, 0 is a bound.
/// A credit channel with no exclusive buffer (`buffers_per_channel = 0`) whose gate's floating
/// buffers are all taken by its sibling can take nothing: it showed as "unbounded", the
/// opposite of the truth, with a null capacity in json.
@Suite("queue capacity: 0 is a bound, not unbounded")
struct QueueCapacityTests {
    /// Two sources feed each aggregation; the gate's one floating buffer is held by the
    /// channel from `g.source.0`, so the one from `g.source.1` can take nothing.
    static let setup = """
        SET buffers_per_channel = 0;
        SET floating_buffers_per_gate = 1;
        SET buffer_rows = 1;
        CREATE SOURCE s (k INT, v INT) WITH (keys = 10);
        CREATE MATERIALIZED VIEW g AS SELECT k, count(*) AS n FROM s GROUP BY k WITH (parallelism = 2, cost = '10ms');
        INJECT 50 INTO s;
        STEP 30;
        """

    static let blocked = "g.source.1 → g.agg.0"

    @Test func aZeroCapacityCreditChannelIsAnEmptyBarOfNoBuffers() throws {
        let s = session(Self.setup)
        // What the test rests on: the engine reports a capacity of 0, not nil.
        let channel = try #require(s.engine.channelSnapshots().first { "\($0.from) → \($0.to)" == Self.blocked })
        #expect(channel.capacity == 0 && channel.fill == 0 && channel.unit == "buffers")
        let queues = s.run("SHOW QUEUES;")
        #expect(queues.contains("│ \(Self.blocked) │ ░░░░░░░░░░ 0/0 buffers "), "\(queues)")
        #expect(!queues.contains("unbounded"), "\(queues)")
        #expect(queues.contains("\n0/0 buffers: no exclusive buffer (buffers_per_channel = 0) and no floating one free at the gate"), "\(queues)")
    }

    @Test func jsonGivesAZeroCapacityWithItsUnit() throws {
        let s = session(Self.setup)
        s.options.mode = .json
        let out = s.execute("SHOW QUEUES;").pieces.filter { !$0.toStandardError }.map(\.text).joined()
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]])
        let row = try #require(rows.first { $0["channel"] as? String == Self.blocked })
        #expect(row["queued"] as? Int == 0)
        #expect(row["queued_capacity"] as? Int == 0)
        #expect(row["queued_unit"] as? String == "buffers")
    }

    /// A channel without a capacity (the unbounded scheme's) still says so.
    @Test func anUnboundedChannelIsStillUnbounded() throws {
        let s = session("""
            SET flow_control = unbounded;
            CREATE SOURCE s (k INT, v INT) WITH (keys = 10);
            CREATE MATERIALIZED VIEW g AS SELECT k, count(*) AS n FROM s GROUP BY k;
            """)
        #expect(s.engine.channelSnapshots().allSatisfy { $0.capacity == nil })
        let queues = s.run("SHOW QUEUES;")
        #expect(queues.contains("│ g.source.0 → g.agg.0 │ unbounded "), "\(queues)")
        #expect(!queues.contains("0/0 buffers"), "\(queues)")
    }
}

/// An actor's input capacity in SHOW ACTORS counts what its channels share once per gate: a
/// gate's free floating buffers (credit), the whole gate's buffers (tcp). Summed per channel,
/// an aggregation reading two source actors showed 0/2 buffers with one floating buffer at all,
/// and twice its gate under tcp.
@Suite("actor input capacity: shared buffers once per gate")
struct ActorInputCapacityTests {
    /// `g.agg.0` reads two channels (from `g.source.0` and `g.source.1`) through one gate.
    static func capacity(_ settings: String) throws -> Int? {
        let s = session(settings + """
            CREATE SOURCE s (k INT, v INT) WITH (keys = 10, partitions = 2);
            CREATE MATERIALIZED VIEW g AS SELECT k, count(*) AS n FROM s GROUP BY k WITH (parallelism = 2);
            """)
        let agg = try #require(s.engine.actorSnapshot(named: "g.agg.0"))
        #expect(agg.inputCount == 2)
        return agg.inputCapacity
    }

    @Test func creditCountsTheFloatingPoolOnce() throws {
        // 2 channels × 2 exclusive buffers + 8 floating ones, none held yet.
        #expect(try Self.capacity("") == 2 * 2 + 8)
        #expect(try Self.capacity("SET buffers_per_channel = 0; SET floating_buffers_per_gate = 1;") == 1)
    }

    @Test func tcpCountsTheGateOnce() throws {
        #expect(try Self.capacity("SET flow_control = tcp;") == 2 * 2 + 8)
    }

    @Test func permitsAreEachChannelsOwn() throws {
        #expect(try Self.capacity("SET flow_control = permits;") == 2 * 2048)
    }

    /// Scaling in moves the rows of four channels onto one: more buffers than it can hold.
    /// SHOW QUEUES says by how many, and why; taking them frees no credit, so the sender
    /// gets none back until the channel is under its capacity again.
    @Test func aChannelARescaleOverfillsSaysBufferOverAndWhy() throws {
        let s = session("""
            CREATE SOURCE s (k INT, v DOUBLE) WITH (rate = 5000, keys = 100, partitions = 2);
            CREATE MATERIALIZED VIEW m AS SELECT k, count(*) AS n FROM s GROUP BY k WITH (parallelism = 2);
            CREATE SINK k FROM m WITH (throughput = 300);
            RUN 5s;
            ALTER MATERIALIZED VIEW m SET PARALLELISM = 1;
            """)
        let channel = try #require(s.engine.channelSnapshots().first { "\($0.from) → \($0.to)" == "m.source.0 → m.agg.0" })
        let capacity = try #require(channel.capacity)
        #expect(channel.fill > capacity, "\(channel)")
        let queues = s.run("SHOW QUEUES;")
        #expect(queues.contains("│ m.source.0 → m.agg.0 │ ██████████ \(channel.fill)/\(capacity) buffers "), "\(queues)")
        #expect(queues.contains("credit 0 ") && queues.contains("(\(channel.fill - capacity) over)"), "\(queues)")
        #expect(queues.contains("\nmore queued than capacity: rows a rescale moved in"), "\(queues)")
        // Once the sink has drained the queues, nothing is over and the note goes.
        s.run("ALTER SOURCE s SET (rate = 0);")
        s.run("ALTER SINK k SET (throughput = 1000000);")
        s.run("RUN 30s;")
        let drained = s.run("SHOW QUEUES;")
        #expect(!drained.contains(" over)") && !drained.contains("more queued than capacity"), "\(drained)")
    }
}
