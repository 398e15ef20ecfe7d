/// Flink's backpressure before 1.5: every logical channel from one node to another shares one
/// TCP connection. The receiver takes buffers from its gate's pool; when the channel at the
/// head of the connection finds no free buffer, Flink stops reading the connection, and every
/// other channel on it stalls too. Barriers wait behind the connection's data.
final class TcpScheme: FlowControlScheme {
    var kind: FlowControlKind { .tcp }

    func attach(_ channel: Channel, engine: Engine) {
        engine.gate(of: channel).tcpFree += engine.settings.buffersPerChannel
    }

    func pump(_ channel: Channel, engine: Engine) {
        guard let connection = engine.connection(of: channel) else {
            pumpLocal(channel, engine: engine)
            return
        }
        while !channel.outbox.isEmpty && connection.queue.count < Connection.window {
            connection.queue.append((channel.id, channel.popOutbox()))
        }
        if !channel.outbox.isEmpty, !connection.waiting.contains(channel.id) {
            connection.waiting.append(channel.id)
        }
        drain(connection, engine: engine)
    }

    /// A local channel (same node) has no connection: only the gate's pool bounds it.
    private func pumpLocal(_ channel: Channel, engine: Engine) {
        let gate = engine.gate(of: channel)
        while let head = channel.outbox.first {
            if !head.isBarrier {
                guard gate.tcpFree >= head.buffers else { break }
                gate.tcpFree -= head.buffers
            }
            engine.transmit(channel, channel.popOutbox())
        }
    }

    /// Delivers from the head of the connection while the head's channel has a free buffer,
    /// then refills the window from the channels waiting for it, in order.
    func drain(_ connection: Connection, engine: Engine) {
        while true {
            while let (id, message) = connection.queue.first {
                let channel = engine.channels[id]
                if !message.isBarrier {
                    let gate = engine.gate(of: channel)
                    guard gate.tcpFree >= message.buffers else { break }
                    gate.tcpFree -= message.buffers
                }
                connection.queue.removeFirst()
                engine.transmit(channel, message)
            }
            let stalled = !connection.queue.isEmpty
            if stalled != connection.stalled {
                connection.stalled = stalled
                if stalled {
                    connection.stalledSince = engine.now
                    if engine.tracing, let head = connection.queue.first {
                        engine.trace(.blocking, "connection node \(connection.fromNode) → node \(connection.toNode) stalls: \(engine.channelName(engine.channels[head.channel])) has no free buffer")
                    }
                } else {
                    connection.stalledNs += engine.now - connection.stalledSince
                }
            }
            var refilled = false
            while connection.queue.count < Connection.window, let id = connection.waiting.first {
                let channel = engine.channels[id]
                while !channel.outbox.isEmpty && connection.queue.count < Connection.window {
                    connection.queue.append((id, channel.popOutbox()))
                    refilled = true
                }
                guard channel.outbox.isEmpty else { break }
                connection.waiting.removeFirst()
                engine.outboxMayHaveDrained(channel)
            }
            if !refilled || connection.stalled { return }
        }
    }

    func released(_ channel: Channel, rows: Int, buffers: Int, permits: Int, barrier: Bool, engine: Engine) {
        guard buffers > 0 else { return }
        let gate = engine.gate(of: channel)
        gate.tcpFree += buffers
        // Every connection or local channel feeding this gate may move again.
        for id in gate.channels {
            let c = engine.channels[id]
            if let connection = engine.connection(of: c) {
                drain(connection, engine: engine)
            } else {
                engine.pump(c)
            }
        }
    }

    func describe(_ channel: Channel, engine: Engine) -> ChannelBound {
        let gate = engine.gate(of: channel)
        let total = gate.channels.count * engine.settings.buffersPerChannel + engine.settings.floatingBuffersPerGate
        if let connection = engine.connection(of: channel) {
            return ChannelBound(used: channel.inboxBuffers, capacity: total, unit: "buffers",
                                state: "gate free \(gate.tcpFree), connection \(connection.fromNode)→\(connection.toNode) \(connection.queue.count)/\(Connection.window)\(connection.stalled ? " STALLED" : "")")
        }
        return ChannelBound(used: channel.inboxBuffers, capacity: total, unit: "buffers", state: "gate free \(gate.tcpFree) (local)")
    }
}

/// No bound: the sender never blocks, the queue and the memory grow (the article's
/// "buffering" without a limit).
final class UnboundedScheme: FlowControlScheme {
    var kind: FlowControlKind { .unbounded }
    func attach(_ channel: Channel, engine: Engine) {}
    func pump(_ channel: Channel, engine: Engine) {
        while !channel.outbox.isEmpty { engine.transmit(channel, channel.popOutbox()) }
    }
    func released(_ channel: Channel, rows: Int, buffers: Int, permits: Int, barrier: Bool, engine: Engine) {}
    func describe(_ channel: Channel, engine: Engine) -> ChannelBound {
        ChannelBound(used: channel.inboxRows, capacity: nil, unit: "rows", state: "unbounded, peak \(channel.peakInboxRows) rows")
    }
}

/// A bounded queue of `exchange_initial_permits` rows that never blocks its sender: when it
/// is full, `drop_tail` drops the arriving rows and `drop_head` the oldest queued rows. Every
/// dropped row is counted on its channel. Barriers are never dropped.
final class DropScheme: FlowControlScheme {
    let kind: FlowControlKind
    init(head: Bool) { kind = head ? .dropHead : .dropTail }

    func attach(_ channel: Channel, engine: Engine) {}

    func pump(_ channel: Channel, engine: Engine) {
        let capacity = engine.settings.boundedChannelRows
        while !channel.outbox.isEmpty {
            var message = channel.popOutbox()
            if message.isBarrier { engine.transmit(channel, message); continue }
            if kind == .dropTail {
                let room = max(0, capacity - channel.inboxRows)
                if message.rows > room {
                    let dropped = message.rows - room
                    channel.droppedRows += Int64(dropped)
                    if engine.tracing { engine.trace(.blocking, "\(engine.channelName(channel)): full, drops \(dropped) arriving rows") }
                    if room == 0 { continue }
                    message = message.splitFirst(room, buffers: channel.buffers(forRows: room))
                }
                engine.transmit(channel, message)
            } else {
                engine.transmit(channel, message)
                let excess = channel.inboxRows - capacity
                if excess > 0 {
                    engine.dropOldest(channel, rows: excess)
                    if engine.tracing { engine.trace(.blocking, "\(engine.channelName(channel)): full, drops \(excess) oldest rows") }
                }
            }
        }
    }

    func released(_ channel: Channel, rows: Int, buffers: Int, permits: Int, barrier: Bool, engine: Engine) {}

    func describe(_ channel: Channel, engine: Engine) -> ChannelBound {
        ChannelBound(used: channel.inboxRows, capacity: engine.settings.boundedChannelRows, unit: "rows", state: "dropped \(channel.droppedRows)")
    }
}
