import CEditLine
import Foundation

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

    /// Runs the lines of one input; `next` returns nil at the end.
    func run(lines next: () -> String?) -> Outcome {
        var ok = true
        var buffer: [String] = []
        func execute() -> Outcome? {
            let cell = buffer.joined(separator: "\n")
            buffer = []
            if echo { print(cell) }
            let before = Interrupts.count
            let result = Interrupts.whileExecuting(backend) { backend.execute(cell, interactive: false) }
            let interrupted = Interrupts.count != before
            fputs(result.output, sluice_stdout())
            fflush(sluice_stdout())
            ok = ok && result.ok
            if result.quit { return .stopped(ok: ok, interrupted: false) }
            if interrupted { return .stopped(ok: false, interrupted: true) }
            if bail && !result.ok { return .stopped(ok: false, interrupted: false) }
            return nil
        }
        while let line = next() {
            buffer.append(line)
            let cell = buffer.joined(separator: "\n")
            if cell.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { buffer = []; continue }
            if backend.completeness(of: cell) == .incomplete { continue }
            if let stop = execute() { return stop }
        }
        // An unfinished statement at the end is still executed, so that its error shows.
        if !buffer.joined().trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, let stop = execute() {
            return stop
        }
        return .finished(ok: ok)
    }

    /// Runs a whole text (a file or a `-c` argument).
    func run(text: String) -> Outcome {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)[...]
        if text.hasSuffix("\n") { lines = lines.dropLast() }
        return run { lines.popFirst() }
    }
}
