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

    /// The width of the terminal `fd` (stdout unless told) is on, else `$COLUMNS`, else 80.
    static func width(of fd: Int32 = STDOUT_FILENO) -> Int {
        let columns = Int(sluice_terminal_width(fd))
        if columns > 0 { return columns }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 80
    }
}

extension Terminal {
    /// Runs `body` with the terminal not echoing what is typed: keys typed ahead while a
    /// cell runs would land on its progress bar. They stay queued, and the next prompt
    /// shows them. Off a terminal, `body` alone.
    static func withoutEcho<T>(_ body: () -> T) -> T {
        withEcho(false, body)
    }

    /// Runs `body` with echo on or off, then puts the terminal back as it was.
    static func withEcho<T>(_ on: Bool, _ body: () -> T) -> T {
        var saved = termios()
        guard isTerminal(STDIN_FILENO), tcgetattr(STDIN_FILENO, &saved) == 0 else { return body() }
        var changed = saved
        if on { changed.c_lflag |= tcflag_t(ECHO) } else { changed.c_lflag &= ~tcflag_t(ECHO) }
        _ = tcsetattr(STDIN_FILENO, TCSANOW, &changed)
        defer { _ = tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        return body()
    }

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
