/// Hash aggregation with a changelog output: for every group a chunk touched, it retracts the
/// group's previous result row and inserts the new one (RisingWave's U-/U+), once per chunk.
final class HashAggOperator: StreamOperator {
    let groupKeys: [Int]
    let calls: [AggregateCall]
    private var index: KeyIndex
    /// Per group: live input rows, then per call an accumulator and a non-null count.
    private var rowCounts: [Int64] = []
    private var accumulators: [Int64] = []
    private var counts: [Int64] = []
    /// Per group: whether it has emitted a row that a later change must retract.
    private var emitted: [Bool] = []
    private var touched: [Int] = []
    private var touchedMark: [Bool] = []
    private var previous: [Int64] = []

    init(groupKeys: [Int], calls: [AggregateCall]) {
        self.groupKeys = groupKeys
        self.calls = calls
        self.index = KeyIndex(width: groupKeys.count, capacity: 1024)
    }

    var stateRows: Int { index.count }
    var outputWidth: Int { groupKeys.count + calls.count }

    func process(_ input: Chunk, side: Int, strings: StringPool) -> Chunk {
        let nCalls = calls.count
        for row in 0..<input.count {
            let (g, inserted) = index.findOrInsert(input, row: row, columns: groupKeys)
            if inserted {
                rowCounts.append(0)
                emitted.append(false)
                touchedMark.append(false)
                for call in calls {
                    accumulators.append(Self.initial(call))
                    counts.append(0)
                }
            }
            if !touchedMark[g] {
                touchedMark[g] = true
                touched.append(g)
                appendResult(g, to: &previous)
            }
            let sign: Int64 = input.op(row) == .insert ? 1 : -1
            rowCounts[g] += sign
            for (c, call) in calls.enumerated() {
                let slot = g * nCalls + c
                guard let argument = call.argument else { counts[slot] += sign; continue }
                let v = argument.evaluate(input, row, strings)
                counts[slot] += sign
                switch call.function {
                case .count: break
                case .sum, .avg:
                    if argument.type == .double {
                        let total = ScalarExpr.double(accumulators[slot]) + Double(sign) * ScalarExpr.double(v)
                        accumulators[slot] = ScalarExpr.bits(total)
                    } else {
                        accumulators[slot] &+= sign &* v
                    }
                case .min:
                    // Retractions of min/max keep the current extreme (no per-group multiset).
                    if sign > 0, counts[slot] == 1 || Self.less(v, accumulators[slot], argument.type) { accumulators[slot] = v }
                case .max:
                    if sign > 0, counts[slot] == 1 || Self.less(accumulators[slot], v, argument.type) { accumulators[slot] = v }
                }
            }
        }
        var out = Chunk(width: outputWidth, capacity: touched.count * 2)
        let width = outputWidth
        for (i, g) in touched.enumerated() {
            touchedMark[g] = false
            if emitted[g] {
                out.values.append(contentsOf: previous[(i * width)..<((i + 1) * width)])
                out.commitRow(op: .delete)
            }
            if rowCounts[g] > 0 {
                appendResult(g, to: &out.values)
                out.commitRow(op: .insert)
                emitted[g] = true
            } else {
                emitted[g] = false
            }
        }
        touched.removeAll(keepingCapacity: true)
        previous.removeAll(keepingCapacity: true)
        return out
    }

    /// Appends the current output row of group `g` (its keys, then each aggregate) to `row`,
    /// without allocating a row of its own.
    private func appendResult(_ g: Int, to row: inout [Int64]) {
        if !groupKeys.isEmpty { row.append(contentsOf: index.key(g)) }
        let nCalls = calls.count
        for (c, call) in calls.enumerated() {
            let slot = g * nCalls + c
            switch call.function {
            case .count: row.append(counts.isEmpty ? 0 : counts[slot])
            case .sum:
                row.append(accumulators[slot])
            case .avg:
                let n = counts[slot]
                let total = call.argument?.type == .double ? ScalarExpr.double(accumulators[slot]) : Double(accumulators[slot])
                row.append(ScalarExpr.bits(n == 0 ? 0 : total / Double(n)))
            case .min, .max: row.append(accumulators[slot])
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
            (Array(index.key(g)), rowCounts[g], Array(accumulators[(g * n)..<((g + 1) * n)]),
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
