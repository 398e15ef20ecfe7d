import CEditLine
import Foundation
import SluiceShell

/// Runs scripts without the line editor: files, `-c` strings or stdin, each split into
/// cells with the backend's completeness test. No history is read or written.
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
        func execute(endsInput: Bool) -> Outcome? {
            let cell = buffer.joined(separator: "\n")
            buffer = []
            if echo {
                // In csv and json modes the statement is not data: stdout stays machine-readable.
                if backend.writesDataOnly { fputs(cell + "\n", sluice_stderr()) } else { print(cell) }
            }
            let before = Interrupts.count
            let source = CellSource(file: file, line: cellStart, endsInput: endsInput)
            let result = Interrupts.whileExecuting(backend) { backend.execute(cell, interactive: false, source: source) }
            let interrupted = Interrupts.count != before
            Terminal.write(result.output)
            ok = ok && result.ok
            if result.quit { return .stopped(ok: ok, interrupted: false) }
            if interrupted { return .stopped(ok: false, interrupted: true) }
            if bail && !result.ok { return .stopped(ok: false, interrupted: false) }
            return nil
        }
        while let line = next() {
            lineNumber += 1
            if buffer.isEmpty { cellStart = lineNumber }
            buffer.append(line)
            let cell = buffer.joined(separator: "\n")
            if cell.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { buffer = []; continue }
            if backend.completeness(of: cell) == .incomplete { continue }
            if let stop = execute(endsInput: false) { return stop }
        }
        // A last statement without its ';' still runs, as in psql; an unfinished string or
        // comment is reported.
        if !buffer.joined().trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, let stop = execute(endsInput: true) {
            return stop
        }
        return .finished(ok: ok)
    }

    /// Runs a whole text (a file, named by `file`, or a `-c` argument).
    func run(text: String, file: String? = nil) -> Outcome {
        var lines = ScriptFile.lines(of: text)[...]
        return run(file: file) { lines.popFirst() }
    }
}
