import Foundation
import SluiceEngine
import SluiceSQL

/// Moving virtual time: STEP, RUN (with progress and Ctrl-C), STEP BARRIER, WATCH.
extension Session {
    /// More frames than anyone can watch is a typo (EVERY 1ns).
    static let maxWatchFrames = 10_000

    func step(_ amount: StepAmount, at range: SourceRange? = nil) throws -> [OutputBlock] {
        switch amount {
        case .events(let n):
            var lines: [String] = []
            var blocks: [OutputBlock] = []
            for _ in 0..<max(1, n) {
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
                if cancel.isCancelled { break }
            }
            if !lines.isEmpty { blocks.append(.text(lines.joined(separator: "\n"))) }
            return blocks
        case .duration(let d):
            return runFor(d, verb: "STEP")
        case .barrier:
            let outcome: BarrierStepOutcome
            let report = progressReport()
            do {
                outcome = try engine.stepBarrier(cancel: cancel, progress: report.update)
            } catch EngineError.noBarrierInFlight {
                throw SQLError("no barrier is in flight", at: range, hint: "inject one with BARRIER, or wait for the next periodic one")
            }
            report.finish()
            var blocks = drainTrace()
            switch outcome {
            case .completed(let c):
                blocks.append(.notice("STEP BARRIER: epoch \(c.epoch) completed at \(VirtualTime.formatSeconds(c.completedAt)), latency \(VirtualTime.format(c.latency))"
                                      + (c.inFlightRows > 0 ? ", in-flight data \(c.inFlightRows) rows (\(c.inFlightBuffers) buffers)" : "")))
            case .cancelled:
                blocks.append(.notice("cancelled: virtual time stopped at \(VirtualTime.formatSeconds(engine.now))"))
            case .stalled(let why):
                blocks.append(.error(ErrorReport(message: "STEP BARRIER stopped at \(VirtualTime.formatSeconds(engine.now)): \(why)",
                                                 hint: "SHOW BARRIERS shows where it is")))
            }
            return blocks
        }
    }

    /// Advances `duration` of virtual time in slices, reporting progress after half a second
    /// of wall time and stopping cleanly at Ctrl-C.
    func runFor(_ duration: Int64, verb: String = "RUN") -> [OutputBlock] {
        let start = engine.now
        let target = start + duration
        let report = progressReport()
        var blocks: [OutputBlock] = []
        let slice = max(VirtualTime.millisecond, min(100 * VirtualTime.millisecond, duration / 20 + 1))
        var outcome = RunOutcome.completed
        while engine.now < target {
            outcome = engine.run(until: min(target, engine.now + slice), cancel: cancel)
            blocks += drainTrace()
            if outcome == .cancelled || cancel.isCancelled { outcome = .cancelled; break }
            report.update(engine.now, target)
        }
        report.finish()
        if outcome == .cancelled {
            blocks.append(.notice("cancelled: virtual time stopped at \(VirtualTime.formatSeconds(engine.now)) (\(VirtualTime.format(engine.now - start)) of \(VirtualTime.format(duration)))"))
        } else {
            blocks.append(.notice("\(verb) \(VirtualTime.format(duration)): now \(VirtualTime.formatSeconds(engine.now))"))
        }
        return blocks
    }

    /// The progress line of a long RUN or STEP BARRIER, on a terminal only.
    private func progressReport() -> ProgressReport {
        ProgressReport(show: hooks.interactive ? hooks.progress : nil, done: hooks.progressDone) { [engine] in
            // Rows taken by every actor so far: the simulation's work, for rows per second.
            engine.actorSnapshots().reduce(0) { $0 + $1.rowsIn }
        }
    }

    /// WATCH: render the statement (a SHOW, SELECT, PLOT, ...) every `every` of virtual time for `duration`. With SPEED the
    /// virtual clock is paced to the wall clock (1x = real time); without, it runs flat out.
    func watch(_ show: ParsedStatement, every: Int64, duration: Int64, speed: Double?, buffer: String) -> [OutputBlock] {
        guard every > 0 else {
            return [.error(ErrorReport(message: "WATCH needs a positive EVERY interval"))]
        }
        switch show.statement {
        case .show, .showVariable, .showMetrics, .select, .plot, .describe, .diagnose, .explainName, .explainCreate: break
        default:
            return [.error(ErrorReport(message: "WATCH repeats only statements that read: SHOW, SELECT, PLOT, DESCRIBE, DIAGNOSE or EXPLAIN",
                                       hint: "WATCH SHOW QUEUES EVERY 200ms FOR 10s"))]
        }
        let frames = Int(max(1, duration / every))
        guard frames <= Session.maxWatchFrames else {
            return [.error(ErrorReport(message: "WATCH would draw \(frames) frames; at most \(Session.maxWatchFrames)",
                                       hint: "use a longer EVERY or a shorter FOR"))]
        }
        var blocks: [OutputBlock] = []
        for k in 1...frames {
            let wallStart = DispatchTime.now().uptimeNanoseconds
            let outcome = engine.advance(by: every, cancel: cancel)
            _ = engine.drainTrace()
            let header = "Every \(VirtualTime.format(every)) — frame \(k) of \(frames), virtual time \(VirtualTime.formatSeconds(engine.now))"
            let body = run(show, in: buffer)
            if let frame = hooks.frame, k < frames {
                frame(Renderer.render([.notice(header)] + body, options: options))
            } else if let frame = hooks.frame {
                // The last frame is the cell's output: clear the live one so it shows once.
                frame("")
                blocks = [.notice(header)] + body
            } else {
                blocks += [.notice(header)] + body
            }
            if outcome == .cancelled || cancel.isCancelled {
                blocks.append(.notice("cancelled: virtual time stopped at \(VirtualTime.formatSeconds(engine.now))"))
                break
            }
            // SPEED paces virtual time to the wall clock; without it, live redraws keep a steady 20 frames/s.
            let pace: UInt64? = speed.flatMap { $0 > 0 ? UInt64(Double(every) / $0) : nil } ?? (hooks.frame != nil ? 50_000_000 : nil)
            if let budget = pace {
                let spent = DispatchTime.now().uptimeNanoseconds - wallStart
                if budget > spent { hooks.sleep(budget - spent) }
            }
        }
        return blocks
    }
}

/// A progress line for a long stretch of virtual time: shown after half a second of wall
/// time, redrawn at most every 100 ms with the rows the simulation takes per wall second,
/// and cleared at the end if it was shown.
final class ProgressReport {
    private let show: ((_ now: Int64, _ target: Int64, _ rowsPerSecond: Double) -> Void)?
    private let done: (() -> Void)?
    private let rows: () -> Int64
    private let wallStart = DispatchTime.now().uptimeNanoseconds
    private let rowsStart: Int64
    private var lastShown: UInt64 = 0
    private var shown = false

    init(show: ((Int64, Int64, Double) -> Void)?, done: (() -> Void)?, rows: @escaping () -> Int64) {
        self.show = show
        self.done = done
        self.rows = rows
        rowsStart = show == nil ? 0 : rows()
    }

    func update(_ now: Int64, _ target: Int64) {
        guard let show else { return }
        let wall = DispatchTime.now().uptimeNanoseconds
        guard wall - wallStart > 500_000_000, wall - lastShown > 100_000_000 else { return }
        show(now, target, Double(rows() - rowsStart) / (Double(wall - wallStart) / 1e9))
        lastShown = wall
        shown = true
    }

    func finish() {
        if shown { done?() }
    }
}
