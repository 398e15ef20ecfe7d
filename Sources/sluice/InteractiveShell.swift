import CEditLine
import Foundation
import SluiceEngine
import SluiceShell
import SluiceSQL
import Synchronization

/// The read–execute–print loop on a terminal: prompts, multi-line statements, history,
/// completion, Ctrl-C and Ctrl-D.
final class InteractiveShell {
    private let backend: ShellBackend
    private let editor: LineEditor
    private let history: HistoryFile
    /// The lines of the unfinished statement, which completion on its next line reads too.
    private let earlier = EarlierLines()

    /// Shared with the completion callback (made before `self` exists), which libedit calls
    /// from C: behind a `Mutex`, as the bridge's own state is.
    private final class EarlierLines: Sendable {
        private let state = Mutex<[String]>([])
        var lines: [String] {
            get { state.withLock { $0 } }
            set { state.withLock { $0 = newValue } }
        }
    }

    static let banner = "sluice \(Engine.version): type \"help\" for help.\n"

    init(backend: ShellBackend, settings: ShellSettings, historyPath: String) {
        self.backend = backend
        self.history = HistoryFile(path: historyPath)
        let engine = CompletionEngine()
        let earlier = self.earlier
        self.editor = LineEditor(color: settings.color) { [unowned backend] line, cursor in
            engine.complete(line: line, cursor: cursor, after: earlier.lines, context: backend.completionContext)
        }
        for entry in history.entries { editor.addHistory(entry) }
    }

    /// Runs until `.quit` or Ctrl-D; returns the exit status (0).
    func run() -> Int32 {
        // What psql, sqlite3 and DuckDB say first: which program, and where help is.
        write(InteractiveShell.banner)
        var lines: [String] = []
        while true {
            // Comment lines alone keep the main prompt, as in psql; they join the next statement's cell.
            let pending = !lines.isEmpty && !InteractiveShell.onlyComments(lines)
            let prompt = pending ? backend.continuationPrompt : backend.prompt
            earlier.lines = pending ? lines : []
            switch editor.readLine(prompt: prompt, style: pending ? .continuation : .prompt) {
            case .endOfFile:
                write("\n")
                // Ctrl-D in the middle of a statement ends the shell, and says what it left.
                if pending { fputs("the unfinished statement was not run\n", sluice_stderr()) }
                return 0
            case .interrupted:
                // Ctrl-C abandons the line and any unfinished statement, as in psql.
                write("^C\n")
                lines = []
                continue
            case .line(let line):
                // psql's backslash commands run as their line ends; a statement they interrupt
                // waits for its `;`, as psql's query buffer does.
                if let backslash = InteractiveShortcut.backslashCommand(for: line, after: pending ? lines : []) {
                    if !pending { lines = [] }           // comment lines before it describe nothing
                    remember(line)
                    switch backslash {
                    case .run(let command):
                        guard execute(command) else { continue }
                        if pending { fputs("the unfinished statement was not run\n", sluice_stderr()) }
                        return 0
                    case .refuse(let error):
                        Terminal.write(backend.render(error))
                        continue
                    }
                }
                if !pending {
                    // psql's `help`, `quit` and `exit` alone on a line, outside a statement.
                    if let command = InteractiveShortcut.dotCommand(for: line) {
                        lines = []
                        remember(line)
                        if execute(command) { return 0 }
                        continue
                    }
                    // A dot-command after comment lines: the comments describe nothing.
                    if line.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix(".") { lines = [] }
                }
                lines.append(line)
            }
            let buffer = lines.joined(separator: "\n")
            if buffer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                lines = []
                continue
            }
            if backend.completeness(of: buffer) == .incomplete { continue }
            lines = []
            // The whole statement, however many lines, is one history entry.
            remember(buffer)
            if execute(buffer) { return 0 }
        }
    }

    /// Adds an entry to the history file and to Up's list, and says once if the file cannot be written.
    private func remember(_ entry: String) {
        if history.add(entry) { editor.addHistory(entry) }
        if let warning = history.takeWarning() { fputs("warning: \(warning)\n", sluice_stderr()) }
    }

    /// Runs a cell and prints its output; true when it asks the shell to quit.
    private func execute(_ buffer: String) -> Bool {
        let result = Terminal.withoutEcho { Interrupts.whileExecuting(backend) { backend.execute(buffer, interactive: true) } }
        Terminal.write(result.output)
        return result.quit
    }

    /// True when the lines hold only comments (and blanks): nothing a statement has begun.
    static func onlyComments(_ lines: [String]) -> Bool {
        if case .complete(let statements) = parse(lines.joined(separator: "\n")) { return statements.isEmpty }
        return false
    }

    private func write(_ text: String) {
        fputs(text, sluice_stdout())
        fflush(sluice_stdout())
    }
}
