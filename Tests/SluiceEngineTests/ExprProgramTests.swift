import Testing
@testable import SluiceEngine

/// `ExprProgram` (an expression run a step per node over a whole chunk) must give exactly the
/// words `ScalarExpr.evaluate` gives row by row: filters and projections use the program, the
/// planner and the tests reason with the tree.
@Suite struct ExprProgramTests {
    // MARK: Fixture

    /// The fixture's columns, as the planner types them.
    enum Col {
        static let intA = ScalarExpr.column(0, .int, name: "a")
        static let intB = ScalarExpr.column(1, .int, name: "b")
        static let big = ScalarExpr.column(2, .bigint, name: "big")
        static let dblA = ScalarExpr.column(3, .double, name: "x")
        static let dblB = ScalarExpr.column(4, .double, name: "y")
        static let flagA = ScalarExpr.column(5, .boolean, name: "p")
        static let flagB = ScalarExpr.column(6, .boolean, name: "q")
        static let strA = ScalarExpr.column(7, .varchar, name: "s")
        static let strB = ScalarExpr.column(8, .varchar, name: "t")
        static let width = 9
    }

    static let words = ["", "a", "apple", "apple2", "a b", "b", "banana", "Zebra", "zebra", "éclair", "eclair"]
    /// Ids come from the strings' content, so one pool serves every test.
    static let strings: StringPool = {
        var pool = StringPool()
        for w in words { _ = pool.intern(w) }
        return pool
    }()
    static func id(_ s: String) -> Int64 {
        var pool = strings
        return pool.intern(s)
    }

    static let doubles: [Double] = [0, -0.0, 1, -1, 2, -3, 2.5, -3.75, 0.1, 7, 1e300, -1e-300, .infinity, -.infinity]

    /// A chunk of `rows` random rows over the fixture's columns: small ints (zeros and -1
    /// often), bigints small or full-width, doubles from awkward values and integers, booleans
    /// and interned strings.
    static func chunk(rows: Int, seed: UInt64) -> Chunk {
        var rng = SeededRandom(seed: seed)
        var c = Chunk(width: Col.width)
        for _ in 0..<rows {
            func small() -> Int64 { Int64(rng.below(21)) - 10 }
            func double() -> Double {
                switch rng.below(3) {
                case 0: doubles[rng.below(doubles.count)]
                case 1: Double(small())
                default: rng.unit() * 200 - 100
                }
            }
            // Never Int64.min: Int64.min / -1 traps in both evaluators (see the report).
            var big = rng.below(3) == 0 ? small() : Int64(bitPattern: rng.next())
            if big == .min { big = 0 }
            let row: [Int64] = [small(), small(), big, ScalarExpr.bits(double()), ScalarExpr.bits(double()),
                                Int64(rng.below(2)), Int64(rng.below(2)),
                                id(words[rng.below(words.count)]), id(words[rng.below(words.count)])]
            c.append(row, op: rng.below(5) == 0 ? .delete : .insert)
        }
        return c
    }

    static func rowByRow(_ expr: ScalarExpr, _ c: Chunk) -> [Int64] { (0..<c.count).map { expr.evaluate(c, $0, strings) } }

    static func vectorized(_ program: ExprProgram, _ c: Chunk) -> [Int64] {
        program.evaluate(c, strings) { Array(UnsafeBufferPointer(start: $0, count: c.count)) }
    }

    /// The first row where the program and the tree disagree, described.
    static func mismatch(_ expr: ScalarExpr, _ c: Chunk, program: ExprProgram? = nil) -> String? {
        let expected = rowByRow(expr, c), got = vectorized(program ?? ExprProgram(expr), c)
        if got.count != expected.count { return "\(expr): \(got.count) results for \(c.count) rows" }
        guard let row = got.indices.first(where: { got[$0] != expected[$0] }) else { return nil }
        let values = (0..<c.width).map { c.value(row, $0) }
        return "\(expr) at row \(row) \(values): program \(got[row]), tree \(expected[row])"
    }

    // MARK: Random expressions, typed as the planner types them

    struct ExprGenerator {
        var rng: SeededRandom

        static let arithmetic: [ScalarExpr.ArithmeticOp] = [.add, .sub, .mul, .div, .mod]
        static let comparisons: [ScalarExpr.ComparisonOp] = [.eq, .ne, .lt, .le, .gt, .ge]

        mutating func any(_ depth: Int) -> ScalarExpr {
            switch rng.below(5) {
            case 0, 1: numeric(depth)
            case 2, 3: boolean(depth)
            default: varchar()
            }
        }

        mutating func numeric(_ depth: Int) -> ScalarExpr {
            if depth == 0 || rng.below(4) == 0 {
                switch rng.below(7) {
                case 0: return Col.intA
                case 1: return Col.intB
                case 2: return Col.big
                case 3: return Col.dblA
                case 4: return Col.dblB
                case 5:
                    let v = Int64(rng.below(7)) - 3
                    return .constant(v, rng.below(2) == 0 ? .bigint : .int, text: String(v))
                default:
                    let v = ExprProgramTests.doubles[rng.below(ExprProgramTests.doubles.count)]
                    return .constant(ScalarExpr.bits(v), .double, text: "\(v)")
                }
            }
            if rng.below(4) == 0 { return .negate(numeric(depth - 1)) }
            let op = Self.arithmetic[rng.below(Self.arithmetic.count)]
            return .arithmetic(op, numeric(depth - 1), numeric(depth - 1))
        }

        mutating func boolean(_ depth: Int) -> ScalarExpr {
            if depth == 0 || rng.below(5) == 0 {
                switch rng.below(3) {
                case 0: return Col.flagA
                case 1: return Col.flagB
                default:
                    let v = Int64(rng.below(2))
                    return .constant(v, .boolean, text: v == 1 ? "true" : "false")
                }
            }
            let op = Self.comparisons[rng.below(Self.comparisons.count)]
            switch rng.below(7) {
            case 0: return .not(boolean(depth - 1))
            case 1: return .and(boolean(depth - 1), boolean(depth - 1))
            case 2: return .or(boolean(depth - 1), boolean(depth - 1))
            case 3: return .comparison(op, varchar(), varchar())
            case 4: return .comparison(op, boolean(depth - 1), boolean(depth - 1))
            default: return .comparison(op, numeric(depth - 1), numeric(depth - 1))
            }
        }

        mutating func varchar() -> ScalarExpr {
            switch rng.below(3) {
            case 0: return Col.strA
            case 1: return Col.strB
            default:
                let w = ExprProgramTests.words[rng.below(ExprProgramTests.words.count)]
                return .constant(ExprProgramTests.id(w), .varchar, text: "'\(w)'")
            }
        }
    }

    /// Whether every leaf and operator the tree holds is well typed (what the planner allows).
    static func wellTyped(_ e: ScalarExpr) -> Bool {
        switch e {
        case .column, .constant: true
        case .negate(let x): x.type.isNumeric && wellTyped(x)
        case .not(let x): x.type == .boolean && wellTyped(x)
        case .and(let l, let r), .or(let l, let r): l.type == .boolean && r.type == .boolean && wellTyped(l) && wellTyped(r)
        case .arithmetic(_, let l, let r): l.type.isNumeric && r.type.isNumeric && wellTyped(l) && wellTyped(r)
        case .comparison(_, let l, let r):
            ((l.type.isNumeric && r.type.isNumeric) || l.type == r.type) && wellTyped(l) && wellTyped(r)
        }
    }

    @Test func randomExpressionsMatchRowByRowEvaluation() {
        var generator = ExprGenerator(rng: SeededRandom(seed: 314))
        var failures: [String] = []
        var types: [ColumnType: Int] = [:]
        for trial in 0..<400 {
            let c = Self.chunk(rows: 1 + trial % 97, seed: UInt64(trial))
            let expr = generator.any(1 + trial % 4)
            #expect(Self.wellTyped(expr), "the generator builds only planner-typed trees: \(expr)")
            types[expr.type, default: 0] += 1
            if let m = Self.mismatch(expr, c) { failures.append("trial \(trial): \(m)") }
        }
        #expect(failures.isEmpty, "\(failures.count) mismatches, first: \(failures.first ?? "")")
        #expect(Set(types.keys) == [.int, .bigint, .double, .boolean, .varchar], "every result type occurs: \(types)")
    }

    // MARK: Every case, one at a time

    static let everyCase: [ScalarExpr] = {
        let intConst = ScalarExpr.constant(3, .int, text: "3")
        let bigZero = ScalarExpr.constant(0, .bigint, text: "0")
        let dblZero = ScalarExpr.constant(ScalarExpr.bits(0), .double, text: "0.0")
        let dblTwo = ScalarExpr.constant(ScalarExpr.bits(2), .double, text: "2.0")
        let apple = ScalarExpr.constant(id("apple"), .varchar, text: "'apple'")
        let yes = ScalarExpr.constant(1, .boolean, text: "true")
        let cmp = ScalarExpr.comparison(.lt, Col.intA, Col.intB)
        var cases: [ScalarExpr] = [Col.intA, Col.intB, Col.big, Col.dblA, Col.dblB, Col.flagA, Col.flagB, Col.strA, Col.strB,
                                   intConst, bigZero, dblTwo, apple, yes,
                                   .negate(Col.intA), .negate(Col.big), .negate(Col.dblA), .negate(dblTwo), .negate(.negate(Col.intB)),
                                   .negate(.arithmetic(.add, Col.intA, Col.dblB)),
                                   .not(Col.flagA), .not(yes), .not(cmp), .not(.not(Col.flagB)),
                                   .and(Col.flagA, Col.flagB), .and(Col.flagA, yes), .and(cmp, Col.flagB),
                                   .or(Col.flagA, Col.flagB), .or(.not(Col.flagA), cmp)]
        let arithmeticPairs: [(ScalarExpr, ScalarExpr)] = [
            (Col.intA, Col.intB), (Col.intA, Col.big), (Col.big, Col.intB), (Col.big, Col.big), (Col.intA, intConst),
            (Col.intA, bigZero), (Col.intA, Col.dblA), (Col.dblA, Col.intB), (Col.dblA, Col.dblB), (Col.big, Col.dblB),
            (Col.dblA, dblZero), (Col.intA, dblZero), (Col.dblB, bigZero),
        ]
        for op in ExprGenerator.arithmetic {
            for (l, r) in arithmeticPairs { cases.append(.arithmetic(op, l, r)) }
        }
        let comparisonPairs: [(ScalarExpr, ScalarExpr)] = [
            (Col.intA, Col.intB), (Col.intA, Col.big), (Col.big, intConst), (Col.dblA, Col.dblB), (Col.intA, Col.dblA),
            (Col.dblB, Col.big), (Col.intB, dblTwo), (Col.strA, Col.strB), (Col.strA, apple), (apple, Col.strB),
            (Col.flagA, Col.flagB), (Col.flagA, yes), (.arithmetic(.mul, Col.intA, Col.dblA), Col.intB),
        ]
        for op in ExprGenerator.comparisons {
            for (l, r) in comparisonPairs { cases.append(.comparison(op, l, r)) }
        }
        return cases
    }()

    static let fixture = chunk(rows: 300, seed: 11)

    @Test(arguments: everyCase)
    func everyCaseMatchesRowByRowEvaluation(_ expr: ScalarExpr) {
        #expect(Self.wellTyped(expr))
        #expect(Self.mismatch(expr, Self.fixture) == nil)
    }

    /// The semantics both evaluators share, pinned on values picked to hit the edges: integer
    /// division truncates, division and modulo by zero give 0, mixed int/double compares as
    /// doubles, strings order by content (not by id) and are equal by id.
    @Test func edgeValuesGiveThePinnedResults() {
        var c = Chunk(width: Col.width)
        func row(_ a: Int64, _ b: Int64, _ big: Int64, _ x: Double, _ y: Double, _ s: String, _ t: String) {
            c.append([a, b, big, ScalarExpr.bits(x), ScalarExpr.bits(y), 0, 1, Self.id(s), Self.id(t)])
        }
        row(-7, 2, 0, 7.5, 0, "apple", "banana")
        row(7, 0, -1, -0.0, 2, "Zebra", "apple")
        row(2, -1, Int64.max, 2, 0.5, "b", "b")
        func run(_ e: ScalarExpr) -> [Int64] {
            let program = ExprProgram(e)
            let got = Self.vectorized(program, c)
            #expect(got == Self.rowByRow(e, c), "\(e)")
            return got
        }
        let bits = ScalarExpr.bits
        #expect(run(.arithmetic(.div, Col.intA, Col.intB)) == [-3, 0, -2])
        #expect(run(.arithmetic(.mod, Col.intA, Col.intB)) == [-1, 0, 0])
        #expect(run(.arithmetic(.div, Col.big, Col.intB)) == [0, 0, -Int64.max])
        #expect(run(.arithmetic(.add, Col.big, Col.intA)) == [-7, 6, Int64.max &+ 2], "wraps")
        #expect(run(.arithmetic(.div, Col.dblA, Col.dblB)) == [bits(0), bits(-0.0 / 2), bits(4)])
        #expect(run(.arithmetic(.mod, Col.dblA, Col.intB)) == [bits(1.5), bits(0), bits(0)])
        #expect(run(.arithmetic(.mul, Col.intA, Col.dblB)) == [bits(-0.0), bits(14), bits(1)])
        #expect(run(.negate(Col.dblB)) == [bits(-0.0), bits(-2), bits(-0.5)])
        #expect(run(.negate(Col.intA)) == [7, -7, -2])
        #expect(run(.comparison(.eq, Col.intA, Col.dblA)) == [0, 0, 1])
        #expect(run(.comparison(.lt, Col.intB, Col.dblB)) == [0, 1, 1])
        #expect(run(.comparison(.eq, Col.dblA, .constant(bits(0), .double, text: "0"))) == [0, 1, 0], "-0.0 = 0.0")
        #expect(run(.comparison(.lt, Col.strA, Col.strB)) == [1, 1, 0])
        #expect(run(.comparison(.ge, Col.strA, Col.strB)) == [0, 0, 1])
        #expect(run(.comparison(.eq, Col.strA, Col.strB)) == [0, 0, 1])
        #expect(run(.comparison(.ne, Col.strA, Col.strB)) == [1, 1, 0])
        #expect(run(.and(Col.flagB, .comparison(.gt, Col.intA, Col.intB))) == [0, 1, 1])
        #expect(run(.or(Col.flagA, .not(Col.flagB))) == [0, 0, 0])
        // The one integer division that overflows wraps like + - * do, instead of trapping.
        let minimum = ScalarExpr.constant(Int64.min, .bigint, text: "-9223372036854775808")
        #expect(run(.arithmetic(.div, minimum, Col.intB)) == [Int64.min / 2, 0, Int64.min])
        #expect(run(.arithmetic(.mod, minimum, Col.intB)) == [0, 0, 0])
    }

    // MARK: Scratch space and the column shortcut

    @Test func emptyChunksAndGrowingChunksReuseTheProgram() {
        // Deep enough to need several registers, so the register stride matters.
        let expr = ScalarExpr.or(
            .comparison(.lt, .arithmetic(.mul, .arithmetic(.add, Col.intA, Col.dblA), .arithmetic(.sub, Col.big, Col.intB)),
                        .arithmetic(.div, Col.dblB, .negate(Col.intA))),
            .and(.comparison(.ge, Col.strA, Col.strB), .not(.comparison(.eq, Col.flagA, Col.flagB))))
        let program = ExprProgram(expr)

        let empty = Chunk(width: Col.width)
        #expect(program.evaluate(empty, Self.strings) { _ in 42 } == 42, "an empty chunk still calls the body")
        #expect(Self.vectorized(program, empty) == [])

        for (n, size) in [5, 1, 200, 64, 65, 1000, 0, 3, 1500, 129].enumerated() {
            let c = Self.chunk(rows: size, seed: UInt64(100 + n))
            #expect(Self.mismatch(expr, c, program: program) == nil, "call \(n), \(size) rows")
        }
        // Views that do not start at the storage's first row.
        let big = Self.chunk(rows: 900, seed: 9)
        for range in [17..<900, 0..<1, 450..<451, 300..<300, 1..<899] {
            #expect(Self.mismatch(expr, big.rows(range), program: program) == nil, "rows \(range)")
        }
    }

    @Test func onlyAPlainColumnIsAColumnShortcut() {
        #expect(ExprProgram(Col.dblA).column == 3)
        #expect(ExprProgram(Col.intA).column == 0)
        #expect(ExprProgram(Col.strB).column == 8)
        for e: ScalarExpr in [.constant(3, .int, text: "3"), .negate(Col.intA), .not(Col.flagA), .negate(.negate(Col.big)),
                              .arithmetic(.add, Col.intA, .constant(0, .int, text: "0")), .and(Col.flagA, Col.flagA),
                              .comparison(.eq, Col.intA, Col.intA)] {
            #expect(ExprProgram(e).column == nil, "\(e)")
        }
    }
}
