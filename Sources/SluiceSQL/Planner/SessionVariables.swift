import SluiceEngine

/// One session variable: its name, default, accepted values and how it maps onto the
/// engine's settings. `SET`, `SHOW`, `RESET` and `SHOW ALL` all go through this table.
public struct SessionVariable: Sendable {
    public let name: String
    public let description: String
    /// Accepted values for completion and hints (empty when numeric).
    public let choices: [String]
    let read: @Sendable (EngineSettings) -> String
    let restore: @Sendable (inout EngineSettings) -> Void
    let write: @Sendable (inout EngineSettings, OptionValue) -> Result<Void, LiteralError>

    /// The value under the defaults.
    public var defaultValue: String { read(EngineSettings()) }
    public func value(in settings: EngineSettings) -> String { read(settings) }

    /// Sets the variable from a SET value, validating type and range.
    public func assign(_ value: OptionValue, to settings: inout EngineSettings) -> Result<Void, LiteralError> {
        write(&settings, value)
    }

    /// Puts the variable back to its default (RESET).
    public func reset(_ settings: inout EngineSettings) { restore(&settings) }
}

/// Every session variable, in the order `SHOW ALL` lists them.
public enum SessionVariables {
    public static let all: [SessionVariable] = [
        choice("flow_control", FlowControlKind.allCases.map(\.rawValue),
               "credit (Flink), permits (RisingWave), tcp (Flink < 1.5), unbounded, drop_tail, drop_head",
               { $0.flowControl.rawValue }, { s, v in s.flowControl = FlowControlKind(rawValue: v)! }),
        integer("buffers_per_channel", Limits.buffersPerChannel, "Flink exclusive buffers per input channel (the initial credit)",
                \.buffersPerChannel),
        integer("floating_buffers_per_gate", Limits.floatingBuffersPerGate, "Flink floating buffers shared by one input gate",
                \.floatingBuffersPerGate),
        integer("max_buffers_per_channel", Limits.maxBuffersPerChannel,
                "Flink: buffers a sender keeps unsent on a remote channel before it stops (credit, tcp)", \.maxBuffersPerChannel),
        integer("buffer_bytes", Limits.bufferBytes, "Flink taskmanager.memory.segment-size: bytes per network buffer (one credit)",
                \.bufferBytes),
        integer("buffer_rows", Limits.bufferRows, "rows per network buffer; 0 derives it from buffer_bytes and the row width",
                \.bufferRows, outOfRange: "0 derives the rows per buffer from buffer_bytes and the row width"),
        integer("exchange_initial_permits", Limits.exchangeInitialPermits, "RisingWave row permits per exchange channel",
                \.exchangeInitialPermits),
        integer("exchange_batched_permits", Limits.exchangeBatchedPermits, "RisingWave: remote receivers return permits in batches of this many",
                \.exchangeBatchedPermits),
        integer("exchange_concurrent_barriers", Limits.exchangeConcurrentBarriers, "RisingWave barrier permits per exchange channel",
                \.exchangeConcurrentBarriers),
        integer("barrier_interval_ms", Limits.barrierIntervalMs, "RisingWave barrier injection period in ms; 0 injects only on BARRIER",
                \.barrierIntervalMs, outOfRange: "0 injects barriers only on BARRIER"),
        integer("in_flight_barrier_nums", Limits.inFlightBarrierNums, "RisingWave: periodic barriers are skipped while this many are in flight",
                \.inFlightBarrierNums),
        SessionVariable(name: "barrier_cost",
                        description: "each actor's work per barrier it passes (Flink's sync snapshot, RisingWave's state flush)",
                        choices: [], read: { $0.barrierCost.description },
                        restore: { $0.barrierCost = EngineSettings().barrierCost },
                        write: { s, v in v.cost().map { s.barrierCost = $0 } }),
        choice("checkpoint_mode", CheckpointMode.allCases.map(\.rawValue),
               "Flink aligned or unaligned checkpoints (barriers overtake queued buffers)",
               { $0.checkpointMode.rawValue }, { s, v in s.checkpointMode = CheckpointMode(rawValue: v)! }),
        integer("checkpoint_timeout_ms", Limits.checkpointTimeoutMs,
                "Flink execution.checkpointing.timeout: a checkpoint not complete this old expires; 0 never",
                \.checkpointTimeoutMs, outOfRange: "0 never expires a checkpoint (RisingWave has no timeout)"),
        integer("aligned_checkpoint_timeout_ms", Limits.alignedCheckpointTimeoutMs,
                "Flink aligned-checkpoint-timeout: an unaligned checkpoint starts aligned, turns unaligned this old; 0 at once",
                \.alignedCheckpointTimeoutMs, outOfRange: "0 starts every unaligned checkpoint unaligned, Flink's default"),
        boolean("streaming_enable_unaligned_join", "RisingWave: a log store after each join lets barriers pass (new views)",
                \.unalignedJoin),
        boolean("sink_decouple", "RisingWave: a sink reads from its own log and does not backpressure its view (new sinks)",
                \.sinkDecouple, words: ["enable": true, "disable": false, "default": false]),
        integer("max_poll_records", Limits.maxPollRecords, "Kafka max.poll.records: rows one poll() returns", \.maxPollRecords),
        integer("max_poll_interval_ms", Limits.maxPollIntervalMs,
                "Kafka max.poll.interval.ms: a consumer this long without poll() leaves its group (rebalance)",
                \.maxPollIntervalMs),
        integer("fetch_min_bytes", Limits.fetchMinBytes, "Kafka fetch.min.bytes: the broker holds a fetch until this many bytes are ready",
                \.fetchMinBytes),
        integer("fetch_max_wait_ms", Limits.fetchMaxWaitMs, "Kafka fetch.max.wait.ms: the longest the broker holds a fetch",
                \.fetchMaxWaitMs),
        choice("auto_offset_reset", OffsetReset.allCases.map(\.rawValue),
               "Kafka auto.offset.reset (new views): log start (earliest, as RisingWave reads) or end (latest, Kafka's default)",
               unmodelled: ["none": "Kafka's none fails a consumer that has no committed offset, and every new view's group has none"],
               { $0.autoOffsetReset.rawValue }, { s, v in s.autoOffsetReset = OffsetReset(rawValue: v)! }),
        integer("nodes", Limits.nodes, "compute nodes new actors are placed on (tcp multiplexes channels per node pair)", \.nodes),
        integer("chunk_rows", Limits.chunkRows, "RisingWave stream_chunk_size: rows an actor takes at once; 1 = record-at-a-time",
                \.chunkRows, outOfRange: "1 is record-at-a-time; the default is 256, as in RisingWave"),
        SessionVariable(name: "seed", description: "the seed of every random draw (new sources and views)", choices: [],
                        read: { String($0.seed) },
                        restore: { $0.seed = EngineSettings().seed },
                        write: { s, v in v.seed().map { s.seed = $0 } }),
    ]

    public static var names: [String] { all.map(\.name) }

    /// What is wrong when `name` has just been changed (by SET or RESET) in `settings` and a
    /// rule binds it to another variable: the error names the variable changed, with its value,
    /// and says to change the other first. The engine checks the same rules, but would name
    /// the variable each rule is written for, whichever was changed.
    public static func conflict(changing name: String, in settings: EngineSettings) -> LiteralError? {
        let initial = settings.exchangeInitialPermits, batched = settings.exchangeBatchedPermits
        let permitsClash = initial != 1 && batched >= initial
        let noBuffers = settings.buffersPerChannel + settings.floatingBuffersPerGate < 1
        switch name {
        case "exchange_initial_permits" where permitsClash:
            return LiteralError("\(initial) is not above exchange_batched_permits (\(batched))",
                                hint: "lower exchange_batched_permits below \(initial) first")
        case "exchange_batched_permits" where permitsClash:
            return LiteralError("\(batched) is not below exchange_initial_permits (\(initial))",
                                hint: "raise exchange_initial_permits above \(batched) first")
        case "buffers_per_channel" where noBuffers, "floating_buffers_per_gate" where noBuffers:
            let other = name == "buffers_per_channel" ? "floating_buffers_per_gate" : "buffers_per_channel"
            return LiteralError("0 leaves a gate without buffers: \(other) is 0 too",
                                hint: "raise \(other) first: an input gate needs at least one buffer")
        default:
            return nil
        }
    }

    public static func named(_ name: String) -> SessionVariable? { all.first { $0.name == name } }

    // MARK: Builders

    /// `outOfRange`: the hint for a value outside `range`, where a value in it means something
    /// special (0 for "derive it", 1 for "one at a time") that the one asked for may have meant.
    private static func integer(_ name: String, _ range: ClosedRange<Int>, _ description: String,
                                _ path: WritableKeyPath<EngineSettings, Int> & Sendable, outOfRange: String? = nil) -> SessionVariable {
        SessionVariable(name: name, description: description, choices: [],
                        read: { String($0[keyPath: path]) },
                        restore: { $0[keyPath: path] = EngineSettings()[keyPath: path] },
                        write: { s, v in
                            let value = v.integer(in: range)
                            return (outOfRange.map { value.hinting($0) } ?? value).map { s[keyPath: path] = $0 }
                        })
    }

    /// A true/false variable; `words` are the real system's own spellings of its values
    /// (RisingWave's `sink_decouple = enable | disable | default`).
    private static func boolean(_ name: String, _ description: String,
                                _ path: WritableKeyPath<EngineSettings, Bool> & Sendable,
                                words: [String: Bool] = [:]) -> SessionVariable {
        SessionVariable(name: name, description: description, choices: ["true", "false"],
                        read: { $0[keyPath: path] ? "true" : "false" },
                        restore: { $0[keyPath: path] = EngineSettings()[keyPath: path] },
                        write: { s, v in
                            if case .success(let word) = v.word(), let value = words[word] {
                                s[keyPath: path] = value
                                return .success(())
                            }
                            return v.boolean().map { s[keyPath: path] = $0 }
                        })
    }

    private static func choice(_ name: String, _ choices: [String], _ description: String,
                               unmodelled: [String: String] = [:],
                               _ read: @escaping @Sendable (EngineSettings) -> String,
                               _ write: @escaping @Sendable (inout EngineSettings, String) -> Void) -> SessionVariable {
        SessionVariable(name: name, description: description, choices: choices, read: read,
                        restore: { s in write(&s, read(EngineSettings())) }, write: { s, v in
            switch v.word() {
            case .failure(let e): return .failure(e)
            case .success(let word):
                if let why = unmodelled[word] {
                    return .failure(LiteralError("\(name) = \(word) is not modelled: \(why)", hint: "accepted: " + choices.joined(separator: ", ")))
                }
                guard choices.contains(word) else {
                    let near = Suggest.nearest(word, among: choices)
                    let shown = word.count > 40 ? String(word.prefix(40)) + "…" : word
                    return .failure(LiteralError("invalid value '\(shown)' for \(name)",
                                                 hint: (near.map { "did you mean \($0)? " } ?? "") + "accepted: " + choices.joined(separator: ", ")))
                }
                write(&s, word)
                return .success(())
            }
        })
    }
}
