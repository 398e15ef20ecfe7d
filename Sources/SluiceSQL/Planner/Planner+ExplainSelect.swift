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
        let order = try orderKeys(query, bound)
        let keys = order.keys.map { key, descending in
            (key < output.count ? Identifier(output[key]).sql : order.hidden[key - output.count].description) + (descending ? " DESC" : " ASC")
        }.joined(separator: ", ")
        let offset = query.offset ?? 0
        switch (order.keys.isEmpty, query.limit) {
        case (false, let limit?): nodes.append("BatchTopN { order: [\(keys)], limit: \(limit), offset: \(offset) }")
        case (false, nil): nodes.append("BatchSort { order: [\(keys)] }")
        case (true, let limit?): nodes.append("BatchLimit { limit: \(limit), offset: \(offset) }")
        case (true, nil): break
        }
        if query.limit == nil && offset > 0 { nodes.insert("BatchLimit { limit: all, offset: \(offset) }", at: 0) }
        // The sort's own columns go once it has sorted: the result is the select list.
        if !order.hidden.isEmpty { nodes.insert("BatchProject { exprs: [\(Explain.list(output))] }", at: 0) }
        if bound.projection != nil || !order.hidden.isEmpty {
            // Sorting by what the select list leaves out projects it too, for the sort.
            let exprs = (bound.projection ?? input.indices.map { i in .column(i, relation.schema.columns[i].type, name: input[i]) }) + order.hidden
            let names = output.map { Identifier($0).sql } + order.hidden.map(\.description)
            let items = zip(exprs, names).map { e, n in e.description == n ? n : "\(e) as \(n)" }
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
