/// One operator of an actor's chain. It takes a chunk and returns the chunk it emits; state,
/// if any, lives in the instance (one instance per actor).
protocol StreamOperator: AnyObject {
    /// Processes `input` (from join side `side`) and returns what it emits downstream.
    func process(_ input: Chunk, side: Int, strings: StringPool) -> Chunk
    /// Rows (or groups) this operator holds in state, for the ledger and checkpoints.
    var stateRows: Int { get }
    /// Rows this operator consumed without emitting them (a filter's rejects).
    var filteredRows: Int64 { get }
    /// Input rows an aggregate or a join folded into its state, and the rows it derived from
    /// them and emitted (updates, joined rows): with `filteredRows`, what the ledger needs to
    /// check that an actor's rows in equal its rows out.
    var absorbedRows: Int64 { get }
    var derivedRows: Int64 { get }
}

extension StreamOperator {
    var stateRows: Int { 0 }
    var filteredRows: Int64 { 0 }
    var absorbedRows: Int64 { 0 }
    var derivedRows: Int64 { 0 }
}

/// An operator held by its concrete type, so the chain runs by a switch the optimizer can see
/// through instead of a protocol call (which makes it retain everything alive across it).
enum ChainedOperator {
    case filter(FilterOperator)
    case project(ProjectOperator)
    case hashAgg(HashAggOperator)
    case hashJoin(HashJoinOperator)
    case materialize(MaterializeOperator)
    case passThrough

    init(_ op: StreamOperator) {
        switch op {
        case let o as FilterOperator: self = .filter(o)
        case let o as ProjectOperator: self = .project(o)
        case let o as HashAggOperator: self = .hashAgg(o)
        case let o as HashJoinOperator: self = .hashJoin(o)
        case let o as MaterializeOperator: self = .materialize(o)
        default:
            precondition(op is LogStoreOperator, "an operator the chain cannot run: \(type(of: op))")
            self = .passThrough
        }
    }

    @inline(__always)
    func process(_ input: Chunk, side: Int, strings: StringPool) -> Chunk {
        switch self {
        case .filter(let o): o.process(input, side: side, strings: strings)
        case .project(let o): o.process(input, side: side, strings: strings)
        case .hashAgg(let o): o.process(input, side: side, strings: strings)
        case .hashJoin(let o): o.process(input, side: side, strings: strings)
        case .materialize(let o): o.process(input, side: side, strings: strings)
        case .passThrough: input
        }
    }
}

final class FilterOperator: StreamOperator {
    let predicate: ScalarExpr
    private let program: ExprProgram
    private(set) var filteredRows: Int64 = 0
    init(_ predicate: ScalarExpr) {
        self.predicate = predicate
        program = ExprProgram(predicate)
    }

    func process(_ input: Chunk, side: Int, strings: StringPool) -> Chunk {
        program.evaluate(input, strings) { keep in
            var passed = 0
            // Branch-free (a row passes at random): the sign bit of k | -k is set when k ≠ 0.
            for row in 0..<input.count { passed &+= Int(UInt64(bitPattern: keep[row] | (0 &- keep[row])) >> 63) }
            filteredRows &+= Int64(input.count &- passed)
            // Everything passes: the input goes on as it is; otherwise the kept rows are copied.
            if passed == input.count { return input }
            var out = Chunk(width: input.width, capacity: passed &+ 1)
            out.appendRows(from: input, where: keep, kept: passed)
            return out
        }
    }
}

final class ProjectOperator: StreamOperator {
    let expressions: [ScalarExpr]
    private let programs: [ExprProgram]
    init(_ expressions: [ScalarExpr]) {
        self.expressions = expressions
        programs = expressions.map(ExprProgram.init)
    }

    func process(_ input: Chunk, side: Int, strings: StringPool) -> Chunk {
        let width = expressions.count
        var out = Chunk(width: width, capacity: input.count)
        out.appendBlankRows(input.count, opsOf: input)
        out.withUnsafeMutableWords { words in
            for (c, program) in programs.enumerated() {
                program.evaluate(input, strings) { values in
                    for row in 0..<input.count { words[row &* width &+ c] = values[row] }
                }
            }
        }
        return out
    }
}

/// Passes data through; barrier handling makes it RisingWave's log store (see the engine).
final class LogStoreOperator: StreamOperator {
    func process(_ input: Chunk, side: Int, strings: StringPool) -> Chunk { input }
}
