// SluiceSQL: the Sluice language (DESIGN.md §2).
//
// Map of the module:
//   Parse.swift              parse(_:) for the REPL, parseScript(_:) for batch mode   ← start here
//   Lexer.swift, Token.swift  tokens with byte ranges; durations (250ms) and speeds (2x) are one token
//   Parser*.swift            recursive descent, one file per family of statements
//   AST+*.swift              Statement, Query, Expr, names and options: what the planner consumes
//   SQLError.swift           errors with a range, rendered psql-style with a caret and a hint
//   SourceRange.swift        byte ranges into the parsed buffer, and line/column
//   Suggest.swift            did-you-mean (Damerau–Levenshtein)
//   Literals+*.swift         durations, rates, costs, load patterns, key distributions: read once, here
//   Keywords.swift           every keyword, for completion
//   (Planner*.swift and Explain*.swift turn a Statement into an engine graph; they import SluiceEngine.)

/// Parses what the user has typed so far.
///
/// Answers `.incomplete` while the buffer has text after its last `;` (outside strings and
/// comments), or ends inside a string, quoted name or `/* */` comment: the shell then shows
/// its continuation prompt. Answers `.error` for the first terminated statement that is
/// wrong, and `.complete` with every statement otherwise (none for blank or comment-only
/// input). Ranges in the result index `buffer`.
public func parse(_ buffer: String) -> ParseOutcome {
    let split = StatementSplit(buffer)
    var statements: [ParsedStatement] = []
    for segment in split.terminated {
        switch split.parse(segment) {
        case .success(let statement): statements.append(statement)
        case .failure(let error): return .error(error)
        }
    }
    if split.unterminated != nil || !split.trailing.isEmpty { return .incomplete }
    return .complete(statements)
}

/// One statement of a script: its text and where it is, and what it parsed to.
public struct ScriptStatement: Sendable, Hashable {
    /// The statement's text, trimmed, without the `;`.
    public var text: String
    /// Where that text is in the script.
    public var range: SourceRange
    /// The statement, or why it is wrong.
    public var result: Result<ParsedStatement, SQLError>
}

/// Parses a whole script (a file, `-c`, or piped stdin) into its statements, in order.
///
/// Unlike ``parse(_:)``, a bad statement does not hide the others: each gets its own result,
/// so batch mode can report it and go on (or stop, with `--bail`). Text after the last `;`
/// is an error: `unterminated statement: missing ';'` (or its own syntax error, if it has one
/// before the end), and so is a string or comment left open. When `endsInput` is true the
/// buffer is the end of a script (a file, `-c`, stdin at end of file): its last statement
/// may leave out the `;`, as psql runs a final unterminated statement.
public func parseScript(_ buffer: String, endsInput: Bool = false) -> [ScriptStatement] {
    let split = StatementSplit(buffer)
    var result = split.terminated.map { segment in
        ScriptStatement(text: split.text(of: segment), range: split.range(of: segment), result: split.parse(segment))
    }
    if let unterminated = split.unterminated {
        let start = split.trailing.first?.range.start ?? unterminated.range?.start ?? 0
        let range = SourceRange(start: start, end: split.bytes.count)
        let text = String(decoding: split.bytes[range.bytes], as: UTF8.self).trimmingSpaces
        result.append(ScriptStatement(text: text, range: range, result: .failure(unterminated)))
    } else if let last = split.trailing.last {
        let segment = StatementSplit.Segment(tokens: split.trailing, terminator: nil)
        var outcome = split.parse(segment)
        let missing = SQLError("unterminated statement: missing ';'", at: .at(last.range.end),
                               hint: "end every statement with ';'")
        switch outcome {
        case .success where endsInput: break
        case .success: outcome = .failure(missing)
        case .failure(let error) where !endsInput && (error.range?.start ?? 0) >= last.range.end: outcome = .failure(missing)
        case .failure: break
        }
        result.append(ScriptStatement(text: split.text(of: segment), range: split.range(of: segment), result: outcome))
    }
    return result
}

/// A buffer cut into statements at each `;` token.
struct StatementSplit {
    struct Segment {
        var tokens: [Token]
        var terminator: Token?
    }

    let bytes: [UInt8]
    /// Statements ended by `;` (empty statements, `;;`, are skipped).
    var terminated: [Segment] = []
    /// Tokens after the last `;`.
    var trailing: [Token] = []
    /// Set when the buffer ends inside a string, quoted name or block comment.
    let unterminated: SQLError?

    init(_ buffer: String) {
        bytes = Array(buffer.utf8)
        let stream = Lexer.tokenize(buffer)
        unterminated = stream.unterminated
        var current: [Token] = []
        for token in stream.tokens {
            if token.isSymbol(";") {
                if !current.isEmpty { terminated.append(Segment(tokens: current, terminator: token)) }
                current = []
            } else {
                current.append(token)
            }
        }
        trailing = current
    }

    func range(of segment: Segment) -> SourceRange {
        guard let first = segment.tokens.first, let last = segment.tokens.last else { return .at(0) }
        return first.range.union(last.range)
    }

    func text(of segment: Segment) -> String {
        String(decoding: bytes[range(of: segment).bytes], as: UTF8.self)
    }

    /// Parses one segment. A token the lexer refused is reported, unless the parser fails earlier.
    func parse(_ segment: Segment) -> Result<ParsedStatement, SQLError> {
        let tokens = segment.tokens
        let invalidIndex = tokens.firstIndex { if case .invalid = $0.kind { true } else { false } }
        let visible = invalidIndex.map { Array(tokens[..<$0]) } ?? tokens
        let end = invalidIndex.map { tokens[$0] }
            ?? segment.terminator
            ?? Token(kind: .symbol, value: "", text: "", range: .at(tokens.last?.range.end ?? 0))
        var parser = Parser(source: bytes, tokens: visible, end: end, terminated: segment.terminator != nil)
        do {
            let (statement, valueRange) = try parser.statement()
            if let invalidIndex, case .invalid(let error) = tokens[invalidIndex].kind { return .failure(error) }
            return .success(ParsedStatement(statement: statement, text: text(of: segment),
                                            range: range(of: segment), valueRange: valueRange))
        } catch {
            if let invalidIndex, case .invalid(let lexical) = tokens[invalidIndex].kind,
               (error.range?.start ?? 0) >= tokens[invalidIndex].range.start {
                return .failure(lexical)
            }
            return .failure(error)
        }
    }
}
