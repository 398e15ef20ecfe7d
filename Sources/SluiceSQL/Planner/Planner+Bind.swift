import SluiceEngine

/// The columns a query can name: those of its FROM relation, then its JOIN relation.
struct Scope {
    struct Entry {
        /// The relation's alias, or its own name when it has none.
        let qualifier: String
        let column: Column
        let index: Int
    }
    var entries: [Entry] = []
    /// A relation's own name that an alias hides (`FROM s x`: s → x): as in PostgreSQL, the
    /// alias is then its only name, and `s.k` is refused with a pointer to `x`.
    private var hidden: [String: [String]] = [:]

    /// Adds a relation's columns under `name`, the relation's alias when it has one, else
    /// its own name (`hiding`: the own name an alias hides).
    mutating func add(_ schema: Schema, as name: String, hiding ownName: String) {
        for column in schema.columns {
            entries.append(Entry(qualifier: name, column: column, index: entries.count))
        }
        if ownName != name { hidden[ownName, default: []].append(name) }
    }

    var schema: Schema { Schema(entries.map(\.column)) }

    /// PostgreSQL's error for `table.column` (`then`: `column`, `*`) when `table` is a
    /// relation's own name that an alias hides; nil otherwise.
    func hiddenNameError(_ table: Identifier, then rest: String) -> SQLError? {
        guard !entries.contains(where: { $0.qualifier == table.name }), let aliases = hidden[table.name] else { return nil }
        return SQLError("invalid reference to FROM-clause entry for table \"\(table.name)\"", at: table.range,
                        hint: "an alias hides its table's name: " + aliases.map { "\(Identifier($0).sql).\(rest)" }.joined(separator: " or "))
    }

    /// How a plan (EXPLAIN) names the column: qualified when another relation in scope has a
    /// column of the same name (`s.d > t.d`, not `d > d`).
    func displayName(of entry: Entry) -> String {
        let name = Identifier(entry.column.name).sql
        guard entries.contains(where: { $0.index != entry.index && $0.column.name == entry.column.name }) else { return name }
        return Identifier(entry.qualifier).sql + "." + name
    }

    func resolve(table: Identifier?, name: Identifier) throws(SQLError) -> Entry {
        let candidates = entries.filter { $0.column.name == name.name && (table == nil || $0.qualifier == table!.name) }
        if candidates.count == 1 { return candidates[0] }
        if candidates.count > 1 {
            throw SQLError("column reference \"\(name.name)\" is ambiguous", at: name.range,
                           hint: "qualify it: " + candidates.map { "\(Identifier($0.qualifier).sql).\(name.sql)" }.joined(separator: " or "))
        }
        if let table, let error = hiddenNameError(table, then: name.sql) { throw error }
        if let table, !entries.contains(where: { $0.qualifier == table.name }) {
            let names = Array(Set(entries.map(\.qualifier))).sorted()
            throw SQLError("missing FROM-clause entry for table \"\(table.name)\"", at: table.range,
                           hint: Suggest.didYouMean(table.name, among: names))
        }
        let names = entries.filter { table == nil || $0.qualifier == table!.name }.map(\.column.name)
        throw SQLError("column \"\(name.name)\" does not exist", at: name.range,
                       hint: Suggest.didYouMean(name.name, among: names)
                           ?? "columns: " + names.map { Identifier($0).sql }.joined(separator: ", "))
    }
}

/// Where aggregate results live once a hash aggregation has run: select items over an
/// aggregation may name group keys and aggregate calls only.
struct AggregateContext {
    /// Scope index of each group key, in output order.
    var groupKeys: [Int]
    /// Canonical SQL of each aggregate call, in output order after the keys.
    var calls: [String]
    var callTypes: [SluiceEngine.ColumnType]
}

extension Planner {
    static let aggregateNames = AggregateFunction.allCases.map(\.rawValue)

    /// Binds an expression to the scope (or, with `aggregates`, to an aggregation's output).
    func bind(_ expr: Expr, _ scope: Scope, aggregates: AggregateContext? = nil) throws(SQLError) -> ScalarExpr {
        switch expr {
        case .column(let table, let name):
            let entry = try scope.resolve(table: table, name: name)
            if let aggregates {
                guard let position = aggregates.groupKeys.firstIndex(of: entry.index) else {
                    throw SQLError("column \"\(name.name)\" must appear in the GROUP BY clause or be used in an aggregate function",
                                   at: expr.range,
                                   hint: (aggregates.groupKeys.isEmpty ? "add GROUP BY \(expr.sql)" : "add \(expr.sql) to GROUP BY")
                                       + ", or aggregate it: \(entry.column.type.isNumeric ? "max" : "count")(\(expr.sql))")
                }
                return .column(position, entry.column.type, name: scope.displayName(of: entry))
            }
            return .column(entry.index, entry.column.type, name: scope.displayName(of: entry))
        case .literal(let literal, let range):
            switch literal {
            case .int(let v): return .constant(v, .bigint, text: String(v))
            case .double(let v): return .constant(ScalarExpr.bits(v), .double, text: VirtualTime.formatNumber(v))
            case .string(let s): return .constant(engine.intern(s), .varchar, text: "'\(s)'")
            case .bool(let b): return .constant(b ? 1 : 0, .boolean, text: b ? "true" : "false")
            case .null:
                throw SQLError("NULL is not supported: Sluice rows have no missing values", at: range)
            }
        case .unary(let op, let operand, let range):
            let inner = try bind(operand, scope, aggregates: aggregates)
            switch op {
            case .neg:
                guard inner.type.isNumeric else { throw SQLError("operator - needs a number, found \(inner.type.sqlName)", at: range) }
                return .negate(inner)
            case .not:
                guard inner.type == .boolean else { throw SQLError("argument of NOT must be BOOLEAN, not \(inner.type.sqlName)", at: range) }
                return .not(inner)
            }
        case .binary(let op, let l, let r, let range):
            let left = try bind(l, scope, aggregates: aggregates)
            let right = try bind(r, scope, aggregates: aggregates)
            switch op {
            case .and, .or:
                for side in [left, right] where side.type != .boolean {
                    throw SQLError("argument of \(op.rawValue) must be BOOLEAN, not \(side.type.sqlName)", at: range)
                }
                return op == .and ? .and(left, right) : .or(left, right)
            case .add, .sub, .mul, .div, .mod:
                guard left.type.isNumeric && right.type.isNumeric else {
                    throw SQLError("operator does not exist: \(left.type.sqlName) \(op.rawValue) \(right.type.sqlName)", at: range,
                                   hint: "arithmetic needs numbers")
                }
                let ops: [BinaryOp: ScalarExpr.ArithmeticOp] = [.add: .add, .sub: .sub, .mul: .mul, .div: .div, .mod: .mod]
                return .arithmetic(ops[op]!, left, right)
            case .eq, .ne, .lt, .le, .gt, .ge:
                let comparable = (left.type.isNumeric && right.type.isNumeric) || left.type == right.type
                guard comparable else {
                    throw SQLError("operator does not exist: \(left.type.sqlName) \(op.rawValue) \(right.type.sqlName)", at: range,
                                   hint: "compare values of the same type")
                }
                let ops: [BinaryOp: ScalarExpr.ComparisonOp] = [.eq: .eq, .ne: .ne, .lt: .lt, .le: .le, .gt: .gt, .ge: .ge]
                return .comparison(ops[op]!, left, right)
            }
        case .call(let name, _, _, let range):
            guard Planner.aggregateNames.contains(name.name) else {
                throw SQLError("function \(name.name) does not exist", at: name.range,
                               hint: Suggest.nearest(name.name, among: Planner.aggregateNames).map { "did you mean \($0)?" }
                                   ?? "functions: " + Planner.aggregateNames.joined(separator: ", "))
            }
            guard let aggregates else {
                throw SQLError("aggregate function \(name.name) is not allowed here", at: range)
            }
            guard let position = aggregates.calls.firstIndex(of: expr.sql) else {
                throw SQLError("aggregate \(expr.sql) is not computed here", at: range)
            }
            return .column(aggregates.groupKeys.count + position, aggregates.callTypes[position], name: expr.sql)
        }
    }

    /// Binds a WHERE or ON condition, which must be BOOLEAN.
    func bindCondition(_ expr: Expr, _ scope: Scope, clause: String) throws(SQLError) -> ScalarExpr {
        if containsAggregate(expr) {
            throw SQLError("aggregate functions are not allowed in \(clause)", at: expr.range)
        }
        let bound = try bind(expr, scope)
        guard bound.type == .boolean else {
            let example = bound.type.isNumeric ? "\(expr.sql) > 0" : "\(expr.sql) = 'text'"
            throw SQLError("argument of \(clause) must be type BOOLEAN, not type \(bound.type.sqlName)", at: expr.range,
                           hint: "write a comparison, e.g. \(clause) \(example)")
        }
        return bound
    }

    /// Resolves every column `expr` names in `scope`, left to right: the unknown or
    /// ambiguous one, if any, is reported before anything else in the expression.
    func resolveColumns(_ expr: Expr, _ scope: Scope) throws(SQLError) {
        switch expr {
        case .column(let table, let name): _ = try scope.resolve(table: table, name: name)
        case .unary(_, let e, _): try resolveColumns(e, scope)
        case .binary(_, let l, let r, _):
            try resolveColumns(l, scope)
            try resolveColumns(r, scope)
        case .call(_, let args, _, _): for arg in args { try resolveColumns(arg, scope) }
        case .literal: break
        }
    }

    func containsAggregate(_ expr: Expr) -> Bool {
        switch expr {
        case .call(let name, _, _, _): Planner.aggregateNames.contains(name.name)
        case .unary(_, let e, _): containsAggregate(e)
        case .binary(_, let l, let r, _): containsAggregate(l) || containsAggregate(r)
        case .column, .literal: false
        }
    }

    /// Every aggregate call in `expr`, bound to the input scope, keyed by canonical SQL.
    func collectAggregates(_ expr: Expr, _ scope: Scope, into calls: inout [(sql: String, call: AggregateCall)]) throws(SQLError) {
        switch expr {
        case .call(let name, let args, let star, let range):
            guard let function = AggregateFunction(rawValue: name.name) else { return }
            for arg in args where containsAggregate(arg) {
                throw SQLError("aggregate function calls cannot be nested", at: arg.range)
            }
            let argument: ScalarExpr?
            if star {
                guard function == .count else { throw SQLError("\(name.name)(*) is not valid; only count(*) takes *", at: range) }
                argument = nil
            } else {
                guard args.count == 1 else {
                    throw SQLError("\(name.name) takes exactly one argument, found \(args.count)", at: range)
                }
                let bound = try bind(args[0], scope)
                if function != .count && !bound.type.isNumeric {
                    throw SQLError("\(name.name)(\(bound.type.sqlName)) is not supported", at: args[0].range,
                                   hint: "\(name.name) needs a numeric argument")
                }
                argument = bound
            }
            if !calls.contains(where: { $0.sql == expr.sql }) { calls.append((expr.sql, AggregateCall(function, argument))) }
        case .unary(_, let e, _):
            try collectAggregates(e, scope, into: &calls)
        case .binary(_, let l, let r, _):
            try collectAggregates(l, scope, into: &calls)
            try collectAggregates(r, scope, into: &calls)
        case .column, .literal:
            return
        }
    }

    /// The output name of a select item: its alias, column name or function name.
    func outputName(_ item: SelectItem) -> String {
        guard case .expr(let expr, let alias) = item else { return "?" }
        if let alias { return alias.name }
        switch expr {
        case .column(_, let name): return name.name
        case .call(let name, _, _, _): return name.name
        default: return "?column?"
        }
    }
}
