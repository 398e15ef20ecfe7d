import CEditLine
import Foundation
import SluiceShell

/// The read–execute–print loop on a terminal: prompts, multi-line statements, history,
/// completion, Ctrl-C and Ctrl-D.
final class InteractiveShell {
    private let backend: ShellBackend
    private let editor: LineEditor
    private let history: HistoryFile

    init(backend: ShellBackend, settings: ShellSettings, historyPath: String) {
        self.backend = backend
        self.history = HistoryFile(path: historyPath)
        let engine = CompletionEngine()
        self.editor = LineEditor(color: settings.color) { [unowned backend] line, cursor in
            engine.complete(line: line, cursor: cursor, context: backend.completionContext)
        }
        for entry in history.entries { editor.addHistory(entry) }
    }

    /// Runs until `.quit` or Ctrl-D; returns the exit status (0).
    func run() -> Int32 {
        var lines: [String] = []
        while true {
            let prompt = lines.isEmpty ? backend.prompt : backend.continuationPrompt
            switch editor.readLine(prompt: prompt, style: lines.isEmpty ? .prompt : .continuation) {
            case .endOfFile:
                write("\n")
                return 0
            case .interrupted:
                // Ctrl-C abandons the line and any unfinished statement, as in psql.
                write("^C\n")
                lines = []
                continue
            case .line(let line):
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
            if history.add(buffer) { editor.addHistory(buffer) }
            let result = Interrupts.whileExecuting(backend) { backend.execute(buffer, interactive: true) }
            write(result.output)
            if result.quit { return 0 }
        }
    }

    private func write(_ text: String) {
        fputs(text, sluice_stdout())
        fflush(sluice_stdout())
    }
}
