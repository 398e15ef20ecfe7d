/// Flink's output buffer pool of one result partition: an actor's output to one downstream
/// fragment, over remote channels under `credit` or `tcp`. A record writer fills buffers in
/// the subpartition of each channel; they wait there until the channel may send them (a
/// credit, room in the connection), and the task goes on while its writer is available.
/// It is not once the pool has no buffer left (`#channels × buffers_per_channel +
/// floating_buffers_per_gate` of them) or one subpartition holds `max_buffers_per_channel`:
/// then the task stops, backpressured (`LocalBufferPool`, `RecordWriter.isAvailable`).
///
/// A local channel keeps no buffers at its sender: the receiver reads the sender's buffers
/// directly (Flink's `LocalInputChannel`), which the receiver's buffers stand for here.
final class OutputPool {
    /// The remote channels that draw on the pool.
    let channels: Int
    /// Buffers the pool holds; `Int.max` while the scheme keeps no buffers at the sender.
    var capacity = Int.max
    /// Buffers in the channels' outboxes, not yet sent.
    var queued = 0
    /// Whether the exhausted pool counts among the sender's reasons to stop (`outputHolds`).
    var holding = false

    init(channels: Int) {
        self.channels = channels
    }

    var isExhausted: Bool { queued >= capacity }
}
