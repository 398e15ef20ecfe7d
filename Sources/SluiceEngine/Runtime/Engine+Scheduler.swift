/// The event loop: one timed event at a time, then the zero-delay work it caused (actors that
/// became ready), in the order it was caused.
extension Engine {
    /// Processes the next event and everything it makes ready at the same instant.
    /// Returns a one-line description of the event, or nil when nothing is scheduled before
    /// the end of virtual time (`Limits.maxVirtualTime`).
    /// Events with nothing to do are not steps: consumer timers `absorbsTimer` takes, the end
    /// of work of an actor that was dropped or rescaled away, and generator ticks at which no
    /// row is due and none expires (at 10 rows/s, 99 ticks in 100), up to `quietTicksPerStep`
    /// of them in a row; the step after that many reports them.
    @discardableResult
    public func step() -> String? {
        drainReady()
        var quiet = 0
        while let next = events.nextTime, next <= Limits.maxVirtualTime, let event = events.pop() {
            if event.kind.isConsumerTimer && absorbsTimer(event) { continue }
            if event.kind == .actorDone && !withActor(Int(event.target), { $0.alive && $0.status == .busy }) { continue }
            sampleUpTo(event.time)
            now = event.time
            let tick = event.kind == .generatorTick
            let logs = tick ? logPositions() : 0
            let description = process(event, describe: true)
            drainReady()
            if tick && logPositions() == logs {
                quiet += 1
                if quiet < Engine.quietTicksPerStep { continue }
                return "generators: no row due and none expired in \(quiet) ticks (\(VirtualTime.format(Int64(quiet) * Engine.generatorTick)))"
            }
            return description
        }
        return nil
    }

    /// Quiet generator ticks one STEP passes at most: ten seconds of them.
    static let quietTicksPerStep = 10_000

    /// Every log's start and end offsets, summed: both only grow, so an unchanged sum means
    /// no row was appended and none expired.
    private func logPositions() -> Int64 {
        sources.reduce(0) { sum, source in source.partitions.reduce(sum) { $0 &+ $1.startOffset &+ $1.endOffset } }
    }

    /// Advances virtual time by `duration`, processing every event due on the way; at the
    /// end of virtual time (`Limits.maxVirtualTime`) it stops.
    @discardableResult
    public func advance(by duration: Int64, cancel: CancellationFlag? = nil) -> RunOutcome {
        run(until: now + min(max(0, duration), Limits.maxVirtualTime - now), cancel: cancel)
    }

    /// Processes every event up to virtual time `deadline`, then sets the clock to it. A
    /// deadline past the end of virtual time (`Limits.maxVirtualTime`) stops there.
    @discardableResult
    public func run(until deadline: Int64, cancel: CancellationFlag? = nil) -> RunOutcome {
        let deadline = min(deadline, Limits.maxVirtualTime)
        drainReady()
        var count = 0
        while true {
            count &+= 1
            if count & 255 == 0, let cancel, cancel.isCancelled { return .cancelled }
            guard processNext(dueBy: deadline) else { break }
        }
        if deadline > now {
            sampleUpTo(deadline)
            now = deadline
        }
        return .completed
    }

    /// Replays a run that Ctrl-C stopped: every event due by `deadline`, but none once
    /// `processedEvents` has reached `lastEvent`, so the clock stays where the stopped run
    /// left it (at its last event, even in the middle of an instant). Returns `.cancelled`
    /// when the count stopped it, and otherwise ends as `run(until:)` does.
    @discardableResult
    public func run(until deadline: Int64, stoppingAtEvent lastEvent: Int64) -> RunOutcome {
        let deadline = min(deadline, Limits.maxVirtualTime)
        drainReady()
        while eventsProcessed < lastEvent {
            guard processNext(dueBy: deadline) else {
                if deadline > now {
                    sampleUpTo(deadline)
                    now = deadline
                }
                return .completed
            }
        }
        return .cancelled
    }

    /// Processes the next event due by `deadline`, and the work it makes ready, without
    /// describing it; false when no event is due.
    @inline(__always)
    func processNext(dueBy deadline: Int64) -> Bool {
        // Events before the next consumer timer; then the timers due join them.
        let timer = events.nextTimer
        guard let event = events.pop(dueBy: min(deadline, timer &- 1)) else {
            return timer <= deadline && events.admitTimers(dueBy: timer)
        }
        // An actor finishing its work is nearly every event: the rest go out of line.
        guard event.kind == .actorDone else { return processOther(event) }
        sampleUpTo(event.time)
        now = event.time
        _ = process(event, describe: false)
        drainReady()
        return true
    }

    @inline(never)
    private func processOther(_ event: Event) -> Bool {
        if event.kind.isConsumerTimer && absorbsTimer(event) { return true }
        sampleUpTo(event.time)
        now = event.time
        _ = process(event, describe: false)
        drainReady()
        return true
    }

    /// Processes the events still due at the current instant, at most `budget` of them; true
    /// when none is left. Ctrl-C stops a run after its instant (a state easy to read: every
    /// event up to now); an instant that would not end (a backlog of millions of rows that
    /// cost no time) is cut short, to keep Ctrl-C prompt. A replay stops after the same
    /// number of events (`run(until:stoppingAtEvent:)`), wherever the cut fell.
    @discardableResult
    public func finishInstant(budget: Int = 10_000) -> Bool {
        for _ in 0..<budget where !processNext(dueBy: now) { return true }
        return (nextEventTime ?? .max) > now
    }

    /// Number of events processed so far (for progress reports).
    public var processedEvents: Int64 { eventsProcessed }

    /// Virtual time of the next scheduled event, if any.
    public var nextEventTime: Int64? {
        drainReady()
        return events.nextTime
    }

    /// Handles one event; its one-line description is built only when `describe` asks (STEP),
    /// never in the hot loop of RUN.
    func process(_ event: Event, describe: Bool) -> String? {
        eventsProcessed &+= 1
        switch event.kind {
        case .actorDone:
            // RUN's path, nearly every event, is kept to the work itself (STEP's describes it).
            if describe { return finishDescribed(event) }
            withActor(Int(event.target)) { actor in
                if actor.alive && actor.status == .busy { finishWork(actor) }
            }
            return nil
        case .generatorTick:
            let appended = generatorTick()
            return describe ? "generators appended \(appended) row\(appended == 1 ? "" : "s")" : nil
        case .barrierTick:
            guard event.generation == barrierTickGeneration else { return describe ? "a stale barrier tick (skipped)" : nil }
            return periodicBarrier()
        case .pollDeadline, .fetchExpiry:
            return consumerTimerFired(event)
        }
    }

    /// An actor's end of work as STEP processes it, saying what the actor finished: a chunk,
    /// a sink's write, or the work for the barriers it passed (no rows).
    @inline(never)
    private func finishDescribed(_ event: Event) -> String {
        withActor(Int(event.target)) { actor in
            guard actor.alive, actor.status == .busy else { return "a dropped or rescaled actor's event (skipped)" }
            let rows = actor.inProgressRows
            finishWork(actor)
            if rows == 0 { return "\(actor.name) finished its work for the barriers it passed (barrier_cost)" }
            return "\(actor.name) finished \(actor.role == .sink ? "a write of" : "a chunk of") \(rows) row\(rows == 1 ? "" : "s")"
        }
    }

    @inline(__always)
    func makeReady(_ actor: Actor) {
        if !actor.readyQueued && actor.alive {
            actor.readyQueued = true
            ready.append(actor.id)
        }
    }

    func drainReady() {
        while let id = ready.popFirst() {
            withActor(id) { actor in
                actor.readyQueued = false
                run(actor)
            }
        }
    }

    // MARK: Generators

    func scheduleGeneratorTickIfNeeded() {
        guard !generatorTickScheduled else { return }
        guard sources.contains(where: { $0.generates || (!$0.dropped && $0.spec.retention != nil) }) else { return }
        generatorTickScheduled = true
        lastGeneratorTick = now
        events.schedule(.generatorTick, at: now + Engine.generatorTick, target: 0)
    }

    private func generatorTick() -> Int64 {
        generatorTickScheduled = false
        var appended: Int64 = 0
        for source in sources where !source.dropped {
            let rows = source.rowsDue(from: lastGeneratorTick, to: now)
            if rows > 0 {
                source.append(rows, now: now)
                appended += rows
                wakeConsumers(of: source)
            }
            source.applyRetention(now: now)
        }
        lastGeneratorTick = now
        scheduleGeneratorTickIfNeeded()
        return appended
    }

    func wakeConsumers(of source: SourceLog) {
        for job in jobs.values {
            for consumer in job.consumers where consumer.source === source {
                for id in job.fragmentActors.joined() {
                    let actor = actors[id]
                    if actor.consumer === consumer, actor.status == .idle { makeReady(actor) }
                }
            }
        }
    }
}
