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
            enter(connection, channel, channel.popOutbox())
        }
        if !channel.outbox.isEmpty, !connection.waiting.contains(channel.id) {
            connection.waiting.append(channel.id)
        }
        drain(connection, engine: engine)
    }

    /// A local channel (same node) has no connection: only the gate's pool bounds it.
    private func pumpLocal(_ channel: Channel, engine: Engine) {
        while !channel.outbox.isEmpty {
            let head = channel.outbox.front
            if let rest = deliver(head, on: channel, engine: engine) {
                let sent = head.rows - rest.rows
                channel.outbox.front = rest
                channel.outboxRows -= sent
                channel.outboxBuffers -= head.buffers - rest.buffers
                break
            }
            _ = channel.popOutbox()
        }
    }

    private func enter(_ connection: Connection, _ channel: Channel, _ message: Message) {
        connection.queue.append((channel.id, message))
        channel.inTransitRows += message.rows
    }

    /// Delivers as much of `message` as the receiver's gate has buffers for, one buffer at a
    /// time; returns what is left (nil: all of it went).
    private func deliver(_ message: Message, on channel: Channel, engine: Engine) -> Message? {
        if message.isBarrier {
            engine.transmit(channel, message)
            return nil
        }
        if engine.isHeldByAlignment(channel) {
            // Flink's BarrierBuffer spilled the data of a held input to disk, so it never took
            // the gate's buffers (otherwise alignment would deadlock the gate).
            channel.excessBuffers += message.buffers
            engine.transmit(channel, message)
            return nil
        }
        let gate = engine.gate(of: channel)
        if gate.tcpFree >= message.buffers {
            gate.tcpFree -= message.buffers
            engine.transmit(channel, message)
            return nil
        }
        guard gate.tcpFree > 0 else { return message }
        var rest = message
        let rows = min(rest.rows - 1, gate.tcpFree * channel.rowsPerBuffer)
        guard rows > 0 else { return message }
        let part = rest.splitFirst(rows, buffers: min(gate.tcpFree, channel.buffers(forRows: rows)))
        gate.tcpFree -= part.buffers
        engine.transmit(channel, part)
        return rest
    }

    /// Delivers from the head of the connection while the head's channel has a free buffer,
    /// then refills the window from the channels waiting for it, in order.
    func drain(_ connection: Connection, engine: Engine) {
        while true {
            while let (id, message) = connection.queue.first {
                let channel = engine.channels[id]
                if let rest = deliver(message, on: channel, engine: engine) {
                    channel.inTransitRows -= message.rows - rest.rows
                    connection.queue[0].message = rest
                    break
                }
                channel.inTransitRows -= message.rows
                connection.queue.removeFirst()
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
                var moved = false
                while !channel.outbox.isEmpty && connection.queue.count < Connection.window {
                    enter(connection, channel, channel.popOutbox())
                    moved = true
                }
                refilled = refilled || moved
                let drained = channel.outbox.isEmpty
                if drained { connection.waiting.removeFirst() }
                // A sender that keeps buffers may go on once fewer than its cap are left.
                if moved || drained { engine.outboxMayHaveDrained(channel) }
                guard drained else { break }
            }
            if !refilled || connection.stalled { return }
        }
    }

    func released(_ channel: Channel, rows: Int, buffers: Int, floating: Int, permits: Int, barrier: Bool, engine: Engine) {
        // Spilled buffers (a held input's) are at the front of the inbox and hold none of the
        // gate's: they were given back when spilled.
        let spilled = min(buffers, channel.excessBuffers)
        channel.excessBuffers -= spilled
        guard buffers > spilled else { return }
        free(buffers - spilled, in: engine.gate(of: channel), engine: engine)
    }

    /// Alignment now holds `channel`. Flink's BarrierBuffer keeps reading the gate and spills
    /// what a blocked channel has to disk, releasing its network buffers: the rows it has
    /// queued stay queued (read again after the alignment) but give their buffers back to the
    /// gate now, so they cannot keep the other inputs' data, and the barrier behind it, out.
    func spill(_ channel: Channel, engine: Engine) {
        let pinned = channel.inboxBuffers - channel.excessBuffers
        guard pinned > 0 else { return }
        channel.excessBuffers += pinned
        if engine.tracing {
            engine.trace(.blocking, "\(engine.channelName(channel)): held by alignment, spills \(pinned) buffer\(pinned == 1 ? "" : "s") and gives them back to the gate")
        }
        free(pinned, in: engine.gate(of: channel), engine: engine)
    }

    /// `buffers` buffers go back to `gate`'s pool.
    private func free(_ buffers: Int, in gate: Gate, engine: Engine) {
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
        // Spilled rows are on disk, not in the gate's buffers: used counts the buffers held.
        let used = channel.inboxBuffers - channel.excessBuffers
        let spilled = channel.excessBuffers > 0 ? ", spilled \(spilledRows(channel)) rows (\(channel.excessBuffers) buffers)" : ""
        if let connection = engine.connection(of: channel) {
            return ChannelBound(used: used, capacity: total, shared: total, unit: "buffers",
                                state: "gate free \(gate.tcpFree), connection \(connection.fromNode)→\(connection.toNode) \(connection.queue.count)/\(Connection.window)\(connection.stalled ? " STALLED" : "")" + spilled)
        }
        return ChannelBound(used: used, capacity: total, shared: total, unit: "buffers", state: "gate free \(gate.tcpFree) (local)" + spilled)
    }

    /// The rows of the spilled buffers: the inbox's first `excessBuffers` data buffers
    /// (a spill takes whole messages, and consumption takes from the front).
    private func spilledRows(_ channel: Channel) -> Int {
        var buffers = 0, rows = 0
        for message in channel.inbox where !message.isBarrier && buffers < channel.excessBuffers {
            buffers += message.buffers
            rows += message.rows
        }
        return rows
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
    func released(_ channel: Channel, rows: Int, buffers: Int, floating: Int, permits: Int, barrier: Bool, engine: Engine) {}
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
            if message.isBarrier { engine.transmit(channel, consume message); continue }
            if kind == .dropTail {
                let room = max(0, capacity - channel.inboxRows)
                if message.rows > room {
                    let dropped = message.rows - room
                    channel.droppedRows += Int64(dropped)
                    if engine.tracing { engine.trace(.blocking, "\(engine.channelName(channel)): full, drops \(dropped) arriving rows") }
                    if room == 0 { continue }
                    message = message.splitFirst(room, buffers: channel.buffers(forRows: room))
                }
                engine.transmit(channel, consume message)
            } else {
                engine.transmit(channel, consume message)
                let excess = channel.inboxRows - capacity
                if excess > 0 {
                    engine.dropOldest(channel, rows: excess)
                    if engine.tracing { engine.trace(.blocking, "\(engine.channelName(channel)): full, drops \(excess) oldest rows") }
                }
            }
        }
    }

    func released(_ channel: Channel, rows: Int, buffers: Int, floating: Int, permits: Int, barrier: Bool, engine: Engine) {}

    func describe(_ channel: Channel, engine: Engine) -> ChannelBound {
        ChannelBound(used: channel.inboxRows, capacity: engine.settings.boundedChannelRows, unit: "rows", state: "dropped \(channel.droppedRows)")
    }
}

extension Engine {
    /// Puts every message still inside a TCP connection back at the front of its channel's
    /// outbox, in order, before the connections go away (a scheme change, a drop, a rescale).
    func reclaimConnections() {
        for key in connections.keys.sorted() {
            guard let connection = connections[key] else { continue }
            for (id, message) in connection.queue.reversed() {
                let channel = channels[id]
                channel.inTransitRows -= message.rows
                channel.outbox.insert(message, at: 0)
                channel.outboxRows += message.rows
                channel.outboxBuffers += message.buffers
                noteUnsent(channel)
            }
            connection.queue.removeAll()
        }
        connections.removeAll()
    }
}
