/// A scalar expression flattened into steps that each run over a whole chunk: the operators'
/// vectorized form of `ScalarExpr` (one pass per node over `count` values, types resolved
/// once when the program is built instead of on every row).
///
/// Evaluation runs on a stack of registers, each `count` words, in a scratch buffer the
/// program owns; values are the engine's 64-bit words (doubles as their bit patterns,
/// booleans 0/1, strings as interned ids). Same results as `ScalarExpr.evaluate`, row by row.
final class ExprProgram {
    private enum Step {
        case column(Int)
        case constant(Int64)
        case negateInt, negateDouble
        case not, and, or
        case arithmeticInt(ScalarExpr.ArithmeticOp)
        case arithmeticDouble(ScalarExpr.ArithmeticOp, leftDouble: Bool, rightDouble: Bool)
        case compareInt(ScalarExpr.ComparisonOp)
        case compareDouble(ScalarExpr.ComparisonOp, leftDouble: Bool, rightDouble: Bool)
        case compareString(ScalarExpr.ComparisonOp)
        /// `column op constant`, both of one type (strings only for = and <>).
        case compareColumn(Int, ScalarExpr.ComparisonOp, Int64, double: Bool)
    }

    private let steps: [Step]
    private let depth: Int
    private var scratch: UnsafeMutablePointer<Int64>
    private var scratchRows = 0
    /// The plain column this expression reads, if that is all it does (no evaluation needed).
    let column: Int?

    init(_ expr: ScalarExpr) {
        var steps: [Step] = []
        var depth = 0, maxDepth = 0
        func emit(_ step: Step, pops: Int) {
            steps.append(step)
            depth += 1 - pops
            maxDepth = max(maxDepth, depth)
        }
        func compile(_ e: ScalarExpr) {
            switch e {
            case .column(let c, _, _): emit(.column(c), pops: 0)
            case .constant(let bits, _, _): emit(.constant(bits), pops: 0)
            case .negate(let x):
                compile(x)
                emit(x.type == .double ? .negateDouble : .negateInt, pops: 1)
            case .not(let x):
                compile(x)
                emit(.not, pops: 1)
            case .and(let l, let r):
                compile(l); compile(r)
                emit(.and, pops: 2)
            case .or(let l, let r):
                compile(l); compile(r)
                emit(.or, pops: 2)
            case .arithmetic(let op, let l, let r):
                compile(l); compile(r)
                let ld = l.type == .double, rd = r.type == .double
                emit(ld || rd ? .arithmeticDouble(op, leftDouble: ld, rightDouble: rd) : .arithmeticInt(op), pops: 2)
            case .comparison(let op, .column(let c, let t, _), .constant(let bits, let u, _))
                where t == u && (t == .double || t != .varchar || op == .eq || op == .ne):
                // The usual filter, a column against a constant of its type: one pass.
                emit(.compareColumn(c, op, bits, double: t == .double), pops: 0)
            case .comparison(let op, let l, let r):
                compile(l); compile(r)
                let ld = l.type == .double, rd = r.type == .double
                if l.type == .varchar && r.type == .varchar {
                    emit(op == .eq || op == .ne ? .compareInt(op) : .compareString(op), pops: 2)
                } else if ld || rd {
                    emit(.compareDouble(op, leftDouble: ld, rightDouble: rd), pops: 2)
                } else {
                    emit(.compareInt(op), pops: 2)
                }
            }
        }
        compile(expr)
        self.steps = steps
        self.depth = max(1, maxDepth)
        if case .column(let c, _, _) = expr { column = c } else { column = nil }
        scratch = .allocate(capacity: 1)
    }

    deinit { scratch.deallocate() }

    /// Evaluates the expression for every row of `chunk`; `body` reads the `chunk.count`
    /// results, valid only inside the call.
    func evaluate<R>(_ chunk: Chunk, _ strings: StringPool, _ body: (UnsafePointer<Int64>) -> R) -> R {
        let n = chunk.count
        if n > scratchRows {
            scratch.deallocate()
            scratchRows = max(n, 2 * scratchRows, 64)
            scratch = .allocate(capacity: scratchRows * depth)
        }
        let rows = scratchRows
        var top = -1
        chunk.withUnsafeWords { words in
            let width = chunk.width
            for step in steps {
                switch step {
                case .column(let c):
                    top += 1
                    let r = scratch + top * rows
                    for i in 0..<n { r[i] = words[i &* width &+ c] }
                case .compareColumn(let c, let op, let bits, let double):
                    top += 1
                    let r = scratch + top * rows
                    if double {
                        Self.compare(op, n, into: r, ScalarExpr.double(bits)) { ScalarExpr.double(words[$0 &* width &+ c]) }
                    } else {
                        Self.compare(op, n, into: r, bits) { words[$0 &* width &+ c] }
                    }
                case .constant(let bits):
                    top += 1
                    (scratch + top * rows).update(repeating: bits, count: n)
                case .negateInt:
                    let a = scratch + top * rows
                    for i in 0..<n { a[i] = 0 &- a[i] }
                case .negateDouble:
                    let a = scratch + top * rows
                    for i in 0..<n { a[i] = ScalarExpr.bits(-ScalarExpr.double(a[i])) }
                case .not:
                    let a = scratch + top * rows
                    for i in 0..<n { a[i] = a[i] == 0 ? 1 : 0 }
                default:
                    top -= 1
                    binary(step, scratch + top * rows, UnsafePointer(scratch + (top + 1) * rows), n, strings)
                }
            }
        }
        return body(UnsafePointer(scratch))
    }

    /// `a[i] = a[i] ∘ b[i]` for a binary step.
    private func binary(_ step: Step, _ a: UnsafeMutablePointer<Int64>, _ b: UnsafePointer<Int64>, _ n: Int, _ strings: StringPool) {
        switch step {
        case .and: for i in 0..<n { a[i] = a[i] != 0 && b[i] != 0 ? 1 : 0 }
        case .or: for i in 0..<n { a[i] = a[i] != 0 || b[i] != 0 ? 1 : 0 }
        case .arithmeticInt(let op):
            switch op {
            case .add: for i in 0..<n { a[i] = a[i] &+ b[i] }
            case .sub: for i in 0..<n { a[i] = a[i] &- b[i] }
            case .mul: for i in 0..<n { a[i] = a[i] &* b[i] }
            case .div: for i in 0..<n { a[i] = b[i] == 0 ? 0 : a[i].dividedReportingOverflow(by: b[i]).partialValue }
            case .mod: for i in 0..<n { a[i] = b[i] == 0 ? 0 : a[i].remainderReportingOverflow(dividingBy: b[i]).partialValue }
            }
        case .arithmeticDouble(let op, let ld, let rd):
            for i in 0..<n {
                let x = ld ? ScalarExpr.double(a[i]) : Double(a[i])
                let y = rd ? ScalarExpr.double(b[i]) : Double(b[i])
                let z: Double
                switch op {
                case .add: z = x + y
                case .sub: z = x - y
                case .mul: z = x * y
                case .div: z = y == 0 ? 0 : x / y
                case .mod: z = y == 0 ? 0 : x.truncatingRemainder(dividingBy: y)
                }
                a[i] = ScalarExpr.bits(z)
            }
        case .compareInt(let op):
            switch op {
            case .eq: for i in 0..<n { a[i] = a[i] == b[i] ? 1 : 0 }
            case .ne: for i in 0..<n { a[i] = a[i] != b[i] ? 1 : 0 }
            case .lt: for i in 0..<n { a[i] = a[i] < b[i] ? 1 : 0 }
            case .le: for i in 0..<n { a[i] = a[i] <= b[i] ? 1 : 0 }
            case .gt: for i in 0..<n { a[i] = a[i] > b[i] ? 1 : 0 }
            case .ge: for i in 0..<n { a[i] = a[i] >= b[i] ? 1 : 0 }
            }
        case .compareDouble(let op, let ld, let rd):
            for i in 0..<n {
                let x = ld ? ScalarExpr.double(a[i]) : Double(a[i])
                let y = rd ? ScalarExpr.double(b[i]) : Double(b[i])
                a[i] = Self.holds(op, order: x < y ? -1 : (x == y ? 0 : 1)) ? 1 : 0
            }
        case .compareString(let op):
            for i in 0..<n {
                let x = strings.string(a[i]), y = strings.string(b[i])
                a[i] = Self.holds(op, order: x < y ? -1 : (x == y ? 0 : 1)) ? 1 : 0
            }
        case .column, .constant, .negateInt, .negateDouble, .not, .compareColumn:
            preconditionFailure("not a binary step")
        }
    }

    /// `r[i] = x(i) op y` for every row, one loop per operator (no switch inside the loop).
    /// The same order as `holds`: a NaN is neither less than nor equal to anything, so it
    /// counts as greater.
    @inline(__always)
    private static func compare<T: Comparable>(_ op: ScalarExpr.ComparisonOp, _ n: Int, into r: UnsafeMutablePointer<Int64>,
                                               _ y: T, _ x: (Int) -> T) {
        switch op {
        case .eq: for i in 0..<n { r[i] = x(i) == y ? 1 : 0 }
        case .ne: for i in 0..<n { r[i] = x(i) == y ? 0 : 1 }
        case .lt: for i in 0..<n { r[i] = x(i) < y ? 1 : 0 }
        case .le: for i in 0..<n { let v = x(i); r[i] = v < y || v == y ? 1 : 0 }
        case .gt: for i in 0..<n { let v = x(i); r[i] = v < y || v == y ? 0 : 1 }
        case .ge: for i in 0..<n { r[i] = x(i) < y ? 0 : 1 }
        }
    }

    @inline(__always)
    private static func holds(_ op: ScalarExpr.ComparisonOp, order: Int) -> Bool {
        switch op {
        case .eq: order == 0
        case .ne: order != 0
        case .lt: order < 0
        case .le: order <= 0
        case .gt: order > 0
        case .ge: order >= 0
        }
    }
}
