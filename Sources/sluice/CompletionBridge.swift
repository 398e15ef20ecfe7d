import CEditLine
import Foundation
import SluiceShell
import Synchronization

/// Tab completion between libedit's C callbacks and `CompletionEngine`.
///
/// `@convention(c)` callbacks cannot capture, so what they need lives in a global
/// `Mutex`: the provider (set by `LineEditor`, asking the backend's completion context)
/// and the candidates of the completion in progress, handed out by the generator.
enum CompletionBridge {
    struct State {
        var provider: UncheckedBox<(String, Int) -> CompletionEngine.Completion>?
        var matches: [String] = []
        var next = 0
    }

    static let state = Mutex(State())

    /// `rl_attempted_completion_function`: computes the candidates for the whole line and
    /// hands them to libedit, which replaces the word it sees (`start..<end`, counted in
    /// characters) with their common prefix or lists them.
    static let attempt: @convention(c) (UnsafePointer<CChar>?, Int32, Int32)
        -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, start, _ in
        sluice_rl_set_attempted_completion_over(1)     // never fall back to file names
        let line = String(cString: sluice_rl_line_buffer())
        let scalars = Array(line.unicodeScalars)
        let point = min(max(Int(sluice_rl_point()), 0), scalars.count)
        let cursor = String(String.UnicodeScalarView(scalars[..<point])).utf8.count
        let provider = state.withLock { $0.provider }
        guard let provider, let text else { return nil }
        let completion = provider.value(line, cursor)
        let matches = adjust(completion, to: Int(start), scalars: scalars)
        guard !matches.isEmpty else { return nil }
        // A directory completes without the trailing space, so the path can go on.
        sluice_rl_set_completion_append_character(matches.count == 1 && matches[0].hasSuffix("/") ? 0 : 32)
        state.withLock { $0.matches = matches; $0.next = 0 }
        return rl_completion_matches(text, generate)
    }

    /// The candidates rewritten to replace libedit's word, which may start before or
    /// after the engine's (they split words differently around some punctuation).
    static func adjust(_ completion: CompletionEngine.Completion, to start: Int, scalars: [Unicode.Scalar]) -> [String] {
        let prefix = String(decoding: Array(String(String.UnicodeScalarView(scalars)).utf8).prefix(completion.wordStart), as: UTF8.self)
        let engineStart = prefix.unicodeScalars.count
        if start == engineStart { return completion.candidates }
        if start < engineStart {
            let lead = String(String.UnicodeScalarView(scalars[max(0, start)..<engineStart]))
            return completion.candidates.map { lead + $0 }
        }
        let cut = start - engineStart
        return completion.candidates.compactMap { c in
            c.unicodeScalars.count >= cut ? String(String.UnicodeScalarView(c.unicodeScalars.dropFirst(cut))) : nil
        }
    }

    /// `rl_compentry_func_t`: the next candidate (malloc'ed, libedit frees it), NULL at the end.
    static let generate: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { _, _ in
        let next: String? = state.withLock { s in
            guard s.next < s.matches.count else { return nil }
            defer { s.next += 1 }
            return s.matches[s.next]
        }
        return next.flatMap { strdup($0) }
    }
}
