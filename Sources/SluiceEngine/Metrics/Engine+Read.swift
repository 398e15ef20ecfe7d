/// Reading relations ad hoc (`SELECT … FROM view`): the raw rows of a view or table, and the
/// same operators the streaming plan uses, run once over them.
extension Engine {
    /// Interns a string literal so expressions can compare against VARCHAR columns.
    public func intern(_ s: String) -> Int64 { strings.intern(s) }

    /// The current rows of a materialized view or a table as one chunk.
    public func relationChunk(_ name: String) throws(EngineError) -> (schema: Schema, chunk: Chunk) {
        if let job = jobs[name], job.spec.kind == .materializedView {
            var chunk = Chunk(width: job.spec.outputSchema.count)
            for id in job.lastActors {
                guard let m = actors[id].operators.last as? MaterializeOperator else { continue }
                for row in m.currentRows() { chunk.append(row) }
            }
            return (job.spec.outputSchema, chunk)
        }
        if let id = sourceIndex[name], sources[id].spec.isTable {
            let log = sources[id]
            var chunk = Chunk(width: log.spec.schema.count)
            log.readRows(partition: 0, offset: 0, count: Int(log.partitions[0].endOffset), into: &chunk)
            return (log.spec.schema, chunk)
        }
        throw .unknownObject(kind: "materialized view or table", name: name)
    }

    /// Filter, aggregate and project `chunk` once, as a query over a snapshot.
    public func evaluate(_ chunk: Chunk, filter: ScalarExpr?, groupKeys: [Int]?, calls: [AggregateCall],
                         projection: [ScalarExpr]?) -> Chunk {
        var current = chunk
        if let filter { current = FilterOperator(filter).process(current, side: 0, strings: strings) }
        if let groupKeys {
            let agg = HashAggOperator(groupKeys: groupKeys, calls: calls)
            current = agg.process(current, side: 0, strings: strings)
            if groupKeys.isEmpty && current.isEmpty {
                // A global aggregate over no rows still answers one row (count 0).
                var empty = Chunk(width: calls.count)
                empty.append(calls.map { $0.function == .avg || $0.resultType == .double ? ScalarExpr.bits(0) : 0 })
                current = empty
            }
        }
        if let projection { current = ProjectOperator(projection).process(current, side: 0, strings: strings) }
        return current
    }

    /// Decodes a chunk's rows for display.
    public func decode(_ chunk: Chunk, schema: Schema) -> [[Value]] {
        (0..<chunk.count).map { r in
            (0..<schema.count).map { Value.decode(chunk.value(r, $0), schema.columns[$0].type, strings: strings) }
        }
    }
}
