import Foundation
import SluiceEngine
import SluiceSQL
import SluiceStore
import Synchronization

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
    /// Ctrl-C's flag, which RUN, WATCH and STEP BARRIER check at every event (a replay's
    /// session shares the shell's, Replay.swift).
    public let cancel: CancellationFlag
    public var hooks = SessionHooks()
    public var timer = false
    /// Cells that made this engine, in order (what `.save` stores and `.rewind` replays).
    public private(set) var history: [RecordedCell] = []
    /// The session store, when one is open.
    public var notebook: Notebook?
    /// Batch mode: the session `.open` loaded, while no `.save` has saved the notebook; a
    /// `.save` without a name saves it as a new session named after it (`lesson-2`).
    var loaded: String?
    /// The text of an `.edit` that was refused (it did not parse…): the next `.edit` of the
    /// same cell starts from it, so a typo does not cost the whole edit.
    var editDraft: (cell: Int, text: String)?
    /// The files `.read` is reading now, outermost first (to refuse a file that reads itself).
    var reading: [(given: String, resolved: String)] = []
    /// Replaying a cell that was cancelled: the virtual time at which it stopped, and the
    /// engine's event count there when it was recorded. RUN, STEP, STEP BARRIER and WATCH stop
    /// there, as if Ctrl-C had been pressed (Session+Drive.swift).
    var replayStop: Int64?
    var replayStopEvent: Int64?
    /// Output that was shown live (WATCH frames drawn in place) and is recorded before the
    /// statement's own blocks, so that what a cell records does not depend on the terminal.
    var recordedOnly: [OutputBlock] = []
    /// Where the cell being executed comes from, while `execute(_:source:)` runs.
    private(set) var currentSource: CellSource?
    /// How many times `interrupt()` was called: a rebuild that sees it change gives up.
    private let interrupts = Atomic<Int>(0)

    public init(options: RenderOptions = RenderOptions(), settings: EngineSettings = EngineSettings(),
                cancel: CancellationFlag = CancellationFlag()) {
        self.options = options
        self.cancel = cancel
        self.engine = try! Engine(settings: settings)
    }

    /// Ctrl-C, from any thread: a running RUN, WATCH or STEP BARRIER stops at the next event
    /// (the cell is recorded as cancelled), and a rebuild (`.rewind`, `.edit`, `.open`) is
    /// cancelled as a whole, leaving everything as it was (Session+Rebuild.swift).
    public func interrupt() {
        interrupts.add(1, ordering: .sequentiallyConsistent)
        cancel.cancel()
    }

    /// How many Ctrl-Cs `interrupt()` has received.
    var interruptCount: Int { interrupts.load(ordering: .sequentiallyConsistent) }

    /// Stops recording and releases the session this shell records into, so that another
    /// shell may record into it; the executable calls it on its way out.
    public func close() {
        notebook?.close()
    }

    /// `sluice [7] 12.400s> `
    public var prompt: String { "sluice [\(cellCount + 1)] \(VirtualTime.formatSeconds(engine.now))> " }

    /// Whether the buffer holds complete statements (the shell shows a continuation prompt
    /// on `.incomplete`). Dot-commands are one line and always complete.
    /// The dot-command a cell is: its one line starting with `.`, after any blank or comment
    /// lines (a script's `-- note` above `.cells` joins its cell, as comments join the
    /// statement below them), with its byte offset in the cell; nil when the cell is SQL.
    static func dotCommand(in cell: String) -> (line: String, offset: Int)? {
        let lines = cell.split(separator: "\n", omittingEmptySubsequences: false)
        var offset = 0
        for (i, line) in lines.enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix(".") {
                let lead = line.utf8.count - line.drop(while: \.isWhitespace).utf8.count
                return (lines[i...].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines), offset + lead)
            }
            guard text.isEmpty || text.hasPrefix("--") else { return nil }
            offset += line.utf8.count + 1
        }
        return nil
    }

    public func completeness(of buffer: String) -> ParseOutcome {
        let trimmed = buffer.trimmingCharacters(in: .whitespacesAndNewlines)
        if Session.dotCommand(in: buffer) != nil { return .complete([]) }
        let outcome = parse(buffer)
        // Comments alone wait for the statement they describe, and join its cell.
        if case .complete(let statements) = outcome, statements.isEmpty, !trimmed.isEmpty { return .incomplete }
        return outcome
    }

    // MARK: Cells

    /// Executes one cell (statements or a dot-command) and returns its rendered result.
    ///
    /// `source` says where a script's cell is (batch mode): errors then name the file and
    /// its line numbers, and the last cell of an input may leave out its final `;`.
    /// `stoppingAt`, when replaying a cell that was cancelled, is where Ctrl-C stopped it:
    /// the cell stops there again, and prints what it printed then.
    @discardableResult
    public func execute(_ cell: String, source: CellSource? = nil, stoppingAt stop: StopPoint? = nil) -> CellResult {
        currentSource = source
        defer { currentSource = nil }
        cancel.reset()
        let before = engine.now
        let eventsBefore = engine.processedEvents
        let outer = (replayStop, replayStopEvent)
        replayStop = stop.map { before + max(0, $0.elapsed) }
        replayStopEvent = stop?.events.map { eventsBefore + max(0, $0) }
        defer { (replayStop, replayStopEvent) = outer }
        let wallStart = DispatchTime.now().uptimeNanoseconds
        var blocks: [OutputBlock] = []
        var ok = true
        var quit = false
        var charts: [ChartSpec] = []
        var recordedBlocks: [OutputBlock] = []
        // Errors shown with their script file and line, which the recording leaves out.
        var locatedErrors = false
        let trimmed = cell.trimmingCharacters(in: .whitespacesAndNewlines)
        var recordable = true
        var recordedInput = cell
        let dot = Session.dotCommand(in: cell)
        if let dot {
            let outcome = executeDotCommand(dot.line)
            // A script's dot-command error names its file and line, as a statement's does.
            blocks = locating(outcome.blocks, at: dot.offset, in: cell)
            ok = outcome.ok
            quit = outcome.quit
            recordable = outcome.recordable
            recordedBlocks = outcome.blocks
            if recordedBlocks != blocks { locatedErrors = true }
        } else {
            let scripts = parseScript(cell, endsInput: source?.endsInput ?? false)
            if source?.endsInput == true { recordedInput = Session.terminated(cell, scripts) }
            // Only comments (the end of a script): nothing runs and no cell is recorded.
            if scripts.isEmpty { recordable = false }
            // The whole cell is parsed before any of it runs: a statement that does not parse
            // fails the cell alone, and the statements before it never run (malformed input
            // never changes the engine). An execution error stops nothing before it, as in psql.
            let malformed = scripts.first { if case .failure = $0.result { true } else { false } }
            for script in malformed.map({ [$0] }) ?? scripts {
                var result: [OutputBlock]
                switch script.result {
                case .failure(let error):
                    result = [.error(report(error, in: cell))]
                case .success(let statement):
                    recordedOnly = []
                    result = run(statement, in: cell)
                }
                if result.contains(where: { if case .error = $0 { return true } else { return false } }) { ok = false }
                let located = locating(result, at: script.range.start, in: cell)
                blocks += located
                let recorded = Session.unlocated(located)
                if recorded != located { locatedErrors = true }
                recordedBlocks += recordedOnly + recorded
                recordedOnly = []
                if malformed != nil && scripts.count > 1 {
                    let others = scripts.count - 1
                    let notice = OutputBlock.notice(others == 1 ? "the cell's other statement did not run: a cell runs once all of it parses"
                                                                : "the cell's other \(others) statements did not run: a cell runs once all of it parses")
                    blocks.append(notice)
                    recordedBlocks.append(notice)
                }
                if !ok && hooks.bail { break }
                // A replay stops the cell where Ctrl-C stopped it, though the statement that
                // reached that point completed (Ctrl-C came as it finished).
                if replayReachedStop { cancel.cancel() }
                if cancel.isCancelled { break }
            }
        }
        for block in recordedBlocks { if case .chart(let c) = block { charts.append(c) } }
        let wall = Int64(DispatchTime.now().uptimeNanoseconds - wallStart)
        // What is recorded: the notebook's rendering, without the wall-clock timer, which no
        // replay can reproduce.
        let recordedPieces = Renderer.pieces(recordedBlocks, options: .notebook)
        let recordedOutput = recordedPieces.map(\.text).joined()
        // A dot-command is not timed (`.timer on` timed itself); `.timer` says what it did, as
        // psql's `\timing` does.
        if timer && dot == nil {
            blocks.append(.notice("Time: wall \(String(format: "%.3f", Double(wall) / 1e6)) ms, virtual \(VirtualTime.format(before)) → \(VirtualTime.format(engine.now))"))
        }
        if recordable && !trimmed.isEmpty {
            cellCount += 1
            let cancelled = cancel.isCancelled
            let recorded = RecordedCell(input: recordedInput, output: recordedOutput, ok: ok, cancelled: cancelled, charts: charts,
                                        virtualTimeBefore: before, virtualTimeAfter: engine.now, wallTimeNanos: wall,
                                        stopEvents: cancelled ? engine.processedEvents - eventsBefore : nil)
            history.append(recorded)
            // A cell the store could not take is said at once, after the cell's output; it is not
            // part of what the cell recorded.
            if let warning = notebook?.record(recorded, session: self) {
                blocks.append(.warning(warning))
                ok = false
            }
        }
        let display = RenderOptions(mode: options.mode, color: false, width: options.width, fitsTables: options.fitsTables)
        // (recordedBlocks has more blocks than blocks when WATCH drew frames live.)
        let sameAsRecorded = !timer && !locatedErrors && display == .notebook && recordedBlocks.count == blocks.count
        let pieces = sameAsRecorded ? recordedPieces : Renderer.pieces(blocks, options: display)
        return CellResult(input: cell, blocks: blocks, ok: ok, quit: quit, pieces: pieces, recordedOutput: recordedOutput,
                          charts: charts, virtualTimeBefore: before, virtualTimeAfter: engine.now, wallTimeNanos: wall)
    }

    /// Replaying a cancelled cell: whether the engine has reached the point where Ctrl-C stopped it.
    private var replayReachedStop: Bool {
        guard let stop = replayStop, engine.now >= stop else { return false }
        return replayStopEvent.map { engine.processedEvents >= $0 } ?? true
    }

    /// The cell with a `;` after a last statement that ran without one (the end of a script),
    /// so that a replay of the recorded cell parses it the same way.
    static func terminated(_ cell: String, _ scripts: [ScriptStatement]) -> String {
        guard let last = scripts.last, case .success = last.result,
              case .failure = parseScript(cell).last?.result else { return cell }
        let bytes = Array(cell.utf8)
        let end = min(last.range.end, bytes.count)
        return String(decoding: bytes[..<end], as: UTF8.self) + ";" + String(decoding: bytes[end...], as: UTF8.self)
    }

    func report(_ error: SQLError, in buffer: String) -> ErrorReport {
        guard let source = currentSource, source.file != nil else {
            return ErrorReport(message: error.message, context: error.context(in: buffer), hint: error.hint)
        }
        // In a file the message names the file and its line; LINE n counts from the
        // statement's first line, as psql's does, so the cell's recording is the same
        // whichever file it came from.
        return ErrorReport(message: error.message, context: error.context(in: buffer),
                           hint: error.hint, location: source.location(of: error.range?.start ?? 0, in: buffer))
    }

    /// The blocks as a cell records them: without the script file's name and line, which a
    /// replay (of the cell alone) cannot know.
    static func unlocated(_ blocks: [OutputBlock]) -> [OutputBlock] {
        blocks.map { block in
            guard case .error(var report) = block, report.location != nil else { return block }
            report.location = nil
            return .error(report)
        }
    }

    /// Errors of a script's statement that have no position get the statement's file and line.
    private func locating(_ blocks: [OutputBlock], at offset: Int, in buffer: String) -> [OutputBlock] {
        guard let source = currentSource, source.file != nil else { return blocks }
        return blocks.map { block in
            guard case .error(var report) = block, report.location == nil else { return block }
            report.location = source.location(of: offset, in: buffer)
            return .error(report)
        }
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

    /// What a rebuild replaces: the engine (itself, not a copy: a rebuild makes a new one)
    /// and the cells that made it.
    struct Checkpoint {
        let engine: Engine
        let cellCount: Int
        let history: [RecordedCell]
    }

    func checkpoint() -> Checkpoint {
        Checkpoint(engine: engine, cellCount: cellCount, history: history)
    }

    /// Puts back what `checkpoint()` kept: a rebuild cancelled part-way leaves no trace.
    func restore(_ checkpoint: Checkpoint) {
        engine = checkpoint.engine
        cellCount = checkpoint.cellCount
        history = checkpoint.history
    }
}

/// Where a cell of a script is: batch mode passes it to `Session.execute(_:source:)`.
public struct CellSource: Sendable, Equatable {
    /// The script's file as the user named it; nil for `-c` and standard input, whose errors
    /// keep counting lines from the statement, as psql's do.
    public var file: String?
    /// The script's line (from 1) on which the cell's first line is.
    public var line: Int
    /// The cell is the last of its input: a final statement without `;` runs, as in psql.
    public var endsInput: Bool

    /// Creates a source position.
    public init(file: String? = nil, line: Int = 1, endsInput: Bool = false) {
        self.file = file
        self.line = line
        self.endsInput = endsInput
    }

    /// `err.sql:8`: the file and the script line of a byte offset in the cell.
    func location(of offset: Int, in cell: String) -> String? {
        guard let file else { return nil }
        let before = cell.utf8.prefix(max(0, offset))
        return "\(file):\(line + before.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) })"
    }
}

/// What a cell produced.
public struct CellResult: Sendable {
    public let input: String
    public let blocks: [OutputBlock]
    public let ok: Bool
    public let quit: Bool
    /// The output as displayed (the session's mode and width, no colour), with the timer line.
    public var output: String { pieces.map(\.text).joined() }
    /// `output` in the pieces that go to stdout and (errors) to stderr.
    public let pieces: [RenderedPiece]
    /// The output as recorded and compared on replay: `RenderOptions.notebook`, no timer.
    public let recordedOutput: String
    public let charts: [ChartSpec]
    public let virtualTimeBefore: Int64
    public let virtualTimeAfter: Int64
    public let wallTimeNanos: Int64
}

/// Where Ctrl-C stopped a cell: after `elapsed` of virtual time and, when it was recorded,
/// after `events` scheduler events (even in the middle of an instant). A replay of the cell
/// stops at the same event; without the count, after the events of its last instant.
public struct StopPoint: Sendable, Equatable {
    public var elapsed: Int64
    public var events: Int64?

    public init(elapsed: Int64, events: Int64? = nil) {
        self.elapsed = elapsed
        self.events = events
    }

    /// Where a stored cell stopped; nil if it was not cancelled.
    init?(_ cell: CellRecord) {
        guard cell.status == .cancelled else { return nil }
        self.init(elapsed: cell.virtualTimeAfter - cell.virtualTimeBefore, events: cell.stopEvents)
    }
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
    /// A cancelled cell: the scheduler events it processed before Ctrl-C stopped it.
    public var stopEvents: Int64? = nil

    /// Where a replay of this cell stops; nil if it was not cancelled.
    var stopPoint: StopPoint? {
        cancelled ? StopPoint(elapsed: virtualTimeAfter - virtualTimeBefore, events: stopEvents) : nil
    }
}

/// How the session reaches the world outside it: progress, live frames, wall-clock pacing.
/// The executable fills these in; tests and batch runs leave the defaults.
public struct SessionHooks {
    /// RUN progress: virtual time at the start, reached, the target, and rows per wall second.
    public var progress: ((_ from: Int64, _ now: Int64, _ target: Int64, _ rowsPerSecond: Double) -> Void)?
    /// Called when a long run ends, so a progress bar can be cleared.
    public var progressDone: (() -> Void)?
    /// WATCH frames: when set, each frame is handed here (to redraw in place) instead of being
    /// appended to the cell's output.
    public var frame: ((String) -> Void)?
    /// Sleeps for wall-clock nanoseconds (WATCH … SPEED paces virtual time to the wall clock).
    public var sleep: (UInt64) -> Void = { ns in usleep(UInt32(min(ns / 1000, UInt64(UInt32.max)))) }
    /// Stop at the first failing statement (`--bail`).
    public var bail = false
    /// Batch mode: nothing is written to the store until `.save` (then the cells that follow
    /// are recorded). `.open` loads a session without recording into it, and `.sessions`,
    /// `.open` and `.replay` read the store read-only, never creating it.
    public var batch = false
    /// Whether the user sees a terminal (progress bars only then).
    public var interactive = false
    /// Opens `$EDITOR` on a cell's text; returns the edited text, or nil if abandoned (`.edit`).
    public var edit: ((String) -> String?)?
    /// A rebuild (`.rewind`, `.edit`, `.open`) is about to re-execute cell `cell` of `total`;
    /// the executable shows it on a terminal, since the cells' own progress is not drawn then.
    public var reexecuting: ((_ cell: Int, _ total: Int) -> Void)?
    /// Waits for the user between replayed cells; false stops (`.replay --step`).
    public var pause: ((String) -> Bool)?
    /// Shows blocks at once, ahead of the cell's own result: `.replay` prints each replayed
    /// cell as it completes. Nil gathers them into the result (batch mode, tests).
    public var show: (([OutputBlock]) -> Void)?
    /// Opens the session store on first use (`.save`, `.open`, `.sessions`).
    public var openStore: (() throws -> SessionStore)?
    /// The session store's path, known before it is opened (`.export` never writes over it).
    public var storePath: String?
    public init() {}
}
