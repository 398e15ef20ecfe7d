import Foundation
import Synchronization
import Testing
@testable import SluiceShell
import SluiceEngine
import SluiceStore

/// A cell stopped by Ctrl-C is recorded as cancelled, with the virtual time it reached. A
/// replay (`.open`, `.replay --verify`, `sluice replay --verify`, `.rewind`) stops it there
/// again and prints the same "cancelled: …" line, so it and every later cell reproduce.
@Suite("cancelled cells replay where they stopped")
struct CancelledReplayTests {
    static let setup = [
        "CREATE SOURCE clicks (user_id INT, amount DOUBLE) WITH (rate = 100000, keys = 1000);",
        "CREATE MATERIALIZED VIEW spend AS SELECT user_id, count(*) AS n FROM clicks GROUP BY user_id WITH (cost = 'exp(20us)');",
    ]
    static let after = ["SHOW LAG;", "RUN 500ms;", "SELECT count(*) AS users FROM spend;"]

    /// Runs `cell` and presses "Ctrl-C" from another thread after `delay` seconds of wall
    /// time, and again every 50 ms until the cell ends: on a loaded machine the first press
    /// may come before the cell starts (which clears the flag). The presses stop before the
    /// next cell runs.
    func interrupted(_ s: Session, _ cell: String, after delay: Double) -> CellResult {
        let flag = s.cancel
        let done = Mutex(false)
        let stopped = DispatchSemaphore(value: 0)
        // A thread of its own: the pressers of tests running side by side sleep in loops, and
        // on two cores they would take every thread of the global queue and starve each other.
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: delay)
            while !done.withLock({ $0 }) {
                flag.cancel()
                Thread.sleep(forTimeInterval: 0.05)
            }
            stopped.signal()
        }
        let result = s.execute(cell)
        done.withLock { $0 = true }
        stopped.wait()
        s.cancel.reset()
        return result
    }

    /// Records setup, the interrupted cell and a few cells after it; checks that every replay
    /// path reproduces them byte for byte.
    func checkReplays(_ cell: String, setup: [String] = Self.setup, interrupt: (Session) -> CellResult) throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let s = notebookSession(path)
        for c in setup { #expect(s.execute(c).ok) }
        let cancelled = interrupt(s)
        #expect(cancelled.recordedOutput.contains("cancelled: virtual time stopped at"), "\(cancelled.output)")
        #expect(s.history.last?.cancelled == true)
        for c in Self.after { #expect(s.execute(c).ok) }
        #expect(s.execute(".save lesson").ok)
        let stored = try SessionStore(path: path, options: StoreOptions(readOnly: true))
        let cells = try stored.cells(sessionID: try #require(try stored.session(named: "lesson")).id)
        let total = setup.count + 1 + Self.after.count
        #expect(cells[setup.count].status == .cancelled)
        #expect(cells[setup.count].virtualTimeAfter == cancelled.virtualTimeAfter)

        let report = try Replayer(store: stored).replay("lesson", verify: true)
        #expect(Renderer.render(report.blocks) == "verified: all \(total) cells of lesson match the recording\n")

        let student = notebookSession(path)
        #expect(student.run(".open lesson").hasPrefix("opened lesson: \(total) cells re-executed, now at \(VirtualTime.formatSeconds(s.engine.now));"))
        #expect(student.history.map(\.output) == s.history.map(\.output))
        #expect(student.history.map(\.cancelled) == s.history.map(\.cancelled))
        #expect(student.engine.now == s.engine.now)

        // Rewinding re-executes the cancelled cell the same way.
        #expect(s.execute(".rewind \(setup.count + 2)").ok)
        #expect(s.history.map(\.output) == cells.prefix(setup.count + 2).map(\.output))
    }

    @Test func aCancelledRunStopsWhereItWasCancelled() throws {
        try checkReplays("RUN 1h;") { s in interrupted(s, "RUN 1h;", after: 0.3) }
    }

    /// Barrier work (`barrier_cost`) is events of its own: a replay stops after as many.
    @Test func aCancelledRunWithBarrierWorkStopsWhereItWasCancelled() throws {
        let setup = ["SET barrier_cost = 'exp(1ms)';", "SET barrier_interval_ms = 20;"] + Self.setup
        try checkReplays("RUN 1h;", setup: setup) { s in interrupted(s, "RUN 1h;", after: 0.3) }
    }

    @Test func aCancelledStepStopsWhereItWasCancelled() throws {
        try checkReplays("STEP 1h;") { s in interrupted(s, "STEP 1h;", after: 0.3) }
    }

    /// WATCH with SPEED sleeps between frames: Ctrl-C during the sleep stops it at the end
    /// of a frame. The replay does not sleep (the output is the same, the wall clock is not).
    @Test func aCancelledWatchStopsAtTheSameFrame() throws {
        try checkReplays("WATCH") { s in
            var frames = 0
            s.hooks.sleep = { _ in
                frames += 1
                if frames == 3 { s.cancel.cancel() }
            }
            defer { s.hooks.sleep = { _ in } }
            return s.execute("WATCH SHOW LAG EVERY 1s FOR 10s SPEED 1x;")
        }
    }

    /// Ctrl-C while a frame is drawn (after the frame reached its time): the frame is whole,
    /// not "stopped early", and the replay, which reaches the same event at the frame's
    /// time, draws it the same way.
    @Test func aCtrlCWhileAFrameIsDrawnReplaysTheWholeFrame() throws {
        try checkReplays("WATCH") { s in
            var frames = 0
            s.hooks.frame = { _ in
                frames += 1
                if frames == 3 { s.cancel.cancel() }
            }
            defer { s.hooks.frame = nil }
            let result = s.execute("WATCH SHOW LAG EVERY 1s FOR 10s;")
            #expect(result.recordedOutput.contains("frame 3 of 10, virtual time"), "\(result.recordedOutput)")
            #expect(!result.recordedOutput.contains("stopped early"))
            return result
        }
    }

    /// Ctrl-C that comes as a RUN (or STEP BARRIER) completes: the statement printed its
    /// completion, and the cell stopped there, before its next statement. Its replay, which
    /// stops at the same event, prints the same and stops the cell there too.
    @Test(arguments: ["RUN 1s;", "STEP BARRIER;"])
    func aCtrlCAsAStatementCompletesReplaysItsCompletion(_ statement: String) throws {
        let setup = Self.setup.joined(separator: "\n") + "\nBARRIER;"
        let live = session(setup)
        let before = (live.engine.now, live.engine.processedEvents)
        let completed = live.execute(statement)
        #expect(completed.ok && !completed.output.contains("cancelled"), "\(completed.output)")
        let stop = StopPoint(elapsed: live.engine.now - before.0, events: live.engine.processedEvents - before.1)

        let replay = session(setup)
        let replayed = replay.execute(statement + " SHOW LAG;", stoppingAt: stop)
        #expect(replayed.recordedOutput == completed.recordedOutput)
        #expect(replay.engine.now == live.engine.now && replay.engine.processedEvents == live.engine.processedEvents)
    }

    /// A free backlog under an unbounded channel all falls in one instant (the audit's 15 s
    /// Ctrl-C): Ctrl-C cuts it short after `finishInstant`'s budget, in the middle of the
    /// instant. The cell keeps the event it stopped after, and every replay stops there too,
    /// so it and the cells after it reproduce.
    @Test func aCtrlCInsideAnEndlessInstantStopsSoonAndReplaysThere() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let s = notebookSession(path)
        for c in ["SET flow_control = unbounded;", "CREATE SOURCE s (a INT) WITH (rate = 0);",
                  "CREATE SINK k FROM s WITH (cost = '1us', batch = 1);", "INJECT 50000000 INTO s;"] {
            #expect(s.execute(c).ok, "\(c)")
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let cancelled = interrupted(s, "RUN 10ms;", after: 0.3)
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        #expect(cancelled.recordedOutput.hasPrefix("cancelled: virtual time stopped at 0.000s"), "\(cancelled.output)")
        #expect(wall < 20, "Ctrl-C took \(wall) s")
        let stopEvents = try #require(s.history.last?.stopEvents)
        #expect(stopEvents > 0)
        for c in ["SHOW SOURCES;", "SHOW QUEUES;"] { #expect(s.execute(c).ok) }
        #expect(s.execute(".save lesson").ok)

        let stored = try SessionStore(path: path, options: StoreOptions(readOnly: true))
        let cells = try stored.cells(sessionID: try #require(try stored.session(named: "lesson")).id)
        #expect(cells[4].status == .cancelled && cells[4].stopEvents == stopEvents)
        #expect(cells.map(\.stopEvents).compactMap { $0 }.count == 1, "only the cancelled cell keeps a count")
        let report = try Replayer(store: stored).replay("lesson", verify: true)
        #expect(Renderer.render(report.blocks) == "verified: all 7 cells of lesson match the recording\n")
        #expect(s.execute(".rewind 5").ok)
        #expect(s.history.map(\.output) == cells.prefix(5).map(\.output))
        #expect(s.history.last?.stopEvents == stopEvents)
    }

    /// A WATCH drawn live (a terminal's frame hook) records every frame, as a batch run does,
    /// so that the replay (which draws nothing live) matches.
    @Test func aWatchRecordsTheSameFramesLiveAndInBatch() {
        let live = session(Self.setup.joined(separator: "\n"))
        var drawn = 0
        live.hooks.frame = { _ in drawn += 1 }
        let batch = session(Self.setup.joined(separator: "\n"))
        let watch = "WATCH SHOW LAG EVERY 200ms FOR 1s;"
        let shown = live.execute(watch)
        let printed = batch.execute(watch)
        #expect(drawn == 5)
        #expect(shown.recordedOutput == printed.recordedOutput)
        #expect(shown.output.components(separatedBy: "Every 200ms").count == 2, "only the last frame is repeated below the live ones")
        #expect(printed.output.components(separatedBy: "Every 200ms").count == 6)
    }
}
