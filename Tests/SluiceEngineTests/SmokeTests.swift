import Testing
@testable import SluiceEngine

@Suite struct SmokeTests {
    @Test func slowSinkBackpressuresSource() throws {
        let engine = Fixtures.engine()
        try engine.createSource(Fixtures.source(rate: 5000))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [.fixed(10_000)], sink: Fixtures.sinkSpec(throughput: 1000)))
        engine.advance(by: 10 * VirtualTime.second)
        let actors = engine.actorSnapshots()
        for a in actors {
            print(a.name, a.status, Int(a.busyTimeMsPerSecond), Int(a.idleTimeMsPerSecond), Int(a.backPressuredTimeMsPerSecond), a.rowsIn, a.inputRows, a.flowState)
        }
        for c in engine.consumerSnapshots() { print(c.consumer, c.lag, c.recordsLagMax) }
        let sink = actors.last!
        #expect(sink.delivered > 9000 && sink.delivered < 10_100)
    }
}
