/// The real systems' names for what Sluice's session variables model, so that a habit from
/// Flink's SQL client (`SET 'taskmanager.network.memory.buffers-per-channel' = '4';`),
/// RisingWave or a Kafka consumer's configuration is answered with the name Sluice uses.
extension SessionVariables {
    /// Real configuration keys, lower case, and the variable each one is here.
    public static let realNames: [(key: String, variable: String)] = [
        ("taskmanager.network.memory.buffers-per-channel", "buffers_per_channel"),
        ("taskmanager.network.memory.floating-buffers-per-gate", "floating_buffers_per_gate"),
        ("taskmanager.network.memory.max-buffers-per-channel", "max_buffers_per_channel"),
        ("taskmanager.memory.segment-size", "buffer_bytes"),
        ("execution.checkpointing.interval", "barrier_interval_ms"),
        ("execution.checkpointing.unaligned", "checkpoint_mode"),
        ("execution.checkpointing.unaligned.enabled", "checkpoint_mode"),
        ("execution.checkpointing.timeout", "checkpoint_timeout_ms"),
        ("execution.checkpointing.aligned-checkpoint-timeout", "aligned_checkpoint_timeout_ms"),
        ("execution.checkpointing.max-concurrent-checkpoints", "in_flight_barrier_nums"),
        ("stream_chunk_size", "chunk_rows"),
        ("max.poll.records", "max_poll_records"),
        ("max.poll.interval.ms", "max_poll_interval_ms"),
        ("fetch.min.bytes", "fetch_min_bytes"),
        ("fetch.max.wait.ms", "fetch_max_wait_ms"),
        ("auto.offset.reset", "auto_offset_reset"),
    ]

    /// The variable a real system's key stands for, if Sluice models it.
    public static func variable(forRealName key: String) -> String? {
        let lower = key.lowercased()
        return realNames.first { $0.key == lower }?.variable
    }
}
