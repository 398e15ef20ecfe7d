/// Barrier work (`barrier_cost`): each actor's own part of a checkpoint, Flink's synchronous
/// snapshot or RisingWave's flush of the epoch's state. An actor owes it once it has sent the
/// barrier on, and pays it before its next chunk, or at once if it is idle or blocked on its
/// output. Free unless `barrier_cost` prices it; nothing here runs on the rows' path then.
extension Engine {
    /// The actor has passed (a source: emitted) a barrier: it owes its work for it. A busy
    /// actor pays when its work is done (`Engine.run`); another is made ready to pay now. So
    /// the barrier's latency is the queues', and a shorter `barrier_interval_ms` costs every
    /// actor that much more of its time: the article's barrier overhead.
    func chargeBarrierCost(_ actor: Actor, _ mark: BarrierMark) {
        guard !settings.barrierCost.isFree else { return }
        let cost = actor.costs.totalCost(settings.barrierCost, rows: 1)
        actor.barrierDebt = actor.barrierDebt.addingSaturated(cost)
        actor.barrierNs = actor.barrierNs.addingSaturated(cost)
        trace(.barriers, "\(actor.name) owes \(VirtualTime.format(cost)) of work for barrier \(mark.epoch) (barrier_cost)")
        if actor.status != .busy { makeReady(actor) }
    }

    /// `duration` with the barrier work the actor owes, which it now pays. Out of line: barriers
    /// cost nothing unless `barrier_cost` says so, and `beginWork` must stay small enough to inline.
    @inline(never)
    func payingBarrierDebt(_ actor: Actor, _ duration: Int64) -> Int64 {
        defer { actor.barrierDebt = 0 }
        return duration.addingSaturated(actor.barrierDebt)
    }

    /// An actor with nothing else to do (idle, or blocked on its output) does the barrier work
    /// it owes now: busy, on no rows.
    @inline(never)
    func payBarrierDebt(_ actor: Actor) {
        let duration = actor.barrierDebt
        actor.barrierDebt = 0
        actor.inProgressRows = 0
        actor.setStatus(.busy, now: now)
        events.schedule(.actorDone, at: now + min(duration, Limits.maxVirtualTime - now), target: actor.id)
    }
}
