import CEditLine
import Foundation
import SluiceShell
import Synchronization

/// Tab completion between libedit's C callback and `CompletionEngine`.
///
/// A `@convention(c)` callback cannot capture, so the provider (set by `LineEditor`, asking
/// the backend's completion context) lives in a global `Mutex`.
enum CompletionBridge {
    struct State {
        var provider: UncheckedBox<(String, Int) -> CompletionEngine.Completion>?
    }

    static let state = Mutex(State())

    /// `rl_attempted_completion_function`: computes the candidates for the whole line and
    /// hands libedit the array it reads, made here rather than by `rl_completion_matches`:
    /// element 0 replaces the word libedit sees (`start..<end`, counted in characters), the
    /// candidates' common prefix (nothing is inserted when it is empty); the others are
    /// what a second Tab lists, the names themselves, without the quotes they take on the
    /// line (libedit's word starts after an opening quote, and listed `my lesson'`).
    static let attempt: @convention(c) (UnsafePointer<CChar>?, Int32, Int32)
        -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, start, _ in
        sluice_rl_set_attempted_completion_over(1)     // never fall back to file names
        let line = String(cString: sluice_rl_line_buffer())
        let scalars = Array(line.unicodeScalars)
        let point = min(max(Int(sluice_rl_point()), 0), scalars.count)
        let cursor = String(String.UnicodeScalarView(scalars[..<point])).utf8.count
        let provider = state.withLock { $0.provider }
        guard let provider, text != nil else { return nil }
        let completion = provider.value(line, cursor)
        let replacements = adjust(completion, to: Int(start), scalars: scalars)
        guard !replacements.isEmpty else { return nil }
        // A directory completes without the trailing space, so the path can go on; so does
        // a function's opening parenthesis (`queue(`), so its argument can.
        let goesOn = replacements.count == 1 && (replacements[0].hasSuffix("/") || replacements[0].hasSuffix("("))
        sluice_rl_set_completion_append_character(goesOn ? 0 : 32)
        // One candidate: libedit inserts element 0 and, when element 1 is the same, the space.
        let entries = replacements.count == 1 ? [replacements[0], replacements[0]] : [commonPrefix(replacements)] + completion.listed
        return mallocedArray(entries)
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

    /// The longest prefix every string shares, whole characters only.
    static func commonPrefix(_ strings: [String]) -> String {
        guard var prefix = strings.first.map(Array.init) else { return "" }
        for s in strings.dropFirst() {
            prefix = Array(zip(prefix, s).prefix { $0 == $1 }.map(\.0))
        }
        return String(prefix)
    }

    /// A NULL-terminated array of malloc'ed C strings, as libedit frees it.
    static func mallocedArray(_ strings: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        guard let array = malloc((strings.count + 1) * MemoryLayout<UnsafeMutablePointer<CChar>?>.stride)?
            .bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: strings.count + 1) else { return nil }
        for (i, s) in strings.enumerated() { array[i] = strdup(s) }
        array[strings.count] = nil
        return array
    }
}
