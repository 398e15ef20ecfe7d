import Testing
@testable import SluiceEngine

/// Three stations in series (blocking after service), record-at-a-time, exponential service
/// at 1500, 1200 and 800 rows/s, room for 10 waiting rows in front of each plus the one in
/// service, fed by a source with an endless backlog and exp(1 ms) per row that blocks when
/// its output is full. The exact Markov-chain solution of this model is known; the engine
/// must land within sampling error over 1000 s of virtual time after a 50 s warm-up.
@Suite struct QueueingTheoryTests {
    static func model() throws -> Engine {
        let engine = Fixtures.engine { s in
            s.chunkRows = 1
            s.bufferRows = 1
            s.buffersPerChannel = 2
            s.floatingBuffersPerGate = 8      // 10 waiting rows per station
            s.barrierIntervalMs = 0
        }
        try engine.createSource(Fixtures.source(cost: .exponential(mean: 1_000_000)))
        try engine.inject(5_000_000, into: "clicks")
        let ns = { (rate: Double) in Int64((1e9 / rate).rounded()) }
        try engine.createJob(Fixtures.chain("tandem", source: "clicks",
                                            stations: [.exponential(mean: ns(1500)), .exponential(mean: ns(1200))],
                                            sink: Fixtures.sinkSpec(), sinkCost: .exponential(mean: ns(800))))
        return engine
    }

    @Test func matchesTheMarkovChain() throws {
        let engine = try Self.model()
        engine.advance(by: 50 * VirtualTime.second)
        engine.resetMetrics()
        engine.advance(by: 1000 * VirtualTime.second)
        let actors = engine.actorSnapshots()
        let source = actors[0], s1 = actors[1], s2 = actors[2], s3 = actors[3]
        let throughput = s3.rowsOutPerSecond
        #expect(abs(throughput - 797.68) / 797.68 < 0.01, "throughput \(throughput)")
        #expect(abs(s1.averageInputRows - 7.403) < 0.35, "waiting at 1: \(s1.averageInputRows)")
        #expect(abs(s2.averageInputRows - 9.209) < 0.35, "waiting at 2: \(s2.averageInputRows)")
        #expect(abs(s3.averageInputRows - 8.705) < 0.35, "waiting at 3: \(s3.averageInputRows)")
        #expect(abs(s1.backPressuredTimeMsPerSecond / 1000 - 0.439) < 0.01, "bp 1: \(s1.backPressuredTimeMsPerSecond)")
        #expect(abs(s2.backPressuredTimeMsPerSecond / 1000 - 0.332) < 0.01, "bp 2: \(s2.backPressuredTimeMsPerSecond)")
        #expect(abs(s1.busyTimeMsPerSecond / 1000 - 0.532) < 0.01, "busy 1: \(s1.busyTimeMsPerSecond)")
        #expect(abs(s2.busyTimeMsPerSecond / 1000 - 0.665) < 0.01, "busy 2: \(s2.busyTimeMsPerSecond)")
        #expect(abs(s3.busyTimeMsPerSecond / 1000 - 0.997) < 0.01, "busy 3: \(s3.busyTimeMsPerSecond)")
        #expect(abs(source.backPressuredTimeMsPerSecond / 1000 - 0.2023) < 0.01, "source blocked: \(source.backPressuredTimeMsPerSecond)")
        for a in actors {
            let sum = a.busyTimeMsPerSecond + a.idleTimeMsPerSecond + a.backPressuredTimeMsPerSecond
            #expect(abs(sum - 1000) < 1e-6)
        }
    }
}
