import CEditLine
import Foundation
import SluiceShell
import Synchronization

/// The interactive line editor: libedit's readline API with history, tab completion
/// and Ctrl-C handling. Only used on a terminal; batch input never comes here.
final class LineEditor {
    /// What one `readLine` call produced.
    enum Input: Equatable {
        case line(String)
        /// Ctrl-C: the line was abandoned.
        case interrupted
        /// Ctrl-D on an empty line, or the terminal went away.
        case endOfFile
    }

    private let color: Bool

    /// Sets libedit up. `complete` is asked for candidates when Tab is pressed.
    init(color: Bool, complete: @escaping (_ line: String, _ cursor: Int) -> CompletionEngine.Completion) {
        self.color = color
        CompletionBridge.state.withLock { $0.provider = UncheckedBox(value: complete) }
        // libedit decodes and displays UTF-8 only under a UTF-8 character type.
        if String(cString: setlocale(LC_CTYPE, "")).range(of: "UTF-8", options: .caseInsensitive) == nil {
            _ = setlocale(LC_CTYPE, "C.UTF-8")
        }
        sluice_rl_configure()
        sluice_rl_set_getc_function(LineEditor.getCharacter)
        sluice_rl_set_attempted_completion_function(CompletionBridge.attempt)
        using_history()                                // initialises libedit with the settings above
        stifle_history(Int32(HistoryFile.limit))
        WindowResize.install()
    }

    /// Adds an entry to the in-memory history (Up and Down recall it).
    func addHistory(_ entry: String) {
        _ = entry.withCString { add_history($0) }
    }

    /// Shows `prompt` and reads one line. ANSI escapes in the prompt are wrapped in
    /// `\1…\2` so that libedit counts the prompt's width right.
    func readLine(prompt: String, style: ANSIStyle? = nil) -> Input {
        fflush(sluice_stdout())
        _ = Interrupts.take()                          // a Ctrl-C typed earlier is not for this line
        // The window may have changed size while a cell ran: libedit draws at the size it has now.
        WindowResize.startingLine()
        if WindowResize.take() { rl_resize_terminal() }
        WindowResize.editing(prompt: prompt)
        let text = LineEditor.invisibleEscapes(style.map { color ? $0.wrap(prompt) : prompt } ?? prompt)
        guard let raw = text.withCString({ readline($0) }) else {
            if Interrupts.take() { return .interrupted }
            return .endOfFile
        }
        defer { free(raw) }
        return .line(String(cString: raw))
    }

    /// `ESC[…m` sequences wrapped in RL_PROMPT_START_IGNORE / RL_PROMPT_END_IGNORE.
    static func invisibleEscapes(_ prompt: String) -> String {
        var out = ""
        var inEscape = false
        for scalar in prompt.unicodeScalars {
            if scalar == "\u{1B}" && !inEscape { out += "\u{1}"; inEscape = true }
            out.unicodeScalars.append(scalar)
            if inEscape && scalar == "m" { out += "\u{2}"; inEscape = false }
        }
        return out
    }

    // MARK: - Input

    /// libedit's input function: one UTF-8 character from stdin as a code point, or -1
    /// (end of input, or Ctrl-C: then `Interrupts.pending` is set), or, when the window
    /// changed size while it waited, `WindowResize.redrawKey`. Polling every 100 ms
    /// notices a Ctrl-C or a resize even if the signal went to another thread.
    private static let getCharacter: @convention(c) (UnsafeMutablePointer<FILE>?) -> Int32 = { _ in
        var resized = false
        let key = nextByte(until: {
            resized = WindowResize.take()
            return resized || Interrupts.isPending
        })
        guard let first = key else { return resized ? WindowResize.redrawKey : -1 }
        let extra: Int
        switch first {
        case 0x09 where isPasted(): return 0x20
        case 0..<0x80: return Int32(first)
        case 0xC0..<0xE0: extra = 1
        case 0xE0..<0xF0: extra = 2
        case 0xF0..<0xF8: extra = 3
        default: return 0xFFFD
        }
        var value = UInt32(first) & (0xFF >> (extra + 2))
        for _ in 0..<extra {
            guard let next = readByte() else { return -1 }
            guard next & 0xC0 == 0x80 else { return 0xFFFD }
            value = value << 6 | UInt32(next & 0x3F)
        }
        return Int32(bitPattern: value)
    }

    private static func readByte() -> UInt8? { nextByte(until: { Interrupts.isPending }) }

    /// Bytes read ahead (`isPasted`), handed out before stdin's next.
    private static let lookahead = Mutex<[UInt8]>([])

    private static func nextByte(until stop: () -> Bool) -> UInt8? {
        let held = lookahead.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        return held ?? Interrupts.readByte(until: stop)
    }

    /// Whether the Tab just read came in a paste rather than from the Tab key: other text
    /// was already waiting behind it (after any more Tabs). A pasted Tab is indentation or
    /// spacing (SQL indented with tabs in an editor), and completing there mangled the
    /// statement (`\tFROM s` became `FROM FROM s`): it goes in as a space. Tabs alone (a
    /// second Tab, to list the candidates, sent in one go by a terminal multiplexer) still
    /// complete.
    private static func isPasted() -> Bool {
        lookahead.withLock { held in
            var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            var chunk = [UInt8](repeating: 0, count: 256)
            while held.count < 4096, poll(&descriptor, 1, 0) > 0 {
                let n = read(STDIN_FILENO, &chunk, chunk.count)
                guard n > 0 else { break }
                held += chunk.prefix(n)
            }
            return held.contains { $0 != 0x09 }
        }
    }
}
/// A prompt colour.
enum ANSIStyle: String {
    case prompt = "1;36", continuation = "2"

    /// The text in this style. The reset comes before trailing spaces: libedit drops an
    /// invisible sequence at the very end of a prompt, which would leave the input coloured.
    func wrap(_ text: String) -> String {
        let body = text.reversed().drop { $0 == " " }.reversed()
        guard !body.isEmpty else { return text }
        return "\u{1B}[\(rawValue)m" + String(body) + "\u{1B}[0m" + String(repeating: " ", count: text.count - body.count)
    }
}
