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
            do {
                outcome = try engine.stepBarrier(cancel: cancel)
            } catch EngineError.noBarrierInFlight {
                throw SQLError("no barrier is in flight", at: range, hint: "inject one with BARRIER, or wait for the next periodic one")
            }
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
        let wallStart = DispatchTime.now().uptimeNanoseconds
        let rowsStart = processedRows()
        var lastReport = wallStart
        var reported = false
        var blocks: [OutputBlock] = []
        let slice = max(VirtualTime.millisecond, min(100 * VirtualTime.millisecond, duration / 20 + 1))
        var outcome = RunOutcome.completed
        while engine.now < target {
            outcome = engine.run(until: min(target, engine.now + slice), cancel: cancel)
            blocks += drainTrace()
            if outcome == .cancelled || cancel.isCancelled { outcome = .cancelled; break }
            let wall = DispatchTime.now().uptimeNanoseconds
            if hooks.interactive, let progress = hooks.progress, wall - wallStart > 500_000_000, wall - lastReport > 100_000_000 {
                let seconds = Double(wall - wallStart) / 1e9
                progress(engine.now, target, Double(processedRows() - rowsStart) / seconds)
                lastReport = wall
                reported = true
            }
        }
        if reported { hooks.progressDone?() }
        if outcome == .cancelled {
            blocks.append(.notice("cancelled: virtual time stopped at \(VirtualTime.formatSeconds(engine.now)) (\(VirtualTime.format(engine.now - start)) of \(VirtualTime.format(duration)))"))
        } else {
            blocks.append(.notice("\(verb) \(VirtualTime.format(duration)): now \(VirtualTime.formatSeconds(engine.now))"))
        }
        return blocks
    }

    /// Rows taken by every actor so far: the simulation's work, for rows per second.
    private func processedRows() -> Int64 {
        engine.actorSnapshots().reduce(0) { $0 + $1.rowsIn }
    }

    /// WATCH: render the SHOW every `every` of virtual time for `duration`. With SPEED the
    /// virtual clock is paced to the wall clock (1x = real time); without, it runs flat out.
    func watch(_ show: ParsedStatement, every: Int64, duration: Int64, speed: Double?, buffer: String) -> [OutputBlock] {
        guard every > 0 else {
            return [.error(ErrorReport(message: "WATCH needs a positive EVERY interval"))]
        }
        switch show.statement {
        case .show, .showMetrics, .select, .plot: break
        default:
            return [.error(ErrorReport(message: "WATCH repeats SHOW, SELECT or PLOT statements", hint: "WATCH SHOW QUEUES EVERY 200ms FOR 10s"))]
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
