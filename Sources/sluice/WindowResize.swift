import CEditLine
import Foundation
import SluiceShell
import Synchronization

/// The terminal window changing size while a line is being edited.
///
/// libedit learns a new size only when told (`rl_catch_signals` is off, so that Ctrl-C is
/// ours, and with it libedit's own SIGWINCH handler), and keeps drawing a wrapped line at
/// the old width: after a resize, Ctrl-A and a key drew the key in the middle of the line.
/// The SIGWINCH handler only sets an atomic flag. The line editor's input function, which
/// waits for keys in slices of 100 ms, sees it and hands libedit `redrawKey`, bound to
/// `redraw`: that runs inside libedit, which has just updated `rl_point`, so the cursor's
/// place in the line is known, and redraws the prompt and line at the new width.
enum WindowResize {
    /// Set by the handler; taken by whoever tells libedit.
    private static let pending = Atomic<Bool>(false)
    /// The visible width of the prompt being edited (without its colour escapes).
    private static let promptWidth = Mutex<Int>(0)

    /// The key `redraw` is bound to: Ctrl-^, which libedit's emacs keymap leaves unassigned.
    /// Typed by hand it redraws the line too, harmlessly.
    static let redrawKey: Int32 = 0x1E

    /// Installs the handler (`signal` keeps it installed and restarts interrupted reads and
    /// writes, so a resize never fails a cell's output) and binds `redrawKey`. Call once,
    /// after libedit is initialised.
    static func install() {
        _ = pending.load(ordering: .relaxed)           // initialise the global before a signal can
        _ = signal(SIGWINCH, handleSIGWINCH)
        _ = rl_add_defun("sluice-redraw", redraw, redrawKey)
    }

    /// Takes a pending resize: true (once) if the window changed since the last call.
    static func take() -> Bool {
        pending.exchange(false, ordering: .sequentiallyConsistent)
    }

    /// The prompt `readline` is about to show, for `redraw` to count its width.
    static func editing(prompt: String) {
        promptWidth.withLock { $0 = TerminalText.width(of: prompt) }
    }

    /// Moves to where the prompt starts, clears from there down, tells libedit the new size
    /// and has it draw the prompt and line again. The cursor's row is counted at the new
    /// width: terminals that rewrap lines on a resize (tmux, VTE, iTerm2, kitty, Windows
    /// Terminal) put it there; on one that does not (xterm), a narrower window may lose a
    /// row of earlier output above the prompt, and the line is still drawn whole and right.
    private static let redraw: @convention(c) (Int32, Int32) -> Int32 = { _, _ in
        // `rl_point` counts the bytes of the line's UTF-8 (libedit's `el_line`).
        let bytes = Array(String(cString: sluice_rl_line_buffer()).utf8)
        let beforeCursor = String(decoding: bytes.prefix(max(0, Int(sluice_rl_point()))), as: UTF8.self)
        let cells = promptWidth.withLock { $0 } + TerminalText.width(of: beforeCursor)
        let rows = cells / max(1, Terminal.width())
        fputs((rows > 0 ? "\u{1B}[\(rows)A" : "") + "\r\u{1B}[J", sluice_stdout())
        fflush(sluice_stdout())
        rl_resize_terminal()
        rl_forced_update_display()
        return 0
    }

    /// Async-signal-safe: an atomic store.
    private static let handleSIGWINCH: @convention(c) (Int32) -> Void = { _ in
        WindowResize.pending.store(true, ordering: .sequentiallyConsistent)
    }
}
