import SluiceEngine

/// INJECT, STEP, RUN, BARRIER, WATCH and TRACE: the statements that move the engine.
extension Parser {
    /// `INJECT n INTO source [PARTITION p]`; returns the partition's range for `valueRange`.
    mutating func inject() throws(SQLError) -> (Statement, SourceRange?) {
        _ = try expect("inject")
        let (count, countRange) = try integer("a row count after INJECT", minimum: 1, example: "INJECT 5000 INTO clicks",
                                              range: "INJECT appends 1 to \(Limits.maxInjectRows) rows at a time")
        guard count <= Limits.maxInjectRows else {
            throw SQLError("INJECT appends at most \(Limits.maxInjectRows) rows at a time, found \(count)", at: countRange,
                           hint: "inject in several statements, or give the source a rate")
        }
        _ = try expect("into", "after the row count")
        let source = try identifier("a source name after INTO")
        var partition: Int?
        var partitionRange: SourceRange?
        if accept("partition") != nil {
            let (value, range) = try integer("a partition number", minimum: 0, example: "PARTITION 0")
            (partition, partitionRange) = (value, range)
        }
        try expectEnd()
        return (.inject(count: count, source: source, partition: partition), partitionRange)
    }

    /// The most events one `STEP n` runs (and lists).
    static let maxStepEvents = Statement.maxStepEvents

    /// `STEP`, `STEP 10`, `STEP 250ms`, `STEP BARRIER`; returns a duration's range for
    /// `valueRange` (the session refuses one that would pass the end of virtual time).
    mutating func step() throws(SQLError) -> (Statement, SourceRange?) {
        _ = try expect("step")
        let amount: StepAmount
        var range: SourceRange?
        let token = current
        switch token.kind {
        case _ where atEnd:
            amount = .events(1)
        case .integer:
            let (count, range) = try integer("an event count after STEP", minimum: 1,
                                             range: "STEP runs 1 to \(Self.maxStepEvents) events; STEP 250ms advances virtual time instead")
            // Each event is a line of output: more than anyone reads is a typo.
            guard count <= Self.maxStepEvents else {
                throw SQLError("STEP lists every event it runs: at most \(Self.maxStepEvents) at a time, found \(count)", at: range,
                               hint: "RUN 10s advances virtual time without listing the events")
            }
            amount = .events(count)
        case .duration, .string:
            let (ns, durationRange) = try duration("a duration", after: "STEP")
            (amount, range) = (.duration(ns), durationRange)
        case .word where token.value == "barrier":
            advance()
            amount = .barrier
        default:
            throw unexpected("a number of events, a duration or BARRIER after STEP", suggesting: ["barrier"],
                             hint: "STEP 10 runs ten events, STEP 250ms advances virtual time, STEP BARRIER completes a barrier")
        }
        try expectEnd()
        return (.step(amount), range)
    }

    /// `RUN 30s`; returns the duration's range for `valueRange`.
    mutating func run() throws(SQLError) -> (Statement, SourceRange?) {
        _ = try expect("run")
        let (ns, range) = try duration("a duration", after: "RUN")
        try expectEnd()
        return (.run(ns), range)
    }

    /// The statements WATCH repeats: those that only read the engine.
    static let watchable = Statement.watchable

    /// `WATCH statement [EVERY d] FOR d [SPEED s]`, clauses in any order, where the statement
    /// reads: SHOW, SELECT, PLOT, DESCRIBE, DIAGNOSE or EXPLAIN. Returns for `valueRange` the
    /// range of the duration that decides how far it runs (FOR, or a longer EVERY).
    mutating func watch() throws(SQLError) -> (Statement, SourceRange?) {
        let watch = try expect("watch")
        let first = current
        let accepted = "SHOW, SELECT, PLOT, DESCRIBE, DIAGNOSE or EXPLAIN"
        let example = "WATCH SHOW QUEUES EVERY 200ms FOR 10s"
        guard first.kind == .word, Parser.watchable.contains(first.value) else {
            if first.kind == .word, Keywords.statements.contains(first.value.uppercased()) || first.value == "watch" {
                throw SQLError("WATCH repeats only statements that read, not \(first.value.uppercased())", at: first.range,
                               hint: "run \(first.value.uppercased()) on its own, then watch its effect: \(example); WATCH takes \(accepted)")
            }
            throw unexpected("\(accepted) after WATCH", suggesting: Parser.watchable, hint: "for example: \(example)")
        }
        // The repeated statement ends at the first EVERY, FOR or SPEED followed by its value,
        // outside parentheses (a column may be called `speed`).
        let start = position
        var stop = start
        var depth = 0
        while stop < tokens.count {
            let token = tokens[stop]
            if token.isSymbol("(") { depth += 1 } else if token.isSymbol(")") { depth -= 1 }
            if depth == 0, token.kind == .word, ["every", "for", "speed"].contains(token.value) {
                guard stop + 1 < tokens.count else { break }
                switch tokens[stop + 1].kind {
                case .duration, .speed, .string, .integer, .decimal: break
                default: stop += 1; continue
                }
                break
            }
            stop += 1
        }
        // The clause word ends the inner statement as its `;` would: a symbol, so that no name
        // or keyword reads it, shown as written in messages (`found 'EVERY'`).
        var innerEnd = end
        if stop < tokens.count {
            innerEnd = tokens[stop]
            innerEnd.kind = .symbol
        }
        var inner = Parser(source: source, tokens: Array(tokens[start..<stop]), end: innerEnd,
                           terminated: stop < tokens.count || terminated)
        let statement = try inner.statement().0
        position = stop
        let watched = ParsedStatement(statement: statement, text: text(fromToken: start),
                                      range: tokens[start].range.union(tokens[stop - 1].range))
        var every: Int64?, duration: Int64?, speed: Double?
        var durationRange: SourceRange?, speedRange: SourceRange?
        while !atEnd {
            let clause = current
            if every == nil, accept("every") != nil {
                every = try self.duration("an interval", after: "EVERY").0
            } else if duration == nil, accept("for") != nil {
                (duration, durationRange) = try self.duration("a duration", after: "FOR")
            } else if speed == nil, accept("speed") != nil {
                speedRange = current.range
                speed = try speedFactor()
            } else if ["every", "for", "speed"].contains(clause.value), clause.kind == .word {
                throw SQLError("\(clause.value.uppercased()) is given twice", at: clause.range)
            } else {
                throw unexpected("EVERY, FOR, SPEED or ';'", suggesting: ["every", "for", "speed"])
            }
        }
        guard let duration else {
            throw SQLError("WATCH needs FOR and a duration", at: watch.range.union(end.range),
                           hint: "for example: WATCH SHOW QUEUES EVERY 200ms FOR 10s")
        }
        let interval = every ?? Statement.defaultWatchInterval
        if let speed {
            // Paced to the wall clock, the whole WATCH takes its virtual span divided by SPEED.
            let wall = Double(duration) / speed
            guard wall <= Double(Statement.maxPacedWatch) else {
                throw SQLError("WATCH at SPEED \(VirtualTime.formatNumber(speed))x would take \(VirtualTime.formatNumber(wall / 1e9))s "
                               + "of wall time: at most \(Statement.maxPacedWatch / DurationUnit.hour.nanoseconds)h", at: speedRange,
                               hint: "a higher SPEED or a shorter FOR; without SPEED, WATCH runs as fast as it can")
            }
        }
        return (.watch(watched, every: interval, duration: duration, speed: speed), durationRange)
    }

    /// The slowest and fastest SPEED: a thousandth of real time, a million times it.
    static let speeds = Statement.watchSpeeds

    /// `1x`, `2.5x`, `2`, `0.5`: a factor within ``speeds``.
    mutating func speedFactor() throws(SQLError) -> Double {
        let token = current
        let value: Double
        switch token.kind {
        case .speed(let factor): value = factor
        case .integer, .decimal: value = Double(token.value) ?? .infinity
        default: throw unexpected("a speed factor after SPEED", hint: "for example: SPEED 1x, SPEED 2x, SPEED 0.5x")
        }
        advance()
        guard value > 0, value.isFinite else {
            throw SQLError("SPEED must be positive, found \(token.text)", at: token.range)
        }
        guard Self.speeds.contains(value) else {
            throw SQLError("SPEED must be between \(VirtualTime.formatNumber(Self.speeds.lowerBound))x and "
                           + "\(VirtualTime.formatNumber(Self.speeds.upperBound))x, found \(token.text)", at: token.range,
                           hint: "1x is real time; without SPEED, WATCH runs as fast as it can")
        }
        return value
    }

    /// `TRACE ON`, `TRACE OFF`, `TRACE credit, barriers`.
    mutating func trace() throws(SQLError) -> Statement {
        _ = try expect("trace")
        if accept("on") != nil { try expectEnd(); return .trace(.on) }
        if accept("off") != nil { try expectEnd(); return .trace(.off) }
        let names = TraceCategory.allCases.map(\.rawValue)
        let accepted = "ON, OFF or categories: " + names.joined(separator: ", ")
        guard current.kind == .word else { throw unexpected("ON, OFF or a category after TRACE", hint: "TRACE takes \(accepted)") }
        var categories: [TraceCategory] = []
        repeat {
            let token = current
            guard token.kind == .word else { throw unexpected("a trace category", hint: "TRACE takes \(accepted)") }
            guard let category = TraceCategory.named(token.value) else {
                var hint = "TRACE takes \(accepted)"
                if let near = Suggest.nearest(token.value, among: names + ["on", "off"]) {
                    hint = "did you mean \(near)? " + hint
                }
                throw SQLError("unknown trace category '\(token.text)'", at: token.range, hint: hint)
            }
            advance()
            if !categories.contains(category) { categories.append(category) }
        } while acceptSymbol(",") != nil
        try expectEnd()
        return .trace(.categories(categories))
    }
}

extension TraceCategory {
    /// The category for a word, singular or plural: `credit(s)`, `permit(s)`, `barrier(s)`, `blocking`,
    /// `kafka` (consumer groups and fetches).
    static func named(_ word: String) -> TraceCategory? {
        switch word {
        case "credit", "credits": .credit
        case "permit", "permits": .permits
        case "barrier", "barriers": .barriers
        case "blocking", "block", "blocked": .blocking
        case "kafka", "consumer", "consumers": .kafka
        default: nil
        }
    }
}
