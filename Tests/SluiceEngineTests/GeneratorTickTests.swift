import Testing
@testable import SluiceEngine

/// The generators' millisecond ticks as STEP sees them, and a dropped source's generator.
@Suite struct GeneratorTickTests {
    /// At 10 rows/s, 99 ticks in 100 append nothing: they are not steps, so each STEP lands on
    /// something that happened. The quiet ticks still run (virtual time passes through them).
    @Test func quietTicksAreNotSteps() throws {
        let engine = Fixtures.engine()
        try engine.createSource(Fixtures.source(rate: 10))
        let steps = (0..<3).map { _ in "\(VirtualTime.formatSeconds(engine.now)) " + (engine.step() ?? "nil") }
        #expect(steps == ["0.000s generators appended 1 row", "0.100s generators appended 1 row", "0.200s generators appended 1 row"])
        #expect(engine.now == 300 * VirtualTime.millisecond)
        #expect(engine.processedEvents == 300, "every tick is still processed")
    }

    /// A generator that has nothing due for ten seconds reports that, instead of stepping on
    /// without end (a source at 0.01 rows/s has its first row at 100 s).
    @Test func aLongQuietIsReportedAfterTenSeconds() throws {
        let engine = Fixtures.engine()
        try engine.createSource(Fixtures.source(rate: 0.01))
        #expect(engine.step() == "generators: no row due and none expired in 10000 ticks (10s)")
        #expect(engine.now == 10 * VirtualTime.second)
    }

    /// A tick at which retention deletes rows is a step, though it appends none: two
    /// segments (100 ms each), the first older than the 1 s retention at 1.001 s.
    @Test func anExpiryIsAStep() throws {
        let engine = Fixtures.engine()
        var spec = Fixtures.source(rate: 0)
        spec.retention = VirtualTime.second
        spec.segment = 100 * VirtualTime.millisecond
        try engine.createSource(spec)
        try engine.inject(100, into: "clicks")
        engine.advance(by: 200 * VirtualTime.millisecond)
        try engine.inject(100, into: "clicks")
        #expect(engine.step() == "generators appended 0 rows")
        #expect(engine.now == 1001 * VirtualTime.millisecond)
        #expect(engine.sources[0].partitions[0].startOffset == 100)
    }

    /// DROP SOURCE stops its generator: the log stops growing, and with no other source no
    /// tick is scheduled at all.
    @Test func aDroppedSourceStopsGenerating() throws {
        let engine = Fixtures.engine()
        try engine.createSource(Fixtures.source("a", rate: 1000))
        engine.advance(by: VirtualTime.second)
        let end = engine.sources[0].partitions[0].endOffset
        #expect(end == 1000)
        try engine.drop("a")
        engine.advance(by: VirtualTime.second)
        #expect(engine.sources[0].partitions[0].endOffset == end)
        #expect(engine.nextEventTime == nil, "no generator tick for a dropped source")
        try engine.createSource(Fixtures.source("a", rate: 1000))
        engine.advance(by: VirtualTime.second)
        #expect(engine.sources[0].partitions[0].endOffset == end)
        #expect(engine.sources[1].partitions[0].endOffset == 1000)
    }
}
