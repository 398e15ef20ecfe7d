import Testing
@testable import SluiceShell
import SluiceEngine

/// Virtual time is written with one rule everywhere: the digits shown are truncated, so an
/// instant and the duration from 0 to it read the same, and the prompt agrees with both.
@Suite("one rule for writing virtual time")
struct VirtualTimeTextTests {
    @Test func instantsAndDurationsTruncateAlike() {
        #expect(VirtualTime.formatSeconds(1_157_500_000) == "1.157s")
        #expect(VirtualTime.format(1_157_500_000) == "1.157s")
        #expect(VirtualTime.format(1_999_999_999) == "1.999s")
        #expect(VirtualTime.format(999_999_600) == "999.999ms")    // not "1000ms"
        #expect(VirtualTime.format(1_500) == "1.5us")
        #expect(VirtualTime.format(-2_250_000) == "-2.25ms")
        #expect(VirtualTime.formatSeconds(-500_000_000) == "-0.500s")
        // From 1 s on, both forms name the same number of milliseconds.
        for ns: Int64 in [1_000_000_000, 1_000_499_999, 1_000_500_000, 2_345_678_901, 59_999_999_999, 3_600_000_000_001] {
            let seconds = Double(VirtualTime.formatSeconds(ns).dropLast())!
            let duration = Double(VirtualTime.format(ns).dropLast())!
            #expect(seconds == duration, "\(ns)")
        }
    }

    /// The audit's case: a RUN from 0 stopped at 1.1575 s said `stopped at 1.157s (1.158s of 3600s)`.
    @Test func aCancelledRunAgreesWithItselfAndThePrompt() {
        let s = session("CREATE SOURCE a (k INT) WITH (rate = 100);")
        let result = s.execute("RUN 3600s;", stoppingAt: StopPoint(elapsed: 1_157_500_000))
        #expect(s.engine.now == 1_157_500_000)
        #expect(result.output == "cancelled: virtual time stopped at 1.157s (1.157s of 3600s)\n")
        #expect(s.prompt == "sluice [3] 1.157s> ")
    }
}
