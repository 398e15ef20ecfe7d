/// RisingWave's permit-based exchange (`exchange/permit.rs`): an unbounded channel bounded by
/// two semaphores, row permits (`exchange_initial_permits`) and barrier permits
/// (`exchange_concurrent_barriers`). A chunk takes min(rows, initial − batched) permits.
/// A local receiver returns permits as it dequeues; a remote one adds them up and returns
/// them in batches of `exchange_batched_permits` (barrier permits go back at once), or
/// at once when the channel has fewer permits than a batch.
final class PermitScheme: FlowControlScheme {
    var kind: FlowControlKind { .permits }

    func attach(_ channel: Channel, engine: Engine) {
        channel.permits = engine.settings.exchangeInitialPermits
        channel.barrierPermits = engine.settings.exchangeConcurrentBarriers
        channel.permitsToReturn = 0
    }

    func pump(_ channel: Channel, engine: Engine) {
        while !channel.outbox.isEmpty {
            if channel.outbox.front.isBarrier {
                guard channel.barrierPermits > 0 else { break }
                channel.barrierPermits -= 1
                engine.transmit(channel, channel.popOutbox())
                continue
            }
            let need = min(max(channel.outbox.front.rows, 1), engine.settings.maxChunkPermits)
            guard channel.permits >= need else {
                if engine.tracing {
                    engine.trace(.blocking, "\(engine.channelName(channel)): sender waits for \(need) permits (\(channel.permits) available)")
                }
                break
            }
            channel.permits -= need
            var message = channel.popOutbox()
            message.permits = need
            if engine.tracing {
                engine.trace(.permits, "\(engine.channelName(channel)): takes \(need) permits for \(message.rows) rows (\(channel.permits) left)")
            }
            engine.transmit(channel, consume message)
        }
    }

    func released(_ channel: Channel, rows: Int, buffers: Int, floating: Int, permits: Int, barrier: Bool, engine: Engine) {
        if barrier {
            channel.barrierPermits += 1
            engine.pump(channel)
            return
        }
        guard permits > 0 else { return }
        if channel.isLocal {
            channel.permits += permits
            if engine.tracing { engine.trace(.permits, "\(engine.channelName(channel)): local receiver returns \(permits) permits (\(channel.permits) available)") }
            engine.pump(channel)
            return
        }
        channel.permitsToReturn += permits
        // A channel of one permit (`exchange_initial_permits = 1`, the only value allowed at
        // or below the batch) returns it at once: waiting for a batch would wait forever.
        let batch = min(engine.settings.exchangeBatchedPermits, engine.settings.exchangeInitialPermits)
        if channel.permitsToReturn >= batch {
            let n = channel.permitsToReturn
            channel.permitsToReturn = 0
            channel.permits += n
            if engine.tracing { engine.trace(.permits, "\(engine.channelName(channel)): AddPermits \(n) (\(channel.permits) available)") }
            engine.pump(channel)
        }
    }

    func describe(_ channel: Channel, engine: Engine) -> ChannelBound {
        let initial = engine.settings.exchangeInitialPermits
        // Rows a rescale moved in can hold more permits than the channel has: it owes the rest.
        let owed = channel.permits < 0 ? " (\(-channel.permits) owed)" : ""
        return ChannelBound(used: initial - channel.permits, capacity: initial, unit: "permits",
                            state: "permits \(max(0, channel.permits))/\(initial)\(owed)" + (channel.isLocal ? "" : ", unreturned \(channel.permitsToReturn)"))
    }
}
