import Testing
@testable import SluiceSQL

@Suite("lexer")
struct LexerTests {
    func kinds(_ sql: String) -> [String] {
        Lexer.tokenize(sql).tokens.map { token in
            switch token.kind {
            case .word: "w:\(token.value)"
            case .quotedIdentifier: "q:\(token.value)"
            case .integer: "i:\(token.value)"
            case .decimal: "d:\(token.value)"
            case .duration(let ns): "t:\(ns)"
            case .speed(let x): "x:\(x)"
            case .string: "s:\(token.value)"
            case .symbol: token.value
            case .invalid(let error): "!:\(error.message)"
            }
        }
    }

    @Test func wordsAreLowerCasedUnlessQuoted() {
        #expect(kinds(#"SeLeCt Foo "Bar" "a""b" _x9"#) == ["w:select", "w:foo", "q:Bar", "q:a\"b", "w:_x9"])
    }

    @Test func numbersDurationsSpeeds() {
        #expect(kinds("42 1_000 1.5 2e3 250ms 1.5s 20us 20µs 100ns 2m 1h 1x 2.5x 1e3ms")
                == ["i:42", "i:1000", "d:1.5", "d:2e3", "t:250000000", "t:1500000000", "t:20000", "t:20000",
                    "t:100", "t:120000000000", "t:3600000000000", "x:1.0", "x:2.5", "t:1000000000"])
        #expect(kinds("10parsecs") == ["!:invalid duration '10parsecs': unknown unit 'parsecs'"])
        #expect(kinds("1.5ns") == ["!:duration '1.5ns' is not a whole number of nanoseconds"])
        #expect(kinds("spend.agg.0") == ["w:spend", ".", "w:agg", ".", "i:0"])
        // A dot starts a number before a digit (`.5`), and ends one before anything but a
        // digit, a name or a dot (`5.`), as in PostgreSQL; inside a dotted name it is a dot.
        #expect(kinds("1.") == ["d:1."])
        #expect(kinds(".5 (.25) -.5") == ["d:.5", "(", "d:.25", ")", "-", "d:.5"])
        #expect(kinds("spend.agg.0.x") == ["w:spend", ".", "w:agg", ".", "i:0", ".", "w:x"])
        #expect(kinds("t.5") == ["w:t", ".", "i:5"])
    }

    @Test func stringsAndOperators() {
        #expect(kinds("'it''s' '' 'a\nb'") == ["s:it's", "s:", "s:a\nb"])
        #expect(kinds("= <> != < <= > >= + - * / % ( ) , ; .")
                == ["=", "<>", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "(", ")", ",", ";", "."])
        #expect(kinds("a<=b") == ["w:a", "<=", "w:b"])
    }

    @Test func commentsAreSkipped() {
        #expect(kinds("a -- comment ; 'x\nb /* c /* nested */ ; */ c") == ["w:a", "w:b", "w:c"])
        #expect(kinds("a - -1") == ["w:a", "-", "-", "i:1"])
    }

    @Test func rangesAreUTF8Offsets() {
        let sql = "'é' x"
        let tokens = Lexer.tokenize(sql).tokens
        #expect(tokens.map(\.range) == [SourceRange(start: 0, end: 4), SourceRange(start: 5, end: 6)])
        #expect(tokens.map(\.text) == ["'é'", "x"])
    }

    @Test func unterminatedInput() {
        #expect(Lexer.tokenize("a 'open").unterminated?.message == "unterminated quoted string")
        #expect(Lexer.tokenize("a \"open").unterminated?.message == "unterminated quoted identifier")
        #expect(Lexer.tokenize("a /* open").unterminated?.message == "unterminated /* comment")
        #expect(Lexer.tokenize("a /* /* */ open").unterminated?.range == SourceRange(start: 2, end: 4))
        #expect(Lexer.tokenize("a 'closed'").unterminated == nil)
    }

    @Test func strayCharacters() {
        #expect(kinds("a $ b") == ["w:a", "!:unexpected character '$'", "w:b"])
        #expect(kinds("→") == ["!:unexpected character '→'"])
        #expect(kinds("\"\"") == ["!:zero-length quoted identifier"])
        #expect(kinds("naïve") == ["w:naïve"])
        // Characters a terminal does not show are named by code point.
        #expect(kinds("a\u{00A0}b") == ["w:a", "!:unexpected character U+00A0 NO-BREAK SPACE", "w:b"])
        #expect(kinds("\u{200B}") == ["!:unexpected character U+200B ZERO WIDTH SPACE"])
        #expect(kinds("\u{1B}") == ["!:unexpected character U+001B"])
    }

    @Test func hexadecimalNumbersAreNamed() {
        #expect(kinds("0x10") == ["!:hexadecimal numbers are not supported: '0x10'"])
        #expect(kinds("0xzz") == ["!:invalid duration '0xzz': unknown unit 'xzz'"])
    }

    /// A decomposed letter (`e` + U+0301) continues a name, which is then the same name as its
    /// precomposed spelling.
    @Test func combiningMarksContinueAName() {
        #expect(kinds("cafe\u{0301} x") == ["w:cafe\u{0301}", "w:x"])
        #expect("cafe\u{0301}" == "café")
    }

    @Test func keywordListIsSortedAndComplete() {
        #expect(Keywords.all == Keywords.all.sorted())
        #expect(Set(Keywords.all).count == Keywords.all.count)
        for word in Keywords.statements + ["MATERIALIZED", "PARALLELISM", "PARTITION", "EVERY", "SPEED", "QUEUES", "LEDGER"] {
            #expect(Keywords.all.contains(word), "\(word)")
        }
    }
}
