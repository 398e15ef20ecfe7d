import SluiceEngine

/// `EXPLAIN SELECT`: the batch plan an ad hoc query runs once over the current contents of a
/// view or table, in RisingWave's shape: `BatchScan` at the leaf, then `BatchFilter`,
/// `BatchHashAgg` (`BatchSimpleAgg` without GROUP BY), `BatchProject`, and `BatchSort`,
/// `BatchLimit` or `BatchTopN` (ORDER BY with LIMIT) at the root.
extension Planner {
    public func explainSelect(_ query: Query) throws(SQLError) -> String {
        let (relation, bound) = try adHoc(query)
        let output = bound.outputSchema.names, input = relation.schema.names
        var nodes: [String] = []
        let keys = try orderKeys(query, bound)
        let order = keys.map { Identifier(output[$0.0]).sql + ($0.1 ? " DESC" : " ASC") }.joined(separator: ", ")
        switch (keys.isEmpty, query.limit) {
        case (false, let limit?): nodes.append("BatchTopN { order: [\(order)], limit: \(limit), offset: 0 }")
        case (false, nil): nodes.append("BatchSort { order: [\(order)] }")
        case (true, let limit?): nodes.append("BatchLimit { limit: \(limit), offset: 0 }")
        case (true, nil): break
        }
        if let projection = bound.projection {
            let items = zip(projection, output.map { Identifier($0).sql }).map { e, n in e.description == n ? n : "\(e) as \(n)" }
            nodes.append("BatchProject { exprs: [\(items.joined(separator: ", "))] }")
        }
        if let aggregate = bound.aggregate {
            let aggs = aggregate.calls.map(\.description).joined(separator: ", ")
            nodes.append(aggregate.keys.isEmpty
                ? "BatchSimpleAgg { aggs: [\(aggs)] }"
                : "BatchHashAgg { group_key: [\(Explain.list(aggregate.keys.map { input[$0] }))], aggs: [\(aggs)] }")
        }
        if let filter = bound.filter { nodes.append("BatchFilter { predicate: \(filter) }") }
        nodes.append("BatchScan { table: \(Identifier(relation.name).sql), columns: [\(Explain.list(input))] }")
        let tree = nodes.enumerated().map { depth, node in
            depth == 0 ? node : String(repeating: "  ", count: depth - 1) + "└─" + node
        }
        let kind = if case .source = relation { "table" } else { "materialized view" }
        return (tree + ["", "runs once over the \(kind)'s current contents, as RisingWave serves a batch query; it does not stream"])
            .joined(separator: "\n")
    }
}
