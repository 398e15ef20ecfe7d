/// Completion inside a query: `SELECT items FROM relation [JOIN relation ON …] [WHERE …]
/// [GROUP BY …] [ORDER BY … [ASC|DESC]] [LIMIT n] [OFFSET n]`, as the parser reads it.
///
/// Where an operand starts (after SELECT, WHERE, ON, BY, a comma, an operator), the columns
/// of the relations the statement names; where one has just ended, the words that may follow
/// it in its clause, then the clauses that may still come. Which clauses depends on the
/// query: an ad hoc read (SELECT, EXPLAIN SELECT, WATCH SELECT) takes ORDER BY, LIMIT and
/// OFFSET and reads one relation; a view's or a sink's query (CREATE … AS SELECT) may join
/// once and ends with WITH, and the planner refuses ORDER BY, LIMIT and OFFSET there.
extension CompletionEngine {
    /// The clauses of a query, in the order they come.
    static let queryClauses = ["FROM", "JOIN", "WHERE", "GROUP", "ORDER", "LIMIT", "OFFSET"]

    /// What may come at the end of `s` (the statement's tokens before the word being typed)
    /// inside a query: its select list, FROM, JOIN, ON, WHERE, GROUP BY, ORDER BY, LIMIT,
    /// OFFSET or WITH; nil elsewhere (WATCH's clauses after a watched query among them).
    func queryOffers(_ s: [CompletionToken], words: [String], whole: [CompletionToken], word: String,
                     context: CompletionContext) -> [Offer]? {
        guard let select = s.lastIndex(where: { $0.isWord("SELECT") }), let last = s.last else { return nil }
        let query = s[select...]
        let markers: Set<String> = ["SELECT", "FROM", "JOIN", "ON", "WHERE", "BY", "LIMIT", "OFFSET", "WITH", "EVERY", "FOR", "SPEED"]
        guard let at = query.lastIndex(where: { $0.kind == .word && markers.contains($0.upper) }) else { return nil }
        var clause = s[at].upper
        if clause == "BY", at > select, ["GROUP", "ORDER"].contains(s[at - 1].upper) { clause = s[at - 1].upper }
        let later = laterClauses(after: clause == "ON" ? "JOIN" : clause, in: query, words: words)
        let afterMarker = Array(s[(at + 1)...])

        if last.isWord("GROUP") || last.isWord("ORDER") { return [.keywords(["BY"])] }
        switch clause {
        case "FROM", "JOIN":
            // The relation, then an alias: `clicks`, `clicks c`, `clicks AS c`.
            if last.isWord("AS") { return [] }
            let names = afterMarker.filter { !$0.isWord("AS") }
            guard afterMarker.count <= 3, (1...2).contains(names.count),
                  names.allSatisfy({ $0.kind == .word && !isKeyword($0) }) else { return nil }
            if clause == "JOIN" { return [.keywords(names.count == 1 ? ["AS", "ON"] : ["ON"])] }
            return [.keywords(later)]
        case "SELECT", "ON", "WHERE", "GROUP", "ORDER":
            if startsOperand(last, after: s.dropLast().last) {
                return columnOffers(named: namedRelations(whole), word: word, context: context)
            }
            if last.isWord("AS") { return [] }                   // an alias: a new name
            if depth(query) > 0 { return [] }                   // only `)` or `,` can come
            switch clause {
            case "SELECT":
                let aliased = s.count >= 2 && s[s.count - 2].isWord("AS")
                return [.keywords(aliased || last.isPunctuation("*") ? ["FROM"] : ["AS", "FROM"])]
            case "ON":
                // `ON a.k` wants its `=` (an equi-join), after each AND too; then AND or what
                // follows the join.
                if !Self.comparisonIsWhole(afterMarker) { return [.names(["="])] }
                return [.keywords(["AND"] + later)]
            case "WHERE":
                if last.isWord("NOT") { return [.keywords(["BETWEEN", "IN"])] }
                if s.count >= 2 && s[s.count - 2].isWord("BETWEEN") { return [.keywords(["AND"])] }
                // An operand alone wants its comparison; a whole condition, AND, OR or a later clause.
                if !Self.comparisonIsWhole(afterMarker) { return [.names(Self.comparisons), .keywords(["BETWEEN", "IN", "NOT"])] }
                return [.keywords(["AND", "OR"] + later)]
            case "ORDER":
                return [.keywords((last.isWord("ASC") || last.isWord("DESC") ? [] : ["ASC", "DESC"]) + later)]
            default:
                return [.keywords(later)]
            }
        case "LIMIT", "OFFSET":
            // LIMIT and OFFSET come in either order, once each.
            let other = clause == "LIMIT" ? "OFFSET" : "LIMIT"
            let given = query.contains { $0.isWord(other) }
            return last.kind == .number ? [.keywords(given ? later.filter { $0 != other } : [other] + later.filter { $0 != other })] : []
        case "WITH":
            return []                                           // its options come inside `(`
        default:
            return nil                                          // WATCH's clauses
        }
    }

    /// The comparison operators, offered after an operand in WHERE.
    static let comparisons = ["=", "<>", "<", "<=", ">", ">="]

    /// Whether the last condition of a WHERE clause (the tokens after WHERE, at the end) has
    /// its comparison: an operator, IN, or BETWEEN (whose AND is its own, not a new condition).
    static func comparisonIsWhole(_ tokens: [CompletionToken]) -> Bool {
        var whole = false, between = false, depth = 0
        for t in tokens {
            if t.isPunctuation("(") { depth += 1; continue }
            if t.isPunctuation(")") { depth -= 1; continue }
            guard depth == 0 else { continue }
            if t.isWord("BETWEEN") { between = true; whole = true }
            else if t.isWord("AND") { if between { between = false } else { whole = false } }
            else if t.isWord("OR") { whole = false }
            else if t.isWord("IN") { whole = true }
            else if t.kind == .punctuation && ["=", "<", ">", "!"].contains(t.text) { whole = true }
        }
        return whole
    }

    /// The clauses that may still follow `clause` in this query, and WATCH's own at the end
    /// of a watched one.
    func laterClauses(after clause: String, in query: ArraySlice<CompletionToken>, words: [String]) -> [String] {
        let creates = words.first == "CREATE" || words.starts(with: ["EXPLAIN", "CREATE"])
        let joined = query.contains { $0.isWord("JOIN") }
        let index = Self.queryClauses.firstIndex(of: clause) ?? 0
        let clauses = Self.queryClauses[(index + 1)...].filter { c in
            switch c {
            case "JOIN": creates && !joined
            case "ORDER", "LIMIT", "OFFSET": !creates
            default: true
            }
        }
        return clauses + (creates ? ["WITH"] : []) + (words.first == "WATCH" ? ["EVERY", "FOR", "SPEED"] : [])
    }

    /// Whether an operand begins after `token` (`before` is the token ahead of it): after a
    /// clause's keyword, AND, OR, NOT, BETWEEN, IN, an operator, `(` or `,`; not after a
    /// name, a number, a string, `)`, ASC or DESC, or the `*` of `SELECT *` or `count(*)`.
    func startsOperand(_ token: CompletionToken, after before: CompletionToken?) -> Bool {
        // `x NOT` is half of NOT BETWEEN or NOT IN; `WHERE NOT` negates the operand to come.
        if token.isWord("NOT"), let before, endsOperand(before) { return false }
        switch token.kind {
        case .punctuation:
            if token.text == ")" { return false }
            if token.text == "*", let before {
                return !(before.isWord("SELECT") || before.isPunctuation(",") || before.isPunctuation("(") || before.isPunctuation("."))
            }
            return true
        case .word:
            return ["SELECT", "WHERE", "ON", "BY", "AND", "OR", "NOT", "BETWEEN", "IN"].contains(token.upper)
        case .number, .string:
            return false
        }
    }

    /// Whether `token` can end an operand: a name, a number, a string or `)`.
    func endsOperand(_ token: CompletionToken) -> Bool {
        switch token.kind {
        case .word: !isKeyword(token)
        case .number, .string: true
        case .punctuation: token.text == ")"
        }
    }

    /// How many parentheses are open at the end of `tokens`.
    func depth(_ tokens: ArraySlice<CompletionToken>) -> Int {
        tokens.reduce(0) { $0 + ($1.isPunctuation("(") ? 1 : $1.isPunctuation(")") ? -1 : 0) }
    }

    func isKeyword(_ token: CompletionToken) -> Bool {
        token.kind == .word && CompletionVocabulary.keywords.contains(token.upper)
    }

    /// The columns of the relations named after `FROM`/`JOIN` anywhere in the statement;
    /// `alias.` or `relation.` narrows to one relation.
    func columnOffers(named: [(relation: String, alias: String?)], word: String, context: CompletionContext) -> [Offer] {
        if let dot = word.lastIndex(of: ".") {
            let qualifier = word[..<dot].lowercased()
            if let relation = named.first(where: { $0.alias?.lowercased() == qualifier || $0.relation.lowercased() == qualifier }) {
                return [.names(context.columns(of: relation.relation).map { word[...dot] + $0 })]
            }
        }
        return [.names(named.flatMap { context.columns(of: $0.relation) })]
    }

    /// `FROM clicks c JOIN users AS u` → (clicks, c), (users, u).
    func namedRelations(_ tokens: [CompletionToken]) -> [(relation: String, alias: String?)] {
        func isName(_ i: Int) -> Bool {
            i < tokens.count && tokens[i].kind == .word && !tokens[i].text.isEmpty && !isKeyword(tokens[i])
        }
        var result: [(String, String?)] = []
        for i in tokens.indices where (tokens[i].isWord("FROM") || tokens[i].isWord("JOIN")) && isName(i + 1) {
            var aliasIndex = i + 2
            if aliasIndex < tokens.count && tokens[aliasIndex].isWord("AS") { aliasIndex += 1 }
            result.append((tokens[i + 1].text, isName(aliasIndex) ? tokens[aliasIndex].text : nil))
        }
        return result
    }
}
