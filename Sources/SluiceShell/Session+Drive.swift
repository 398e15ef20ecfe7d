import Foundation
import SluiceEngine
import SluiceSQL

/// Moving virtual time: STEP, RUN (with progress and Ctrl-C), STEP BARRIER, WATCH.
extension Session {
    /// More frames than anyone can watch is a typo (EVERY 1ns).
    static let maxWatchFrames = 10_000

    /// Events RUN processes between two looks at its progress and at Ctrl-C.
    static let progressEvents: Int64 = 20_000

    func step(_ amount: StepAmount, at range: SourceRange? = nil, durationAt durationRange: SourceRange?) throws -> [OutputBlock] {
        switch amount {
        case .events(let n):
            return stepEvents(n)
        case .duration(let d):
            return try runFor(d, verb: "STEP", at: durationRange)
        case .barrier:
            let outcome: BarrierStepOutcome
            let report = progressReport()
            do {
                outcome = try stepBarrier(report)
            } catch EngineError.noBarrierInFlight {
                // `BARRIER; STEP BARRIER;` where the barrier completed as it was injected.
                if let last = engine.checkpoints.last, last.completedAt == engine.now {
                    return [.notice("STEP BARRIER: no barrier in flight; epoch \(last.epoch) completed at \(VirtualTime.formatSeconds(last.completedAt)), latency \(VirtualTime.format(last.latency))")]
                }
                throw SQLError("no barrier is in flight", at: range, hint: "inject one with BARRIER, or wait for the next periodic one")
            }
            report.finish()
            var blocks = drainTrace()
            switch outcome {
            case .completed(let c):
                blocks.append(.notice("STEP BARRIER: epoch \(c.epoch) completed at \(VirtualTime.formatSeconds(c.completedAt)), latency \(VirtualTime.format(c.latency))"
                                      + (c.inFlightRows > 0 ? ", in-flight data \(c.inFlightRows) rows (\(c.inFlightBuffers) buffers)" : "")))
            case .expired(let c):
                blocks.append(.notice("STEP BARRIER: checkpoint \(c.epoch) expired at \(VirtualTime.formatSeconds(c.expiredAt)), \(VirtualTime.format(c.expiredAt - c.injectedAt)) after its injection (checkpoint_timeout_ms), with \(c.collected)/\(c.expected) actors collected; its barriers are ignored from now on"))
            case .cancelled:
                engine.finishInstant()                 // the rest of this instant's events
                cancel.cancel()
                blocks += drainTrace()
                blocks.append(.notice("cancelled: virtual time stopped at \(VirtualTime.formatSeconds(engine.now))"))
            case .stalled(let why):
                blocks.append(.error(ErrorReport(message: "STEP BARRIER stopped at \(VirtualTime.formatSeconds(engine.now)): \(why)",
                                                 hint: "SHOW BARRIERS shows where it is")))
            }
            return blocks
        }
    }

    /// STEP n: one scheduler event at a time, each on its own line.
    private func stepEvents(_ n: Int) -> [OutputBlock] {
        var lines: [String] = []
        var blocks: [OutputBlock] = []
        // After Ctrl-C (or where a replayed cancelled cell stopped), the events of the
        // current instant still run: "every event up to now" is a state a replay reproduces.
        var stopAt = replayStop
        for _ in 0..<max(1, n) {
            if let stop = stopAt, let next = engine.nextEventTime, next > stop {
                cancel.cancel()
                break
            }
            guard let what = engine.step() else {
                lines.append("nothing is scheduled: the engine is idle at \(VirtualTime.formatSeconds(engine.now))")
                break
            }
            let trace = drainTrace()
            if !trace.isEmpty {
                if !lines.isEmpty { blocks.append(.text(lines.joined(separator: "\n"))); lines = [] }
                blocks += trace
            }
            lines.append("\(VirtualTime.formatSeconds(engine.now)): \(what)")
            if stopAt == nil && cancel.isCancelled { stopAt = engine.now }
        }
        if !lines.isEmpty { blocks.append(.text(lines.joined(separator: "\n"))) }
        return blocks
    }

    /// STEP BARRIER until the barrier completes, Ctrl-C, or (replaying a cancelled cell) the
    /// virtual time where it was cancelled.
    private func stepBarrier(_ report: ProgressReport) throws(EngineError) -> BarrierStepOutcome {
        guard let stop = replayStop else { return try engine.stepBarrier(cancel: cancel, progress: report.update) }
        if let event = replayStopEvent {
            // The same events: the barrier completes if it completed before Ctrl-C was seen
            // (the cell went on to stop later), and is left where it was otherwise.
            return try engine.stepBarrier(limit: max(0, stop - engine.now), stoppingAtEvent: event, progress: report.update)
        }
        let outcome = try engine.stepBarrier(limit: max(0, stop - engine.now), progress: report.update)
        if case .stalled = outcome, engine.now >= stop { return .cancelled }
        return outcome
    }

    /// Replaying a cell that was cancelled: runs to where Ctrl-C stopped it, the event it
    /// stopped after when the recording kept it, else the end of the instant it stopped in
    /// (cells recorded before the count was kept).
    private func runToReplayStop(_ stop: Int64) {
        if let event = replayStopEvent {
            engine.run(until: max(stop, engine.now), stoppingAtEvent: event)
        } else {
            engine.run(until: max(stop, engine.now))
        }
    }

    /// Refuses to move the clock `duration` further when that would pass the end of virtual
    /// time (`Limits.maxVirtualTime`, 100 years): the engine could not schedule past it.
    private func checkEndOfTime(after duration: Int64, verb: String, at range: SourceRange?) throws(SQLError) {
        let left = max(0, Limits.maxVirtualTime - engine.now)
        guard duration > left else { return }
        throw SQLError("\(verb) would run virtual time past its end, \(Limits.maxVirtualTime / DurationUnit.hour.nanoseconds)h (100 years)",
                       at: range, hint: "virtual time is at \(VirtualTime.formatSeconds(engine.now)): \(VirtualTime.format(left)) are left")
    }

    /// Advances `duration` of virtual time in slices, reporting progress after half a second
    /// of wall time and stopping cleanly at Ctrl-C. `range` is the duration's, for the error
    /// at the end of virtual time.
    func runFor(_ duration: Int64, verb: String = "RUN", at range: SourceRange?) throws(SQLError) -> [OutputBlock] {
        try checkEndOfTime(after: duration, verb: verb, at: range)
        let start = engine.now
        let target = start + duration
        let expiredBefore = engine.expiredCheckpointCount
        let report = progressReport()
        var blocks: [OutputBlock] = []
        let slice = max(VirtualTime.millisecond, min(100 * VirtualTime.millisecond, duration / 20 + 1))
        var outcome = RunOutcome.completed
        while engine.now < target {
            // Nothing happens before the next event: an idle stretch is one slice, however
            // long (a RUN of years over an idle engine takes no time).
            let end = min(target, max(engine.now + slice, engine.nextEventTime ?? target))
            if let stop = replayStop, stop < end {
                runToReplayStop(stop)
                outcome = .cancelled
            } else {
                // At most `progressEvents` events at a time, so that a backlog that costs no
                // virtual time, which holds the clock at one instant for millions of events,
                // still shows its progress (rows per second while the clock stands still).
                repeat {
                    outcome = engine.run(until: end, stoppingAtEvent: engine.processedEvents + Session.progressEvents)
                    if outcome == .cancelled && cancel.isCancelled { break }
                    report.update(engine.now, target)
                } while outcome == .cancelled
                // Ctrl-C stops after the events of the current instant: the state is then
                // "every event up to now", which a replay stopping at this time reproduces.
                if outcome == .cancelled { engine.finishInstant() }
            }
            blocks += drainTrace()
            // A RUN that reached its end is complete, even when Ctrl-C came as its last events
            // ran: what it printed then, a replay (which stops at the same event) prints too.
            if engine.now < target && (outcome == .cancelled || cancel.isCancelled || replayStop.map({ engine.now >= $0 }) == true) {
                cancel.cancel()
                break
            }
            report.update(engine.now, target)
        }
        report.finish()
        if engine.now < target {
            blocks.append(.notice("cancelled: virtual time stopped at \(VirtualTime.formatSeconds(engine.now)) (\(VirtualTime.format(engine.now - start)) of \(VirtualTime.format(duration)))"))
        } else {
            blocks.append(.notice("\(verb) \(VirtualTime.format(duration)): now \(VirtualTime.formatSeconds(engine.now))"))
        }
        if let expired = expiredNotice(since: expiredBefore) { blocks.append(expired) }
        return blocks
    }

    /// Says which checkpoints expired since the count was `before`: a failure to notice.
    private func expiredNotice(since before: Int64) -> OutputBlock? {
        let count = engine.expiredCheckpointCount - before
        guard count > 0 else { return nil }
        let epochs = engine.expired.suffix(Int(min(count, 5))).map { String($0.epoch) }
        let listed = (count > 5 ? "…, " : "") + epochs.joined(separator: ", ")
        return .notice("\(count) checkpoint\(count == 1 ? "" : "s") expired (\(listed)): not complete \(VirtualTime.format(Int64(engine.settings.checkpointTimeoutMs) * VirtualTime.millisecond)) after injection (checkpoint_timeout_ms); SHOW CHECKPOINTS lists them")
    }

    /// The progress line of a long RUN or STEP BARRIER, on a terminal only.
    private func progressReport() -> ProgressReport {
        ProgressReport(show: hooks.interactive ? hooks.progress : nil, done: hooks.progressDone, from: engine.now) { [engine] in
            // Rows taken by every actor so far: the simulation's work, for rows per second.
            engine.actorSnapshots().reduce(0) { $0 + $1.rowsIn }
        }
    }

    /// WATCH: render the statement (a SHOW, SELECT, PLOT, ...) every `every` of virtual time for `duration`. With SPEED the
    /// virtual clock is paced to the wall clock (1x = real time); without, it runs flat out.
    /// `spanAt` is where the statement says how far it runs, for the end of virtual time.
    func watch(_ show: ParsedStatement, every: Int64, duration: Int64, speed: Double?, buffer: String,
               spanAt range: SourceRange?) throws(SQLError) -> [OutputBlock] {
        guard every > 0 else {
            return [.error(ErrorReport(message: "WATCH needs a positive EVERY interval"))]
        }
        switch show.statement {
        case .show, .showVariable, .showMetrics, .select, .plot, .describe, .diagnose, .explainName, .explainCreate, .explainSelect: break
        default:
            throw SQLError("WATCH repeats only statements that read: SHOW, SELECT, PLOT, DESCRIBE, DIAGNOSE or EXPLAIN",
                           at: show.range, hint: "WATCH SHOW QUEUES EVERY 200ms FOR 10s")
        }
        let frames = Int(Statement.watchFrames(every: every, duration: duration))
        guard frames <= Session.maxWatchFrames else {
            throw SQLError("WATCH would draw \(frames) frames; at most \(Session.maxWatchFrames)", at: range,
                           hint: "use a longer EVERY or a shorter FOR")
        }
        try checkEndOfTime(after: duration, verb: "WATCH", at: range)
        // A statement that fails fails before any time passes (what it reads does not change
        // while WATCH runs; only the values do).
        let probe = run(show, in: buffer)
        if probe.contains(where: { if case .error = $0 { return true } else { return false } }) { return probe }
        var blocks: [OutputBlock] = []
        // When the last frame showed (at first, when WATCH started), in wall nanoseconds.
        var shownAt = DispatchTime.now().uptimeNanoseconds
        for k in 1...frames {
            let span = Statement.watchFrameSpan(Int64(k), every: every, duration: duration)
            let due = engine.now + span
            var outcome: RunOutcome
            if let stop = replayStop, stop < due {
                runToReplayStop(stop)
                outcome = .cancelled
            } else {
                outcome = engine.advance(by: span, cancel: cancel)
                if outcome == .cancelled { engine.finishInstant() }   // the rest of this instant
            }
            if replayStop.map({ engine.now >= $0 }) == true { outcome = .cancelled }
            _ = engine.drainTrace()
            // A frame cut short by Ctrl-C shows where time stopped, not where the frame was due;
            // one that reached its time is whole, whenever Ctrl-C came (a replay sees the same).
            let stopped = engine.now < due
            // Paced, a frame shows once its stretch of virtual time has passed on the wall
            // clock too (frame k of EVERY 1s SPEED 1x at k seconds), never ahead of it.
            if let budget = pace(every: span, speed: speed) {
                let spent = DispatchTime.now().uptimeNanoseconds - shownAt
                if budget > spent { hooks.sleep(budget - spent) }
            }
            shownAt = DispatchTime.now().uptimeNanoseconds
            let header = "Every \(VirtualTime.format(every)) — frame \(k) of \(frames)\(stopped ? " (stopped early)" : ""), virtual time \(VirtualTime.formatSeconds(engine.now))"
            let body = run(show, in: buffer)
            // Every frame is recorded (so that a replay, which draws none live, matches); frames
            // drawn live in place are not repeated in the cell's output.
            if let frame = hooks.frame, k < frames {
                frame(Renderer.render([.notice(header)] + body, options: options))
                recordedOnly += [.notice(header)] + body
            } else if let frame = hooks.frame {
                // The last frame is the cell's output: clear the live one so it shows once.
                frame("")
                blocks = [.notice(header)] + body
            } else {
                blocks += [.notice(header)] + body
            }
            // After a whole last frame there is nothing left to cancel.
            if stopped || (k < frames && (outcome == .cancelled || cancel.isCancelled)) {
                blocks.append(.notice("cancelled: virtual time stopped at \(VirtualTime.formatSeconds(engine.now))"))
                cancel.cancel()
                break
            }
        }
        return blocks
    }

    /// The wall nanoseconds between two WATCH frames at least: `every` at SPEED (the parser
    /// keeps a paced WATCH within an hour, and so does this conversion); without SPEED, live
    /// redraws keep a steady 20 frames/s, and a batch run does not wait.
    private func pace(every: Int64, speed: Double?) -> UInt64? {
        guard let speed, speed > 0 else { return hooks.frame != nil ? 50_000_000 : nil }
        return UInt64(min(Double(Statement.maxPacedWatch), Double(every) / speed))
    }
}

/// A progress line for a long stretch of virtual time: shown after half a second of wall
/// time, redrawn at most every 100 ms with the rows the simulation takes per wall second,
/// and cleared at the end if it was shown.
final class ProgressReport {
    private let show: ((_ from: Int64, _ now: Int64, _ target: Int64, _ rowsPerSecond: Double) -> Void)?
    private let done: (() -> Void)?
    /// Virtual time when the stretch began: the bar fills from it, not from 0.
    private let from: Int64
    private let rows: () -> Int64
    private let wallStart = DispatchTime.now().uptimeNanoseconds
    private let rowsStart: Int64
    private var lastShown: UInt64 = 0
    private var shown = false

    init(show: ((Int64, Int64, Int64, Double) -> Void)?, done: (() -> Void)?, from: Int64, rows: @escaping () -> Int64) {
        self.show = show
        self.done = done
        self.from = from
        self.rows = rows
        rowsStart = show == nil ? 0 : rows()
    }

    func update(_ now: Int64, _ target: Int64) {
        guard let show else { return }
        let wall = DispatchTime.now().uptimeNanoseconds
        guard wall - wallStart > 500_000_000, wall - lastShown > 100_000_000 else { return }
        show(from, now, target, Double(rows() - rowsStart) / (Double(wall - wallStart) / 1e9))
        lastShown = wall
        shown = true
    }

    func finish() {
        if shown { done?() }
    }
}
