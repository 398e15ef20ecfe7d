import SluiceEngine

/// Planning `CREATE MATERIALIZED VIEW`: fragments are operator chains with no queue inside;
/// a hash exchange starts a new fragment wherever a GROUP BY or JOIN key needs one, as in
/// RisingWave's and Flink's planners.
extension Planner {
    /// What `CREATE MATERIALIZED VIEW ... WITH (...)` takes; `.help create materialized view`
    /// documents each. The parallelism changes afterwards by `ALTER ... SET PARALLELISM`.
    public static let viewOptions = ["parallelism", "cost"]
    /// What `ALTER MATERIALIZED VIEW ... SET (...)` changes while the view runs: what a row
    /// costs. Its parallelism has a statement of its own (a rescale moves state).
    public static let alterableViewOptions = ["cost"]
    /// What `CREATE SINK ... WITH (...)` takes; `.help create sink` documents each.
    public static let sinkOptions = ["throughput", "batch", "latency", "cost", "parallelism"]
    /// What `ALTER SINK ... SET (...)` changes while the sink runs: how it writes and what a
    /// row costs. Its parallelism has a statement of its own, as a view's has.
    public static let alterableSinkOptions = ["throughput", "batch", "latency", "cost"]
    /// The actors per fragment of a view or sink created without `parallelism`.
    public static let defaultParallelism = 1
    /// The rows a sink's `batch` may hold.
    public static let sinkBatchSizes = 1...1_000_000

    /// A query bound to its scope, ready to become fragments (or an ad hoc read).
    struct BoundQuery {
        var left: Relation
        var right: Relation?
        /// The names the query gives its relations: their aliases, or their own names.
        var leftName: String
        var rightName: String?
        var leftKeys: [Int] = []
        /// Right keys, indexed within the right relation's own columns.
        var rightKeys: [Int] = []
        var scope: Scope
        var filter: ScalarExpr?
        /// Group keys (scope indices) and aggregate calls, when the query aggregates.
        var aggregate: (keys: [Int], calls: [AggregateCall], context: AggregateContext)?
        /// The final projection over the scope or the aggregation output; nil = identity.
        var projection: [ScalarExpr]?
        var outputSchema: Schema
    }

    /// Binds `query` over its relations. A view's columns need distinct names (they are its
    /// schema); an ad hoc result (`uniqueNames: false`) may repeat one, as PostgreSQL's may.
    func bindQuery(_ query: Query, uniqueNames: Bool = true) throws(SQLError) -> BoundQuery {
        let left = try relation(query.from.name)
        var scope = Scope()
        scope.add(left.schema, as: query.from.exposedName.name, hiding: query.from.name.name)
        var right: Relation?
        var leftKeys: [Int] = [], rightKeys: [Int] = []
        if query.joins.count > 1 {
            throw SQLError("only one JOIN per view is supported", at: query.joins[1].range,
                           hint: "join two relations into a view, then join that view in another")
        }
        if let join = query.joins.first {
            let r = try relation(join.table.name)
            let leftWidth = left.schema.count
            scope.add(r.schema, as: join.table.exposedName.name, hiding: join.table.name.name)
            if join.table.exposedName.name == query.from.exposedName.name {
                throw SQLError("table name \"\(join.table.exposedName.name)\" specified more than once", at: join.table.range,
                               hint: "give one side an alias: FROM \(query.from.name.sql) a JOIN \(join.table.name.sql) b")
            }
            for (l, rr) in try equiKeys(join.on, scope, leftWidth: leftWidth) {
                leftKeys.append(l)
                rightKeys.append(rr - leftWidth)
            }
            right = r
        }
        // The select list's names are checked before WHERE's, as PostgreSQL reads them: the
        // first unknown column in reading order is the one reported.
        for item in query.items { if case .expr(let e, _) = item { try resolveColumns(e, scope) } }
        let filter = try query.whereClause.map { expr throws(SQLError) in try bindCondition(expr, scope, clause: "WHERE") }
        var bound = BoundQuery(left: left, right: right, leftName: query.from.exposedName.name,
                               rightName: query.joins.first?.table.exposedName.name, leftKeys: leftKeys, rightKeys: rightKeys, scope: scope,
                               filter: filter, aggregate: nil, projection: nil, outputSchema: scope.schema)

        let aggregating = !query.groupBy.isEmpty || query.items.contains { item in
            if case .expr(let e, _) = item { return containsAggregate(e) } else { return false }
        }
        var names: [String] = []
        var exprs: [ScalarExpr] = []
        if aggregating {
            var keys: [Int] = []
            for g in query.groupBy {
                guard case .column(let table, let name) = g else {
                    throw SQLError("GROUP BY supports column names only", at: g.range, hint: "compute the expression in a view first")
                }
                let entry = try scope.resolve(table: table, name: name)
                if !keys.contains(entry.index) { keys.append(entry.index) }
            }
            var calls: [(sql: String, call: AggregateCall)] = []
            for item in query.items {
                switch item {
                case .star, .qualifiedStar:
                    throw SQLError("SELECT * cannot be used with GROUP BY or aggregates", at: item.range, hint: "name the group keys and aggregates")
                case .expr(let e, _):
                    try collectAggregates(e, scope, into: &calls)
                }
            }
            let context = AggregateContext(groupKeys: keys, calls: calls.map(\.sql), callTypes: calls.map(\.call.resultType))
            for item in query.items {
                guard case .expr(let e, _) = item else { continue }
                exprs.append(try bind(e, scope, aggregates: context))
                names.append(outputName(item))
            }
            bound.aggregate = (keys, calls.map(\.call), context)
            let aggWidth = keys.count + calls.count
            let identity = exprs.count == aggWidth && exprs.enumerated().allSatisfy { i, e in
                if case .column(let c, _, _) = e { return c == i } else { return false }
            }
            bound.projection = identity ? nil : exprs
        } else {
            for item in query.items {
                switch item {
                case .star:
                    for entry in scope.entries {
                        exprs.append(.column(entry.index, entry.column.type, name: Identifier(entry.column.name).sql))
                        names.append(entry.column.name)
                    }
                case .qualifiedStar(let table):
                    let matching = scope.entries.filter { $0.qualifier == table.name }
                    guard !matching.isEmpty else {
                        if let error = scope.hiddenNameError(table, then: "*") { throw error }
                        throw SQLError("missing FROM-clause entry for table \"\(table.name)\"", at: table.range)
                    }
                    for entry in matching {
                        exprs.append(.column(entry.index, entry.column.type, name: Identifier(entry.column.name).sql))
                        names.append(entry.column.name)
                    }
                case .expr(let e, _):
                    exprs.append(try bind(e, scope))
                    names.append(outputName(item))
                }
            }
            let identity = exprs.count == scope.entries.count && exprs.enumerated().allSatisfy { i, e in
                if case .column(let c, _, _) = e { return c == i } else { return false }
            }
            bound.projection = identity ? nil : exprs
        }
        for (i, name) in names.enumerated() where uniqueNames && names[..<i].contains(name) {
            let item = query.items.count == names.count ? query.items[i].range : query.range
            throw SQLError("column \"\(name)\" specified more than once", at: item, hint: "give one of them an alias with AS")
        }
        bound.outputSchema = Schema(zip(names, exprs).map { Column($0.0, $0.1.type) })
        return bound
    }

    /// The equalities of an ON clause as (left index, right index) pairs in the scope.
    private func equiKeys(_ on: Expr, _ scope: Scope, leftWidth: Int) throws(SQLError) -> [(Int, Int)] {
        switch on {
        case .binary(.and, let l, let r, _):
            return try equiKeys(l, scope, leftWidth: leftWidth) + equiKeys(r, scope, leftWidth: leftWidth)
        case .binary(.eq, .column(let t1, let n1), .column(let t2, let n2), let range):
            let a = try scope.resolve(table: t1, name: n1), b = try scope.resolve(table: t2, name: n2)
            let aLeft = a.index < leftWidth, bLeft = b.index < leftWidth
            guard aLeft != bLeft else {
                throw SQLError("a join condition must compare a column of each side", at: range)
            }
            let compatible = (a.column.type.isNumeric && b.column.type.isNumeric && a.column.type != .double && b.column.type != .double)
                || a.column.type == b.column.type
            guard compatible else {
                let numeric = a.column.type.isNumeric && b.column.type.isNumeric
                throw SQLError("join keys have different types: \(a.column.type.sqlName) and \(b.column.type.sqlName)", at: range,
                               hint: numeric ? "the hash join compares keys as stored: join a view that computes a DOUBLE key "
                                   + "(SELECT k * 1.0 AS dk, ...) to the DOUBLE column" : nil)
            }
            return aLeft ? [(a.index, b.index)] : [(b.index, a.index)]
        default:
            throw SQLError("only equi-join conditions (a.x = b.y [AND ...]) are supported", at: on.range,
                           hint: "move other conditions to WHERE")
        }
    }

    // MARK: Views

    /// The job a `CREATE MATERIALIZED VIEW` or `CREATE SINK` defines, planned but not created
    /// (for the statement itself, and for `EXPLAIN CREATE ...`).
    public func planJob(_ statement: Statement, definition: String) throws(SQLError) -> JobSpec {
        switch statement {
        case .createView(let name, let query, let options):
            return try planView(name: name, query: query, options: options, definition: definition)
        case .createSink(let name, let from, let options):
            return try planSink(name: name, from: from, options: options, definition: definition)
        case .createSinkAsSelect(let name, let query, let options):
            return try planSink(name: name, query: query, options: options, definition: definition)
        default:
            throw SQLError("only a materialized view or a sink has a plan", hint: "EXPLAIN CREATE MATERIALIZED VIEW v AS SELECT ...")
        }
    }

    public func planView(name: Identifier, query: Query, options: [WithOption], definition: String) throws(SQLError) -> JobSpec {
        try checkNewName(name)
        try refuseOrderAndLimit(query, in: "a materialized view", readIt: "SELECT * FROM \(name.sql)")
        let o = try Options(options, allowed: Planner.viewOptions, object: "materialized view \(name.sql)")
        let parallelism = try o.get("parallelism", { $0.integer(in: Limits.parallelism) }) ?? Planner.defaultParallelism
        let cost = try o.get("cost", { $0.cost() }) ?? .free
        let bound = try bindQuery(query)
        return buildJob(name: name.name, kind: .materializedView, bound: bound, parallelism: parallelism, cost: cost,
                        definition: definition)
    }

    /// A continuous query has no order and no end: both belong to a read (`readIt`).
    private func refuseOrderAndLimit(_ query: Query, in object: String, readIt: String) throws(SQLError) {
        if let order = query.orderBy.first {
            throw SQLError("ORDER BY is not allowed in \(object)", at: order.range,
                           hint: "order when you read it: \(readIt) ORDER BY ...")
        }
        if query.limit != nil {
            throw SQLError("LIMIT is not allowed in \(object)", at: query.limitRange ?? query.range,
                           hint: "limit when you read it: \(readIt) LIMIT ...")
        }
        if query.offset != nil {
            throw SQLError("OFFSET is not allowed in \(object)", at: query.offsetRange ?? query.range,
                           hint: "skip rows when you read it: \(readIt) ORDER BY ... OFFSET ...")
        }
    }

    /// Builds the fragments of a bound query: ending in a materialize operator (a view), or,
    /// for a sink's own query (`sink` given), ending where the query does.
    func buildJob(name: String, kind: JobKind, bound: BoundQuery, parallelism: Int, cost: CostSpec, definition: String,
                  sink: Bool = false) -> JobSpec {
        var fragments: [FragmentSpec] = []
        var tail: [OperatorSpec] = []
        if let projection = bound.projection { tail.append(.project(projection, names: bound.outputSchema.names)) }
        if !sink { tail.append(.materialize(primaryKey: materializeKey(bound))) }
        let dependsOn = [bound.left.name] + (bound.right.map { [$0.name] } ?? [])

        /// Where an input relation's rows come from: a source fragment, or the view itself.
        func input(_ relation: Relation, role: String, distribution: Distribution, side: Int, alias: String? = nil,
                   ops: [OperatorSpec]) -> (FragmentInput, [OperatorSpec]) {
            switch relation {
            case .source(let s):
                fragments.append(FragmentSpec(role: role, operators: [.source(s.name)] + ops, parallelism: parallelism,
                                              inputs: [], outputSchema: s.schema))
                return (FragmentInput(from: .fragment(fragments.count - 1), distribution: distribution, side: side, alias: alias), [])
            case .view(let v):
                return (FragmentInput(from: .view(v.name), distribution: distribution, side: side, alias: alias), ops)
            }
        }

        if let right = bound.right {
            let leftInput = input(bound.left, role: "source", distribution: .hash(bound.leftKeys), side: 0, alias: bound.leftName, ops: []).0
            let rightInput = input(right, role: "source_\(right.name)", distribution: .hash(bound.rightKeys), side: 1,
                                   alias: bound.rightName, ops: []).0
            let join = OperatorSpec.hashJoin(leftKeys: bound.leftKeys, rightKeys: bound.rightKeys,
                                             leftWidth: bound.left.schema.count, rightWidth: right.schema.count)
            let filterOps: [OperatorSpec] = bound.filter.map { [.filter($0)] } ?? []
            var afterJoin: [OperatorSpec]
            var rest: [OperatorSpec]
            if let aggregate = bound.aggregate {
                afterJoin = filterOps
                rest = [.hashAgg(groupKeys: aggregate.keys, calls: aggregate.calls)] + tail
            } else {
                afterJoin = filterOps + tail
                rest = []
            }
            let unaligned = settings.unalignedJoin
            if unaligned {
                // RisingWave's AddLogstoreRule: StreamSyncLogStore above the join, no-shuffle above it.
                fragments.append(FragmentSpec(role: "join", operators: [join], parallelism: parallelism,
                                              inputs: [leftInput, rightInput], cost: cost, outputSchema: bound.scope.schema))
                fragments.append(FragmentSpec(role: "logstore", operators: [.logStore], parallelism: parallelism,
                                              inputs: [FragmentInput(from: .fragment(fragments.count - 1), distribution: .simple)],
                                              outputSchema: bound.scope.schema))
                if let aggregate = bound.aggregate {
                    if !afterJoin.isEmpty {
                        fragments[fragments.count - 1].operators += afterJoin
                    }
                    fragments.append(FragmentSpec(role: "agg", operators: rest, parallelism: aggregate.keys.isEmpty ? 1 : parallelism,
                                                  inputs: [FragmentInput(from: .fragment(fragments.count - 1), distribution: .hash(aggregate.keys))],
                                                  outputSchema: bound.outputSchema))
                } else {
                    fragments.append(FragmentSpec(role: sink ? "select" : "materialize", operators: afterJoin, parallelism: parallelism,
                                                  inputs: [FragmentInput(from: .fragment(fragments.count - 1), distribution: .simple)],
                                                  outputSchema: bound.outputSchema))
                }
            } else if let aggregate = bound.aggregate {
                fragments.append(FragmentSpec(role: "join", operators: [join] + afterJoin, parallelism: parallelism,
                                              inputs: [leftInput, rightInput], cost: cost, outputSchema: bound.scope.schema))
                fragments.append(FragmentSpec(role: "agg", operators: rest, parallelism: aggregate.keys.isEmpty ? 1 : parallelism,
                                              inputs: [FragmentInput(from: .fragment(fragments.count - 1), distribution: .hash(aggregate.keys))],
                                              outputSchema: bound.outputSchema))
            } else {
                fragments.append(FragmentSpec(role: "join", operators: [join] + afterJoin, parallelism: parallelism,
                                              inputs: [leftInput, rightInput], cost: cost, outputSchema: bound.outputSchema))
            }
        } else if let aggregate = bound.aggregate {
            let filterOps: [OperatorSpec] = bound.filter.map { [.filter($0)] } ?? []
            let aggParallelism = aggregate.keys.isEmpty ? 1 : parallelism
            let (aggInput, pending) = input(bound.left, role: "source", distribution: .hash(aggregate.keys), side: 0, ops: filterOps)
            fragments.append(FragmentSpec(role: "agg", operators: pending + [.hashAgg(groupKeys: aggregate.keys, calls: aggregate.calls)] + tail,
                                          parallelism: aggParallelism, inputs: [aggInput], cost: cost, outputSchema: bound.outputSchema))
        } else {
            let filterOps: [OperatorSpec] = bound.filter.map { [.filter($0)] } ?? []
            switch bound.left {
            case .source(let s):
                fragments.append(FragmentSpec(role: "source", operators: [.source(s.name)] + filterOps + tail, parallelism: parallelism,
                                              inputs: [], cost: cost, outputSchema: bound.outputSchema))
            case .view(let v):
                fragments.append(FragmentSpec(role: sink ? "select" : "materialize", operators: filterOps + tail, parallelism: parallelism,
                                              // By the whole row: a retraction meets the row it retracts.
                                              inputs: [FragmentInput(from: .view(v.name), distribution: .hash(Array(0..<v.outputSchema.count)))],
                                              cost: cost, outputSchema: bound.outputSchema))
            }
        }
        return JobSpec(name: name, kind: kind, fragments: fragments, outputSchema: bound.outputSchema,
                       dependsOn: dependsOn, definition: definition)
    }

    /// Upsert by the group keys when every key is in the output; otherwise a multiset.
    private func materializeKey(_ bound: BoundQuery) -> [Int] {
        guard let aggregate = bound.aggregate, !aggregate.keys.isEmpty else { return [] }
        let outputs = bound.projection ?? (0..<(aggregate.keys.count + aggregate.calls.count)).map {
            ScalarExpr.column($0, .bigint, name: "")
        }
        var pk: [Int] = []
        for position in 0..<aggregate.keys.count {
            guard let i = outputs.firstIndex(where: { if case .column(let c, _, _) = $0 { return c == position } else { return false } }) else {
                return []
            }
            pk.append(i)
        }
        return pk
    }

    // MARK: Sinks

    /// A sink's `WITH` options: how it writes, what each row costs, how many actors. What is
    /// not given keeps `SinkSpec`'s default.
    private struct SinkOptions {
        var sink = SinkSpec()
        var cost = CostSpec.free
        var parallelism = Planner.defaultParallelism

        init(_ options: [WithOption], sink name: Identifier) throws(SQLError) {
            let o = try Options(options, allowed: Planner.sinkOptions, object: "sink \(name.sql)")
            try Planner.readSink(o, into: &sink, throughputHint: "throughput = 'unlimited' (or leaving it out) writes without a limit")
            cost = try o.get("cost", { $0.cost() }) ?? cost
            parallelism = try o.get("parallelism", { $0.integer(in: Limits.parallelism) }) ?? parallelism
        }
    }

    /// How a sink writes, read the same way by CREATE and ALTER: the options `o` has replace
    /// those of `sink`. `throughputHint` goes with a throughput out of range.
    static func readSink(_ o: Options, into sink: inout SinkSpec, throughputHint: String) throws(SQLError) {
        if let throughput = try o.get("throughput", { $0.sinkThroughput().hinting(throughputHint) }) { sink.throughput = throughput }
        if let batch = try o.get("batch", { $0.integer(in: Planner.sinkBatchSizes) }) { sink.batch = batch }
        if let latency = try o.get("latency", { $0.duration() }) { sink.latency = latency }
    }

    /// `CREATE SINK name FROM relation`: the sink reads a view's changes, or a source's log
    /// through a source fragment of its own.
    public func planSink(name: Identifier, from: Identifier, options: [WithOption], definition: String) throws(SQLError) -> JobSpec {
        try checkNewName(name)
        let upstream = try relation(from)
        let o = try SinkOptions(options, sink: name)
        return sinkJob(name: name.name, reading: upstream, options: o, definition: definition)
    }

    /// `CREATE SINK name AS query`: the query's fragments, planned as a view's would be but
    /// with nothing materialized, then the sink behind its last fragment (no shuffle). `cost`
    /// is the sink's per-row cost, as in `CREATE SINK ... FROM`; `parallelism` applies to
    /// the query's fragments, and the sink runs as many actors as the last of them.
    public func planSink(name: Identifier, query: Query, options: [WithOption], definition: String) throws(SQLError) -> JobSpec {
        try checkNewName(name)
        try refuseOrderAndLimit(query, in: "a sink's query", readIt: "SELECT * FROM view")
        let o = try SinkOptions(options, sink: name)
        let bound = try bindQuery(query)
        if bound.right == nil && bound.filter == nil && bound.aggregate == nil && bound.projection == nil {
            // SELECT * FROM relation: the same sink as CREATE SINK ... FROM relation.
            return sinkJob(name: name.name, reading: bound.left, options: o, definition: definition)
        }
        var job = buildJob(name: name.name, kind: .sink, bound: bound, parallelism: o.parallelism, cost: .free,
                           definition: definition, sink: true)
        var last = job.fragments.count - 1
        // A fragment left with nothing to do (the log store's relay, when the projection is
        // the identity): the sink reads its input instead.
        if job.fragments[last].operators.isEmpty, job.fragments[last].inputs.count == 1,
           case .fragment(let upstream) = job.fragments[last].inputs[0].from {
            job.fragments.removeLast()
            last = upstream
        }
        job.fragments.append(FragmentSpec(role: "sink", operators: [.sink(o.sink)], parallelism: job.fragments[last].parallelism,
                                          inputs: [FragmentInput(from: .fragment(last), distribution: .simple)],
                                          cost: o.cost, outputSchema: bound.outputSchema))
        return job
    }

    private func sinkJob(name: String, reading upstream: Relation, options o: SinkOptions, definition: String) -> JobSpec {
        let parallelism = o.parallelism, sink = o.sink, cost = o.cost
        var fragments: [FragmentSpec] = []
        let input: FragmentInput
        switch upstream {
        case .source(let s):
            fragments.append(FragmentSpec(role: "source", operators: [.source(s.name)], parallelism: parallelism,
                                          inputs: [], outputSchema: s.schema))
            input = FragmentInput(from: .fragment(0), distribution: .simple)
        case .view(let v):
            input = FragmentInput(from: .view(v.name), distribution: .roundRobin)
        }
        fragments.append(FragmentSpec(role: "sink", operators: [.sink(sink)], parallelism: parallelism, inputs: [input],
                                      cost: cost, outputSchema: upstream.schema))
        return JobSpec(name: name, kind: .sink, fragments: fragments, outputSchema: upstream.schema,
                       dependsOn: [upstream.name], definition: definition)
    }
}
