/// The event loop: one timed event at a time, then the zero-delay work it caused (actors that
/// became ready), in the order it was caused.
extension Engine {
    /// Processes the next event and everything it makes ready at the same instant.
    /// Returns a one-line description of the event, or nil when nothing is scheduled before
    /// the end of virtual time (`Limits.maxVirtualTime`).
    /// Events with nothing to do are not steps: timers `absorbsTimer` takes, the end
    /// of work of an actor that was dropped or rescaled away, and generator ticks at which no
    /// row is due and none expires (at 10 rows/s, 99 ticks in 100), up to `quietTicksPerStep`
    /// of them in a row; the step after that many reports them.
    @discardableResult
    public func step() -> String? {
        drainReady()
        var quiet = 0
        while let next = events.nextTime, next <= Limits.maxVirtualTime, let event = events.pop() {
            if event.kind.isTimer && absorbsTimer(event) { continue }
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
            guard processNext(dueBy: deadline, eventLimit: lastEvent) else {
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
    /// describing it; false when no event is due. A generator tick may take the quiet ticks
    /// after it along (`processGeneratorTick`), counted as events, up to `eventLimit` in all.
    @inline(__always)
    func processNext(dueBy deadline: Int64, eventLimit: Int64 = .max) -> Bool {
        // Events before the next timer; then the timers due join them.
        let timer = events.nextTimer
        guard let event = events.pop(dueBy: min(deadline, timer &- 1)) else {
            return timer <= deadline && events.admitTimers(dueBy: timer)
        }
        // An actor finishing its work is nearly every event: the rest go out of line.
        guard event.kind == .actorDone else {
            return event.kind == .generatorTick ? processGeneratorTick(event, dueBy: deadline, eventLimit: eventLimit) : processOther(event)
        }
        sampleUpTo(event.time)
        now = event.time
        _ = process(event, describe: false)
        drainReady()
        return true
    }

    @inline(never)
    private func processOther(_ event: Event) -> Bool {
        if event.kind.isTimer && absorbsTimer(event) { return true }
        sampleUpTo(event.time)
        now = event.time
        _ = process(event, describe: false)
        drainReady()
        return true
    }

    /// A generator tick, and the ticks after it at which nothing happens (no row is due, none
    /// expires), passed in a loop rather than one event each: at 10 rows a second, 99 ticks
    /// in 100. Each passed tick is what its event would have been: its metrics samples, its
    /// `rowsDue` (a Poisson draw, a carried fraction), its retention check, its place in
    /// the event count (a replay stops after as many). It stops before any other event (one
    /// at the same instant goes first, being scheduled earlier), at `deadline`, at
    /// `eventLimit`, at a tick that appends or expires rows (which is then processed in
    /// full), and after `quietTickBatch` ticks, so that Ctrl-C is checked between batches.
    /// The passed ticks take no sequence numbers: every later event's number is lower by as
    /// many, which keeps their order (the numbers only break ties between equal times).
    @inline(never)
    private func processGeneratorTick(_ event: Event, dueBy deadline: Int64, eventLimit: Int64) -> Bool {
        sampleUpTo(event.time)
        now = event.time
        eventsProcessed &+= 1
        let retention = retentionApplies
        var quiet = !generate(retention: retention) && ready.isEmpty
        // The ticks go on only while a source generates or has a retention to apply.
        if quiet && passesQuietTicks && ticksContinue {
            let bound = min(deadline, (events.nextTime ?? .max) &- 1, Limits.maxVirtualTime)
            var passed = 0
            while quiet && now &+ Engine.generatorTick <= bound && eventsProcessed < eventLimit && passed < Engine.quietTickBatch {
                let t = now + Engine.generatorTick
                sampleUpTo(t)
                now = t
                eventsProcessed &+= 1
                passed += 1
                quiet = !generate(retention: retention) && ready.isEmpty
            }
        }
        scheduleGeneratorTickIfNeeded()
        drainReady()
        return true
    }

    /// Quiet generator ticks `processGeneratorTick` passes in one go at most (65 s of them).
    static let quietTickBatch = 65_536

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
        case .checkpointTimeout:
            return checkpointTimerFired()
        case .alignedCheckpointTimeout:
            return alignedTimerFired()
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

    /// Whether generator ticks go on: some source generates, or has a retention to apply.
    private var ticksContinue: Bool { sources.contains { $0.generates(at: now) || (!$0.dropped && $0.spec.retention != nil) } }

    func scheduleGeneratorTickIfNeeded() {
        guard !generatorTickScheduled, ticksContinue else { return }
        generatorTickScheduled = true
        lastGeneratorTick = now
        events.schedule(.generatorTick, at: now + Engine.generatorTick, target: 0)
    }

    /// A tick, described (STEP): the rows appended.
    private func generatorTick() -> Int64 {
        let appended = appendDueRows()
        scheduleGeneratorTickIfNeeded()
        return appended
    }

    /// The generators append the rows due at `now` and retention (if `retention`: some
    /// source has one) deletes what has expired; true when either changed a log.
    private func generate(retention: Bool) -> Bool {
        let positions = retention ? logPositions() : 0
        let appended = appendDueRows()
        return appended > 0 || (retention && logPositions() != positions)
    }

    /// Whether some source has a retention that may delete rows.
    private var retentionApplies: Bool { sources.contains { !$0.dropped && $0.spec.retention != nil } }

    /// A tick's work: every generator appends the rows due since the last tick, then retention
    /// runs. The next tick is the caller's to schedule.
    private func appendDueRows() -> Int64 {
        generatorTickScheduled = false
        var appended: Int64 = 0
        for ref in sourceRefs {
            ref._withUnsafeGuaranteedRef { source in
                guard !source.dropped else { return }
                let rows = source.rowsDue(from: lastGeneratorTick, to: now)
                if rows > 0 {
                    source.append(rows, now: now)
                    appended += rows
                    wakeConsumers(of: source)
                }
                source.applyRetention(now: now)
            }
        }
        lastGeneratorTick = now
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
