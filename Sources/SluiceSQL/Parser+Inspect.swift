/// SET, SHOW, RESET, EXPLAIN, DIAGNOSE and PLOT: variables and inspection.
extension Parser {
    /// `SET name = value`, `SET name TO value`, `SET name TO DEFAULT` (a reset).
    /// Returns the value's range for `valueRange`.
    mutating func set() throws(SQLError) -> (Statement, SourceRange?) {
        let set = try expect("set")
        // `SET;` lists every variable, as Flink's SQL client does.
        if atEnd { return (.show(.all), set.range) }
        // Flink's SQL client quotes its keys: `SET 'flow_control' = 'permits';`.
        let name: Identifier
        if current.kind == .string {
            let token = advance()
            name = Identifier(token.value, range: token.range)
        } else if current.kind == .word, peek(1).isSymbol(".") || peek(1).isSymbol("-") {
            // A real system's key written bare (`fetch.min.bytes`, `…buffers-per-channel`):
            // read whole, reserved words and hyphens too, so that SET can name Sluice's variable.
            let first = advance()
            var text = first.text, range = first.range
            while !atEnd, !seesSymbol("="), !sees("to") {
                let token = advance()
                text += token.text
                range = range.union(token.range)
            }
            name = Identifier(text.lowercased(), range: range)
        } else {
            name = try dottedName("a variable name after SET")
        }
        if acceptSymbol("=") == nil, accept("to") == nil {
            throw unexpected("'=' or TO after SET \(name.sql)", hint: "SET \(name.sql) = value")
        }
        if let token = accept("default") {
            try expectEnd()
            return (.reset(name), token.range)
        }
        let (value, valueRange) = try optionValue(for: name.name)
        try expectEnd()
        return (.set(name, value), valueRange)
    }

    /// `SHOW kind`, `SHOW MATERIALIZED VIEWS`, `SHOW METRICS [actor]`, `SHOW name`.
    /// Stops before EVERY, FOR and SPEED so that WATCH can follow it with its clauses.
    mutating func show() throws(SQLError) -> Statement {
        _ = try expect("show")
        let token = current
        guard seesName || token.isKeyword("all") else {
            throw unexpected("what to show after SHOW",
                             hint: "SHOW SOURCES, TABLES, VIEWS, SINKS, GRAPH, ACTORS, QUEUES, BARRIERS, CHECKPOINTS, LAG, METRICS, LEDGER, ALL or a variable name")
        }
        if token.kind == .word {
            if token.value == "materialized" {
                advance()
                _ = try expect("views", "after SHOW MATERIALIZED")
                return .show(.views)
            }
            if token.value == "create" {
                throw SQLError("SHOW CREATE is not supported", at: token.range,
                               hint: "DESCRIBE name shows an object's definition; EXPLAIN name its plan")
            }
            if token.value == "columns" {
                advance()
                guard accept("from") != nil || accept("in") != nil else {
                    throw unexpected("FROM after SHOW COLUMNS", suggesting: ["from"])
                }
                return .describe(try identifier("a source, table, view or sink name"))
            }
            if token.value == "metrics" {
                advance()
                if seesName, !["every", "for", "speed"].contains(current.value) {
                    return .showMetrics(try dottedName("an actor name"))
                }
                return .showMetrics(nil)
            }
            if let kind = ShowKind(rawValue: token.value) {
                advance()
                return .show(kind)
            }
        }
        return .showVariable(try dottedName("a variable name"))
    }

    /// `RESET name`, `RESET ALL`, `RESET METRICS`.
    mutating func reset() throws(SQLError) -> Statement {
        _ = try expect("reset")
        if accept("all") != nil { return .resetAll }
        if accept("metrics") != nil { return .resetMetrics }
        guard seesName else {
            throw unexpected("a variable name, ALL or METRICS after RESET")
        }
        return .reset(try dottedName("a variable name"))
    }

    /// `EXPLAIN CREATE MATERIALIZED VIEW ...`, `EXPLAIN CREATE SINK ...` or `EXPLAIN name`.
    mutating func explain() throws(SQLError) -> Statement {
        _ = try expect("explain")
        let example = "EXPLAIN CREATE MATERIALIZED VIEW v AS SELECT ... or EXPLAIN name"
        let createPosition = position
        if let createToken = accept("create") {
            let kindStart = current.range.start
            let kind = try objectKind(after: "EXPLAIN CREATE")
            guard kind == .materializedView || kind == .sink else {
                throw SQLError("EXPLAIN CREATE \(kind.sql) is not supported", at: createToken.range.union(range(from: kindStart)),
                               hint: "EXPLAIN shows the plan of a materialized view or a sink; EXPLAIN name explains an existing one")
            }
            // The create statement after EXPLAIN, parsed as if it stood alone.
            position = createPosition
            return .explainCreate(try self.create())
        }
        if sees("select") {
            // An ad hoc query's batch plan.
            let query = try query()
            try expectEndOfQuery()
            return .explainSelect(query)
        }
        if seesSymbol("(") {
            throw SQLError("EXPLAIN options are not supported", at: parenthesized(from: position), hint: example)
        }
        guard seesName else {
            throw unexpected("CREATE MATERIALIZED VIEW or a name after EXPLAIN", hint: example)
        }
        return .explainName(try identifier("a view or sink name"))
    }

    /// `PLOT series, ... [LAST d]` where a series is `name` or `name(dotted.argument)`.
    mutating func plot() throws(SQLError) -> Statement {
        _ = try expect("plot")
        let example = "PLOT queue(spend.agg.0), barrier_latency, lag(clicks) LAST 30s"
        guard seesName else {
            throw unexpected("a series to plot after PLOT", hint: "for example: \(example)")
        }
        var series: [PlotSeries] = []
        repeat {
            let function = try identifier("a series to plot")
            var argument: Identifier?
            if acceptSymbol("(") != nil {
                argument = try dottedName("an object or actor name in \(function.sql)(...)")
                _ = try expectSymbol(")", "after \(function.sql)(\(argument?.name ?? "")")
            }
            series.append(PlotSeries(function: function, argument: argument?.name,
                                     argumentRange: argument?.range, range: range(from: function.range.start)))
        } while acceptSymbol(",") != nil
        var last: Int64?
        if accept("last") != nil {
            last = try duration("a duration", after: "LAST").0
        }
        if !atEnd {
            throw unexpected("',', LAST or ';' after the series", suggesting: ["last"])
        }
        return .plot(series, last: last)
    }
}
