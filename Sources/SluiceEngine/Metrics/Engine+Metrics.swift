/// Sampling every 100 ms of virtual time, the averaging window, and `RESET METRICS`.
extension Engine {
    func sampleUpTo(_ time: Int64) {
        guard metrics.nextSampleAt <= time else { return }
        // Nothing changed since the last event: of the samples due, only the last ring's worth
        // would still be kept, so the older ones are skipped (an idle RUN of days takes no time).
        let due = (time - metrics.nextSampleAt) / MetricsStore.period + 1
        if due > Int64(MetricsStore.capacity) { metrics.skip(Int(due) - MetricsStore.capacity) }
        while metrics.nextSampleAt <= time {
            takeSample(at: metrics.nextSampleAt)
            metrics.nextSampleAt += MetricsStore.period
            metrics.sampleCount += 1
        }
    }

    private func takeSample(at t: Int64) {
        for actor in actors where actor.alive {
            if actor.seriesSlot < 0 {
                // Five consecutive slots: busy, idle, backpressured, rows out, input depth.
                actor.seriesSlot = metrics.slot("busy/\(actor.id)")
                for name in ["idle", "bp", "out", "depth"] { _ = metrics.slot("\(name)/\(actor.id)") }
            }
            let slot = actor.seriesSlot
            let times = actor.times(now: t)
            metrics.record(slot, Double(times.busy))
            metrics.record(slot + 1, Double(times.idle))
            metrics.record(slot + 2, Double(times.backpressured))
            metrics.record(slot + 3, Double(actor.rowsOut + actor.delivered))
            var depth = 0.0
            for id in actor.inputs {
                let c = channels[id]
                let dt = Double(t - c.depthSince)
                depth += c.depthRowsIntegral + max(0, dt) * Double(c.inboxRows)
            }
            metrics.record(slot + 4, depth)
        }
        for job in jobs.values {
            for consumer in job.consumers {
                if consumer.seriesSlot < 0 { consumer.seriesSlot = metrics.slot("lag/\(consumer.serial)") }
                metrics.record(consumer.seriesSlot, Double(consumer.totalLag))
            }
        }
    }

    /// Starts a new averaging window now (after a warm-up, or between experiments).
    public func resetMetrics() {
        drainReady()
        resetAt = now
        var base = MetricsSnapshotBase()
        for actor in actors where actor.alive {
            base.actorTimes[actor.id] = actor.times(now: now)
            base.actorRows[actor.id] = (actor.rowsIn, actor.rowsOut, actor.delivered)
            base.alignNs[actor.id] = actor.alignNs
            base.barrierNs[actor.id] = actor.barrierNs
            base.inputQueuedRows[actor.id] = queuedInputRows(actor)
            base.inputDropped[actor.id] = droppedInputRows(actor)
        }
        for channel in channels {
            channel.touchDepth(now: now)
            base.channelDepth[channel.id] = (channel.depthRowsIntegral, channel.depthBuffersIntegral, channel.blockedNs)
        }
        base.barrierCount = barrierLatencies.count
        resetSnapshot = base
        for j in jobs.values.indices {
            // Earlier actors of a rescaled sink: all they delivered is before the window.
            jobs.values[j].retiredDeliveredBase = jobs.values[j].retiredDelivered
            jobs.values[j].retiredLogBase = 0
        }
        for job in jobs.values {
            for consumer in job.consumers {
                consumer.lagMax = 0
                consumer.fetches = 0
                consumer.fetchedRows = 0
                consumer.fetchWaitNs = 0
                consumer.lagAtWindowStart = consumer.totalLag
            }
        }
    }

    /// Length of the current averaging window.
    public var metricsWindow: Int64 { now - resetAt }
}

extension Consumer {
    var maxPartitionLag: Int64 { (0..<offsets.count).map(lag).max() ?? 0 }
}
