/// How `STEP BARRIER` ended.
public enum BarrierStepOutcome: Sendable, Equatable {
    case completed(Checkpoint)
    /// It reached `checkpoint_timeout_ms` first.
    case expired(ExpiredCheckpoint)
    case cancelled
    case stalled(String)
}

/// `STEP BARRIER`: virtual time runs until the oldest barrier in flight completes, expires,
/// or cannot move, and says which.
extension Engine {
    /// Runs until the oldest in-flight barrier completes, at most `limit` of virtual time
    /// (and never past its end, `Limits.maxVirtualTime`).
    /// `progress`, when given, is called every few thousand events with the virtual time and
    /// the deadline (the engine has no wall clock; the caller decides whether to show it).
    /// A replay of a run that Ctrl-C stopped passes `lastEvent`, the count of events processed
    /// when it stopped: it is `.cancelled` there, unless the barrier completed at that very
    /// event, as the stopped run saw it do.
    public func stepBarrier(limit: Int64 = 600 * VirtualTime.second, cancel: CancellationFlag? = nil,
                            stoppingAtEvent lastEvent: Int64 = .max,
                            progress: ((_ now: Int64, _ deadline: Int64) -> Void)? = nil) throws(EngineError) -> BarrierStepOutcome {
        drainReady()
        guard let target = inFlight.first?.epoch else { throw .noBarrierInFlight }
        if let sink = neverCollecting(inFlight[0]) {
            return .stalled("barrier \(target) cannot complete: sink \(sink.name) has throughput 0 and never takes its input")
        }
        let deadline = now + min(max(0, limit), Limits.maxVirtualTime - now)
        var count = 0
        // Epochs complete in order: the target is done once it is no longer the oldest in flight.
        while inFlight.first?.epoch == target {
            count &+= 1
            if count & 255 == 0, let cancel, cancel.isCancelled { return .cancelled }
            if count & 4095 == 0 { progress?(now, deadline) }
            if eventsProcessed >= lastEvent { return .cancelled }
            if processNext(dueBy: deadline, eventLimit: lastEvent) { continue }
            // The checkpoint timeout's timer is no progress: a stalled graph is reported now.
            guard events.nextTime != nil, !events.holdsOnly(.checkpointTimeout) else {
                let reasons = stallReasons()
                let expiry = checkpointTimerAt >= 0 ? " (it expires at \(VirtualTime.formatSeconds(checkpointTimerAt)), checkpoint_timeout_ms)" : ""
                return .stalled("nothing is scheduled: the graph is stalled\(expiry). "
                                + (reasons.isEmpty ? "no pending work can make progress" : reasons.joined(separator: "; ")))
            }
            run(until: deadline)
            let place = barrierLocations().first?.places.first ?? "unknown"
            let reasons = stallReasons()
            return .stalled("barrier \(target) did not complete within \(VirtualTime.format(limit)) (it is \(place))"
                            + (reasons.isEmpty ? "" : ". " + reasons.joined(separator: "; ")))
        }
        if let gone = expiredCheckpoints.last(where: { $0.epoch == target }) { return .expired(gone) }
        guard let done = checkpoints.last(where: { $0.epoch == target }) else {
            return .stalled("barrier \(target) left no checkpoint")
        }
        return .completed(done)
    }

    /// A sink the epoch waits for that will never take it: throughput 0, and coupled (a
    /// decoupled sink collects the barrier when it enters the sink's log).
    private func neverCollecting(_ epoch: EpochState) -> Actor? {
        for (k, id) in epoch.expected.enumerated() where !epoch.collected[k] {
            let actor = actors[id]
            if actor.alive, let sink = actor.sink, sink.throughput == 0,
               !actor.inputs.contains(where: { channels[$0].role == .sinkLog }) {
                return actor
            }
        }
        return nil
    }

    /// Why nothing moves: paused partitions, sinks that never write, self-paused sources.
    func stallReasons() -> [String] {
        var reasons: [String] = []
        for job in jobs.values {
            for consumer in job.consumers {
                let paused = consumer.paused.indices.filter { consumer.paused[$0] }
                if !paused.isEmpty {
                    reasons.append("\(consumer.source.spec.name) partition\(paused.count == 1 ? "" : "s") \(paused.map(String.init).joined(separator: ", ")) paused for \(job.spec.name)")
                }
            }
        }
        for actor in actors where actor.alive {
            if let sink = actor.sink, sink.throughput == 0 { reasons.append("sink \(actor.name) has throughput 0 and never writes") }
        }
        return reasons
    }
}
