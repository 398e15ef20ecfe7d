import Testing
import SluiceEngine
@testable import SluiceSQL

/// Session variables against DESIGN.md's table and the real systems' defaults
/// (../shared/reference/real-systems.md): names, order, defaults, accepted values.
@Suite("session variables")
struct VariablesTests {
    /// Every variable with its real default, in the order `SHOW ALL` lists them.
    /// credit: Flink ≥ 1.5; 2 / 8 / 10: buffers-per-channel / floating-buffers-per-gate /
    /// max-buffers-per-channel; 32768:
    /// taskmanager.memory.segment-size 32 KiB; 0: derived rows per buffer; 2048 / 256 / 1:
    /// RisingWave exchange permits; 1000: barrier_interval_ms; 10000: in_flight_barrier_nums;
    /// 0s: barrier_cost (barriers are free unless a lesson prices them); aligned: execution.checkpointing.unaligned = false; false: streaming_enable_unaligned_join;
    /// false: sink_decouple; 500: Kafka max.poll.records; 1 node; 256: stream_chunk_size; seed 42.
    static let defaults: [(String, String)] = [
        ("flow_control", "credit"),
        ("buffers_per_channel", "2"),
        ("floating_buffers_per_gate", "8"),
        ("max_buffers_per_channel", "10"),
        ("buffer_bytes", "32768"),
        ("buffer_rows", "0"),
        ("exchange_initial_permits", "2048"),
        ("exchange_batched_permits", "256"),
        ("exchange_concurrent_barriers", "1"),
        ("barrier_interval_ms", "1000"),
        ("in_flight_barrier_nums", "10000"),
        ("barrier_cost", "0s"),
        ("checkpoint_mode", "aligned"),
        ("checkpoint_timeout_ms", "600000"),
        ("aligned_checkpoint_timeout_ms", "0"),
        ("streaming_enable_unaligned_join", "false"),
        ("sink_decouple", "false"),
        ("max_poll_records", "500"),
        ("max_poll_interval_ms", "300000"),
        ("fetch_min_bytes", "1"),
        ("fetch_max_wait_ms", "500"),
        ("auto_offset_reset", "earliest"),
        ("nodes", "1"),
        ("chunk_rows", "256"),
        ("seed", "42"),
    ]

    @Test func everyVariableHasItsRealDefault() {
        #expect(SessionVariables.names == Self.defaults.map(\.0))
        for (name, value) in Self.defaults {
            #expect(SessionVariables.named(name)?.defaultValue == value, "\(name)")
            #expect(SessionVariables.named(name)?.value(in: EngineSettings()) == value, "\(name)")
        }
    }

    @Test func everyVariableHasAOneLineDescription() {
        for variable in SessionVariables.all {
            #expect(!variable.description.isEmpty, "\(variable.name)")
            #expect(!variable.description.contains("\n"), "\(variable.name)")
        }
    }

    @Test func choicesListTheAcceptedValues() {
        #expect(SessionVariables.named("flow_control")?.choices == ["credit", "permits", "tcp", "unbounded", "drop_tail", "drop_head"])
        #expect(SessionVariables.named("checkpoint_mode")?.choices == ["aligned", "unaligned"])
        #expect(SessionVariables.named("sink_decouple")?.choices == ["true", "false"])
        #expect(SessionVariables.named("chunk_rows")?.choices == [])
    }

    // MARK: Assign and reset

    /// `SET name = value` as the parser reads it.
    func value(_ sql: String) -> OptionValue? {
        guard case .set(_, let value)? = statement("SET x = \(sql);") else { return nil }
        return value
    }

    func assign(_ name: String, _ sql: String, to settings: inout EngineSettings) -> Result<Void, LiteralError> {
        guard let variable = SessionVariables.named(name), let value = value(sql) else {
            return .failure(LiteralError("no such variable or value"))
        }
        return variable.assign(value, to: &settings)
    }

    @Test(arguments: [
        ("flow_control", "permits", "permits"), ("flow_control", "'tcp'", "tcp"), ("flow_control", "DROP_TAIL", "drop_tail"),
        ("buffers_per_channel", "0", "0"), ("floating_buffers_per_gate", "100", "100"), ("buffer_bytes", "1024", "1024"),
        ("buffer_rows", "1", "1"), ("exchange_initial_permits", "4096", "4096"), ("exchange_batched_permits", "16", "16"),
        ("exchange_concurrent_barriers", "2", "2"), ("barrier_interval_ms", "0", "0"), ("in_flight_barrier_nums", "3", "3"),
        ("checkpoint_mode", "unaligned", "unaligned"), ("streaming_enable_unaligned_join", "true", "true"),
        ("sink_decouple", "on", "true"), ("max_poll_records", "1", "1"), ("nodes", "4", "4"), ("chunk_rows", "1", "1"),
        ("seed", "7", "7"),
    ])
    func setThenResetRoundTrips(_ name: String, _ sql: String, _ shown: String) throws {
        var settings = EngineSettings()
        try assign(name, sql, to: &settings).get()
        let variable = try #require(SessionVariables.named(name))
        #expect(variable.value(in: settings) == shown)
        #expect(throws: Never.self) { try settings.validate() }
        variable.reset(&settings)
        #expect(variable.value(in: settings) == variable.defaultValue)
        #expect(settings == EngineSettings())
    }

    /// SET accepts exactly what the engine accepts: every number variable, at both ends of
    /// every range in `Limits` and just past them (the engine checks the same ranges for
    /// callers of its API that do not go through SET).
    @Test func setAcceptsWhatTheEngineAccepts() {
        let ranges = [Limits.buffersPerChannel, Limits.floatingBuffersPerGate, Limits.maxBuffersPerChannel, Limits.bufferBytes, Limits.bufferRows,
                      Limits.exchangeInitialPermits, Limits.exchangeBatchedPermits, Limits.exchangeConcurrentBarriers,
                      Limits.barrierIntervalMs, Limits.inFlightBarrierNums, Limits.checkpointTimeoutMs, Limits.alignedCheckpointTimeoutMs,
                      Limits.maxPollRecords, Limits.maxPollIntervalMs,
                      Limits.fetchMinBytes, Limits.fetchMaxWaitMs, Limits.nodes, Limits.chunkRows]
        let probes = ranges.flatMap { [$0.lowerBound - 1, $0.lowerBound, $0.upperBound, $0.upperBound + 1] }
        let numeric = SessionVariables.all.filter { $0.choices.isEmpty && !["seed", "barrier_cost"].contains($0.name) }
        #expect(numeric.count == ranges.count)
        for variable in numeric {
            var accepted = 0
            for probe in probes {
                var settings = EngineSettings()
                let set = variable.assign(.number(Double(probe), text: String(probe)), to: &settings)
                let setAccepts = (try? set.get()) != nil && SessionVariables.conflict(changing: variable.name, in: settings) == nil
                guard let path = Self.path(variable.name) else { Issue.record("no setting for \(variable.name)"); break }
                var engineSettings = EngineSettings()
                engineSettings[keyPath: path] = probe
                let engineAccepts = (try? engineSettings.validate()) != nil
                #expect(setAccepts == engineAccepts, "\(variable.name) = \(probe)")
                if setAccepts { accepted += 1 }
            }
            #expect(accepted >= 2, "\(variable.name): both ends of its own range")
        }
    }

    /// `barrier_cost` takes what a view's `cost` takes, and refuses what the engine refuses.
    @Test func barrierCostAcceptsTheCostsTheEngineAccepts() {
        for (sql, cost) in [("'0'", CostSpec.free), ("'2ms'", .fixed(2_000_000)), ("'exp(2ms)'", .exponential(mean: 2_000_000)),
                            ("'uniform(1ms,3ms)'", .uniform(low: 1_000_000, high: 3_000_000)), ("'1h'", .fixed(Limits.maxCost)), ("5ms", .fixed(5_000_000))] {
            var settings = EngineSettings()
            #expect((try? assign("barrier_cost", sql, to: &settings).get()) != nil, "\(sql)")
            #expect(settings.barrierCost == cost, "\(sql)")
            #expect((try? settings.validate()) != nil, "\(sql)")
        }
        for sql in ["'-1ms'", "'2h'", "'exp(2h)'", "'uniform(3ms,1ms)'", "5", "true", "'fast'"] {
            var settings = EngineSettings()
            #expect((try? assign("barrier_cost", sql, to: &settings).get()) == nil, "\(sql)")
            #expect(settings.barrierCost == .free, "\(sql)")
        }
        // What SET cannot write, the engine refuses by itself, naming the variable.
        for cost in [CostSpec.fixed(-1), .fixed(Limits.maxCost + 1), .uniform(low: 3, high: 1), .exponential(mean: -5)] {
            var settings = EngineSettings()
            settings.barrierCost = cost
            do {
                try settings.validate()
                Issue.record("the engine accepted barrier_cost = \(cost)")
            } catch {
                guard case .invalidSetting(let name, _, _) = error else { Issue.record("\(error)"); continue }
                #expect(name == "barrier_cost")
            }
        }
    }

    /// The engine setting a number variable writes.
    static func path(_ name: String) -> WritableKeyPath<EngineSettings, Int>? {
        switch name {
        case "buffers_per_channel": \.buffersPerChannel
        case "floating_buffers_per_gate": \.floatingBuffersPerGate
        case "max_buffers_per_channel": \.maxBuffersPerChannel
        case "buffer_bytes": \.bufferBytes
        case "buffer_rows": \.bufferRows
        case "exchange_initial_permits": \.exchangeInitialPermits
        case "exchange_batched_permits": \.exchangeBatchedPermits
        case "exchange_concurrent_barriers": \.exchangeConcurrentBarriers
        case "barrier_interval_ms": \.barrierIntervalMs
        case "in_flight_barrier_nums": \.inFlightBarrierNums
        case "checkpoint_timeout_ms": \.checkpointTimeoutMs
        case "aligned_checkpoint_timeout_ms": \.alignedCheckpointTimeoutMs
        case "max_poll_records": \.maxPollRecords
        case "max_poll_interval_ms": \.maxPollIntervalMs
        case "fetch_min_bytes": \.fetchMinBytes
        case "fetch_max_wait_ms": \.fetchMaxWaitMs
        case "nodes": \.nodes
        case "chunk_rows": \.chunkRows
        default: nil
        }
    }

    @Test(arguments: [
        ("buffers_per_channel", "-1", "value -1 is out of range: expected 0 to 1000", nil),
        ("chunk_rows", "0", "value 0 is out of range: expected 1 to 65536", "1 is record-at-a-time; the default is 256, as in RisingWave"),
        ("buffer_rows", "-1", "value -1 is out of range: expected 0 to 1048576", "0 derives the rows per buffer from buffer_bytes and the row width"),
        ("barrier_interval_ms", "-1", "value -1 is out of range: expected 0 to 3600000", "0 injects barriers only on BARRIER"),
        ("chunk_rows", "1.5", "expected a whole number, found 1.5", "expected 1 to 65536"),
        ("nodes", "65", "value 65 is out of range: expected 1 to 64", nil),
        ("barrier_interval_ms", "'1s'", "expected a whole number, found '1s'", "expected 0 to 3600000"),
        ("max_poll_records", "99999999999999999999", "value 99999999999999999999 is out of range: expected 1 to 1000000", nil),
        ("flow_control", "credt", "invalid value 'credt' for flow_control",
         "did you mean credit? accepted: credit, permits, tcp, unbounded, drop_tail, drop_head"),
        ("flow_control", "42", "expected a name, found 42", nil),
        ("checkpoint_mode", "sometimes", "invalid value 'sometimes' for checkpoint_mode", "accepted: aligned, unaligned"),
        ("auto_offset_reset", "none",
         "auto_offset_reset = none is not modelled: Kafka's none fails a consumer that has no committed offset, and every new view's group has none",
         "accepted: earliest, latest"),
        ("max_buffers_per_channel", "0", "value 0 is out of range: expected 1 to 1000", nil),
        ("streaming_enable_unaligned_join", "maybe", "expected TRUE or FALSE, found maybe", nil),
        ("seed", "-1", "value -1 is out of range: expected 0 to 18446744073709551615", nil),
        ("seed", "18446744073709551616", "value 18446744073709551616 is out of range: expected 0 to 18446744073709551615", nil),
        ("seed", "1.5", "expected a whole number, found 1.5", "expected 0 to 18446744073709551615"),
        ("seed", "'x'", "expected a whole number, found 'x'", "expected 0 to 18446744073709551615"),
    ] as [(String, String, String, String?)])
    func invalidValuesAreRefusedAndChangeNothing(_ name: String, _ sql: String, _ message: String, _ hint: String?) {
        var settings = EngineSettings()
        guard case .failure(let error) = assign(name, sql, to: &settings) else {
            Issue.record("\(name) = \(sql) was accepted")
            return
        }
        #expect(error.message == message)
        #expect(error.hint == hint)
        #expect(settings == EngineSettings())
    }

    /// A source's or table's `seed` takes what SET seed takes, UInt64's whole range, and
    /// refuses what it refuses with the same words.
    @Test(arguments: ["source", "table"])
    func theSeedOptionTakesWhatSetSeedTakes(_ kind: String) throws {
        let f = try PlannerFixture()
        try f.run("CREATE \(kind) top (a INT) WITH (seed = 18446744073709551615);")
        #expect(f.engine.sourceSpec("top")?.seed == UInt64.max)
        var settings = EngineSettings()
        #expect((try? assign("seed", "18446744073709551615", to: &settings).get()) != nil)
        #expect(settings.seed == UInt64.max)
        for value in ["18446744073709551616", "-1", "1.5"] {
            guard case .failure(let set) = assign("seed", value, to: &settings) else { Issue.record("SET seed = \(value)"); continue }
            do {
                try f.run("CREATE \(kind) s\(kind) (a INT) WITH (seed = \(value));")
                Issue.record("seed = \(value) was accepted")
            } catch let error as SQLError {
                #expect(error.message == "invalid seed for \(kind) s\(kind): " + set.message)
                #expect(error.hint == set.hint)
            }
        }
    }
}
