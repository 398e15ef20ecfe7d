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
///
/// The same key brings the line back after Ctrl-Z and `fg`: the shell that stopped sluice
/// left the terminal in its own (cooked) mode, which libedit, believing it raw, never
/// restores: keys echoed twice and arrows printed `^[[A`. The SIGCONT handler sets a flag;
/// `redraw` then puts the terminal back into libedit's mode and draws the prompt and line
/// on the fresh line the shell left the cursor on.
enum WindowResize {
    /// Set by the handler; taken by whoever tells libedit.
    private static let pending = Atomic<Bool>(false)
    /// Set by the SIGCONT handler: sluice was stopped (Ctrl-Z) and has been continued (`fg`).
    private static let continued = Atomic<Bool>(false)
    /// The visible width of the prompt being edited (without its colour escapes).
    private static let promptWidth = Mutex<Int>(0)

    /// The key `redraw` is bound to: Ctrl-^, which libedit's emacs keymap leaves unassigned.
    /// Typed by hand it redraws the line too, harmlessly.
    static let redrawKey: Int32 = 0x1E

    /// Installs the handler (`signal` keeps it installed and restarts interrupted reads and
    /// writes, so a resize never fails a cell's output) and binds `redrawKey`. Call once,
    /// after libedit is initialised.
    static func install() {
        _ = pending.load(ordering: .relaxed)           // initialise the globals before a signal can
        _ = continued.load(ordering: .relaxed)
        _ = signal(SIGWINCH, handleSIGWINCH)
        _ = signal(SIGCONT, handleSIGCONT)
        _ = rl_add_defun("sluice-redraw", redraw, redrawKey)
    }

    /// Takes a pending resize: true (once) if the window changed since the last call; true
    /// too while a continue after Ctrl-Z waits for `redraw`.
    static func take() -> Bool {
        let resized = pending.exchange(false, ordering: .sequentiallyConsistent)
        return continued.load(ordering: .sequentiallyConsistent) || resized
    }

    /// A new line is about to be read: `readline` sets the terminal up itself, so a continue
    /// that came while no line was being edited needs nothing more.
    static func startingLine() {
        continued.store(false, ordering: .sequentiallyConsistent)
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
        if continued.exchange(false, ordering: .sequentiallyConsistent) {
            // libedit re-reads the terminal's mode on the way to raw: out and in again.
            rl_deprep_terminal()
            rl_prep_terminal(1)
            fputs("\r\u{1B}[J", sluice_stdout())
            fflush(sluice_stdout())
            rl_resize_terminal()
            rl_forced_update_display()
            return 0
        }
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

    /// Async-signal-safe: an atomic store.
    private static let handleSIGCONT: @convention(c) (Int32) -> Void = { _ in
        WindowResize.continued.store(true, ordering: .sequentiallyConsistent)
    }
}
