/// Splits a buffer into tokens: words, quoted identifiers, numbers, durations (`250ms`),
/// speeds (`2x`), strings and operators; skips whitespace, `--` line comments and nested
/// `/* */` block comments.
///
/// The lexer never fails outright: a stray character becomes an `.invalid` token (an error
/// only once its statement is complete), and a buffer that ends inside a string or comment
/// stops lexing and reports `unterminated`.
public enum Lexer {
    /// The tokens of `buffer`.
    public static func tokenize(_ buffer: String) -> TokenStream {
        var state = State(bytes: Array(buffer.utf8))
        state.run()
        return TokenStream(tokens: state.tokens, unterminated: state.unterminated)
    }

    struct State {
        let bytes: [UInt8]
        var i = 0
        var tokens: [Token] = []
        var unterminated: SQLError?

        init(bytes: [UInt8]) { self.bytes = bytes }

        func peek(_ offset: Int = 0) -> UInt8? {
            i + offset < bytes.count ? bytes[i + offset] : nil
        }

        func text(_ start: Int, _ end: Int) -> String {
            String(decoding: bytes[start..<end], as: UTF8.self)
        }

        mutating func emit(_ kind: Token.Kind, value: String, from start: Int) {
            tokens.append(Token(kind: kind, value: value, text: text(start, i), range: SourceRange(start: start, end: i)))
        }

        mutating func run() {
            while i < bytes.count, unterminated == nil {
                let byte = bytes[i]
                let start = i
                if byte.isSpace {
                    i += 1
                } else if byte == UInt8(ascii: "-"), peek(1) == UInt8(ascii: "-") {
                    while i < bytes.count, bytes[i] != UInt8(ascii: "\n") { i += 1 }
                } else if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                    blockComment()
                } else if byte == UInt8(ascii: "'") {
                    quoted(UInt8(ascii: "'"), from: start)
                } else if byte == UInt8(ascii: "\"") {
                    quoted(UInt8(ascii: "\""), from: start)
                } else if byte.isDigit || startsFraction(at: i) {
                    number(from: start)
                } else if let scalar = scalar(at: i), Self.startsWord(scalar) {
                    i += scalar.utf8Length
                    wordTail()
                    emit(.word, value: text(start, i).lowercased(), from: start)
                } else {
                    symbol(from: start)
                }
            }
        }

        // MARK: Comments and quotes

        mutating func blockComment() {
            let start = i
            var depth = 0
            while i < bytes.count {
                if bytes[i] == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                    depth += 1
                    i += 2
                } else if bytes[i] == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                    depth -= 1
                    i += 2
                    if depth == 0 { return }
                } else {
                    i += 1
                }
            }
            unterminated = SQLError("unterminated /* comment", at: SourceRange(start: start, end: start + 2),
                                    hint: "close the comment with */")
        }

        /// A `'string'` or `"identifier"`; the quote is doubled to include it.
        mutating func quoted(_ quote: UInt8, from start: Int) {
            i += 1
            var content: [UInt8] = []
            while i < bytes.count {
                if bytes[i] == quote {
                    if peek(1) == quote {
                        content.append(quote)
                        i += 2
                        continue
                    }
                    i += 1
                    let value = String(decoding: content, as: UTF8.self)
                    if quote == UInt8(ascii: "'") {
                        emit(.string, value: value, from: start)
                    } else if content.isEmpty {
                        emit(.invalid(SQLError("zero-length quoted identifier", at: SourceRange(start: start, end: i),
                                               hint: "write a name between the double quotes")), value: "", from: start)
                    } else {
                        emit(.quotedIdentifier, value: value, from: start)
                    }
                    return
                }
                content.append(bytes[i])
                i += 1
            }
            let what = quote == UInt8(ascii: "'") ? "quoted string" : "quoted identifier"
            let close = quote == UInt8(ascii: "'") ? "'" : "\""
            unterminated = SQLError("unterminated \(what)", at: SourceRange(start: start, end: bytes.count),
                                    hint: "close it with \(close); write \(close)\(close) for a \(close) inside")
        }

        // MARK: Numbers, durations, speeds

        /// A dot that starts a number (`.5`): a digit follows, and no name or number ends
        /// just before it (`agg.0` is a name's parts).
        func startsFraction(at i: Int) -> Bool {
            guard bytes[i] == UInt8(ascii: "."), i + 1 < bytes.count, bytes[i + 1].isDigit else { return false }
            guard i > 0 else { return true }
            let before = bytes[i - 1]
            return !(before.isDigit || before.isWordByte || before == UInt8(ascii: "\"") || before == UInt8(ascii: ")"))
        }

        mutating func number(from start: Int) {
            guard let scanned = ScannedNumber.scan(bytes, from: start) else { return }
            i = scanned.end
            let suffixStart = i
            if let scalar = scalar(at: i), Self.startsWord(scalar) {
                i += scalar.utf8Length
                wordTail()
            }
            let suffix = text(suffixStart, i)
            let whole = text(start, i)
            if suffix.isEmpty {
                emit(scanned.isInteger ? .integer : .decimal, value: scanned.text, from: start)
            } else if suffix == "x" || suffix == "X" {
                emit(.speed(scanned.double), value: scanned.text, from: start)
            } else if let unit = DurationUnit.named(suffix) {
                switch Literals.nanoseconds(scanned, unit: unit, text: whole) {
                case .success(let ns):
                    emit(.duration(ns), value: whole, from: start)
                case .failure(let error):
                    emit(.invalid(error.sqlError(at: SourceRange(start: start, end: i))), value: whole, from: start)
                }
            } else if scanned.text == "0", suffix.count > 1, suffix.first == "x" || suffix.first == "X",
                      let value = UInt64(suffix.dropFirst(), radix: 16) {
                // `0x10` is not a duration with a unit `x10`: say what it is, and what to write.
                let error = SQLError("hexadecimal numbers are not supported: '\(whole)'", at: SourceRange(start: start, end: i),
                                     hint: "write it in decimal: \(value)")
                emit(.invalid(error), value: whole, from: start)
            } else {
                let error = Literals.unknownUnit(whole, suffix: suffix)
                emit(.invalid(error.sqlError(at: SourceRange(start: start, end: i))), value: whole, from: start)
            }
        }

        // MARK: Words and symbols

        mutating func wordTail() {
            while let scalar = scalar(at: i), Self.continuesWord(scalar) {
                i += scalar.utf8Length
            }
        }

        static let twoCharacterSymbols: [String] = ["<=", ">=", "<>", "!="]
        static let oneCharacterSymbols: [UInt8] = Array("=<>+-*/%(),;.".utf8)

        mutating func symbol(from start: Int) {
            if let next = peek(1) {
                let pair = text(start, start + 1) + String(UnicodeScalar(next))
                if Self.twoCharacterSymbols.contains(pair) {
                    i += 2
                    emit(.symbol, value: pair, from: start)
                    return
                }
            }
            if Self.oneCharacterSymbols.contains(bytes[i]) {
                i += 1
                emit(.symbol, value: text(start, i), from: start)
                return
            }
            let scalar = scalar(at: i) ?? "?"
            i += max(1, scalar.utf8Length)
            let shown = text(start, i)
            let error = SQLError("unexpected character \(Self.describe(scalar))", at: SourceRange(start: start, end: i),
                                 hint: Self.hint(for: scalar))
            emit(.invalid(error), value: shown, from: start)
        }

        static func hint(for scalar: Unicode.Scalar) -> String? {
            switch scalar {
            case "`": "quote names with double quotes: \"name\""
            case "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}":
                "use straight quotes: 'text' for strings, \"name\" for names"
            case ":": "casts (::) are not supported"
            case "!": "write <> or != for not equal, NOT for negation"
            case "|", "&": "write OR and AND"
            case "\\": "backslash commands are psql's; Sluice's are dot-commands: .help, .quit"
            default: nil
            }
        }

        // MARK: Scalars

        func scalar(at index: Int) -> Unicode.Scalar? {
            guard index < bytes.count else { return nil }
            let lead = bytes[index]
            if lead < 0x80 { return Unicode.Scalar(lead) }
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            guard index + length <= bytes.count else { return nil }
            return String(decoding: bytes[index..<index + length], as: UTF8.self).unicodeScalars.first
        }

        static func startsWord(_ scalar: Unicode.Scalar) -> Bool {
            if scalar.isASCII {
                return UInt8(scalar.value).isASCIILetter || scalar == "_"
            }
            return scalar.properties.isAlphabetic || scalar == "µ"
        }

        /// A name goes on with letters, digits and the combining marks of a decomposed letter
        /// (`cafe` + U+0301 is `café`, the same name as the precomposed one).
        static func continuesWord(_ scalar: Unicode.Scalar) -> Bool {
            if scalar.isASCII { return startsWord(scalar) || UInt8(scalar.value).isDigit }
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber: return true
            default: return startsWord(scalar)
            }
        }

        /// An unexpected character as an error names it: visible ones quoted (`'§'`), the
        /// ones a terminal does not show (a no-break space, a control or format character,
        /// a lone combining mark) by code point and name (`U+00A0 NO-BREAK SPACE`).
        static func describe(_ scalar: Unicode.Scalar) -> String {
            let invisible: Bool
            switch scalar.properties.generalCategory {
            case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator,
                 .nonspacingMark, .spacingMark, .enclosingMark, .privateUse, .surrogate, .unassigned: invisible = true
            default: invisible = false
            }
            guard invisible else { return "'\(scalar)'" }
            let code = String(scalar.value, radix: 16, uppercase: true)
            let name = scalar.properties.name ?? scalar.properties.nameAlias
            return "U+" + String(repeating: "0", count: max(0, 4 - code.count)) + code + (name.map { " " + $0 } ?? "")
        }
    }
}

extension Unicode.Scalar {
    var utf8Length: Int { UTF8.width(self) }
}
