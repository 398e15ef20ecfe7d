/// CREATE, DROP and ALTER of sources, tables, materialized views and sinks.
extension Parser {
    /// Reads `SOURCE`, `TABLE`, `MATERIALIZED VIEW` or `SINK` after `verb`.
    mutating func objectKind(after verb: String) throws(SQLError) -> ObjectKind {
        let token = current
        switch token.kind == .word ? token.value : "" {
        case "source": advance(); return .source
        case "table": advance(); return .table
        case "sink": advance(); return .sink
        case "materialized":
            advance()
            _ = try expect("view", "after MATERIALIZED")
            return .materializedView
        case "view":
            throw SQLError("plain views are not supported; use MATERIALIZED VIEW", at: token.range,
                           hint: "\(verb) MATERIALIZED VIEW ...")
        case "or" where verb == "CREATE" && peek(1).isKeyword("replace"):
            throw SQLError("CREATE OR REPLACE is not supported", at: token.range.union(peek(1).range),
                           hint: "DROP the object, then CREATE it again")
        default:
            throw unexpected("SOURCE, TABLE, MATERIALIZED VIEW or SINK after \(verb)",
                             suggesting: ["source", "table", "materialized", "sink"])
        }
    }

    /// Refuses `IF NOT EXISTS`, which the AST has no place for.
    func refuseIfNotExists() throws(SQLError) {
        if sees("if"), peek(1).isKeyword("not") {
            throw SQLError("IF NOT EXISTS is not supported", at: current.range.union(peek(2).range),
                           hint: "SHOW SOURCES, SHOW VIEWS or SHOW SINKS lists what exists")
        }
    }

    // MARK: CREATE

    mutating func create() throws(SQLError) -> Statement {
        _ = try expect("create")
        let kind = try objectKind(after: "CREATE")
        try refuseIfNotExists()
        let name = try identifier("a \(kind.noun) name")
        if name.name.contains(".") {
            // Actors, fragments and metrics are named `job.fragment.index`.
            throw SQLError("a \(kind.noun) name cannot contain '.'", at: name.range,
                           hint: "its actors are named \(name.sql).fragment.index: write \(Identifier(String(name.name.map { $0 == "." ? "_" : $0 })).sql)")
        }
        // PostgreSQL's identifier limit (NAMEDATALEN − 1 bytes), refused rather than cut.
        if name.name.utf8.count > Parser.maxNameBytes {
            throw SQLError("a \(kind.noun) name has at most \(Parser.maxNameBytes) bytes, not \(name.name.utf8.count)", at: name.range,
                           hint: "choose a shorter name")
        }
        // A name that shows as something else (a terminal escape, a NUL) is refused.
        if name.name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw SQLError("a \(kind.noun) name cannot contain control characters", at: name.range)
        }
        var options: [WithOption] = []
        switch kind {
        case .source, .table:
            guard seesSymbol("(") else {
                throw unexpected("'(' and the columns after the \(kind.noun) name",
                                 hint: "CREATE \(kind.sql) \(name.sql) (id INT, name VARCHAR) WITH (...)")
            }
            let columns = try columnList(of: kind, named: name)
            if accept("with") != nil { try optionList("WITH", into: &options) }
            try expectEnd()
            return .createSource(name: name, columns: columns, options: options, isTable: kind == .table)
        case .materializedView:
            let query = try viewBody(into: &options, after: "the view name")
            try expectEnd()
            return .createView(name: name, query: query, options: options)
        case .sink:
            if sees("as") || sees("with") {
                if accept("with") != nil {
                    try optionList("WITH", into: &options)
                    if sees("from") {
                        throw SQLError("options come after the relation in CREATE SINK ... FROM", at: current.range,
                                       hint: "CREATE SINK \(name.sql) FROM view WITH (...)")
                    }
                }
                let query = try viewBody(into: &options, after: "the sink's options")
                try expectEnd()
                return .createSinkAsSelect(name: name, query: query, options: options)
            }
            guard accept("from") != nil else {
                throw unexpected("FROM or AS after the sink name", suggesting: ["from", "as"],
                                 hint: "CREATE SINK \(name.sql) FROM view WITH (...), or CREATE SINK \(name.sql) AS SELECT ... WITH (...)")
            }
            let from = try identifier("a view, source or table name after FROM")
            if accept("with") != nil { try optionList("WITH", into: &options) }
            try expectEnd()
            return .createSink(name: name, from: from, options: options)
        }
    }

    /// `[WITH (...)] AS query [WITH (...)]`: RisingWave's place for options, and Sluice's.
    mutating func viewBody(into options: inout [WithOption], after place: String) throws(SQLError) -> Query {
        if accept("with") != nil { try optionList("WITH", into: &options) }
        _ = try expect("as", "after \(place)")
        if seesSymbol("("), peek(1).isKeyword("select") {
            advance()
            let query = try query()
            _ = try expectSymbol(")", "to close the query")
            if accept("with") != nil { try optionList("WITH", into: &options) }
            return query
        }
        guard sees("select") else {
            throw unexpected("SELECT after AS", suggesting: ["select"])
        }
        let query = try query()
        try expectEndOfQuery(allowing: ["with"])
        if accept("with") != nil { try optionList("WITH", into: &options) }
        return query
    }

    // MARK: Columns

    /// `(column TYPE [PRIMARY KEY], ..., [PRIMARY KEY (column, ...)])`. One primary key at
    /// most, inline or as a constraint: a second is an error, as in PostgreSQL.
    mutating func columnList(of kind: ObjectKind, named name: Identifier) throws(SQLError) -> [ColumnDef] {
        _ = try expectSymbol("(")
        var columns: [ColumnDef] = []
        var keys: [SourceRange] = []
        func checkOneKey() throws(SQLError) {
            guard keys.count > 1 else { return }
            throw SQLError("multiple primary keys for \(kind.noun) \"\(name.name)\" are not allowed", at: keys[1],
                           hint: "a primary key of several columns is one constraint: PRIMARY KEY (a, b)")
        }
        repeat {
            if let primary = accept("primary") {
                let key = try expect("key", "after PRIMARY")
                keys.append(primary.range.union(key.range))
                try checkOneKey()
                _ = try expectSymbol("(", "after PRIMARY KEY")
                repeat {
                    let name = try identifier("a column name")
                    guard let index = columns.firstIndex(where: { $0.name.name == name.name }) else {
                        throw SQLError("column \"\(name.name)\" named in PRIMARY KEY is not defined", at: name.range,
                                       hint: "define the columns before the PRIMARY KEY (...) constraint")
                    }
                    columns[index].primaryKey = true
                } while acceptSymbol(",") != nil
                _ = try expectSymbol(")", "after the key columns")
                continue
            }
            let column = try columnDef(keys: &keys)
            try checkOneKey()
            if columns.contains(where: { $0.name.name == column.name.name }) {
                throw SQLError("column \"\(column.name.name)\" specified more than once", at: column.name.range,
                               hint: "give one of them another name")
            }
            columns.append(column)
        } while acceptSymbol(",") != nil
        _ = try expectSymbol(")", "or ',' after the column")
        return columns
    }

    /// `name TYPE [PRIMARY KEY] [NOT NULL]`; the range of each `PRIMARY KEY` is added to `keys`.
    mutating func columnDef(keys: inout [SourceRange]) throws(SQLError) -> ColumnDef {
        let name = try identifier("a column name")
        let typeToken = current
        guard typeToken.kind == .word else {
            throw unexpected("a type for column '\(name.name)'", hint: "types: INT, BIGINT, DOUBLE, VARCHAR, BOOLEAN")
        }
        guard let type = ColumnType.named(typeToken.value) else {
            var hint = "types: INT, BIGINT, DOUBLE, VARCHAR, BOOLEAN"
            if let near = Suggest.nearest(typeToken.value, among: ColumnType.allNames) {
                hint = "did you mean \(near.uppercased())? " + hint
            }
            throw SQLError("unknown type '\(typeToken.text)' for column '\(name.name)'", at: typeToken.range, hint: hint)
        }
        advance()
        // DOUBLE PRECISION, CHARACTER VARYING, VARCHAR(255), NUMERIC(10, 2): accepted, the
        // length, precision and scale ignored (a NUMERIC is a DOUBLE here).
        if type == .double { _ = accept("precision") }
        if seesSymbol("("), peek(1).kind == .integer, peek(2).isSymbol(")") {
            advance(); advance(); advance()
        } else if type == .double, seesSymbol("("), peek(1).kind == .integer, peek(2).isSymbol(","),
                  peek(3).kind == .integer, peek(4).isSymbol(")") {
            for _ in 0..<5 { advance() }
        }
        var primaryKey = false
        while true {
            if let primary = accept("primary") {
                let key = try expect("key", "after PRIMARY")
                keys.append(primary.range.union(key.range))
                primaryKey = true
            } else if accept("not") != nil {
                _ = try expect("null", "after NOT")
            } else if accept("null") == nil {
                break
            }
        }
        return ColumnDef(name: name, type: type, primaryKey: primaryKey, range: range(from: name.range.start))
    }

    // MARK: DROP and ALTER

    mutating func drop() throws(SQLError) -> Statement {
        _ = try expect("drop")
        let kind = try objectKind(after: "DROP")
        var ifExists = false
        if accept("if") != nil {
            _ = try expect("exists", "after IF")
            ifExists = true
        }
        let name = try identifier("a \(kind.noun) name")
        if let cascade = accept("cascade") {
            throw SQLError("DROP ... CASCADE is not supported", at: cascade.range, hint: "drop the dependent objects first")
        }
        try expectEnd()
        return .drop(kind, name: name, ifExists: ifExists)
    }

    mutating func alter() throws(SQLError) -> Statement {
        _ = try expect("alter")
        let kindStart = current.range.start
        let kind = try objectKind(after: "ALTER")
        let kindRange = range(from: kindStart)
        let name = try identifier("a \(kind.noun) name")
        if let verb = accept("pause") ?? accept("resume") {
            guard kind == .source else {
                throw SQLError("\(verb.value.uppercased()) PARTITION applies to sources only", at: kindRange)
            }
            _ = try expect("partition", "after \(verb.value.uppercased())")
            let (partition, valueRange) = try integer("a partition number", minimum: 0, example: "\(verb.value.uppercased()) PARTITION 0")
            try expectEnd()
            return .alterPartition(source: name, partition: partition, pause: verb.value == "pause", valueRange: valueRange)
        }
        _ = try expect("set", "after ALTER \(kind.sql) \(name.sql)")
        if sees("parallelism") {
            guard kind == .materializedView || kind == .sink else {
                throw SQLError("SET PARALLELISM applies to materialized views and sinks only", at: kindRange,
                               hint: "a source's consumers scale with the views that read it: ALTER MATERIALIZED VIEW name SET PARALLELISM = 4")
            }
            advance()
            if acceptSymbol("=") == nil, accept("to") == nil {
                throw unexpected("'=' or TO after PARALLELISM")
            }
            // Any whole number: the session checks the range, with the view's current parallelism at hand.
            let (parallelism, valueRange) = try integer("a parallelism", minimum: .min, example: "SET PARALLELISM = 4")
            try expectEnd()
            return .alterParallelism(kind, name: name, parallelism: parallelism, valueRange: valueRange)
        }
        var options: [WithOption] = []
        if current.kind == .word, current.value != "parallelism",
           Suggest.distance(current.value, "parallelism") <= 2 {
            throw unexpected("'(' or PARALLELISM after SET", suggesting: ["parallelism"])
        }
        if seesSymbol("(") {
            try optionList("SET", into: &options)
        } else if current.kind != .word {
            throw unexpected("'(' and options after SET", hint: "ALTER \(kind.sql) \(name.sql) SET (name = value, ...)")
        } else {
            // ALTER SOURCE s SET rate = 10000: one option without parentheses.
            let key = try optionKey()
            if acceptSymbol("=") == nil, accept("to") == nil { throw unexpected("'=' after option '\(key.name)'") }
            let (value, valueRange) = try optionValue(for: key.name)
            options.append(WithOption(key: key, value: value, valueRange: valueRange))
        }
        try expectEnd()
        return .alterSet(kind, name: name, options: options)
    }
}
