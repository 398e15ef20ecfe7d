import CEditLine
import Foundation
import SluiceShell

/// Runs scripts without the line editor: files, `-c` strings or stdin, each split into
/// cells with the backend's completeness test, and psql's backslash commands, a line each.
/// No history is read or written.
struct BatchRunner {
    let backend: ShellBackend
    /// Stop at the first failing cell (`--bail`).
    var bail = false
    /// Print each cell before its output (`--echo`).
    var echo = false

    /// How a run ended.
    enum Outcome: Equatable {
        /// Every cell ran; `ok` is false if any failed.
        case finished(ok: Bool)
        /// `.quit`, `--bail` after a failure, or Ctrl-C.
        case stopped(ok: Bool, interrupted: Bool)
    }

    /// Runs the lines of one input; `next` returns nil at the end. `file` names a script
    /// file, so that errors say `file.sql:LINE:` and count the file's lines.
    func run(file: String? = nil, lines next: () -> String?) -> Outcome {
        var ok = true
        var buffer: [String] = []
        var lineNumber = 0
        var cellStart = 1
        /// Runs `cell` (shown as `typed` by --echo), which starts on the script's line `line`.
        func execute(_ cell: String, typed: String, line: Int, endsInput: Bool) -> Outcome? {
            show(typed)
            let before = Interrupts.count
            let source = CellSource(file: file, line: line, endsInput: endsInput)
            let result = Interrupts.whileExecuting(backend) { backend.execute(cell, interactive: false, source: source) }
            let interrupted = Interrupts.count != before
            Terminal.write(result.output)
            ok = ok && result.ok
            if result.quit { return .stopped(ok: ok, interrupted: false) }
            if interrupted { return .stopped(ok: false, interrupted: true) }
            if bail && !result.ok { return .stopped(ok: false, interrupted: false) }
            return nil
        }
        func executeBuffer(endsInput: Bool) -> Outcome? {
            let cell = buffer.joined(separator: "\n")
            buffer = []
            return execute(cell, typed: cell, line: cellStart, endsInput: endsInput)
        }
        while let line = next() {
            lineNumber += 1
            // psql's backslash commands run as their line ends, in a script too (`\q` quits);
            // a statement they interrupt waits for its `;`.
            if let backslash = InteractiveShortcut.backslashCommand(for: line, after: buffer) {
                switch backslash {
                case .run(let command):
                    if let stop = execute(command, typed: line, line: lineNumber, endsInput: false) { return stop }
                case .refuse(var error):
                    show(line)
                    error.location = file.map { "\($0):\(lineNumber)" }
                    Terminal.write(backend.render(error))
                    ok = false
                    if bail { return .stopped(ok: false, interrupted: false) }
                }
                continue
            }
            if buffer.isEmpty { cellStart = lineNumber }
            buffer.append(line)
            let cell = buffer.joined(separator: "\n")
            if cell.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { buffer = []; continue }
            if backend.completeness(of: cell) == .incomplete { continue }
            if let stop = executeBuffer(endsInput: false) { return stop }
        }
        // A last statement without its ';' still runs, as in psql; an unfinished string or
        // comment is reported.
        if !buffer.joined().trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, let stop = executeBuffer(endsInput: true) {
            return stop
        }
        return .finished(ok: ok)
    }

    /// --echo: a cell as the script has it, before its output. In csv and json modes the
    /// statement is not data: stdout stays machine-readable.
    private func show(_ typed: String) {
        guard echo else { return }
        if backend.writesDataOnly { fputs(typed + "\n", sluice_stderr()) } else { print(typed) }
    }

    /// Runs a whole text (a file, named by `file`, or a `-c` argument).
    func run(text: String, file: String? = nil) -> Outcome {
        var lines = ScriptFile.lines(of: text)[...]
        return run(file: file) { lines.popFirst() }
    }
}
