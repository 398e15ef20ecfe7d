import CEditLine
import Foundation
import SluiceShell

/// Facts about the process's terminal.
enum Terminal {
    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Colours only on a terminal, never with `NO_COLOR` (any value) or `--no-color`.
    static func wantsColor(disabled: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        // no-color.org: NO_COLOR set to a non-empty value turns colours off.
        !disabled && (environment["NO_COLOR"] ?? "").isEmpty && isTerminal(STDOUT_FILENO)
    }

    /// The width of stdout's terminal, else `$COLUMNS`, else 80.
    static func width() -> Int {
        let columns = Int(sluice_terminal_width(STDOUT_FILENO))
        if columns > 0 { return columns }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 80
    }
}

extension Terminal {
    /// Writes a cell's output: each piece to its stream, in order (stdout is flushed before
    /// stderr, which may follow an `--echo`ed statement, and after each piece, so that a
    /// terminal shows both interleaved as they ran).
    static func write(_ pieces: [RenderedPiece]) {
        for piece in pieces {
            if piece.toStandardError { fflush(sluice_stdout()) }
            let stream = piece.toStandardError ? sluice_stderr() : sluice_stdout()
            fputs(piece.text, stream)
            fflush(stream)
        }
    }
}
