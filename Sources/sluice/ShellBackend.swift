import SluiceShell

/// Whether a buffer of input lines is a whole cell yet (STYLE.md item 4: the parser
/// decides, as sqlite's `sqlite3_complete` and Flink's `SqlMultiLineParser` do).
enum BufferCompleteness: Equatable {
    /// Ready to execute: ends with `;`, or is a dot-command.
    case complete
    /// Needs more lines: show the continuation prompt.
    case incomplete
    /// Cannot become valid (e.g. an unknown dot-command): execute it to report the error.
    case error
}

/// What the executable drives: the session (engine, catalog, recorder, renderer) behind a
/// small interface, so that the line editor, batch runner and signals know nothing of it.
///
/// Threading: everything is called on the main thread except `interrupt()`, which the
/// signal watcher calls on its own thread while `execute` runs. It must only set an
/// atomic flag (e.g. an `Atomic<Bool>` from Synchronization) that the engine loop checks
/// between events; `execute` should clear that flag when it starts.
protocol ShellBackend: AnyObject {
    /// The main prompt, e.g. `sluice [7] 12.400s> ` (cell number and virtual time).
    var prompt: String { get }
    /// The prompt of the following lines of an unfinished statement, e.g. `           ...> `.
    var continuationPrompt: String { get }
    /// Whether `buffer` (lines joined with "\n") is a complete cell.
    func completeness(of buffer: String) -> BufferCompleteness
    /// Runs one cell and returns its rendered output, in pieces for stdout and (errors)
    /// stderr; `ok` is false if any statement failed; `quit` asks the shell to exit (`.quit`).
    /// `source` places a script's cell (its file and first line, whether it ends the input).
    func execute(_ buffer: String, interactive: Bool, source: CellSource?) -> (output: [RenderedPiece], ok: Bool, quit: Bool)
    /// An error the shell finds before any cell runs (a psql backslash command), rendered
    /// as the session renders its own in the current mode: for stderr, and not a cell.
    func render(_ error: ErrorReport) -> [RenderedPiece]
    /// Ctrl-C while `execute` runs: stop a running RUN/WATCH/STEP BARRIER at the next event,
    /// or cancel a whole rebuild (`.rewind`, `.edit`, `.open`).
    func interrupt()
    /// The shell is exiting: release the session it records into, for other shells.
    func close()
    /// Names for tab completion, read on the main thread when Tab is pressed.
    var completionContext: CompletionContext { get }
    /// csv or json mode: stdout carries results only (an `--echo`ed statement goes to stderr).
    var writesDataOnly: Bool { get }
}

extension ShellBackend {
    /// Runs a cell typed at the prompt (or anything that is not part of a script).
    func execute(_ buffer: String, interactive: Bool) -> (output: [RenderedPiece], ok: Bool, quit: Bool) {
        execute(buffer, interactive: interactive, source: nil)
    }
}

/// How the shell was asked to run, given to the backend when it is made.
struct ShellSettings {
    /// Output format (`--mode`, `.mode`).
    var mode: OutputMode
    /// ANSI colours: stdout is a terminal, `NO_COLOR` is unset, no `--no-color`.
    var color: Bool
    /// Terminal width in columns (80 when not a terminal).
    var width: Int
    /// The session store (`--db`, `SLUICE_DB`); nil for the default.
    var databasePath: String?
    /// Stop at the first failing statement, also inside a cell (`--bail`).
    var bail = false
    /// True for the line-editing REPL, false for scripts, `-c` and stdin.
    var interactive: Bool

    /// The render options these settings imply.
    var renderOptions: RenderOptions { RenderOptions(mode: mode, color: color, width: width) }
}

/// Makes the backend the executable runs: the session (SessionBackend.swift).
func makeBackend(_ settings: ShellSettings) -> ShellBackend {
    SessionBackend(settings: settings)
}
