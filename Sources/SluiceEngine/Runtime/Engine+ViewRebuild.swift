/// Rebuilding a rescaled view's contents. A view's rows cannot always be moved by their own
/// values: a later retraction reaches the actor that owns the key the row came from (a group,
/// a join key, an upstream row), and the row itself may not carry that key. So a view whose
/// rows some state yields is rebuilt from that state on its new actor.
extension Engine {
    /// A view fed by an aggregate or a join holds what that operator's state yields, actor by
    /// actor. Its rows are rebuilt from the state new actor `i` received, not moved by their
    /// own values: a later retraction comes from the actor that owns the group or join key,
    /// and the row (whose columns may not even include that key) must be there.
    func rebuildView(_ derivation: ViewDerivation, actor i: Int, of runtime: JobRuntime) {
        let state = actors[runtime.fragmentActors[derivation.stateFragment][i]].operators[derivation.statePosition]
        var rows: Chunk
        if let agg = state as? HashAggOperator {
            rows = agg.currentResults()
        } else if let join = state as? HashJoinOperator {
            rows = join.currentResults()
        } else {
            return
        }
        // The operators on the way run as fresh copies: the actors' own counters (rows
        // filtered) saw these rows once already.
        let viewFragment = derivation.path.last!
        for f in derivation.path {
            let operators = Engine.makeOperators(runtime.spec.fragments[f], spec: runtime.spec)
            let from = f == derivation.stateFragment ? derivation.statePosition + 1 : 0
            let to = f == viewFragment ? derivation.viewPosition : operators.count
            for k in from..<to { rows = operators[k].process(rows, side: 0, strings: strings) }
        }
        _ = actors[runtime.fragmentActors[viewFragment][i]].operators[derivation.viewPosition].process(rows, side: 0, strings: strings)
    }

    /// The input rows a view over another view (through filters and projections only, behind
    /// a hash exchange) holds the output of: the upstream view's contents without the changes
    /// still on their way to this fragment, in `pending` or held by an upstream actor until
    /// its work is done (an insert there is not seen yet; a delete there, not yet undone).
    /// A delete comes back when the fragment saw a retraction before its row (the row is on
    /// its way): the view owes that copy. Nil for any other fragment.
    func liveViewInputs(of fragment: FragmentSpec, pending: [Chunk]) -> [(row: [Int64], op: RowOp)]? {
        let chain = ViewDerivation.chain(fragment)
        guard chain.contains(where: { if case .materialize = $0 { true } else { false } }), fragment.inputs.count == 1,
              case .view(let name) = fragment.inputs[0].from, case .hash(let keys) = fragment.inputs[0].distribution, !keys.isEmpty,
              let upstream = jobs[name] else { return nil }
        // Per row, how many more copies the fragment has seen than the contents hold: one
        // fewer per insert on its way, one more per delete. The dictionary is only looked up;
        // the order comes from the contents, then from the changes.
        var seenMinusContents: [[Int64]: Int] = [:]
        var changedRows: [[Int64]] = []
        let onTheirWay = pending + upstream.lastActors.compactMap { actors[$0].pendingOutput }
        for chunk in onTheirWay {
            for row in 0..<chunk.count {
                let values = (0..<chunk.width).map { chunk.value(row, $0) }
                let before = seenMinusContents[values]
                if before == nil { changedRows.append(values) }
                seenMinusContents[values] = (before ?? 0) + (chunk.op(row) == .insert ? -1 : 1)
            }
        }
        var rows: [(row: [Int64], op: RowOp)] = []
        for id in upstream.lastActors {
            guard let view = actors[id].operators.last as? MaterializeOperator else { return nil }
            for row in view.currentRows() {
                if let d = seenMinusContents[row], d < 0 { seenMinusContents[row] = d + 1 } else { rows.append((row, .insert)) }
            }
        }
        for row in changedRows {
            guard let d = seenMinusContents[row], d != 0 else { continue }
            let op: RowOp = d > 0 ? .insert : .delete
            rows += repeatElement((row: row, op: op), count: abs(d))
        }
        return rows
    }

    /// Rebuilds fragment `f`'s views from their live input rows, each routed as the input
    /// exchange routes it and passed through fresh copies of the chain before the view (the
    /// actors' own counters saw these rows once already).
    func rebuildView(from rows: [(row: [Int64], op: RowOp)], fragment f: Int, of runtime: JobRuntime) {
        let fragment = runtime.spec.fragments[f]
        let targets = runtime.fragmentActors[f]
        guard case .hash(let keys) = fragment.inputs.first?.distribution, let width = rows.first?.row.count else { return }
        var all = Chunk(width: width, capacity: rows.count)
        for (row, op) in rows { all.append(row, op: op) }
        var parts = [Chunk?](repeating: nil, count: targets.count)
        for (i, part) in partition(all, keys: keys, into: targets.count) { parts[i] = part }
        for (i, id) in targets.enumerated() {
            let operators = Engine.makeOperators(fragment, spec: runtime.spec)
            guard let m = operators.lastIndex(where: { $0 is MaterializeOperator }) else { return }
            var chunk = parts[i] ?? Chunk(width: width)
            for k in 0..<m { chunk = operators[k].process(chunk, side: 0, strings: strings) }
            _ = actors[id].operators[m].process(chunk, side: 0, strings: strings)
        }
    }
}
