import SluiceEngine

/// EXPLAIN text in RisingWave's shape: the stream plan as a tree (StreamMaterialize at the
/// root, StreamExchange at every fragment boundary), then the fragments with their actors,
/// nodes and the exchanges between them.
public struct Explain {
    let engine: Engine
    let sourceSchemas: [String: Schema]

    public init(engine: Engine) {
        self.engine = engine
        var schemas: [String: Schema] = [:]
        for name in engine.sourceNames { schemas[name] = engine.sourceSpec(name)?.schema }
        sourceSchemas = schemas
    }

    /// The plan tree, then the fragments.
    public func text(_ spec: JobSpec) -> String {
        var lines: [String] = []
        tree(spec, fragment: spec.fragments.count - 1, operator: spec.fragments.last!.operators.count - 1,
             prefix: "", childPrefix: "", into: &lines)
        lines.append("")
        lines.append(contentsOf: fragments(spec))
        return lines.joined(separator: "\n")
    }

    // MARK: The plan tree

    private func tree(_ spec: JobSpec, fragment f: Int, operator o: Int, prefix: String, childPrefix: String,
                             into lines: inout [String]) {
        let fragment = spec.fragments[f]
        if o < 0 {
            // The fragment's inputs: an exchange per input (or the source for a source fragment).
            let base = String(prefix.dropLast(2))
            let inputs = fragment.inputs
            for (k, input) in inputs.enumerated() {
                let last = k == inputs.count - 1
                let branch = inputs.count > 1 ? (last ? "└─" : "├─") : "└─"
                let nextPrefix = inputs.count > 1 ? (last ? "  " : "│ ") : "  "
                let upstreamSchema: Schema
                switch input.from {
                case .fragment(let j): upstreamSchema = spec.fragments[j].outputSchema
                case .view(let name): upstreamSchema = Schema(viewSchema(name))
                }
                lines.append(base + branch + "StreamExchange { dist: \(distribution(input.distribution, upstreamSchema)) }")
                switch input.from {
                case .fragment(let j):
                    tree(spec, fragment: j, operator: spec.fragments[j].operators.count - 1,
                         prefix: base + nextPrefix + "└─", childPrefix: base + nextPrefix + "  ", into: &lines)
                case .view(let name):
                    lines.append(base + nextPrefix + "└─StreamTableScan { table: \(Identifier(name).sql), columns: [\(Explain.list(upstreamSchema.names))] }")
                }
            }
            return
        }
        let op = fragment.operators[o]
        let inputSchema = o > 0 ? schemaAfter(spec, f, o - 1) : inputSchemaOf(spec, f)
        lines.append(prefix + label(op, input: inputSchema, output: schemaAfter(spec, f, o), spec: spec, fragment: fragment))
        if case .source = op { return }
        tree(spec, fragment: f, operator: o - 1, prefix: childPrefix + "└─", childPrefix: childPrefix + "  ", into: &lines)
    }

    /// Everything after `o` is the fragment's own output schema; before it, the schema shifts
    /// at aggregates, joins and projections.
    private func schemaAfter(_ spec: JobSpec, _ f: Int, _ o: Int) -> Schema {
        let fragment = spec.fragments[f]
        var schema = inputSchemaOf(spec, f)
        for op in fragment.operators.prefix(o + 1) {
            switch op {
            case .source(let name): schema = sourceSchemas[name] ?? fragment.outputSchema
            case .project(let exprs, let names): schema = Schema(zip(names, exprs).map { Column($0.0, $0.1.type) })
            case .hashAgg(let keys, let calls):
                schema = Schema(keys.map { schema.columns[$0] } + calls.map { Column($0.description, $0.resultType) })
            case .hashJoin: schema = joinSchema(spec, f)
            default: break
            }
        }
        return schema
    }

    private func inputSchemaOf(_ spec: JobSpec, _ f: Int) -> Schema {
        guard let input = spec.fragments[f].inputs.first else { return spec.fragments[f].outputSchema }
        switch input.from {
        case .fragment(let j): return spec.fragments[j].outputSchema
        case .view(let name): return Schema(viewSchema(name))
        }
    }

    private func joinSchema(_ spec: JobSpec, _ f: Int) -> Schema {
        let parts = spec.fragments[f].inputs.map { input -> [Column] in
            switch input.from {
            case .fragment(let j): return spec.fragments[j].outputSchema.columns
            case .view(let name): return viewSchema(name)
            }
        }
        return Schema(parts.flatMap { $0 })
    }

    private func viewSchema(_ name: String) -> [Column] {
        engine.jobSpec(name)?.outputSchema.columns ?? []
    }

    private func names(_ indices: [Int], _ schema: Schema) -> String {
        indices.map { $0 < schema.count ? Identifier(schema.columns[$0].name).sql : "$\($0)" }.joined(separator: ", ")
    }

    /// Names as SQL, quoted where a bare word cannot hold them (`"from", "a b", n`), comma-separated.
    static func list(_ names: [String]) -> String {
        names.map { Identifier($0).sql }.joined(separator: ", ")
    }

    private func distribution(_ d: Distribution, _ schema: Schema) -> String {
        switch d {
        case .hash(let keys): keys.isEmpty ? "Single" : "HashShard(\(names(keys, schema)))"
        case .roundRobin: "RoundRobin"
        case .broadcast: "Broadcast"
        case .simple: "NoShuffle"
        }
    }

    private func label(_ op: OperatorSpec, input: Schema, output: Schema, spec: JobSpec, fragment: FragmentSpec) -> String {
        switch op {
        case .source(let name):
            return "StreamSource { source: \(Identifier(name).sql), columns: [\(Explain.list(output.names))] }"
        case .filter(let e):
            return "StreamFilter { predicate: \(e) }"
        case .project(let exprs, let names):
            let items = zip(exprs, names.map { Identifier($0).sql }).map { e, n in e.description == n ? n : "\(e) as \(n)" }
            return "StreamProject { exprs: [\(items.joined(separator: ", "))] }"
        case .hashAgg(let keys, let calls):
            return "StreamHashAgg { group_key: [\(names(keys, input))], aggs: [\(calls.map(\.description).joined(separator: ", "))] }"
        case .hashJoin(let lk, let rk, _, _):
            var sides = fragment.inputs.map { input -> (name: String, schema: Schema) in
                switch input.from {
                case .fragment(let j):
                    if case .source(let source) = spec.fragments[j].operators.first { return (Identifier(source).sql, spec.fragments[j].outputSchema) }
                    return ("\(spec.name).\(spec.fragments[j].role)", spec.fragments[j].outputSchema)
                case .view(let name): return (Identifier(name).sql, Schema(viewSchema(name)))
                }
            }
            guard sides.count == 2 else { return "StreamHashJoin { type: Inner }" }
            // Relations go by their own names, as in RisingWave's plans; a relation joined
            // with itself by the names the query gives the two sides.
            if sides[0].name == sides[1].name, let a = fragment.inputs[0].alias, let b = fragment.inputs[1].alias {
                sides[0].name = Identifier(a).sql
                sides[1].name = Identifier(b).sql
            }
            let predicate = zip(lk, rk).map { l, r in
                "\(sides[0].name).\(names([l], sides[0].schema)) = \(sides[1].name).\(names([r], sides[1].schema))"
            }.joined(separator: " AND ")
            return "StreamHashJoin { type: Inner, predicate: \(predicate), output: all }"
        case .logStore:
            return "StreamSyncLogStore { barriers: pass at once, data: drains behind them }"
        case .materialize(let pk):
            let columns = fragment.outputSchema
            let pkText = pk.isEmpty ? "[] (append and retract rows)" : "[\(names(pk, columns))]"
            return "StreamMaterialize { columns: [\(Explain.list(columns.names))], pk_columns: \(pkText) }"
        case .sink(let sink):
            var parts = ["type: \(isAppendOnly(spec) ? "append-only" : "upsert")"]
            parts.append("throughput: " + (sink.throughput.map { VirtualTime.formatNumber($0) + " rows/s" } ?? "unlimited"))
            parts.append("batch: \(sink.batch)")
            parts.append("latency: \(VirtualTime.format(sink.latency))")
            return "StreamSink { \(parts.joined(separator: ", ")) }"
        }
    }

    /// Whether a job's stream only ever inserts (RisingWave's append-only sink): no aggregate
    /// in it or in any view it reads, since an aggregate retracts a group's old row.
    private func isAppendOnly(_ spec: JobSpec) -> Bool {
        spec.fragments.allSatisfy { fragment in
            !fragment.operators.contains { if case .hashAgg = $0 { true } else { false } }
                && fragment.inputs.allSatisfy { input in
                    guard case .view(let name) = input.from else { return true }
                    return engine.jobSpec(name).map(isAppendOnly) ?? true
                }
        }
    }

    // MARK: Fragments

    private func fragments(_ spec: JobSpec) -> [String] {
        let settings = engine.settings
        let nodes = engine.placedNodes(for: spec)
        var lines: [String] = []
        for (f, fragment) in spec.fragments.enumerated().reversed() {
            let chain = fragment.operators.map(Engine.operatorName).joined(separator: " → ")
            let costText = fragment.cost.isFree ? "" : ", cost \(fragment.cost) per row"
            lines.append("Fragment \(f) (\(spec.name).\(fragment.role)): \(chain.isEmpty ? "pass-through" : chain)\(costText)")
            let actors = (0..<fragment.parallelism).map { "\(spec.name).\(fragment.role).\($0)@node\(nodes[f][$0])" }
            lines.append("    actors: " + actors.joined(separator: ", "))
            for input in fragment.inputs {
                let from: String
                let schema: Schema
                switch input.from {
                case .fragment(let j):
                    from = "Fragment \(j) (\(spec.name).\(spec.fragments[j].role))"
                    schema = spec.fragments[j].outputSchema
                case .view(let name):
                    from = "materialized view \(Identifier(name).sql)"
                    schema = engine.jobSpec(name)?.outputSchema ?? Schema([])
                }
                let channel: String
                if case .logStore = fragment.operators.first { channel = "the log store's buffer (barriers pass)" }
                else if case .sink = fragment.operators.last, settings.sinkDecouple, fragment.operators.count == 1 { channel = "the sink's own log (sink_decouple)" }
                else { channel = "\(settings.flowControl.rawValue) channels" }
                let side = fragment.inputs.count > 1 ? (input.side == 0 ? " (left)" : " (right)") : ""
                lines.append("    input\(side): \(distribution(input.distribution, schema)) exchange from \(from) over \(channel)")
            }
        }
        return lines
    }
}
