import SluiceEngine
import Testing
@testable import SluiceSQL

@Suite("literal helpers")
struct LiteralTests {
    func failure<T>(_ result: Result<T, LiteralError>) -> String {
        if case .failure(let error) = result { return error.message }
        return "<success \(result)>"
    }

    @Test func durations() throws {
        let cases: [(String, Int64)] = [
            ("250ms", 250_000_000), ("1.5s", 1_500_000_000), ("20us", 20_000), ("20µs", 20_000), ("100ns", 100),
            ("2m", 120_000_000_000), ("1h", 3_600_000_000_000), ("0s", 0), (" 30 s ", 30_000_000_000),
            ("1.1s", 1_100_000_000), ("0.5m", 30_000_000_000), ("0.25h", 900_000_000_000), ("10 seconds", 10_000_000_000),
            ("1_000ms", 1_000_000_000), ("2562047h", 9_223_369_200_000_000_000),
        ]
        for (text, ns) in cases {
            #expect(try Literals.parseDuration(text).get() == ns, "\(text)")
        }
        #expect(try Literals.parseDuration("500", defaultUnit: .millisecond).get() == 500_000_000)
        #expect(failure(Literals.parseDuration("500")) == "duration '500' has no unit")
        // Zero needs no unit, as a sink's `latency = 0` (its default) is written.
        for zero in ["0", "0.0", "0_000", "+0"] { #expect(try Literals.parseDuration(zero).get() == 0, "\(zero)") }
        #expect(failure(Literals.parseDuration("10parsecs")) == "invalid duration '10parsecs': unknown unit 'parsecs'")
        #expect(failure(Literals.parseDuration("fast")) == "invalid duration 'fast'")
        #expect(failure(Literals.parseDuration("")) == "empty duration")
        #expect(failure(Literals.parseDuration("-5s")) == "duration '-5s' is negative")
        #expect(failure(Literals.parseDuration("1.5ns")) == "duration '1.5ns' is not a whole number of nanoseconds")
        #expect(failure(Literals.parseDuration("3000000h")) == "duration '3000000h' is too large")
        if case .failure(let error) = Literals.parseDuration("5 parsecs") {
            #expect(error.hint == "write a number and a unit, such as 250ms, 1.5s or 2m (units: ns, us, ms, s, m, h)")
        }
    }

    @Test func costs() throws {
        #expect(try Literals.parseCost("20us").get() == .fixed(20_000))
        #expect(try Literals.parseCost("0").get() == .free)
        #expect(try Literals.parseCost("exp(20us)").get() == .exponential(mean: 20_000))
        #expect(try Literals.parseCost(" EXP( 1ms ) ").get() == .exponential(mean: 1_000_000))
        #expect(try Literals.parseCost("uniform(5us,40us)").get() == .uniform(low: 5_000, high: 40_000))
        #expect(try Literals.parseCost("uniform(high=40us, low=5us)").get() == .uniform(low: 5_000, high: 40_000))
        #expect(failure(Literals.parseCost("expo(20us)")) == "invalid cost 'expo(20us)'")
        if case .failure(let error) = Literals.parseCost("expo(20us)") {
            #expect(error.hint == "did you mean exp? accepted forms: '20us', 'exp(20us)' or 'uniform(5us,40us)'")
        }
        #expect(failure(Literals.parseCost("uniform(40us,5us)")) == "invalid cost 'uniform(40us,5us)': the low bound is above the high bound")
        #expect(failure(Literals.parseCost("uniform(5us)")) == "uniform needs 2 arguments, low and high")
        #expect(failure(Literals.parseCost("exp")) == "exp needs one argument, mean")
        #expect(failure(Literals.parseCost("exp(20)")) == "duration '20' has no unit")
        #expect(failure(Literals.parseCost("20")) == "duration '20' has no unit")
        #expect(failure(Literals.parseCost("exp(20us")) == "invalid cost 'exp(20us'")
    }

    @Test func patterns() throws {
        #expect(try Literals.parsePattern("constant").get() == .constant)
        #expect(try Literals.parsePattern("Poisson").get() == .poisson)
        #expect(try Literals.parsePattern("burst(on=1s, off=4s)").get() == .burst(on: 1_000_000_000, off: 4_000_000_000))
        #expect(try Literals.parsePattern("burst(1s,0s)").get() == .burst(on: 1_000_000_000, off: 0))
        #expect(try Literals.parsePattern("sine(period=10s)").get() == .sine(period: 10_000_000_000))
        #expect(try Literals.parsePattern("ramp(to=10000, over=30s)").get() == .ramp(to: 10_000, over: 30_000_000_000))
        #expect(failure(Literals.parsePattern("bursty")) == "invalid load pattern 'bursty'")
        #expect(failure(Literals.parsePattern("burst(on=1s)")) == "burst needs 2 arguments, on and off")
        #expect(failure(Literals.parsePattern("burst(on=1s, of=4s)")) == "unknown argument 'of' for burst")
        #expect(failure(Literals.parsePattern("burst(on=0s, off=4s)")) == "burst on must be positive, found '0s'")
        #expect(failure(Literals.parsePattern("sine(period=10)")) == "duration '10' has no unit")
        #expect(failure(Literals.parsePattern("poisson(5)")) == "load pattern 'poisson' takes no arguments")
        #expect(failure(Literals.parsePattern("ramp(to=-5, over=1s)")) == "rate '-5' is negative")
        if case .failure(let error) = Literals.parsePattern("bursty") {
            #expect(error.hint == "did you mean burst? accepted forms: " + Literals.patternForms)
        }
    }

    @Test func keyDistributions() throws {
        #expect(try Literals.parseKeyDistribution("uniform").get() == .uniform)
        #expect(try Literals.parseKeyDistribution("zipf(1.1)").get() == .zipf(1.1))
        #expect(try Literals.parseKeyDistribution("zipf(s=0.8)").get() == .zipf(0.8))
        #expect(failure(Literals.parseKeyDistribution("zipf(0)")) == "zipf exponent must be a number above 0, found '0'")
        #expect(failure(Literals.parseKeyDistribution("zipf")) == "zipf needs one argument, s")
        #expect(failure(Literals.parseKeyDistribution("zipff(1.1)")) == "invalid key distribution 'zipff(1.1)'")
        #expect(failure(Literals.parseKeyDistribution("normal")) == "invalid key distribution 'normal'")
    }

    @Test func rates() throws {
        #expect(try Literals.parseRate("2000").get() == 2000)
        #expect(try Literals.parseRate("2000/s").get() == 2000)
        #expect(try Literals.parseRate("120 / m").get() == 2)
        #expect(try Literals.parseRate("5/ms").get() == 5000)
        #expect(try Literals.parseRate("1.5").get() == 1.5)
        #expect(try Literals.parseRate("0").get() == 0)
        #expect(failure(Literals.parseRate("-1")) == "rate '-1' is negative")
        #expect(failure(Literals.parseRate("fast")) == "invalid rate 'fast'")
        #expect(failure(Literals.parseRate("10/parsec")) == "invalid rate '10/parsec'")
    }

    /// A rate, a ramp's target and a sink's throughput go up to `Limits.maxRate`; a cost up
    /// to an hour; a Zipf exponent up to 100. Past them the engine overflowed.
    @Test func valuesPastTheLimits() throws {
        #expect(try Literals.parseRate("1e8").get() == 100_000_000)
        #expect(try Literals.parseRate("6e9/m").get() == 100_000_000)
        #expect(failure(Literals.parseRate("1e19")) == "rate '1e19' is out of range: expected 0 to 100000000 rows per second")
        #expect(failure(Literals.parseRate("6000000001/m")) == "rate '6000000001/m' is out of range: expected 0 to 100000000 rows per second")
        #expect(try Literals.parsePattern("ramp(to=1e8, over=1s)").get() == .ramp(to: 100_000_000, over: 1_000_000_000))
        #expect(failure(Literals.parsePattern("ramp(to=1e308, over=1s)"))
                == "rate '1e308' is out of range: expected 0 to 100000000 rows per second")
        #expect(try Literals.parseCost("uniform(0s,1h)").get() == .uniform(low: 0, high: 3_600_000_000_000))
        #expect(try Literals.parseCost("exp(60m)").get() == .exponential(mean: 3_600_000_000_000))
        for cost in ["exp(100000h)", "uniform(1h,100000h)", "61m", "fixed(3600.000000001s)"] {
            #expect(failure(Literals.parseCost(cost)) == "cost '\(cost)' is out of range: a cost is at most 1h")
        }
        #expect(failure(OptionValue.duration(7_200_000_000_000, text: "2h").cost()) == "cost '2h' is out of range: a cost is at most 1h")
        #expect(try Literals.parseKeyDistribution("zipf(100)").get() == .zipf(100))
        #expect(failure(Literals.parseKeyDistribution("zipf(1e20)")) == "zipf exponent must be at most 100, found '1e20'")
        #expect(failure(Literals.parseKeyDistribution("zipf(1e400)")) == "zipf exponent must be a number above 0, found '1e400'")
    }

    @Test func optionValues() throws {
        #expect(try OptionValue.duration(30_000_000_000, text: "30s").duration().get() == 30_000_000_000)
        #expect(try OptionValue.string("30s").duration().get() == 30_000_000_000)
        #expect(try OptionValue.number(500, text: "500").duration(defaultUnit: .millisecond).get() == 500_000_000)
        #expect(failure(OptionValue.number(500, text: "500").duration()) == "duration '500' has no unit")
        #expect(failure(OptionValue.boolean(true).duration()) == "expected a duration, found true")
        #expect(try OptionValue.number(2000, text: "2000").rate().get() == 2000)
        #expect(try OptionValue.string("2000/s").rate().get() == 2000)
        #expect(try OptionValue.string("exp(20us)").cost().get() == .exponential(mean: 20_000))
        #expect(try OptionValue.duration(20_000, text: "20us").cost().get() == .fixed(20_000))
        #expect(try OptionValue.identifier("poisson").pattern().get() == .poisson)
        #expect(try OptionValue.string("zipf(1.1)").keyDistribution().get() == .zipf(1.1))
        #expect(try OptionValue.number(4, text: "4").integer(in: 1...256).get() == 4)
        #expect(failure(OptionValue.number(0, text: "0").integer(in: 1...256)) == "value 0 is out of range: expected 1 to 256")
        #expect(failure(OptionValue.number(2.5, text: "2.5").integer(in: 1...256)) == "expected a whole number, found 2.5")
        #expect(try OptionValue.boolean(false).boolean().get() == false)
        #expect(try OptionValue.string("true").boolean().get() == true)
        // 1 and 0 as PostgreSQL's booleans take them; other numbers are not booleans.
        #expect(try OptionValue.number(1, text: "1").boolean().get() == true)
        #expect(try OptionValue.string("0").boolean().get() == false)
        #expect(failure(OptionValue.number(2, text: "2").boolean()) == "expected TRUE or FALSE, found 2")
        #expect(failure(OptionValue.number(1, text: "1.0").boolean()) == "expected TRUE or FALSE, found 1.0")
        #expect(try OptionValue.identifier("credit").word().get() == "credit")
        #expect(try OptionValue.string("Credit").word().get() == "credit")
    }
}
