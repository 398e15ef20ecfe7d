import Foundation
import SluiceEngine
import SluiceSQL
import SluiceStore

/// The one owning context of a Sluice shell: the engine, the output settings, the cell
/// counter and the recorder. It takes cells (text) and returns rendered results; it never
/// touches the terminal. The executable, the replayer and the tests all drive it.
///
/// Map of the module:
/// - `Session*.swift`  — executing cells: statements, SHOW, DIAGNOSE, PLOT, dot-commands
/// - `Output/`         — the output model and the one renderer (tables, charts, graphs)
/// - `Completion/`     — context-aware tab completion
public final class Session {
    public private(set) var engine: Engine
    public var options: RenderOptions
    /// Cells executed so far; the next cell is `cellCount + 1`.
    public private(set) var cellCount = 0
    public let cancel = CancellationFlag()
    public var hooks = SessionHooks()
    public var timer = false
    /// Cells that made this engine, in order (what `.save` stores and `.rewind` replays).
    public private(set) var history: [RecordedCell] = []
    /// The session store, when one is open.
    public var notebook: Notebook?
    /// The files `.read` is reading now, outermost first (to refuse a file that reads itself).
    var reading: [(given: String, resolved: String)] = []
    /// Replaying a cell that was cancelled: the virtual time at which it stopped. RUN, STEP,
    /// STEP BARRIER and WATCH stop there, as if Ctrl-C had been pressed (Session+Drive.swift).
    var replayStop: Int64?
    /// Output that was shown live (WATCH frames drawn in place) and is recorded before the
    /// statement's own blocks, so that what a cell records does not depend on the terminal.
    var recordedOnly: [OutputBlock] = []

    public init(options: RenderOptions = RenderOptions(), settings: EngineSettings = EngineSettings()) {
        self.options = options
        self.engine = try! Engine(settings: settings)
    }

    /// `sluice [7] 12.400s> `
    public var prompt: String { "sluice [\(cellCount + 1)] \(VirtualTime.formatSeconds(engine.now))> " }

    /// Whether the buffer holds complete statements (the shell shows a continuation prompt
    /// on `.incomplete`). Dot-commands are one line and always complete.
    public func completeness(of buffer: String) -> ParseOutcome {
        let trimmed = buffer.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix(".") { return .complete([]) }
        let outcome = parse(buffer)
        // Comments alone wait for the statement they describe, and join its cell.
        if case .complete(let statements) = outcome, statements.isEmpty, !trimmed.isEmpty { return .incomplete }
        return outcome
    }

    // MARK: Cells

    /// Executes one cell (statements or a dot-command) and returns its rendered result.
    ///
    /// `stoppingAfter`, when replaying a cell that was cancelled, is the virtual time it ran
    /// before Ctrl-C stopped it: the cell stops there again, and prints what it printed then.
    @discardableResult
    public func execute(_ cell: String, stoppingAfter elapsed: Int64? = nil) -> CellResult {
        cancel.reset()
        let before = engine.now
        let outerStop = replayStop
        replayStop = elapsed.map { before + max(0, $0) }
        defer { replayStop = outerStop }
        let wallStart = DispatchTime.now().uptimeNanoseconds
        var blocks: [OutputBlock] = []
        var ok = true
        var quit = false
        var charts: [ChartSpec] = []
        var recordedBlocks: [OutputBlock] = []
        let trimmed = cell.trimmingCharacters(in: .whitespacesAndNewlines)
        var recordable = true
        if trimmed.hasPrefix(".") {
            let outcome = executeDotCommand(trimmed)
            blocks = outcome.blocks
            ok = outcome.ok
            quit = outcome.quit
            recordable = outcome.recordable
            recordedBlocks = blocks
        } else {
            let scripts = parseScript(cell)
            // Only comments (the end of a script): nothing runs and no cell is recorded.
            if scripts.isEmpty { recordable = false }
            for script in scripts {
                switch script.result {
                case .failure(let error):
                    blocks.append(.error(report(error, in: cell)))
                    recordedBlocks.append(.error(report(error, in: cell)))
                    ok = false
                case .success(let statement):
                    recordedOnly = []
                    let result = run(statement, in: cell)
                    blocks += result
                    recordedBlocks += recordedOnly + result
                    recordedOnly = []
                    if result.contains(where: { if case .error = $0 { return true } else { return false } }) { ok = false }
                }
                if !ok && hooks.bail { break }
                if cancel.isCancelled { break }
            }
        }
        for block in recordedBlocks { if case .chart(let c) = block { charts.append(c) } }
        let wall = Int64(DispatchTime.now().uptimeNanoseconds - wallStart)
        // What is recorded: the notebook's rendering, without the wall-clock timer, which no
        // replay can reproduce.
        let recordedOutput = Renderer.render(recordedBlocks, options: .notebook)
        if timer {
            blocks.append(.notice("Time: wall \(String(format: "%.3f", Double(wall) / 1e6)) ms, virtual \(VirtualTime.format(before)) → \(VirtualTime.format(engine.now))"))
        }
        let display = RenderOptions(mode: options.mode, color: false, width: options.width)
        // (recordedBlocks has more blocks than blocks when WATCH drew frames live.)
        let sameAsRecorded = !timer && display == .notebook && recordedBlocks.count == blocks.count
        let output = sameAsRecorded ? recordedOutput : Renderer.render(blocks, options: display)
        let result = CellResult(input: cell, blocks: blocks, ok: ok, quit: quit, output: output, recordedOutput: recordedOutput,
                                charts: charts, virtualTimeBefore: before, virtualTimeAfter: engine.now, wallTimeNanos: wall)
        if recordable && !trimmed.isEmpty {
            cellCount += 1
            let recorded = RecordedCell(input: cell, output: recordedOutput, ok: ok, cancelled: cancel.isCancelled, charts: charts,
                                        virtualTimeBefore: before, virtualTimeAfter: engine.now, wallTimeNanos: wall)
            history.append(recorded)
            notebook?.record(recorded, session: self)
        }
        return result
    }

    func report(_ error: SQLError, in buffer: String) -> ErrorReport {
        ErrorReport(message: error.message, context: error.context(in: buffer), hint: error.hint)
    }

    func report(_ error: EngineError) -> ErrorReport {
        ErrorReport(message: error.description)
    }

    /// Starts over with a fresh engine under the given settings (used by `.rewind`, `.edit`, `.open`).
    func resetEngine(settings: EngineSettings = EngineSettings()) {
        engine = try! Engine(settings: settings)
        cellCount = 0
        history = []
    }
}

/// What a cell produced.
public struct CellResult: Sendable {
    public let input: String
    public let blocks: [OutputBlock]
    public let ok: Bool
    public let quit: Bool
    /// The output as displayed (the session's mode and width, no colour), with the timer line.
    public let output: String
    /// The output as recorded and compared on replay: `RenderOptions.notebook`, no timer.
    public let recordedOutput: String
    public let charts: [ChartSpec]
    public let virtualTimeBefore: Int64
    public let virtualTimeAfter: Int64
    public let wallTimeNanos: Int64
}

/// A cell as the session remembers it.
public struct RecordedCell: Sendable, Equatable {
    public let input: String
    public let output: String
    public let ok: Bool
    public let cancelled: Bool
    public let charts: [ChartSpec]
    public let virtualTimeBefore: Int64
    public let virtualTimeAfter: Int64
    public let wallTimeNanos: Int64
}

/// How the session reaches the world outside it: progress, live frames, wall-clock pacing.
/// The executable fills these in; tests and batch runs leave the defaults.
public struct SessionHooks {
    /// RUN progress: virtual time reached, the target, and rows per wall second.
    public var progress: ((_ now: Int64, _ target: Int64, _ rowsPerSecond: Double) -> Void)?
    /// Called when a long run ends, so a progress bar can be cleared.
    public var progressDone: (() -> Void)?
    /// WATCH frames: when set, each frame is handed here (to redraw in place) instead of being
    /// appended to the cell's output.
    public var frame: ((String) -> Void)?
    /// Sleeps for wall-clock nanoseconds (WATCH … SPEED paces virtual time to the wall clock).
    public var sleep: (UInt64) -> Void = { ns in usleep(UInt32(min(ns / 1000, UInt64(UInt32.max)))) }
    /// Stop at the first failing statement (`--bail`).
    public var bail = false
    /// Whether the user sees a terminal (progress bars only then).
    public var interactive = false
    /// Opens `$EDITOR` on a cell's text; returns the edited text, or nil if abandoned (`.edit`).
    public var edit: ((String) -> String?)?
    /// Waits for the user between replayed cells; false stops (`.replay --step`).
    public var pause: ((String) -> Bool)?
    /// Opens the session store on first use (`.save`, `.open`, `.sessions`).
    public var openStore: (() throws -> SessionStore)?
    /// The session store's path, known before it is opened (`.export` never writes over it).
    public var storePath: String?
    public init() {}
}
