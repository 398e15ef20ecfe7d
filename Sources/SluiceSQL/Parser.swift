/// A recursive-descent parser over the tokens of one statement (its `;` excluded).
///
/// Each concern lives in its own extension: `Parser+Statement` dispatches on the first
/// word, then `+DDL`, `+Query`, `+Expr`, `+Drive`, `+Inspect` and `+Values`. Every failure
/// is an ``SQLError`` thrown with the range of the token where parsing stopped.
struct Parser {
    /// The whole buffer, for statement texts (WATCH's inner SHOW).
    let source: [UInt8]
    /// The statement's tokens, without the `;`.
    let tokens: [Token]
    /// What follows the last token: the `;`, or an empty token at the end of input.
    let end: Token
    /// True when `end` is a `;`.
    let terminated: Bool
    /// The next token to read.
    var position = 0
    /// Levels of expression open above the token being read (see `Parser+Expr`).
    var nesting = 0
    /// How many levels the expression read last nests (see `Parser+Expr`).
    var depth = 0

    /// The longest name CREATE takes, in bytes: PostgreSQL's (NAMEDATALEN − 1).
    static let maxNameBytes = 63

    init(source: [UInt8], tokens: [Token], end: Token, terminated: Bool) {
        self.source = source
        self.tokens = tokens
        self.end = end
        self.terminated = terminated
    }

    // MARK: Looking

    /// The next token, or `end`.
    var current: Token { peek(0) }

    /// The token `offset` places ahead, or `end`.
    func peek(_ offset: Int) -> Token {
        position + offset < tokens.count ? tokens[position + offset] : end
    }

    /// True when every token has been read.
    var atEnd: Bool { position >= tokens.count }

    /// Where the last token read ends (the start of the statement before any is read).
    var lastEnd: Int {
        position > 0 ? tokens[min(position, tokens.count) - 1].range.end : (tokens.first?.range.start ?? end.range.start)
    }

    /// The range from `start` to the end of the last token read.
    func range(from start: Int) -> SourceRange {
        SourceRange(start: start, end: max(start, lastEnd))
    }

    /// How a message names a token: `'GROPU'`, `';'`, `end of input`.
    func describe(_ token: Token) -> String {
        if token == end, !terminated { return "end of input" }
        return token.quoted
    }

    /// True when the next token is the keyword `word` (unquoted).
    func sees(_ word: String) -> Bool { current.isKeyword(word) }

    /// True when the next token is the symbol.
    func seesSymbol(_ symbol: String) -> Bool { current.isSymbol(symbol) }

    // MARK: Consuming

    /// Reads and returns the next token.
    @discardableResult
    mutating func advance() -> Token {
        let token = current
        if position < tokens.count { position += 1 }
        return token
    }

    /// Reads the keyword if it is next.
    mutating func accept(_ word: String) -> Token? {
        sees(word) ? advance() : nil
    }

    /// Reads the symbol if it is next.
    mutating func acceptSymbol(_ symbol: String) -> Token? {
        seesSymbol(symbol) ? advance() : nil
    }

    /// Reads the keyword or fails with `expected WORD <context>, found X`, suggesting the
    /// keyword when the token found is a near miss of it.
    mutating func expect(_ word: String, _ context: String = "") throws(SQLError) -> Token {
        if let token = accept(word) { return token }
        throw unexpected("\(word.uppercased())\(context.isEmpty ? "" : " " + context)", suggesting: [word])
    }

    /// Reads the symbol or fails with `expected 'S' <context>, found X`.
    mutating func expectSymbol(_ symbol: String, _ context: String = "") throws(SQLError) -> Token {
        if let token = acceptSymbol(symbol) { return token }
        throw unexpected("'\(symbol)'\(context.isEmpty ? "" : " " + context)")
    }

    // MARK: Errors

    /// `expected <what>, found <current>` at the current token, with a did-you-mean hint when
    /// the current token is a word close to one of `suggesting` (keywords, lower-case).
    func unexpected(_ what: String, suggesting keywords: [String] = [], hint: String? = nil) -> SQLError {
        let token = current
        var hint = hint
        if token.kind == .word, let near = Suggest.nearest(token.value, among: keywords), near != token.value {
            hint = "did you mean \(Parser.display(near))?"
        }
        return SQLError("expected \(what), found \(describe(token))", at: token.range, hint: hint)
    }

    /// How a keyword is shown in a hint: `GROUP BY` for `group`, upper-case otherwise.
    static func display(_ keyword: String) -> String {
        switch keyword {
        case "group", "order": keyword.uppercased() + " BY"
        case "materialized": "MATERIALIZED VIEW"
        default: keyword.uppercased()
        }
    }

    /// The range from `from` (a `(` token index) to its matching `)`, or to the last token.
    func parenthesized(from index: Int) -> SourceRange {
        var depth = 0
        for i in index..<tokens.count {
            if tokens[i].isSymbol("(") { depth += 1 }
            if tokens[i].isSymbol(")") {
                depth -= 1
                if depth == 0 { return tokens[index].range.union(tokens[i].range) }
            }
        }
        return tokens[index].range.union(tokens[tokens.count - 1].range)
    }

    /// The statement's text from the token at `index` up to the last token read.
    func text(fromToken index: Int) -> String {
        guard index < tokens.count, position > index else { return "" }
        let range = tokens[index].range.union(tokens[position - 1].range)
        return String(decoding: source[range.bytes], as: UTF8.self)
    }

    /// Fails unless every token has been read: `expected ';' after STEP 10, found '20'`.
    func expectEnd() throws(SQLError) {
        guard !atEnd else { return }
        let sofar = text(fromToken: 0)
        let after = sofar.count <= 40 && !sofar.contains("\n") ? sofar : "the statement"
        throw unexpected("';' after \(after)")
    }
}
