/// One operator of an actor's chain. It takes a chunk and returns the chunk it emits; state,
/// if any, lives in the instance (one instance per actor).
protocol StreamOperator: AnyObject {
    /// Processes `input` (from join side `side`) and returns what it emits downstream.
    func process(_ input: Chunk, side: Int, strings: StringPool) -> Chunk
    /// Rows (or groups) this operator holds in state, for the ledger and checkpoints.
    var stateRows: Int { get }
    /// Rows this operator consumed without emitting them (a filter's rejects).
    var filteredRows: Int64 { get }
}

extension StreamOperator {
    var stateRows: Int { 0 }
    var filteredRows: Int64 { 0 }
}

final class FilterOperator: StreamOperator {
    let predicate: ScalarExpr
    private(set) var filteredRows: Int64 = 0
    init(_ predicate: ScalarExpr) { self.predicate = predicate }

    func process(_ input: Chunk, side: Int, strings: StringPool) -> Chunk {
        var out = Chunk(width: input.width, capacity: input.count)
        for row in 0..<input.count where predicate.evaluate(input, row, strings) != 0 {
            out.append(from: input, row: row)
        }
        filteredRows += Int64(input.count - out.count)
        return out
    }
}

final class ProjectOperator: StreamOperator {
    let expressions: [ScalarExpr]
    init(_ expressions: [ScalarExpr]) { self.expressions = expressions }

    func process(_ input: Chunk, side: Int, strings: StringPool) -> Chunk {
        var out = Chunk(width: expressions.count, capacity: input.count)
        for row in 0..<input.count {
            for e in expressions { out.values.append(e.evaluate(input, row, strings)) }
            out.commitRow(op: input.op(row))
        }
        return out
    }
}

/// Passes data through; barrier handling makes it RisingWave's log store (see the engine).
final class LogStoreOperator: StreamOperator {
    func process(_ input: Chunk, side: Int, strings: StringPool) -> Chunk { input }
}
