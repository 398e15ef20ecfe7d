import SluiceEngine
import SluiceSQL

/// Completion inside SQL-like statements: which kind of word the position expects.
extension CompletionEngine {
    func statementOffers(_ before: String, after: String, context: CompletionContext) -> (String, [Offer]) {
        let word = Self.trailingWord(before, CompletionLexer.isWordCharacter)
        let head = String(before.dropLast(word.count))
        let (tokens, unterminated) = CompletionLexer.tokens(head)
        if unterminated { return (word, []) }
        let start = tokens.lastIndex { $0.isPunctuation(";") }.map { $0 + 1 } ?? 0
        let statement = Array(tokens[start...])
        let rest = CompletionLexer.tokens(after).tokens
        let whole = statement + [CompletionToken(kind: .word, text: word)]
            + rest.prefix { !$0.isPunctuation(";") }
        return (word, offers(statement, whole: whole, word: word, context: context))
    }

    func offers(_ s: [CompletionToken], whole: [CompletionToken], word: String, context: CompletionContext) -> [Offer] {
        let words = s.map { $0.kind == .word ? $0.upper : $0.text }
        let first = words.first ?? ""
        let previous = words.last ?? ""
        let relations = context.sources + context.tables + context.views
        let keywords = Offer.keywords(CompletionVocabulary.keywords)
        if s.isEmpty { return [.keywords(CompletionVocabulary.statementStarts)] }

        if let call = enclosingCall(s), call.argument == 0, SeriesMetric(rawValue: call.name)?.needsTarget == true {
            // Once the argument is there, the call wants its `)` (or a `,`): no name again.
            guard previous == "(" else { return [] }
            switch call.name {
            case "lag": return [.names(context.sources)]
            case "throughput": return [.names(context.sinks + context.views)]
            default: return [.names(metricTargets(context))]
            }
        }
        if let call = enclosingCall(s), call.name == "with" || call.name == "set", previous == "(" || previous == ",",
           let options = optionNames(words) {
            // The options this CREATE or ALTER takes, less those already in the list.
            let given = Set(s.indices.dropFirst().filter { s[$0 - 1].isPunctuation("(") || s[$0 - 1].isPunctuation(",") }.map { s[$0].text.lowercased() })
            return [.names(options.filter { !given.contains($0) })]
        }
        for (prefix, follow) in CompletionVocabulary.followers where words == prefix {
            return [.keywords(follow)]
        }
        if first == "DROP", let drop = dropOffers(words, context: context) { return drop }
        // A statement that is already whole: nothing more to add but its ';'.
        if (words.count == 2 && first == "SHOW" && CompletionVocabulary.showTargets.contains(words[1])
                && !["METRICS", "COLUMNS"].contains(words[1]))
            || (words.count == 2 && ["DESCRIBE", "DESC", "EXPLAIN"].contains(first) && s[1].kind == .word
                && !CompletionVocabulary.keywords.contains(words[1]))
            || (words.count == 1 && ["BARRIER", "DIAGNOSE"].contains(first)) {
            return []
        }
        switch words {
        case ["SET"]: return [.names(context.variables)]
        case ["SHOW"], ["WATCH", "SHOW"]:
            return [.keywords(CompletionVocabulary.showTargets), .names(context.variables)]
        case ["RESET"]: return [.keywords(["ALL", "METRICS"]), .names(context.variables)]
        case ["EXPLAIN"]: return [.keywords(["CREATE", "SELECT"]), .names(context.views)]
        case ["DESCRIBE"], ["DESC"], ["SHOW", "COLUMNS", "FROM"]: return [.names(relations + context.sinks)]
        case ["ALTER", "SOURCE"]: return [.names(context.sources)]
        case ["ALTER", "TABLE"]: return [.names(context.tables)]
        case ["ALTER", "MATERIALIZED", "VIEW"]: return [.names(context.views)]
        case ["ALTER", "SINK"]: return [.names(context.sinks)]
        default: break
        }
        if first == "HELP" {
            // Mechanisms' names as they are written; statements' words in the case being typed.
            let typed = Array(words.dropFirst())
            return [.names(Help.nextWords(after: typed, among: Help.topics.flatMap(\.names))),
                    .keywords(Help.nextWords(after: typed, among: Help.statements.flatMap(\.names)))]
        }
        if first == "SET" && words.count == 3 && (previous == "=" || previous == "TO") {
            return [.names(context.values(of: s[1].text))]
        }
        if words.count >= 2 && words.suffix(2) == ["SHOW", "METRICS"] { return [.names(metricTargets(context))] }
        if first == "ALTER" && words.count == 3 && words[1] == "SOURCE" { return [.keywords(["PAUSE", "RESUME", "SET"])] }
        if first == "ALTER" && words.count == 3 && (words[1] == "TABLE" || words[1] == "SINK") { return [.keywords(["SET"])] }
        if words.count == 3 && words[0...1] == ["CREATE", "SINK"] { return [.keywords(["FROM", "AS", "WITH"])] }
        if words.count == 4 && words[0...1] == ["CREATE", "MATERIALIZED"] { return [.keywords(["AS", "WITH"])] }
        if first == "ALTER" && words.count == 4 && words[1] == "MATERIALIZED" { return [.keywords(["SET"])] }
        if first == "ALTER" && (previous == "PAUSE" || previous == "RESUME") { return [.keywords(["PARTITION"])] }
        if first == "ALTER" && previous == "SET" && (words[1] == "MATERIALIZED" || words[1] == "SINK") { return [.keywords(["PARALLELISM"])] }
        if first == "INJECT" {
            if previous == "INTO" { return [.names(context.sources)] }
            if words.count == 2 { return [.keywords(["INTO"])] }
        }
        if previous == "FROM" || previous == "JOIN" {
            if words.count >= 2 && words[0] == "CREATE" && words[1] == "SINK" { return [.names(context.views + context.sources + context.tables)] }
            // An ad hoc SELECT reads what holds rows: views and tables, not a source's log.
            if first == "SELECT" || (["WATCH", "EXPLAIN"].contains(first) && words.count >= 2 && words[1] == "SELECT") {
                return [.names(context.views + context.tables)]
            }
            return [.names(relations)]
        }
        if let offers = queryOffers(s, words: words, whole: whole, word: word, context: context) { return offers }
        if words.count == 5 && words[0...1] == ["CREATE", "SINK"] && words[3] == "FROM" { return [.keywords(["WITH"])] }
        if words.count == 4 && words[0...2] == ["SHOW", "COLUMNS", "FROM"] { return [] }
        // `SET name = value`, as the docs write it (both parse); a typed `t` gets psql's TO.
        if first == "SET" && words.count == 2 { return word.isEmpty ? [.names(["="])] : [.keywords(["TO"])] }
        if first == "INJECT" && words.count == 4 && words[2] == "INTO" { return [.keywords(["PARTITION"])] }
        if first == "PLOT" && (previous == "PLOT" || previous == ",") {
            return [.names(CompletionVocabulary.plotSeries)]
        }
        // After a series (`queue(x)`, `barrier_latency`): only LAST may follow (or `,`); after
        // LAST, its duration; after a series name without its parenthesis, nothing.
        if first == "PLOT" {
            if previous == ")" || previous == "BARRIER_LATENCY" { return [.keywords(["LAST"])] }
            return []
        }
        if first == "WATCH" && words.count >= 3 { return [.keywords(["EVERY", "FOR", "SPEED"])] }
        // Where a count, a duration or a value comes, or the statement is whole: no keyword fits.
        switch first {
        case "STEP": return words.count == 1 ? [.keywords(["BARRIER"])] : []
        case "RUN", "INJECT", "SET": return []
        default: return [keywords]
        }
    }

    /// What SHOW METRICS and PLOT's actor series take: an actor (`job.role.i`), a fragment
    /// (`job.role`, its actors' name less the index) or a job (a view or a sink).
    func metricTargets(_ context: CompletionContext) -> [String] {
        let fragments = context.actors.compactMap { actor in actor.lastIndex(of: ".").map { String(actor[..<$0]) } }
        return context.actors + fragments + context.views + context.sinks
    }

    /// The options `CREATE kind … WITH (` or `ALTER kind name SET (` takes (the planner's own
    /// lists), or nil when the statement takes none there.
    func optionNames(_ words: [String]) -> [String]? {
        guard words.count >= 2 else { return nil }
        switch (words[0], words[1]) {
        case ("CREATE", "SOURCE"): return Planner.sourceOptions
        case ("CREATE", "TABLE"): return Planner.tableOptions
        case ("CREATE", "MATERIALIZED"): return Planner.viewOptions
        case ("CREATE", "SINK"): return Planner.sinkOptions
        case ("ALTER", "SOURCE"): return Planner.alterableSourceOptions
        case ("ALTER", "TABLE"): return Planner.alterableTableOptions
        case ("ALTER", "MATERIALIZED"): return Planner.alterableViewOptions
        case ("ALTER", "SINK"): return Planner.alterableSinkOptions
        default: return nil
        }
    }

    /// `DROP kind [IF EXISTS] name`: the kind's names (and IF) after the kind, EXISTS after
    /// IF, nothing once the name is there (CASCADE is not supported). Nil for an unknown kind.
    func dropOffers(_ words: [String], context: CompletionContext) -> [Offer]? {
        let names: [String], rest: ArraySlice<String>
        switch words.dropFirst().first {
        case "SOURCE": (names, rest) = (context.sources, words.dropFirst(2))
        case "TABLE": (names, rest) = (context.tables, words.dropFirst(2))
        case "SINK": (names, rest) = (context.sinks, words.dropFirst(2))
        case "VIEW": (names, rest) = (context.views, words.dropFirst(2))
        case "MATERIALIZED" where words.count >= 3 && words[2] == "VIEW": (names, rest) = (context.views, words.dropFirst(3))
        default: return nil
        }
        switch Array(rest) {
        case []: return [.names(names), .keywords(["IF"])]
        case ["IF"]: return [.keywords(["EXISTS"])]
        case ["IF", "EXISTS"]: return [.names(names)]
        default: return []
        }
    }

    /// The function call the cursor is directly inside, and which argument it is at.
    func enclosingCall(_ s: [CompletionToken]) -> (name: String, argument: Int)? {
        var depth = 0, commas = 0
        for i in s.indices.reversed() {
            let t = s[i]
            if t.isPunctuation(")") { depth += 1 }
            else if t.isPunctuation(",") && depth == 0 { commas += 1 }
            else if t.isPunctuation("(") {
                if depth == 0 {
                    guard i > 0, s[i - 1].kind == .word else { return nil }
                    return (s[i - 1].text.lowercased(), commas)
                }
                depth -= 1
            }
        }
        return nil
    }
}
