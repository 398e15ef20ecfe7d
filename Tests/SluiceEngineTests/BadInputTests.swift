import Testing
@testable import SluiceEngine

/// Everything the engine refuses: each refusal is a typed error naming the object and the
/// value, and leaves the engine exactly as it was (same rendering of every metric, same
/// internal counts, and it runs on identically afterwards).
@Suite struct BadInputTests {
    /// A running engine with a source, a view, a sink on the view and some history.
    static func busyEngine() throws -> Engine {
        let engine = Fixtures.engine { $0.barrierIntervalMs = 200 }
        try engine.createSource(Fixtures.source(rate: 500, partitions: 2))
        try engine.createJob(Fixtures.aggregateView("spend"))
        try engine.createJob(Fixtures.sink("out", from: "spend", schema: Fixtures.aggregateView("spend").outputSchema,
                                           sink: Fixtures.sinkSpec(throughput: 100)))
        engine.advance(by: 700 * VirtualTime.millisecond)
        return engine
    }

    static func fingerprint(_ engine: Engine) -> String {
        MetricsText.render(engine) + "\n" + [
            "sources \(engine.sources.count) actors \(engine.actors.count) channels \(engine.channels.count)",
            "gates \(engine.gates.count) consumers \(engine.sources.map(\.consumers.count))",
            "epoch \(engine.nextEpoch) events \(engine.events.count) ready \(engine.ready.count)",
        ].joined(separator: "\n")
    }

    /// Expects `body` to throw exactly `expected`, then that nothing changed, then that the
    /// engine still runs as an untouched twin does.
    static func expectRefusal(_ expected: EngineError, sourceLocation: SourceLocation = #_sourceLocation,
                              _ body: (Engine) throws(EngineError) -> Void) throws {
        let engine = try busyEngine(), twin = try busyEngine()
        let before = fingerprint(engine)
        #expect(throws: expected, sourceLocation: sourceLocation) { try body(engine) }
        #expect(fingerprint(engine) == before, "the refusal changed the engine", sourceLocation: sourceLocation)
        engine.advance(by: 500 * VirtualTime.millisecond)
        twin.advance(by: 500 * VirtualTime.millisecond)
        #expect(fingerprint(engine) == fingerprint(twin), "the refused engine runs differently", sourceLocation: sourceLocation)
    }

    // MARK: Settings

    static var badSettings: [(String, (inout EngineSettings) -> Void, String, String)] { [
        ("buffers_per_channel", { $0.buffersPerChannel = -1 }, "-1", "must be between 0 and 1000"),
        ("floating_buffers_per_gate", { $0.floatingBuffersPerGate = -3 }, "-3", "must be between 0 and 10000"),
        ("floating_buffers_per_gate", { $0.buffersPerChannel = 0; $0.floatingBuffersPerGate = 0 }, "0",
         "a gate needs at least one buffer: buffers_per_channel + floating_buffers_per_gate must be at least 1"),
        ("buffer_bytes", { $0.bufferBytes = 10 }, "10", "must be between 64 and 67108864"),
        ("buffer_rows", { $0.bufferRows = -1 }, "-1", "must be between 0 (derived) and 1048576"),
        ("exchange_initial_permits", { $0.exchangeInitialPermits = 0 }, "0", "must be between 1 and 16777216"),
        ("exchange_batched_permits", { $0.exchangeBatchedPermits = 2048 }, "2048", "must be below exchange_initial_permits (2048)"),
        ("exchange_batched_permits", { $0.exchangeBatchedPermits = 0 }, "0", "must be between 1 and 16777216"),
        ("exchange_concurrent_barriers", { $0.exchangeConcurrentBarriers = 0 }, "0", "must be between 1 and 1024"),
        ("barrier_interval_ms", { $0.barrierIntervalMs = -1 }, "-1", "must be between 0 (manual) and 3600000"),
        ("in_flight_barrier_nums", { $0.inFlightBarrierNums = 0 }, "0", "must be between 1 and 100000"),
        ("checkpoint_timeout_ms", { $0.checkpointTimeoutMs = -1 }, "-1", "must be between 0 (never) and 86400000"),
        ("aligned_checkpoint_timeout_ms", { $0.alignedCheckpointTimeoutMs = -1 }, "-1", "must be between 0 (unaligned from the start) and 86400000"),
        ("max_poll_records", { $0.maxPollRecords = 0 }, "0", "must be between 1 and 1000000"),
        ("max_poll_interval_ms", { $0.maxPollIntervalMs = 0 }, "0", "must be between 1 and 86400000"),
        ("fetch_min_bytes", { $0.fetchMinBytes = -1 }, "-1", "must be between 0 and 1073741824"),
        ("fetch_max_wait_ms", { $0.fetchMaxWaitMs = -1 }, "-1", "must be between 0 and 3600000"),
        ("nodes", { $0.nodes = 0 }, "0", "must be between 1 and 64"),
        ("chunk_rows", { $0.chunkRows = -5 }, "-5", "must be between 1 and 65536"),
    ] }

    @Test func invalidSettingsAreRefusedAtCreation() {
        for (name, change, value, reason) in Self.badSettings {
            var settings = EngineSettings()
            change(&settings)
            #expect(throws: EngineError.invalidSetting(name: name, value: value, reason: reason)) { try Engine(settings: settings) }
            #expect(EngineError.invalidSetting(name: name, value: value, reason: reason).description == "invalid value \(value) for \(name): \(reason)")
        }
    }

    @Test func invalidSettingsAreRefusedByApply() throws {
        for (name, change, value, reason) in Self.badSettings {
            try Self.expectRefusal(.invalidSetting(name: name, value: value, reason: reason)) { engine throws(EngineError) in
                var settings = engine.settings
                settings.flowControl = .permits    // a valid change riding along is not applied either
                change(&settings)
                try engine.apply(settings)
            }
        }
    }

    // MARK: Sources

    static func clicks(_ change: (inout SourceSpec) -> Void) -> SourceSpec {
        var spec = Fixtures.source("other")
        change(&spec)
        return spec
    }

    @Test func invalidSourcesAreRefused() throws {
        let source = "source other"
        let cases: [(SourceSpec, EngineError)] = [
            (Self.clicks { $0.rate = -5 }, .invalidOption(object: source, option: "rate", value: "-5", reason: "must be 0 or more rows per second")),
            (Self.clicks { $0.rate = -0.25 }, .invalidOption(object: source, option: "rate", value: "-0.25", reason: "must be 0 or more rows per second")),
            (Self.clicks { $0.cost = .fixed(-1_000) }, .invalidOption(object: source, option: "cost", value: "-1us", reason: "must not be negative")),
            (Self.clicks { $0.cost = .exponential(mean: -5_000) }, .invalidOption(object: source, option: "cost", value: "exp(-5us)", reason: "must not be negative")),
            (Self.clicks { $0.cost = .uniform(low: 40_000, high: 5_000) }, .invalidOption(object: source, option: "cost", value: "uniform(40us,5us)", reason: "needs 0 ≤ low ≤ high")),
            (Self.clicks { $0.cost = .uniform(low: -1, high: 5_000) }, .invalidOption(object: source, option: "cost", value: "uniform(-1ns,5us)", reason: "needs 0 ≤ low ≤ high")),
            (Self.clicks { $0.partitions = 0 }, .invalidOption(object: source, option: "partitions", value: "0", reason: "must be between 1 and 1024")),
            (Self.clicks { $0.partitions = 1025 }, .invalidOption(object: source, option: "partitions", value: "1025", reason: "must be between 1 and 1024")),
            (Self.clicks { $0.keys = 0 }, .invalidOption(object: source, option: "keys", value: "0", reason: "must be at least 1")),
            (Self.clicks { $0.keyColumn = 3 }, .invalidOption(object: source, option: "key", value: "3", reason: "no such column")),
            (Self.clicks { $0.retention = 0 }, .invalidOption(object: source, option: "retention", value: "0s", reason: "must be positive")),
            (Self.clicks { $0.segment = -VirtualTime.second }, .invalidOption(object: source, option: "segment", value: "-1s", reason: "must be positive")),
            (Self.clicks { $0.schema = Schema([]) }, .invalidOption(object: source, option: "columns", value: "()", reason: "a source needs at least one column")),
            (Fixtures.table("other", rows: -1, keys: 10), .invalidOption(object: "table other", option: "rows", value: "-1", reason: "must be 0 or more")),
            // A BOOLEAN key has two values; VARCHAR keys are interned strings, a bounded number.
            (Self.clicks { $0.schema = Schema([Column("on", .boolean)]); $0.keys = 3 },
             .invalidOption(object: source, option: "keys", value: "3", reason: "a BOOLEAN key column takes at most 2 distinct values")),
            (Self.clicks { $0.keyColumn = 1; $0.keys = 100_001 },
             .invalidOption(object: source, option: "keys", value: "100001", reason: "a VARCHAR key column takes at most 100000 distinct values")),
        ]
        for (spec, error) in cases {
            try Self.expectRefusal(error) { engine throws(EngineError) in try engine.createSource(spec) }
        }
    }

    @Test func duplicateNamesAreRefused() throws {
        try Self.expectRefusal(.duplicateName(kind: "source", name: "clicks")) { engine throws(EngineError) in
            try engine.createSource(Fixtures.source())
        }
        try Self.expectRefusal(.duplicateName(kind: "source", name: "clicks")) { engine throws(EngineError) in
            try engine.createSource(Fixtures.table("clicks", rows: 5, keys: 5))
        }
        try Self.expectRefusal(.duplicateName(kind: "materialized view", name: "spend")) { engine throws(EngineError) in
            try engine.createSource(Fixtures.source("spend"))
        }
        try Self.expectRefusal(.duplicateName(kind: "sink", name: "out")) { engine throws(EngineError) in
            try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [], sink: Fixtures.sinkSpec()))
        }
        try Self.expectRefusal(.duplicateName(kind: "source", name: "clicks")) { engine throws(EngineError) in
            try engine.createJob(Fixtures.chain("clicks", source: "clicks", stations: [], sink: Fixtures.sinkSpec()))
        }
        #expect(EngineError.duplicateName(kind: "sink", name: "out").description == "sink out already exists")
    }

    @Test func alteringASourceBadlyIsRefused() throws {
        try Self.expectRefusal(.unknownObject(kind: "source", name: "nope")) { engine throws(EngineError) in
            try engine.alterSource("nope") { $0.rate = 1 }
        }
        try Self.expectRefusal(.invalidOption(object: "source clicks", option: "rate", value: "-1", reason: "must be 0 or more rows per second")) { engine throws(EngineError) in
            try engine.alterSource("clicks") { $0.rate = -1 }
        }
        try Self.expectRefusal(.invalidOption(object: "source clicks", option: "cost", value: "uniform(2ms,1ms)", reason: "needs 0 ≤ low ≤ high")) { engine throws(EngineError) in
            try engine.alterSource("clicks") { $0.rate = 9000; $0.cost = .uniform(low: 2_000_000, high: 1_000_000) }
        }
        try Self.expectRefusal(.invalidOption(object: "source clicks", option: "partitions", value: "1",
                                              reason: "cannot be decreased from 2 (Kafka adds partitions, never removes them)")) { engine throws(EngineError) in
            try engine.alterSource("clicks") { $0.partitions = 1 }
        }
        try Self.expectRefusal(.invalidOption(object: "source clicks", option: "retention", value: "-1s", reason: "must be positive")) { engine throws(EngineError) in
            try engine.alterSource("clicks") { $0.retention = -VirtualTime.second }
        }
    }

    /// ALTER SOURCE must refuse what CREATE SOURCE refuses.
    @Test func alterSourceChecksWhatCreateSourceChecks() throws {
        let cases: [((inout SourceSpec) -> Void, EngineError)] = [
            ({ $0.keys = 0 }, .invalidOption(object: "source clicks", option: "keys", value: "0", reason: "must be at least 1")),
            ({ $0.keyColumn = 7 }, .invalidOption(object: "source clicks", option: "key", value: "7", reason: "no such column")),
            ({ $0.segment = 0 }, .invalidOption(object: "source clicks", option: "segment", value: "0s", reason: "must be positive")),
            ({ $0.keyColumn = 1; $0.keys = 200_000 },
             .invalidOption(object: "source clicks", option: "keys", value: "200000", reason: "a VARCHAR key column takes at most 100000 distinct values")),
        ]
        for (change, error) in cases {
            let engine = try Self.busyEngine()
            let before = engine.sourceSpec("clicks")
            #expect(throws: error) { try engine.alterSource("clicks", change) }
            #expect(engine.sourceSpec("clicks") == before)
        }
    }

    // MARK: Jobs

    static func job(_ fragments: [FragmentSpec], dependsOn: [String] = ["clicks"]) -> JobSpec {
        JobSpec(name: "bad", kind: .sink, fragments: fragments, outputSchema: Fixtures.clicks, dependsOn: dependsOn, definition: "")
    }

    static func fragment(_ role: String, _ operators: [OperatorSpec], inputs: [InputRef] = [], parallelism: Int = 1,
                         cost: CostSpec = .free) -> FragmentSpec {
        FragmentSpec(role: role, operators: operators, parallelism: parallelism,
                     inputs: inputs.map { FragmentInput(from: $0, distribution: .roundRobin) }, cost: cost, outputSchema: Fixtures.clicks)
    }

    @Test func invalidJobsAreRefused() throws {
        let source = Self.fragment("source", [.source("clicks")])
        let sink = { (from: InputRef) in Self.fragment("sink", [.sink(Fixtures.sinkSpec())], inputs: [from]) }
        let cases: [(JobSpec, EngineError)] = [
            // A fragment reading itself or a later fragment would close a cycle.
            (Self.job([source, Self.fragment("t", [], inputs: [.fragment(1)]), sink(.fragment(1))]), .cycle(name: "bad")),
            (Self.job([source, Self.fragment("t", [], inputs: [.fragment(2)]), sink(.fragment(1))]), .cycle(name: "bad")),
            (Self.job([source, sink(.fragment(-1))]), .cycle(name: "bad")),
            (Self.job([Self.fragment("source", [.source("nope")]), sink(.fragment(0))]), .unknownObject(kind: "source", name: "nope")),
            (Self.job([sink(.view("nope"))], dependsOn: []), .unknownObject(kind: "materialized view", name: "nope")),
            (Self.job([sink(.view("out"))], dependsOn: []), .unknownObject(kind: "materialized view", name: "out")),
            (Self.job([source, sink(.fragment(0))], dependsOn: ["clicks", "ghost"]), .unknownObject(kind: "relation", name: "ghost")),
            (Self.job([]), .invalidPlan("bad has no fragments")),
            (Self.job([source, Self.fragment("t", [.filter(Fixtures.amountAbove(1))], inputs: [.fragment(0)])]),
             .invalidPlan("bad must end in a materialize or sink operator")),
            (Self.job([source, Self.fragment("t", [], inputs: [.fragment(0)], parallelism: 0), sink(.fragment(1))]),
             .invalidOption(object: "bad", option: "parallelism", value: "0", reason: "must be between 1 and 256")),
            (Self.job([source, Self.fragment("t", [], inputs: [.fragment(0)], parallelism: 257), sink(.fragment(1))]),
             .invalidOption(object: "bad", option: "parallelism", value: "257", reason: "must be between 1 and 256")),
            (Self.job([source, Self.fragment("t", [], inputs: [.fragment(0)], cost: .fixed(-20_000)), sink(.fragment(1))]),
             .invalidOption(object: "bad", option: "cost", value: "-20us", reason: "must not be negative")),
            (Self.job([source, Self.fragment("t", [], inputs: [.fragment(0)], cost: .uniform(low: 9, high: 3)), sink(.fragment(1))]),
             .invalidOption(object: "bad", option: "cost", value: "uniform(9ns,3ns)", reason: "needs 0 ≤ low ≤ high")),
            (Self.job([source, Self.fragment("sink", [.sink(Fixtures.sinkSpec(throughput: -1))], inputs: [.fragment(0)])]),
             .invalidOption(object: "sink bad", option: "throughput", value: "-1", reason: "must be 0 or more rows per second")),
            (Self.job([source, Self.fragment("sink", [.sink(Fixtures.sinkSpec(batch: 0))], inputs: [.fragment(0)])]),
             .invalidOption(object: "sink bad", option: "batch", value: "0", reason: "must be at least 1")),
            (Self.job([source, Self.fragment("sink", [.sink(Fixtures.sinkSpec(latency: -1))], inputs: [.fragment(0)])]),
             .invalidOption(object: "sink bad", option: "latency", value: "-1ns", reason: "must not be negative")),
        ]
        for (spec, error) in cases {
            try Self.expectRefusal(error) { engine throws(EngineError) in try engine.createJob(spec) }
        }
        #expect(EngineError.cycle(name: "bad").description == "bad would make the dataflow graph cyclic")
    }

    @Test func droppingWhatOthersDependOnIsRefused() throws {
        try Self.expectRefusal(.hasDependents(kind: "source", name: "clicks", dependents: ["spend"])) { engine throws(EngineError) in
            try engine.drop("clicks")
        }
        try Self.expectRefusal(.hasDependents(kind: "materialized view", name: "spend", dependents: ["out"])) { engine throws(EngineError) in
            try engine.drop("spend")
        }
        try Self.expectRefusal(.unknownObject(kind: "relation", name: "nope")) { engine throws(EngineError) in
            try engine.drop("nope")
        }
        #expect(EngineError.hasDependents(kind: "source", name: "clicks", dependents: ["spend"]).description
                == "cannot drop source clicks: spend depends on it")
        #expect(EngineError.hasDependents(kind: "materialized view", name: "v", dependents: ["a", "b"]).description
                == "cannot drop materialized view v: a, b depend on it")
    }

    // MARK: Commands

    @Test func badCommandsAreRefused() throws {
        try Self.expectRefusal(.invalidOption(object: "INJECT", option: "rows", value: "-1", reason: "must be 0 or more")) { engine throws(EngineError) in
            try engine.inject(-1, into: "clicks")
        }
        try Self.expectRefusal(.unknownObject(kind: "source", name: "nope")) { engine throws(EngineError) in
            try engine.inject(10, into: "nope")
        }
        try Self.expectRefusal(.invalidPartition(source: "clicks", partition: 2, partitions: 2)) { engine throws(EngineError) in
            try engine.inject(10, into: "clicks", partition: 2)
        }
        try Self.expectRefusal(.invalidPartition(source: "clicks", partition: -1, partitions: 2)) { engine throws(EngineError) in
            try engine.setPartitionPaused("clicks", partition: -1, paused: true)
        }
        try Self.expectRefusal(.unknownObject(kind: "source", name: "nope")) { engine throws(EngineError) in
            try engine.setPartitionPaused("nope", partition: 0, paused: true)
        }
        try Self.expectRefusal(.unknownObject(kind: "materialized view", name: "out")) { engine throws(EngineError) in
            _ = try engine.viewRows("out")
        }
        #expect(EngineError.invalidPartition(source: "clicks", partition: 2, partitions: 2).description
                == "source clicks has no partition 2 (it has 2 partitions, 0 to 1)")
        #expect(EngineError.invalidPartition(source: "clicks", partition: 1, partitions: 1).description
                == "source clicks has no partition 1 (it has one partition, 0)")
    }

    // MARK: Numbers past the limits

    /// Rates, ramp targets, Zipf exponents and costs past `Limits` are refused: past them a
    /// generator's row count, a drawn cost or the number shown in the message overflowed.
    @Test func outOfRangeSourceOptionsAreRefused() throws {
        let source = "source other"
        let tooFast = "must be at most 100000000 rows per second"
        let skew = "the exponent must be above 0 and at most 100"
        let hours = { (n: Int64) in n * Limits.maxCost }
        let cases: [(SourceSpec, EngineError)] = [
            (Self.clicks { $0.rate = 1e19 }, .invalidOption(object: source, option: "rate", value: "1e19", reason: tooFast)),
            (Self.clicks { $0.rate = .infinity }, .invalidOption(object: source, option: "rate", value: "Infinity", reason: tooFast)),
            (Self.clicks { $0.pattern = .ramp(to: 1e308, over: VirtualTime.second) },
             .invalidOption(object: source, option: "pattern", value: "ramp(to=1e308, over=1s)", reason: "the target " + tooFast)),
            (Self.clicks { $0.keyDistribution = .zipf(1e20) }, .invalidOption(object: source, option: "key_skew", value: "zipf(1e20)", reason: skew)),
            (Self.clicks { $0.keyDistribution = .zipf(0) }, .invalidOption(object: source, option: "key_skew", value: "zipf(0)", reason: skew)),
            (Self.clicks { $0.keyDistribution = .zipf(.nan) }, .invalidOption(object: source, option: "key_skew", value: "zipf(NaN)", reason: skew)),
            (Self.clicks { $0.cost = .exponential(mean: hours(100_000)) },
             .invalidOption(object: source, option: "cost", value: "exp(360000000s)", reason: "must be at most 3600s")),
            (Self.clicks { $0.cost = .uniform(low: hours(1), high: hours(100_000)) },
             .invalidOption(object: source, option: "cost", value: "uniform(3600s,360000000s)", reason: "must be at most 3600s")),
            (Self.clicks { $0.pollCost = .fixed(hours(1) + 1) },
             .invalidOption(object: source, option: "poll_cost", value: "3600s", reason: "must be at most 3600s")),
        ]
        for (spec, error) in cases {
            try Self.expectRefusal(error) { engine throws(EngineError) in try engine.createSource(spec) }
        }
        try Self.expectRefusal(.invalidOption(object: "source clicks", option: "rate", value: "100000000.5", reason: tooFast)) { engine throws(EngineError) in
            try engine.alterSource("clicks") { $0.rate = Limits.maxRate + 0.5 }
        }
    }

    @Test func outOfRangeJobOptionsAreRefused() throws {
        let source = Self.fragment("source", [.source("clicks")])
        try Self.expectRefusal(.invalidOption(object: "sink bad", option: "throughput", value: "1e20",
                                              reason: "must be at most 100000000 rows per second")) { engine throws(EngineError) in
            try engine.createJob(Self.job([source, Self.fragment("sink", [.sink(Fixtures.sinkSpec(throughput: 1e20))], inputs: [.fragment(0)])]))
        }
        try Self.expectRefusal(.invalidOption(object: "bad", option: "cost", value: "exp(360000000s)", reason: "must be at most 3600s")) { engine throws(EngineError) in
            let slow = Self.fragment("t", [], inputs: [.fragment(0)], cost: .exponential(mean: 100_000 * Limits.maxCost))
            try engine.createJob(Self.job([source, slow, Self.fragment("sink", [.sink(Fixtures.sinkSpec())], inputs: [.fragment(1)])]))
        }
    }

    /// One INJECT appends at most `Limits.maxInjectRows`: `INJECT Int.max` overflowed the
    /// log's end offset.
    @Test func injectingTooManyRowsIsRefused() throws {
        for rows in [Limits.maxInjectRows + 1, Int.max] {
            try Self.expectRefusal(.invalidOption(object: "INJECT", option: "rows", value: String(rows),
                                                  reason: "must be at most 1000000000")) { engine throws(EngineError) in
                try engine.inject(rows, into: "clicks")
            }
        }
    }

    /// INJECT after INJECT fills a log to `Limits.maxLogRows` and no further, so repeated
    /// INJECTs cannot overflow its offsets either.
    @Test func injectNeverFillsALogPastItsLimit() throws {
        let engine = Fixtures.engine()
        try engine.createSource(Fixtures.source(partitions: 3))
        for _ in 0..<(Limits.maxLogRows / Int64(Limits.maxInjectRows)) { try engine.inject(Limits.maxInjectRows, into: "clicks") }
        let full = EngineError.invalidOption(object: "source clicks", option: "rows", value: "1",
                                             reason: "its log holds 1000000000000000 rows, and INJECT fills a log to at most 1000000000000000")
        #expect(throws: full) { try engine.inject(1, into: "clicks", partition: 2) }
        #expect(engine.sources[0].endOffsets.reduce(0, +) == Limits.maxLogRows)
        #expect(full.description == "invalid rows = 1 for source clicks: its log holds 1000000000000000 rows, "
                + "and INJECT fills a log to at most 1000000000000000")
    }

    /// An engine one second before the end of virtual time, as if it had idled there
    /// (getting there by `advance` would take 3 × 10^10 metric samples).
    static func engineNearTheEnd() -> Engine {
        let engine = Fixtures.engine()
        engine.now = Limits.maxVirtualTime - VirtualTime.second
        engine.metrics.nextSampleAt = engine.now
        return engine
    }

    /// `advance`, `run(until:)`, `stepBarrier` and `step` stop at the end of virtual time
    /// instead of overflowing the clock, with work in flight whose costs are the longest
    /// allowed and a sink whose writes would outlast virtual time.
    @Test func virtualTimeStopsAtItsEnd() throws {
        let engine = Self.engineNearTheEnd()
        try engine.createSource(Fixtures.source(rate: 1000, cost: .exponential(mean: Limits.maxCost)))
        try engine.createJob(Fixtures.chain("out", source: "clicks", stations: [.uniform(low: 0, high: Limits.maxCost)],
                                            sink: Fixtures.sinkSpec(throughput: 1e-300, batch: 100, latency: .max),
                                            sinkCost: .exponential(mean: Limits.maxCost)))
        engine.advance(by: .max)
        #expect(engine.now == Limits.maxVirtualTime)
        engine.run(until: .max)
        engine.advance(by: VirtualTime.second)
        _ = try? engine.stepBarrier(limit: .max)
        for _ in 0..<100 { engine.step() }
        #expect(engine.now == Limits.maxVirtualTime)
        #expect(engine.step() == nil, "nothing runs past the end of virtual time")
    }

    /// Every double prints (converting it to Int64 trapped from 9.2 × 10^15 on), in a form the
    /// language reads back: from 10^15 on in exponent form, as PostgreSQL shows a double.
    @Test func everyDoubleFormats() {
        let cases: [(Double, String)] = [
            (0, "0"), (1.5, "1.5"), (-0.25, "-0.25"), (123.4567, "123.457"), (999_999_999_999_999, "999999999999999"),
            (1e15, "1e15"), (1e15 + 0.5, "1.0000000000000005e15"), (9.3e15, "9.3e15"), (1e16, "1e16"), (-1e16, "-1e16"),
            (2.5e300, "2.5e300"), (.greatestFiniteMagnitude, "1.7976931348623157e308"),
            (-.greatestFiniteMagnitude, "-1.7976931348623157e308"), (.infinity, "Infinity"), (-.infinity, "-Infinity"), (.nan, "NaN"),
        ]
        for (x, text) in cases {
            #expect(VirtualTime.formatNumber(x) == text)
            if abs(x) >= 1e15, x.isFinite { #expect(Double(text) == x, "\(text) reads back") }
        }
    }

    // MARK: Values that are not numbers

    /// A rate of infinity or NaN is refused by `createSource`'s guard, but building the error
    /// message formats the value with `VirtualTime.formatNumber`, which converts it to Int64
    /// and traps. The refusal must be an error, not a crash.
    @Test func nonFiniteRatesAreRefusedWithoutCrashing() async {
        await #expect(processExitsWith: .success) {
            let engine = try! Engine(settings: EngineSettings())
            var spec = SourceSpec(name: "x", schema: Schema([Column("a", .int)]))
            spec.rate = .infinity
            do {
                try engine.createSource(spec)
            } catch {
                guard "\(error)".hasPrefix("invalid rate = ") else { fatalError("wrong error \(error)") }
            }
        }
    }

    @Test func nonFiniteSinkThroughputIsRefusedWithoutCrashing() async {
        await #expect(processExitsWith: .success) {
            let engine = try! Engine(settings: EngineSettings())
            let schema = Schema([Column("a", .int)])
            try! engine.createSource(SourceSpec(name: "x", schema: schema))
            var sink = SinkSpec()
            sink.throughput = .nan
            let job = JobSpec(name: "s", kind: .sink, fragments: [
                FragmentSpec(role: "source", operators: [.source("x")], parallelism: 1, inputs: [], outputSchema: schema),
                FragmentSpec(role: "sink", operators: [.sink(sink)], parallelism: 1,
                             inputs: [FragmentInput(from: .fragment(0), distribution: .simple)], outputSchema: schema),
            ], outputSchema: schema, dependsOn: ["x"], definition: "")
            do {
                try engine.createJob(job)
            } catch {
                guard "\(error)".hasPrefix("invalid throughput = ") else { fatalError("wrong error \(error)") }
            }
        }
    }
}
