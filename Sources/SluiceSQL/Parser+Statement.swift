/// The first word of a statement decides which parser reads it.
extension Parser {
    /// Statements of other SQL dialects that Sluice answers with a pointer to its own.
    static let foreignStatements: [String: String] = [
        "insert": "use INJECT n INTO source to append generated rows to a source's log",
        "update": "sources are append-only logs; change a generator with ALTER SOURCE name SET (...)",
        "delete": "sources are append-only logs; DROP removes a whole object",
        "begin": "Sluice has no transactions: every statement applies at once",
        "commit": "Sluice has no transactions: every statement applies at once",
        "rollback": "Sluice has no transactions; .rewind N goes back to an earlier cell",
        "flush": "use BARRIER to inject a barrier, or STEP BARRIER to complete one",
        "quit": "type .quit (or press Ctrl-D) to leave the shell",
        "exit": "type .quit (or press Ctrl-D) to leave the shell",
    ]

    /// Reads one statement, up to its end. Returns the statement and, for SET, INJECT, RUN,
    /// STEP, WATCH and HELP, the range of the value (HELP's topic) the AST keeps without one.
    mutating func statement() throws(SQLError) -> (Statement, SourceRange?) {
        let token = current
        guard token.kind == .word else {
            throw SQLError("expected a statement, found \(describe(token))", at: token.range, hint: Parser.statementHint)
        }
        var valueRange: SourceRange?
        let statement: Statement
        switch token.value {
        case "create": statement = try create()
        case "drop": statement = try drop()
        case "alter": statement = try alter()
        case "select":
            let query = try query()
            try expectEndOfQuery()
            statement = .select(query)
        case "inject": (statement, valueRange) = try inject()
        case "step": (statement, valueRange) = try step()
        case "run": (statement, valueRange) = try run()
        case "barrier":
            advance()
            statement = .barrier
        case "watch": (statement, valueRange) = try watch()
        case "trace": statement = try trace()
        case "set": (statement, valueRange) = try set()
        case "show": statement = try show()
        case "describe", "desc":
            advance()
            statement = .describe(try identifier("a source, table, view or sink name"))
        case "reset": statement = try reset()
        case "explain": statement = try explain()
        case "diagnose":
            advance()
            statement = .diagnose
        case "plot": statement = try plot()
        case "help": (statement, valueRange) = try help()
        case "with":
            throw SQLError("WITH queries (common table expressions) are not supported", at: token.range,
                           hint: "create a materialized view for each part and select from it")
        default:
            if let hint = Parser.foreignStatements[token.value] {
                throw SQLError("\(token.value.uppercased()) is not supported", at: token.range, hint: hint)
            }
            let near = Suggest.nearest(token.value, among: Keywords.statements.map { $0.lowercased() })
            throw SQLError("unknown statement '\(token.text)'", at: token.range,
                           hint: near.map { "did you mean \($0.uppercased())?" } ?? Parser.statementHint)
        }
        try expectEnd()
        return (statement, valueRange)
    }

    /// `HELP`, `HELP flow_control`, `HELP CREATE MATERIALIZED VIEW`: the topic is the words
    /// up to the end, lower-cased and joined by one space; returns their range for `valueRange`.
    mutating func help() throws(SQLError) -> (Statement, SourceRange?) {
        _ = try expect("help")
        var words: [String] = []
        var range: SourceRange?
        while !atEnd {
            guard current.kind == .word else {
                throw unexpected(words.isEmpty ? "a topic or ';' after HELP" : "a word of the topic or ';'",
                                 hint: "HELP; lists the statements, HELP flow_control; explains one topic, HELP CREATE SOURCE; one statement")
            }
            let token = advance()
            words.append(token.value)
            range = range.map { $0.union(token.range) } ?? token.range
        }
        return (.help(topic: words.isEmpty ? nil : words.joined(separator: " ")), range)
    }

    /// The hint for something that is not a statement: the words one can start with.
    static let statementHint = "statements begin with " + Keywords.statements.dropLast().joined(separator: ", ")
        + " or " + (Keywords.statements.last ?? "") + "; .help lists them and the dot-commands"
}
