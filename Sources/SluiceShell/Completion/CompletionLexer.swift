/// A forgiving tokenizer for half-typed input: completion needs the words before the
/// cursor, not a parse. Strings and comments are skipped; an unterminated one is reported.
struct CompletionToken: Equatable {
    enum Kind: Equatable { case word, number, string, punctuation }
    var kind: Kind
    var text: String
    /// The text in upper case, for keyword comparisons.
    var upper: String { text.uppercased() }

    func isWord(_ keyword: String) -> Bool { kind == .word && upper == keyword }
    func isPunctuation(_ p: String) -> Bool { kind == .punctuation && text == p }
}

enum CompletionLexer {
    /// Letters, digits, `_` and `.` make up a word (so `spend.agg.0` is one word).
    static func isWordCharacter(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || c == "_" || c == "."
    }

    /// The tokens of `text`, and whether it ends inside a string, quoted name or comment.
    static func tokens(_ text: String) -> (tokens: [CompletionToken], unterminated: Bool) {
        let chars = Array(text)
        var tokens: [CompletionToken] = []
        var i = 0
        func peek(_ k: Int) -> Character? { i + k < chars.count ? chars[i + k] : nil }
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if c == "-" && peek(1) == "-" {
                guard let end = chars[i...].firstIndex(of: "\n") else { return (tokens, true) }
                i = end + 1
                continue
            }
            if c == "/" && peek(1) == "*" {
                var j = i + 2
                while j + 1 < chars.count && !(chars[j] == "*" && chars[j + 1] == "/") { j += 1 }
                if j + 1 >= chars.count { return (tokens, true) }
                i = j + 2
                continue
            }
            if c == "'" || c == "\"" {
                var j = i + 1
                var value = ""
                while true {
                    guard j < chars.count else { return (tokens, true) }
                    if chars[j] == c {
                        if j + 1 < chars.count && chars[j + 1] == c { value.append(c); j += 2; continue }
                        break
                    }
                    value.append(chars[j])
                    j += 1
                }
                tokens.append(CompletionToken(kind: c == "'" ? .string : .word, text: value))
                i = j + 1
                continue
            }
            if isWordCharacter(c) {
                var j = i
                while j < chars.count && isWordCharacter(chars[j]) { j += 1 }
                let word = String(chars[i..<j])
                tokens.append(CompletionToken(kind: c.isNumber ? .number : .word, text: word))
                i = j
                continue
            }
            tokens.append(CompletionToken(kind: .punctuation, text: String(c)))
            i += 1
        }
        return (tokens, false)
    }
}
