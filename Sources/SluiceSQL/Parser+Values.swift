/// Names, numbers, durations and `WITH (...)` option lists.
extension Parser {
    // MARK: Names

    /// True when the next token can be a name: a quoted identifier or an unreserved word.
    var seesName: Bool {
        current.kind == .quotedIdentifier || (current.kind == .word && !Keywords.isReserved(current.value))
    }

    /// Reads a name, or fails with `expected <what>, found X` (with a hint for reserved words).
    mutating func identifier(_ what: String) throws(SQLError) -> Identifier {
        let token = current
        if seesName {
            advance()
            return Identifier(token.value, range: token.range)
        }
        if token.kind == .word {
            throw unexpected(what, hint: "'\(token.value)' is a reserved word; write \"\(token.value)\" to use it as a name")
        }
        throw unexpected(what)
    }

    /// Reads a dotted name such as `spend.agg.0` as one identifier whose name keeps the dots.
    /// Parts after the first may be numbers.
    mutating func dottedName(_ what: String) throws(SQLError) -> Identifier {
        var name = try identifier(what)
        while seesSymbol("."), [.word, .quotedIdentifier, .integer, .decimal].contains(peek(1).kind) {
            advance()
            let part = advance()
            name = Identifier(name.name + "." + (part.kind == .decimal ? part.text : part.value),
                              range: name.range.union(part.range))
        }
        return name
    }

    // MARK: Numbers

    /// Reads a whole number of at least `minimum`, possibly written with a leading `-`.
    /// `example` is the hint when no number is there; `range` the hint when it is out of range.
    mutating func integer(_ what: String, minimum: Int, example: String? = nil, range rangeHint: String? = nil) throws(SQLError) -> (Int, SourceRange) {
        let start = current.range.start
        let negative = seesSymbol("-") && peek(1).kind == .integer
        if negative { advance() }
        let token = current
        guard token.kind == .integer else {
            let hint: String? = token.kind == .decimal ? "\(what) must be a whole number" : example.map { "for example: \($0)" }
            throw unexpected(what, hint: hint)
        }
        advance()
        let range = SourceRange(start: start, end: token.range.end)
        guard let magnitude = Int(token.value) else {
            throw SQLError("\(what) \(token.text) is out of range", at: range, hint: rangeHint)
        }
        let value = negative ? -magnitude : magnitude
        guard value >= minimum else {
            throw SQLError("\(what) must be at least \(minimum), found \(value)", at: range, hint: rangeHint)
        }
        return (value, range)
    }

    /// Reads a duration: a bare `250ms` or a quoted `'250ms'`. A plain number fails with a
    /// hint to add a unit. With `positive`, zero is refused.
    mutating func duration(_ what: String, after context: String, positive: Bool = true) throws(SQLError) -> (Int64, SourceRange) {
        let token = current
        let value: Int64
        switch token.kind {
        case .duration(let ns):
            value = ns
        case .string:
            switch Literals.parseDuration(token.value) {
            case .success(let ns): value = ns
            case .failure(let error): throw error.sqlError(at: token.range)
            }
        case .integer, .decimal:
            // Zero needs no unit (`latency = 0`).
            guard Literals.isZero(token.text) else {
                throw SQLError("duration '\(token.text)' has no unit", at: token.range,
                               hint: "write \(context) \(token.text)ms or \(context) \(token.text)s (units: \(DurationUnit.list))")
            }
            value = 0
        default:
            throw unexpected("\(what) after \(context)", hint: "for example: \(context) 250ms (units: \(DurationUnit.list))")
        }
        advance()
        if positive, value <= 0 {
            throw SQLError("\(context) needs a positive duration, found \(token.text)", at: token.range,
                           hint: Parser.positiveDurationHints[context] ?? "for example: \(context) 250ms")
        }
        return (value, token.range)
    }

    /// What to write instead of a zero duration, where an example alone says too little.
    static let positiveDurationHints = [
        "RUN": "RUN 1s advances virtual time by one second; STEP runs a single event",
        "STEP": "STEP 250ms advances virtual time by 250ms; STEP alone runs a single event",
    ]

    // MARK: Options

    /// Reads `( key = value, ... )`, refusing a key given twice.
    mutating func optionList(_ context: String, into options: inout [WithOption]) throws(SQLError) {
        _ = try expectSymbol("(", "after \(context)")
        if seesSymbol(")") {
            throw unexpected("an option name", hint: "write \(context) (name = value, ...), or leave out the empty list")
        }
        repeat {
            let key = try optionKey()
            _ = try expectSymbol("=", "after option '\(key.name)'")
            let (value, valueRange) = try optionValue(for: key.name)
            if options.contains(where: { $0.key.name == key.name }) {
                throw SQLError("option '\(key.name)' is given more than once", at: key.range)
            }
            options.append(WithOption(key: key, value: value, valueRange: valueRange))
        } while acceptSymbol(",") != nil
        _ = try expectSymbol(")", "or ',' after the option")
    }

    /// An option name: any word (reserved ones too: the position is unambiguous), dotted.
    mutating func optionKey() throws(SQLError) -> Identifier {
        guard current.kind == .word || current.kind == .quotedIdentifier else {
            throw unexpected("an option name")
        }
        let first = advance()
        var key = Identifier(first.value, range: first.range)
        while seesSymbol("."), peek(1).kind == .word {
            advance()
            let part = advance()
            key = Identifier(key.name + "." + part.value, range: key.range.union(part.range))
        }
        return key
    }

    /// An option or variable value: a number (maybe negative), string, duration, boolean or name.
    mutating func optionValue(for key: String) throws(SQLError) -> (OptionValue, SourceRange) {
        let token = current
        switch token.kind {
        case .symbol where token.value == "-" && [.integer, .decimal].contains(peek(1).kind):
            advance()
            let number = advance()
            return (.number(-(Double(number.value) ?? 0), text: "-" + number.value), token.range.union(number.range))
        case .symbol where token.value == "-" && peek(1).isDuration:
            throw SQLError("value of '\(key)' cannot be a negative duration", at: token.range.union(peek(1).range))
        case .integer, .decimal:
            advance()
            return (.number(Double(token.value) ?? .infinity, text: token.value), token.range)
        case .string:
            advance()
            return (.string(token.value), token.range)
        case .duration(let ns):
            advance()
            return (.duration(ns, text: token.text), token.range)
        case .word where ["true", "on"].contains(token.value):
            advance()
            return (.boolean(true), token.range)
        case .word where ["false", "off"].contains(token.value):
            advance()
            return (.boolean(false), token.range)
        case .word, .quotedIdentifier:
            if peek(1).isSymbol("("), token.kind == .word {
                let whole = parenthesized(from: position + 1)
                let written = String(decoding: source[token.range.start..<whole.end], as: UTF8.self)
                throw SQLError("the value of '\(key)' must be quoted", at: token.range.union(whole),
                               hint: "write \(key) = '\(written)'")
            }
            advance()
            return (.identifier(token.value), token.range)
        default:
            throw unexpected("a value for '\(key)'",
                             hint: "a value is a number, a 'string', a duration such as 30s, TRUE, FALSE or a name")
        }
    }
}

extension Token {
    /// True for a `250ms`-style token.
    var isDuration: Bool {
        if case .duration = kind { return true }
        return false
    }
}
