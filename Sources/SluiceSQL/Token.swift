/// One lexical token of a buffer, with its source text and range.
public struct Token: Sendable, Hashable {
    /// What kind of token this is; `value` holds its cooked text.
    public enum Kind: Sendable, Hashable {
        /// An unquoted word: a keyword or an identifier. `value` is lower-cased.
        case word
        /// A double-quoted identifier. `value` keeps its case, with `""` unescaped.
        case quotedIdentifier
        /// Digits only (`_` separators removed). `value` is the digits.
        case integer
        /// A number with a fraction or an exponent (`1.5`, `2e3`). `value` is the number text.
        case decimal
        /// A number immediately followed by a time unit (`250ms`, `1.5s`), in nanoseconds.
        case duration(Int64)
        /// A number immediately followed by `x` (`2x`, `0.5x`): a speed factor.
        case speed(Double)
        /// A single-quoted string. `value` is its contents, with `''` unescaped.
        case string
        /// An operator or punctuation: `= <> != < <= > >= + - * / % ( ) , ; .`
        case symbol
        /// Text the lexer could not accept (a stray character, a number with an unknown unit).
        /// The error is raised only if a complete statement contains it.
        case invalid(SQLError)
    }

    /// The kind of token.
    public var kind: Kind
    /// The cooked value (see ``Kind``).
    public var value: String
    /// The source text exactly as written.
    public var text: String
    /// Where the token is in the buffer.
    public var range: SourceRange

    /// A token given directly.
    public init(kind: Kind, value: String, text: String, range: SourceRange) {
        self.kind = kind
        self.value = value
        self.text = text
        self.range = range
    }

    /// True for an unquoted word equal (case-insensitively) to `keyword`.
    public func isKeyword(_ keyword: String) -> Bool {
        kind == .word && value == keyword
    }

    /// True for the operator or punctuation `symbol`.
    public func isSymbol(_ symbol: String) -> Bool {
        kind == .symbol && value == symbol
    }

    /// How an error message names this token: `'GROPU'`, `'('`, `the string 'abc'`.
    var quoted: String {
        let shown = text.count > 40 ? String(text.prefix(37)) + "..." : text
        switch kind {
        case .string: return "the string \(shown)"
        default: return "'\(shown)'"
        }
    }
}

/// The tokens of a whole buffer.
public struct TokenStream: Sendable, Hashable {
    /// Every token, comments and whitespace left out.
    public var tokens: [Token]
    /// Set when the buffer ends inside a quoted string, quoted identifier or block comment;
    /// lexing stopped there. Interactive input is then incomplete; a script is in error.
    public var unterminated: SQLError?
}
