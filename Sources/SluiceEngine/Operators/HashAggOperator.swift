/// Hash aggregation with a changelog output: for every group a chunk touched, it retracts the
/// group's previous result row and inserts the new one (RisingWave's U-/U+), once per chunk.
final class HashAggOperator: StreamOperator {
    let groupKeys: [Int]
    let calls: [AggregateCall]
    private let index: KeyIndex
    private let arguments: [ExprProgram?]
    /// Per group: live input rows, then per call an accumulator and a non-null count.
    private var rowCounts: [Int64] = []
    private var accumulators: [Int64] = []
    private var counts: [Int64] = []
    /// Per group: whether it has emitted a row that a later change must retract.
    private var emitted: [Bool] = []
    private var touchedMark: [Bool] = []
    /// Per chunk: the groups touched in order, their result rows before the chunk, and each
    /// input row's group.
    private var touched: [Int] = []
    private var previous: [Int64] = []
    private var groupOfRow: [Int] = []

    init(groupKeys: [Int], calls: [AggregateCall]) {
        self.groupKeys = groupKeys
        self.calls = calls
        self.index = KeyIndex(width: groupKeys.count, capacity: 1024)
        self.arguments = calls.map { $0.argument.map(ExprProgram.init) }
    }

    var stateRows: Int { index.count }
    var outputWidth: Int { groupKeys.count + calls.count }

    func process(_ input: Chunk, side: Int, strings: StringPool) -> Chunk {
        if input.isEmpty { return input }
        let n = input.count, width = outputWidth
        // 1. Find every row's group; remember each touched group's result before this chunk.
        groupOfRow.removeAll(keepingCapacity: true)
        for row in 0..<n {
            let (g, inserted) = index.findOrInsert(input, row: row, columns: groupKeys)
            if inserted { addGroup() }
            if !touchedMark[g] {
                touchedMark[g] = true
                touched.append(g)
                let at = previous.count
                previous.append(contentsOf: repeatElement(0, count: width))
                previous.withUnsafeMutableBufferPointer { appendResult(g, to: $0.baseAddress! + at) }
            }
            groupOfRow.append(g)
        }
        // 2. Apply the rows in order, call by call.
        let signs = input.hasOps
        groupOfRow.withUnsafeBufferPointer { groups in
            rowCounts.withUnsafeMutableBufferPointer { rowCounts in
                for row in 0..<n { rowCounts[groups[row]] &+= signs ? Int64(input.op(row).rawValue) : 1 }
            }
            for c in 0..<calls.count {
                accumulate(call: c, input, groups: groups, signs: signs, strings)
            }
        }
        // 3. Emit U- (the previous row) and U+ (the new one) per touched group.
        var out = Chunk(width: width, capacity: touched.count * 2)
        previous.withUnsafeBufferPointer { previous in
            for (i, g) in touched.enumerated() {
                touchedMark[g] = false
                if emitted[g] {
                    out.appendRow(op: .delete).update(from: previous.baseAddress! + i &* width, count: width)
                }
                if rowCounts[g] > 0 {
                    appendResult(g, to: out.appendRow(op: .insert))
                    emitted[g] = true
                } else {
                    emitted[g] = false
                }
            }
        }
        touched.removeAll(keepingCapacity: true)
        previous.removeAll(keepingCapacity: true)
        return out
    }

    private func addGroup() {
        rowCounts.append(0)
        emitted.append(false)
        touchedMark.append(false)
        for call in calls {
            accumulators.append(Self.initial(call))
            counts.append(0)
        }
    }

    /// Folds every row into call `c`'s accumulator and non-null count of its group, in row order.
    private func accumulate(call c: Int, _ input: Chunk, groups: UnsafeBufferPointer<Int>, signs: Bool, _ strings: StringPool) {
        let nCalls = calls.count, n = input.count
        let call = calls[c]
        counts.withUnsafeMutableBufferPointer { counts in
            guard let argument = arguments[c], let type = call.argument?.type else {
                for row in 0..<n { counts[groups[row] &* nCalls &+ c] &+= signs ? Int64(input.op(row).rawValue) : 1 }
                return
            }
            accumulators.withUnsafeMutableBufferPointer { acc in
                argument.evaluate(input, strings) { values in
                    for row in 0..<n {
                        let sign: Int64 = signs ? Int64(input.op(row).rawValue) : 1
                        let slot = groups[row] &* nCalls &+ c
                        let v = values[row]
                        counts[slot] &+= sign
                        switch call.function {
                        case .count: break
                        case .sum, .avg:
                            if type == .double {
                                acc[slot] = ScalarExpr.bits(ScalarExpr.double(acc[slot]) + Double(sign) * ScalarExpr.double(v))
                            } else {
                                acc[slot] &+= sign &* v
                            }
                        case .min:
                            // Retractions of min/max keep the current extreme (no per-group multiset).
                            if sign > 0, counts[slot] == 1 || Self.less(v, acc[slot], type) { acc[slot] = v }
                        case .max:
                            if sign > 0, counts[slot] == 1 || Self.less(acc[slot], v, type) { acc[slot] = v }
                        }
                    }
                }
            }
        }
    }

    /// Writes the current output row of group `g` (its keys, then each aggregate) to `row`.
    private func appendResult(_ g: Int, to row: UnsafeMutablePointer<Int64>) {
        var at = 0
        if !groupKeys.isEmpty {
            row.update(from: index.keyWords(g), count: groupKeys.count)
            at = groupKeys.count
        }
        let nCalls = calls.count
        for (c, call) in calls.enumerated() {
            let slot = g * nCalls + c
            switch call.function {
            case .count: row[at + c] = counts[slot]
            case .sum: row[at + c] = accumulators[slot]
            case .avg:
                let n = counts[slot]
                let total = call.argument?.type == .double ? ScalarExpr.double(accumulators[slot]) : Double(accumulators[slot])
                row[at + c] = ScalarExpr.bits(n == 0 ? 0 : total / Double(n))
            case .min, .max: row[at + c] = accumulators[slot]
            }
        }
    }

    private static func initial(_ call: AggregateCall) -> Int64 {
        call.argument?.type == .double && (call.function == .sum || call.function == .avg) ? ScalarExpr.bits(0) : 0
    }

    private static func less(_ a: Int64, _ b: Int64, _ type: ColumnType) -> Bool {
        type == .double ? ScalarExpr.double(a) < ScalarExpr.double(b) : a < b
    }

    // MARK: Rescaling

    /// Every group's state, to be re-hashed onto new actors.
    func exportGroups() -> [(key: [Int64], rowCount: Int64, accumulators: [Int64], counts: [Int64], emitted: Bool)] {
        let n = calls.count
        return (0..<index.count).map { g in
            (index.key(g), rowCounts[g], Array(accumulators[(g * n)..<((g + 1) * n)]),
             Array(counts[(g * n)..<((g + 1) * n)]), emitted[g])
        }
    }

    func importGroup(key: [Int64], rowCount: Int64, accumulators acc: [Int64], counts cnt: [Int64], emitted em: Bool) {
        let (_, inserted) = key.withUnsafeBufferPointer { index.findOrInsert($0) }
        guard inserted else { return }
        rowCounts.append(rowCount)
        emitted.append(em)
        touchedMark.append(false)
        accumulators.append(contentsOf: acc)
        counts.append(contentsOf: cnt)
    }
}
