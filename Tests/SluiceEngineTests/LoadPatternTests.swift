import Testing
@testable import SluiceEngine

/// The generators append the integral of their pattern's rate, on the pattern's own clock:
/// it starts when the source is created or given a new pattern.
@Suite("load patterns")
struct LoadPatternTests {
    /// Rows the source `name` has appended so far.
    func generated(_ engine: Engine, _ name: String) -> Int64 {
        engine.sourceSnapshots().first { $0.name == name }!.generated
    }

    func source(_ name: String, rate: Double, _ pattern: LoadPattern) -> SourceSpec {
        var spec = Fixtures.source(name, rate: rate)
        spec.pattern = pattern
        return spec
    }

    @Test func aRampStartsAtItsRateWhenTheSourceIsCreatedLate() throws {
        let engine = Fixtures.engine()
        engine.advance(by: 20 * VirtualTime.second)
        try engine.createSource(source("late", rate: 10, .ramp(to: 1000, over: 10 * VirtualTime.second)))
        engine.advance(by: VirtualTime.second)
        // 10 + 99 × 1²/2 = 59.5 rows in its first second, not the 1000 of the ramp's end.
        #expect(generated(engine, "late") == 59)
        engine.advance(by: 5 * VirtualTime.second)
        // ∫₀⁶ (10 + 99t) dt = 60 + 99 × 36/2 = 1842.
        #expect(generated(engine, "late") == 1842)
        engine.advance(by: 10 * VirtualTime.second)
        // The ramp ends at 10 s (10 × 10 + 990 × 10/2 = 5050), then 1000 rows/s for 6 s.
        #expect(generated(engine, "late") == 11050)
    }

    @Test func aRampFromZeroGenerates() throws {
        let engine = Fixtures.engine()
        try engine.createSource(source("z", rate: 0, .ramp(to: 1000, over: 10 * VirtualTime.second)))
        engine.advance(by: 5 * VirtualTime.second)
        #expect(generated(engine, "z") == 1250)  // 1000 × 5² / (2 × 10)
    }

    /// A ramp down to 0 appends nothing once it has ended, and its generator stops ticking:
    /// the engine goes idle instead of passing empty ticks for ever (STEP took minutes).
    @Test func aRampDownToZeroStopsTicking() throws {
        let engine = Fixtures.engine()
        try engine.createSource(source("down", rate: 1000, .ramp(to: 0, over: VirtualTime.second)))
        engine.advance(by: 5 * VirtualTime.second)
        #expect(generated(engine, "down") == 500)  // 1000 × 1 / 2
        #expect(engine.nextEventTime == nil)
        // A new pattern starts it again.
        try engine.alterSource("down") { $0.pattern = .constant }
        engine.advance(by: VirtualTime.second)
        #expect(generated(engine, "down") == 1500)
    }

    @Test func aBurstCountsItsOnTimeExactly() throws {
        let engine = Fixtures.engine()
        // On 300 ms, off 700 ms at 1000 rows/s: 300 rows a second, phase boundaries anywhere.
        try engine.createSource(source("b", rate: 1000, .burst(on: 300 * VirtualTime.millisecond, off: 700 * VirtualTime.millisecond)))
        engine.advance(by: 10 * VirtualTime.second + 150 * VirtualTime.millisecond)
        #expect(generated(engine, "b") == 3150)
    }

    @Test func aSineAveragesItsRateOverWholePeriods() throws {
        let engine = Fixtures.engine()
        try engine.createSource(source("s", rate: 500, .sine(period: 4 * VirtualTime.second)))
        engine.advance(by: VirtualTime.second)
        // ∫₀¹ 500 (1 + sin(πt/2)) dt = 500 + 1000/π = 818.3.
        #expect(generated(engine, "s") == 818)
        engine.advance(by: 7 * VirtualTime.second)
        #expect(abs(generated(engine, "s") - 4000) <= 1)
    }

    /// A new pattern restarts the clock; a new rate alone does not.
    @Test func aNewPatternStartsItsClockAtTheAlter() throws {
        let engine = Fixtures.engine()
        try engine.createSource(source("r", rate: 100, .constant))
        engine.advance(by: 30 * VirtualTime.second)
        try engine.alterSource("r") { $0.pattern = .ramp(to: 200, over: 10 * VirtualTime.second) }
        engine.advance(by: 10 * VirtualTime.second)
        #expect(generated(engine, "r") == 3000 + 1500)
        try engine.alterSource("r") { $0.rate = 0 }
        engine.advance(by: 10 * VirtualTime.second)
        #expect(generated(engine, "r") == 4500 + 2000, "past its span the ramp stays at its target")
    }

    @Test func badPatternsAreRefusedAndChangeNothing() {
        let engine = Fixtures.engine()
        for pattern: LoadPattern in [.ramp(to: -1, over: VirtualTime.second), .ramp(to: .infinity, over: VirtualTime.second),
                                     .ramp(to: 10, over: 0), .burst(on: 0, off: VirtualTime.second), .sine(period: 0)] {
            #expect(throws: EngineError.self) { try engine.createSource(source("bad", rate: 10, pattern)) }
        }
        #expect(engine.sourceSnapshots().isEmpty)
    }
}
