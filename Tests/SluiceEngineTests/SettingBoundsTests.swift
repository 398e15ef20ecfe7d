import Testing
@testable import SluiceEngine

/// Every whole-number setting has an upper bound as well as a lower one, enforced by the
/// engine itself (`Engine(settings:)` and `apply`), not only by SET: past them a millisecond
/// setting overflowed Int64 nanoseconds and a count asked for absurd channels and chunks.
@Suite struct SettingBoundsTests {
    /// Each setting, its key path, and the range the engine accepts, written out here so that
    /// a change to `Limits` shows up as a failing test.
    static var bounds: [(name: String, path: WritableKeyPath<EngineSettings, Int>, low: Int, high: Int, reason: String)] { [
        ("buffers_per_channel", \.buffersPerChannel, 0, 1000, "must be between 0 and 1000"),
        ("floating_buffers_per_gate", \.floatingBuffersPerGate, 0, 10_000, "must be between 0 and 10000"),
        ("max_buffers_per_channel", \.maxBuffersPerChannel, 1, 1000, "must be between 1 and 1000"),
        ("buffer_bytes", \.bufferBytes, 64, 67_108_864, "must be between 64 and 67108864"),
        ("buffer_rows", \.bufferRows, 0, 1_048_576, "must be between 0 (derived) and 1048576"),
        ("exchange_initial_permits", \.exchangeInitialPermits, 1, 16_777_216, "must be between 1 and 16777216"),
        ("exchange_batched_permits", \.exchangeBatchedPermits, 1, 16_777_216, "must be between 1 and 16777216"),
        ("exchange_concurrent_barriers", \.exchangeConcurrentBarriers, 1, 1024, "must be between 1 and 1024"),
        ("barrier_interval_ms", \.barrierIntervalMs, 0, 3_600_000, "must be between 0 (manual) and 3600000"),
        ("in_flight_barrier_nums", \.inFlightBarrierNums, 1, 100_000, "must be between 1 and 100000"),
        ("checkpoint_timeout_ms", \.checkpointTimeoutMs, 0, 86_400_000, "must be between 0 (never) and 86400000"),
        ("aligned_checkpoint_timeout_ms", \.alignedCheckpointTimeoutMs, 0, 86_400_000, "must be between 0 (unaligned from the start) and 86400000"),
        ("max_poll_records", \.maxPollRecords, 1, 1_000_000, "must be between 1 and 1000000"),
        ("max_poll_interval_ms", \.maxPollIntervalMs, 1, 86_400_000, "must be between 1 and 86400000"),
        ("fetch_min_bytes", \.fetchMinBytes, 0, 1_073_741_824, "must be between 0 and 1073741824"),
        ("fetch_max_wait_ms", \.fetchMaxWaitMs, 0, 3_600_000, "must be between 0 and 3600000"),
        ("nodes", \.nodes, 1, 64, "must be between 1 and 64"),
        ("chunk_rows", \.chunkRows, 1, 65_536, "must be between 1 and 65536"),
    ] }

    /// Just past each end, and the extremes of Int.
    static func outside(low: Int, high: Int) -> [Int] { [high + 1, Int.max, low - 1, Int.min] }

    /// No whole-number setting is left out: a new one needs its range in `Limits`.
    @Test func everyWholeNumberSettingHasARange() {
        let snake = { (label: String) in
            label.reduce(into: "") { out, c in out += c.isUppercase ? "_" + c.lowercased() : String(c) }
        }
        let settings = Mirror(reflecting: EngineSettings()).children.filter { $0.value is Int }.compactMap(\.label).map(snake)
        #expect(settings == Self.bounds.map(\.name))
    }

    @Test func outOfRangeSettingsAreRefusedAtCreation() {
        for b in Self.bounds {
            for value in Self.outside(low: b.low, high: b.high) {
                var settings = EngineSettings()
                settings[keyPath: b.path] = value
                let error = EngineError.invalidSetting(name: b.name, value: String(value), reason: b.reason)
                #expect(throws: error, "\(b.name) = \(value)") { try Engine(settings: settings) }
            }
        }
        #expect(EngineError.invalidSetting(name: "barrier_interval_ms", value: String(Int.max), reason: "must be between 0 (manual) and 3600000")
            .description == "invalid value 9223372036854775807 for barrier_interval_ms: must be between 0 (manual) and 3600000")
    }

    /// A live engine refuses the update whole (a valid change riding along is not applied
    /// either), keeps its settings, and runs on exactly as an untouched twin does.
    @Test func outOfRangeSettingsAreRefusedByApplyAndChangeNothing() throws {
        for b in Self.bounds {
            for value in Self.outside(low: b.low, high: b.high) {
                let error = EngineError.invalidSetting(name: b.name, value: String(value), reason: b.reason)
                try BadInputTests.expectRefusal(error) { engine throws(EngineError) in
                    let before = engine.settings
                    var settings = before
                    settings.flowControl = .permits
                    settings.barrierIntervalMs = 300
                    settings[keyPath: b.path] = value
                    defer { #expect(engine.settings == before, "\(b.name) = \(value) changed the settings") }
                    try engine.apply(settings)
                }
            }
        }
    }

    /// Both ends of every range are accepted, at creation and on a live engine.
    @Test func bothEndsOfEveryRangeAreAccepted() throws {
        for b in Self.bounds {
            for value in [b.low, b.high] {
                var settings = EngineSettings()
                settings[keyPath: b.path] = value
                // Only one initial permit lets the batch be as large as it likes.
                if b.name == "exchange_batched_permits" && value == b.high { settings.exchangeInitialPermits = 1 }
                #expect(throws: Never.self, "\(b.name) = \(value)") { try Engine(settings: settings) }
                let engine = try BadInputTests.busyEngine()
                #expect(throws: Never.self, "\(b.name) = \(value)") { try engine.apply(settings) }
                #expect(engine.settings == settings)
            }
        }
    }

    /// The ranges the engine checks are those in `Limits`, which SET reads too.
    @Test func theRangesAreLimits() {
        let limits: [String: ClosedRange<Int>] = [
            "buffers_per_channel": Limits.buffersPerChannel, "floating_buffers_per_gate": Limits.floatingBuffersPerGate,
            "max_buffers_per_channel": Limits.maxBuffersPerChannel,
            "buffer_bytes": Limits.bufferBytes, "buffer_rows": Limits.bufferRows,
            "exchange_initial_permits": Limits.exchangeInitialPermits, "exchange_batched_permits": Limits.exchangeBatchedPermits,
            "exchange_concurrent_barriers": Limits.exchangeConcurrentBarriers, "barrier_interval_ms": Limits.barrierIntervalMs,
            "in_flight_barrier_nums": Limits.inFlightBarrierNums, "checkpoint_timeout_ms": Limits.checkpointTimeoutMs,
            "aligned_checkpoint_timeout_ms": Limits.alignedCheckpointTimeoutMs,
            "max_poll_records": Limits.maxPollRecords,
            "max_poll_interval_ms": Limits.maxPollIntervalMs, "fetch_min_bytes": Limits.fetchMinBytes,
            "fetch_max_wait_ms": Limits.fetchMaxWaitMs, "nodes": Limits.nodes, "chunk_rows": Limits.chunkRows,
        ]
        for b in Self.bounds { #expect(limits[b.name] == b.low...b.high, "\(b.name)") }
    }

    // MARK: The largest values run

    /// Every setting at the top of its range at once (batched permits one below the initial).
    /// The broker then holds every fetch for up to an hour, so little flows in a few seconds,
    /// but every channel, barrier tick and consumer deadline is set up from these numbers;
    /// `eachLargestValueRunsAlone` has rows flow.
    static func largest(_ flow: FlowControlKind, decoupled: Bool) -> EngineSettings {
        var settings = EngineSettings()
        for b in bounds { settings[keyPath: b.path] = b.high }
        settings.exchangeBatchedPermits = Limits.exchangeInitialPermits.upperBound - 1
        settings.flowControl = flow
        settings.sinkDecouple = decoupled
        return settings
    }

    /// A source, a view over it and a sink on the view, run for a few seconds.
    static func runPipeline(_ engine: Engine) throws {
        try engine.createSource(Fixtures.source(rate: 2000, partitions: 2))
        try engine.createJob(Fixtures.aggregateView("spend", parallelism: 2))
        try engine.createJob(Fixtures.sink("out", from: "spend", schema: Fixtures.aggregateView("spend").outputSchema,
                                           sink: Fixtures.sinkSpec(throughput: 500, batch: 10)))
        try engine.inject(5000, into: "clicks")
        engine.advance(by: 3 * VirtualTime.second)
        _ = (engine.actorSnapshots(), engine.channelSnapshots(), engine.consumerSnapshots(), engine.jobSnapshots())
    }

    @Test(arguments: FlowControlKind.allCases)
    func theLargestValuesRunUnderEveryScheme(_ flow: FlowControlKind) throws {
        for decoupled in [false, true] {
            let engine = try Engine(settings: Self.largest(flow, decoupled: decoupled))
            try Self.runPipeline(engine)
            #expect(engine.now == 3 * VirtualTime.second)
            #expect(engine.ledger().balanced, "\(flow), decoupled \(decoupled)")
        }
    }

    /// Each setting at the top of its range alone (the others at their defaults), where the
    /// others let it matter: rows flow, barriers are injected, consumers poll.
    @Test func eachLargestValueRunsAlone() throws {
        for b in Self.bounds {
            var settings = EngineSettings()
            settings[keyPath: b.path] = b.high
            if b.name == "exchange_batched_permits" { settings.exchangeInitialPermits = 1 }
            let engine = try Engine(settings: settings)
            try Self.runPipeline(engine)
            #expect(engine.ledger().balanced, "\(b.name) = \(b.high)")
            // Rows reach the sink (a broker holding fetches for a gigabyte still answers after
            // fetch_max_wait_ms).
            let delivered = engine.jobSnapshots().first { $0.name == "out" }?.delivered ?? 0
            #expect(delivered > 0, "\(b.name) = \(b.high)")
        }
    }

    /// The largest values applied to an engine that is already running: channels re-derive
    /// their capacities, barrier ticks and consumer deadlines are rescheduled from now.
    @Test func theLargestValuesApplyToARunningEngine() throws {
        for flow in [FlowControlKind.credit, .permits, .tcp] {
            let engine = Fixtures.engine { $0.nodes = 2 }
            try Self.runPipeline(engine)
            try engine.apply(Self.largest(flow, decoupled: false))
            try engine.inject(5000, into: "clicks")
            engine.advance(by: 3 * VirtualTime.second)
            #expect(engine.now == 6 * VirtualTime.second)
            #expect(engine.ledger().balanced, "\(flow)")
        }
    }
}
