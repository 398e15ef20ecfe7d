/// Flink's credit-based flow control (FLINK-7282, Flink ≥ 1.5). Each channel starts with
/// `buffers_per_channel` exclusive buffers as its initial credit; the sender announces its
/// backlog with every buffer; the receiver tries to hold backlog + initial credit buffers,
/// taking floating buffers from the gate's pool, and grants one credit per buffer. A sender
/// spends one credit per buffer and stops at zero, on that channel only. Barriers are events
/// and need no credit.
///
/// An arriving buffer fills a free floating buffer first, then an exclusive one
/// (`AvailableBufferQueue.takeBuffer`). Once its rows are taken, an exclusive buffer returns to
/// its channel, which gives back a free floating one it no longer needs; a floating buffer
/// returns to the gate's pool, which hands it to the channel that has waited longest for one
/// (`LocalBufferPool.recycle`, one buffer per `BufferListener` in turn). So channels that are
/// all backlogged share the pool, rather than the first to burst keeping it.
final class CreditScheme: FlowControlScheme {
    var kind: FlowControlKind { .credit }

    func attach(_ channel: Channel, engine: Engine) {
        channel.credit = engine.settings.buffersPerChannel
        channel.floatingHeld = 0
        channel.floatingInUse = 0
        channel.announcedBacklog = 0
    }

    @inline(__always)
    func pump(_ channel: Channel, engine: Engine) {
        // A channel blocked behind its barrier neither sends nor announces a backlog.
        guard !channel.blockedByBarrier else { return }
        let backlog = channel.outboxBuffers
        // Whether this pump announced or sent anything: only then is "sender blocked" news.
        var acted = false
        if backlog != channel.announcedBacklog && (backlog > 0 || channel.announcedBacklog > 0) {
            acted = true
            if backlog > 0 && engine.tracing { engine.trace(.credit, "\(engine.channelName(channel)): sender announces backlog \(backlog)") }
            onSenderBacklog(channel, backlog: backlog, engine: engine)
        }
        while !channel.outbox.isEmpty {
            if channel.outbox.front.isBarrier {
                if engine.barriersBlockCreditChannels { block(channel, engine: engine) }
                engine.transmit(channel, channel.popOutbox())
                if channel.blockedByBarrier { return }
                continue
            }
            if channel.credit == 0 { break }
            acted = true
            // One buffer per credit: send the head's first buffer.
            var message: Message
            if channel.outbox.front.buffers <= 1 {
                message = channel.popOutbox()
            } else {
                let rows = min(channel.rowsPerBuffer, channel.outbox.front.rows)
                message = channel.outbox.front.splitFirst(rows, buffers: 1)
                channel.outboxRows -= rows
                channel.outboxBuffers -= 1
            }
            channel.credit -= message.buffers
            if engine.tracing {
                engine.trace(.credit, "\(engine.channelName(channel)): sends buffer \(channel.sentBuffers + 1) (\(message.rows) row\(message.rows == 1 ? "" : "s"), credit left \(channel.credit))")
            }
            occupy(channel, &message)
            engine.transmit(channel, consume message)
            // The backlog rides along with every buffer (BufferResponse.buffersInBacklog).
            onSenderBacklog(channel, backlog: channel.outboxBuffers, engine: engine)
        }
        if acted && channel.outboxBuffers > 0 && channel.credit == 0 && engine.tracing {
            engine.trace(.blocking, "\(engine.channelName(channel)): sender blocked, 0 credits, backlog \(channel.outboxBuffers)")
        }
    }

    /// An aligned barrier blocks its channel once sent, when the receiver has no exclusive
    /// buffers (Flink ≥ 1.11, FLINK-16404, on which running with none relies): the sender
    /// sends nothing more on it until the receiver has aligned the barrier (`resume`), and
    /// the receiver gives back the floating buffers it holds free for the channel
    /// (`RemoteInputChannel.onBlockingUpstream`). Otherwise rows behind the barrier could take
    /// the pool's last buffer, and the gate's other channels could never bring theirs.
    /// (With exclusive buffers, Sluice models Flink 1.5–1.10: rows behind a barrier keep
    /// arriving into the held channel's buffers.)
    func block(_ channel: Channel, engine: Engine) {
        guard !channel.blockedByBarrier else { return }
        channel.blockedByBarrier = true
        let gate = engine.gate(of: channel)
        let free = min(channel.credit, channel.floatingHeld - channel.floatingInUse)
        channel.credit -= free
        channel.floatingHeld -= free
        gate.floatingFree += free
        channel.announcedBacklog = 0
        if engine.tracing {
            engine.trace(.credit, "\(engine.channelName(channel)): blocked until \(channel.receiverActor.name) has aligned its barrier"
                + (free > 0 ? "; the receiver gives back \(free) free floating buffer\(free == 1 ? "" : "s")" : ""))
        }
        if !gate.waiters.isEmpty && gate.floatingFree > 0 { serveWaiters(gate, engine: engine) }
    }

    /// The alignment that blocked the channel ended (`resumeConsumption`): the sender
    /// announces its backlog again and sends as the receiver grants credit.
    func resume(_ channel: Channel, engine: Engine) {
        guard channel.blockedByBarrier else { return }
        channel.blockedByBarrier = false
        if engine.tracing { engine.trace(.credit, "\(engine.channelName(channel)): \(channel.receiverActor.name) resumes consumption") }
        engine.pump(channel)
    }

    /// The first half of `pump` for one buffer arriving at an empty outbox: announce a
    /// backlog of 1 (taking floating buffers for it), then the credit there is to send it.
    @inline(__always)
    func creditAfterAnnouncing(_ channel: Channel, engine: Engine) -> Int {
        if channel.announcedBacklog != 1 { onSenderBacklog(channel, backlog: 1, engine: engine) }
        return channel.credit
    }

    /// The rest of `pump` for that buffer, given credit: spend it, transmit, and announce the
    /// empty backlog, as the outbox round trip would, without it.
    @inline(__always)
    func sendAtOnce(_ channel: Channel, _ chunk: consuming Chunk, engine: Engine) {
        channel.credit -= 1
        // Its one buffer is a free floating one if the channel holds any (`occupy`).
        let floating = channel.floatingHeld > channel.floatingInUse ? 1 : 0
        channel.floatingInUse &+= floating
        engine.transmit(channel, Message(chunk: chunk, buffers: 1, permits: 0, barrier: nil, floating: floating))
        onSenderBacklog(channel, backlog: 0, engine: engine)
    }

    /// The buffers an arriving message fills: the channel's free floating buffers first.
    @inline(__always)
    private func occupy(_ channel: Channel, _ message: inout Message) {
        let free = channel.floatingHeld &- channel.floatingInUse
        guard free > 0 else { return }
        let floating = min(free, message.buffers)
        message.floating = floating
        channel.floatingInUse &+= floating
    }

    @inline(__always)
    func released(_ channel: Channel, rows: Int, buffers: Int, floating: Int, permits: Int, barrier: Bool, engine: Engine) {
        // Buffers beyond the channel's (`excessBuffers`) are the unmarked ones: a floating
        // buffer is one, wherever a split put its mark.
        let excess = min(buffers - floating, channel.excessBuffers)
        channel.excessBuffers -= excess
        guard buffers > excess else { return }
        let gate = engine.gate(of: channel)
        // Floating buffers go back to the pool.
        var returned = 0
        if floating > 0 {
            channel.floatingInUse -= floating
            if gate.channels.count == 1 || (channel.waitingForFloating && gate.waiters.count == 1) {
                // The channel waits for the pool alone: the pool hands the buffers straight back,
                // as many as it needs. (A gate's only channel needs some exactly when it would
                // wait for them, so it never joins the line: a saturated channel's common case.)
                let required = channel.announcedBacklog + engine.settings.buffersPerChannel
                let back = min(floating, max(0, required - channel.credit))
                channel.credit += back
                returned = floating - back
                channel.floatingHeld -= returned
                gate.floatingFree += returned
                if channel.credit >= required && channel.waitingForFloating {
                    channel.waitingForFloating = false
                    gate.waiters.removeFirst()
                }
                if engine.tracing && back > 0 { traceGrantedFromPool(channel, back, engine: engine) }
            } else {
                channel.floatingHeld -= floating
                gate.floatingFree += floating
                returned = floating
            }
        }
        // Exclusive ones to the channel, which keeps backlog + initial credit free buffers and
        // gives back a free floating buffer beyond that (`addExclusiveBuffer`).
        var granted = 0
        for _ in 0..<max(0, buffers - excess - floating) {
            channel.credit += 1
            if channel.credit > channel.announcedBacklog + engine.settings.buffersPerChannel && channel.floatingHeld > channel.floatingInUse {
                channel.credit -= 1
                channel.floatingHeld -= 1
                gate.floatingFree += 1
                returned += 1
            } else {
                granted += 1
            }
        }
        if engine.tracing && granted > 0 {
            engine.trace(.credit, "\(engine.channelName(channel)): receiver grants \(granted) credit\(granted == 1 ? "" : "s") (credit \(channel.credit))")
        }
        // A returned buffer is free in the pool: serve the channels waiting for one, if any
        // (which pumps those served).
        let pumped = returned > 0 && !gate.waiters.isEmpty && serveWaiters(gate, engine: engine, reporting: channel.id)
        // With nothing queued, nothing announced and nothing pending, a pump would do nothing.
        if !pumped && (!channel.outbox.isEmpty || channel.announcedBacklog != 0 || channel.countedHolding) { engine.pump(channel) }
    }

    /// Buffers queued beyond what the channel can hold (moved in by a rescale, or queued under
    /// a scheme that never blocks) show as "over": they free no credit when taken.
    func describe(_ channel: Channel, engine: Engine) -> ChannelBound {
        // Exclusive buffers, the floating ones it holds, and those it could still take.
        let pool = engine.gate(of: channel).floatingFree
        let buffers = engine.settings.buffersPerChannel + channel.floatingHeld + pool
        return ChannelBound(used: channel.inboxBuffers, capacity: buffers, shared: pool, unit: "buffers",
                            state: "credit \(channel.credit) backlog \(channel.outboxBuffers) float \(channel.floatingHeld)"
                                + (channel.excessBuffers > 0 ? " (\(channel.excessBuffers) over)" : "")
                                + (channel.blockedByBarrier ? ", blocked by barrier" : ""))
    }

    /// `RemoteInputChannel.onSenderBacklog`: hold backlog + initial credit available buffers.
    @inline(__always)
    private func onSenderBacklog(_ channel: Channel, backlog: Int, engine: Engine) {
        channel.announcedBacklog = backlog
        requestFloating(channel, engine: engine)
    }

    @inline(__always)
    private func requestFloating(_ channel: Channel, engine: Engine) {
        let gate = engine.gate(of: channel)
        let required = channel.announcedBacklog + engine.settings.buffersPerChannel
        var granted = 0
        // A channel already waiting for the pool waits its turn (`isWaitingForFloatingBuffers`).
        while channel.credit < required && gate.floatingFree > 0 && !channel.waitingForFloating {
            gate.floatingFree -= 1
            channel.floatingHeld += 1
            channel.credit += 1
            granted += 1
        }
        if granted > 0 && engine.tracing {
            engine.trace(.credit, "\(engine.channelName(channel)): receiver grants \(granted) credit\(granted == 1 ? "" : "s") from floating buffers (credit \(channel.credit))")
        }
        // A gate's only channel is served without the line (`released`).
        if channel.credit < required && channel.announcedBacklog > 0 && !channel.waitingForFloating && gate.channels.count > 1 {
            channel.waitingForFloating = true
            gate.waiters.append(channel.id)
        }
    }

    /// Floating buffers came back to the pool: the channels waiting for one get one each, in
    /// the order they began to wait; one that needs more waits again at the end of the line
    /// (`BUFFER_USED_NEED_MORE`), and one that needs none any more passes its turn
    /// (`BUFFER_NOT_USED`). The channels served send once all are served. Returns whether
    /// `channel` was among them (and so was pumped). No heap allocation: under a saturated
    /// record-at-a-time pipeline this runs once per row.
    @discardableResult
    private func serveWaiters(_ gate: Gate, engine: Engine, reporting channelID: Int = -1) -> Bool {
        let waiting = gate.waiters.count
        return withUnsafeTemporaryAllocation(of: (id: Int, buffers: Int).self, capacity: waiting) { served in
            var count = 0
            while gate.floatingFree > 0, let id = gate.waiters.popFirst() {
                let channel = engine.channels[id]
                channel.waitingForFloating = false
                let required = channel.announcedBacklog + engine.settings.buffersPerChannel
                guard channel.credit < required else { continue }
                gate.floatingFree -= 1
                channel.floatingHeld += 1
                channel.credit += 1
                if channel.credit < required {
                    channel.waitingForFloating = true
                    gate.waiters.append(id)
                }
                // Each waiter is served at most once per turn of the line: at most `waiting` ids.
                var i = 0
                while i < count && served[i].id != id { i += 1 }
                if i == count {
                    served[count] = (id, 0)
                    count += 1
                }
                served[i].buffers += 1
            }
            var found = false
            for i in 0..<count {
                let channel = engine.channels[served[i].id]
                if engine.tracing { traceGrantedFromPool(channel, served[i].buffers, engine: engine) }
                found = found || served[i].id == channelID
                engine.pump(channel)
            }
            return found
        }
    }

    /// TRACE: the pool handed `n` floating buffers that came back to it to this channel.
    private func traceGrantedFromPool(_ channel: Channel, _ n: Int, engine: Engine) {
        engine.trace(.credit, "\(engine.channelName(channel)): receiver grants \(n) credit\(n == 1 ? "" : "s") from floating buffers back in the pool (credit \(channel.credit))")
    }

    /// After a change of scheme, which of the queued buffers are floating ones: those after
    /// the first `skip` (beyond the channel's buffers, `excessBuffers`), `count` of them.
    func markFloating(_ channel: Channel, skipping skip: Int, count: Int) {
        var skip = skip, left = count
        for i in channel.inbox.indices {
            let buffers = channel.inbox[i].buffers
            let skipped = min(skip, buffers)
            skip -= skipped
            let floating = min(left, buffers - skipped)
            channel.inbox[i].floating = floating
            left -= floating
        }
        channel.floatingInUse = count - left
    }
}
