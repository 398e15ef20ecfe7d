/// A job created over a materialized view starts from the view's contents, as RisingWave's
/// backfill does (a new view or sink reads a snapshot of the upstream view, then follows its
/// changes): each of the view's actors sends its share of the contents down the new job's
/// channels before anything else, through flow control like any output, so a large view
/// backpressures its own actors while the new job takes it in.
extension Engine {
    /// Sends every upstream view's contents to `runtime`'s new channels; returns the rows sent.
    func backfill(_ runtime: JobRuntime) -> Int64 {
        let newActors = Set(runtime.fragmentActors.joined())
        var views: [String] = []
        for fragment in runtime.spec.fragments {
            for input in fragment.inputs {
                if case .view(let name) = input.from, !views.contains(name) { views.append(name) }
            }
        }
        var sent: Int64 = 0
        for name in views {
            guard let upstream = jobs[name] else { continue }
            for id in upstream.lastActors {
                let actor = actors[id]
                guard let view = actor.operators.last as? MaterializeOperator else { continue }
                let snapshot = contentsSent(by: actor, view: view)
                guard !snapshot.isEmpty else { continue }
                // The new job's dispatchers (a self-join of the view has two).
                for d in actor.dispatchers.indices
                where actor.dispatchers[d].channels.contains(where: { newActors.contains(channels[$0].receiver) }) {
                    sent += Int64(snapshot.count)
                    route(actor, d, copy snapshot)
                }
                makeReady(actor)
            }
        }
        return sent
    }

    /// What a view's actor has sent on so far, as changes that rebuild it: its contents, less
    /// the changes it has applied but holds until its work is done (that output goes to every
    /// dispatcher when the work ends, the new job's included).
    private func contentsSent(by actor: Actor, view: MaterializeOperator) -> Chunk {
        var held: [[Int64]: Int] = [:]
        var heldOrder: [[Int64]] = []
        if let pending = actor.pendingOutput {
            for row in 0..<pending.count {
                let values = (0..<pending.width).map { pending.value(row, $0) }
                if held[values] == nil { heldOrder.append(values) }
                held[values, default: 0] += pending.op(row) == .insert ? 1 : -1
            }
        }
        var snapshot = Chunk(width: view.width)
        func add(_ row: [Int64], _ copies: Int) {
            for _ in 0..<abs(copies) { snapshot.append(row, op: copies > 0 ? .insert : .delete) }
        }
        // Rows in the order the view holds them, then rows only the held changes name (a
        // delete held back: the row was sent and is still owed its retraction).
        for (row, copies) in view.contents() {
            add(row, copies - (held.removeValue(forKey: row) ?? 0))
        }
        for row in heldOrder {
            if let change = held[row] { add(row, -change) }
        }
        return snapshot
    }
}
