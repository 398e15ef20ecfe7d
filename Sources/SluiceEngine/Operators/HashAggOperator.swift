/// Hash aggregation with a changelog output: for every group a chunk touched, it retracts the
/// group's previous result row and inserts the new one (RisingWave's U-/U+), once per chunk.
final class HashAggOperator: StreamOperator {
    let groupKeys: [Int]
    let calls: [AggregateCall]
    private let index: KeyIndex
    private let arguments: [ExprProgram?]
    /// How each call's result is read off its accumulator and count (resolved once).
    private let results: [ResultKind]
    private let initials: [Int64]
    /// Per group: live input rows, then per call an accumulator and a non-null count.
    private var rowCounts = RawBuffer<Int64>(capacity: 1024)
    private var accumulators = RawBuffer<Int64>(capacity: 1024)
    private var counts = RawBuffer<Int64>(capacity: 1024)
    /// Per group: whether it has emitted a row that a later change must retract, and whether
    /// the chunk in progress touched it.
    private var emitted = RawBuffer<Bool>(capacity: 1024)
    private var touchedMark = RawBuffer<Bool>(capacity: 1024)
    /// Per chunk: each input row's group and the groups touched in order of first touch.
    private var groupOfRow = RawBuffer<Int>(capacity: 256)
    private var touched = RawBuffer<Int>(capacity: 256)
    /// Per touched group, the output row its U+ goes to.
    private var insertRows = RawBuffer<Int>(capacity: 256)

    private enum ResultKind { case count, accumulator, averageOfDoubles, averageOfIntegers }

    init(groupKeys: [Int], calls: [AggregateCall]) {
        self.groupKeys = groupKeys
        self.calls = calls
        self.index = KeyIndex(width: groupKeys.count, capacity: 1024)
        self.arguments = calls.map { $0.argument.map(ExprProgram.init) }
        self.initials = calls.map(Self.initial)
        self.results = calls.map { call in
            switch call.function {
            case .count: .count
            case .sum, .min, .max: .accumulator
            case .avg: call.argument?.type == .double ? .averageOfDoubles : .averageOfIntegers
            }
        }
    }

    var stateRows: Int { index.count }
    var outputWidth: Int { groupKeys.count + calls.count }

    func process(_ input: Chunk, side: Int, strings: StringPool) -> Chunk {
        if input.isEmpty { return input }
        let n = input.count
        // 1. Every row's group (new groups start empty).
        findGroups(input)
        // 2. The groups touched, in order of first touch.
        let groups = groupOfRow.pointer, mark = touchedMark.pointer
        touched.removeAll()
        touched.append(repeating: 0, count: n)
        var touchedCount = 0
        let touchedGroups = touched.pointer
        for row in 0..<n {
            // Branch-free: groups repeat at random, so a branch here would mispredict often.
            let g = groups[row]
            touchedGroups[touchedCount] = g
            touchedCount &+= mark[g] ? 0 : 1
            mark[g] = true
        }
        var out = Chunk(width: outputWidth, capacity: touchedCount * 2)
        var retired = false
        insertRows.removeAll()
        out.appendRows(upTo: touchedCount * 2) { rows in
            // 3. Per touched group, U- (its row before this chunk, if it emitted one) and a
            //    place for U+.
            let emitted = emitted.pointer
            withResultWriter { writer in
                for i in 0..<touchedCount {
                    let g = touchedGroups[i]
                    if emitted[g] { writer.write(g, to: rows.append(op: .delete)) }
                    insertRows.append(rows.appended)
                    _ = rows.append(op: .insert)
                }
            }
            // 4. Apply the rows in order, call by call.
            let signs = input.hasOps
            let rowCounts = rowCounts.pointer
            for row in 0..<n { rowCounts[groups[row]] &+= signs ? Int64(input.op(row).rawValue) : 1 }
            for c in 0..<calls.count { accumulate(call: c, input, groups: groups, signs: signs, strings) }
            // 5. U+ for every group that still has rows; a group whose rows were all retracted
            //    emits only its U-, and its place is dropped below.
            withResultWriter { writer in
                for i in 0..<touchedCount {
                    let g = touchedGroups[i]
                    mark[g] = false
                    if rowCounts[g] > 0 {
                        writer.write(g, to: rows.row(insertRows[i]))
                        emitted[g] = true
                    } else {
                        emitted[g] = false
                        insertRows[i] = -1 - insertRows[i]
                        retired = true
                    }
                }
            }
        }
        return retired ? withoutRetiredPlaces(out, touched: touchedCount) : out
    }

    /// `out` without the U+ places of groups whose rows were all retracted (marked negative
    /// in `insertRows`): rare, so it copies.
    private func withoutRetiredPlaces(_ out: Chunk, touched: Int) -> Chunk {
        var kept = Chunk(width: out.width, capacity: out.count)
        var from = 0
        for i in 0..<touched where insertRows[i] < 0 {
            let place = -1 - insertRows[i]
            kept.appendRows(from: out, from..<place)
            from = place + 1
        }
        kept.appendRows(from: out, from..<out.count)
        return kept
    }

    /// Fills `groupOfRow` with each row's group, adding state for groups seen the first time.
    private func findGroups(_ input: Chunk) {
        let n = input.count, before = index.count
        groupOfRow.removeAll()
        if groupKeys.count == 1 {
            // One key column: probe with the row's own word, no gathering.
            let key = groupKeys[0], width = input.width
            input.withUnsafeWords { words in
                for row in 0..<n { groupOfRow.append(index.findOrInsert(words.advanced(by: row &* width &+ key)).index) }
            }
        } else {
            for row in 0..<n { groupOfRow.append(index.findOrInsert(input, row: row, columns: groupKeys).index) }
        }
        let added = index.count - before
        guard added > 0 else { return }
        rowCounts.append(repeating: 0, count: added)
        emitted.append(repeating: false, count: added)
        touchedMark.append(repeating: false, count: added)
        for _ in 0..<added {
            accumulators.append(contentsOf: initials)
            counts.append(repeating: 0, count: calls.count)
        }
    }

    /// Folds every row into call `c`'s accumulator and non-null count of its group, in row order.
    private func accumulate(call c: Int, _ input: Chunk, groups: UnsafeMutablePointer<Int>, signs: Bool, _ strings: StringPool) {
        let nCalls = calls.count, n = input.count
        let function = calls[c].function
        let counts = counts.pointer, acc = accumulators.pointer
        guard let argument = arguments[c], let type = calls[c].argument?.type else {
            for row in 0..<n { counts[groups[row] &* nCalls &+ c] &+= signs ? Int64(input.op(row).rawValue) : 1 }
            return
        }
        // A plain column is read where it lies (every `stride`-th word); anything else is
        // evaluated for the whole chunk first.
        func fold(_ values: UnsafePointer<Int64>, stride: Int) {
            for row in 0..<n {
                let sign: Int64 = signs ? Int64(input.op(row).rawValue) : 1
                let slot = groups[row] &* nCalls &+ c
                let v = values[row &* stride]
                counts[slot] &+= sign
                switch function {
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
        if let column = argument.column {
            input.withUnsafeWords { fold($0 + column, stride: input.width) }
        } else {
            argument.evaluate(input, strings) { fold($0, stride: 1) }
        }
    }

    /// Writes result rows: a group's keys, then each aggregate. Holds the state's addresses,
    /// so it is valid only while no group is added (within one pass of `process`).
    private struct ResultWriter {
        let keys: UnsafePointer<Int64>
        let keyCount: Int
        let counts: UnsafeMutablePointer<Int64>
        let accumulators: UnsafeMutablePointer<Int64>
        let results: UnsafeBufferPointer<ResultKind>

        @inline(__always)
        func write(_ g: Int, to row: UnsafeMutablePointer<Int64>) {
            let key = keys + g &* keyCount
            for k in 0..<keyCount { row[k] = key[k] }
            let nCalls = results.count
            let out = row + keyCount
            let slot = g &* nCalls
            for c in 0..<nCalls {
                switch results[c] {
                case .count: out[c] = counts[slot &+ c]
                case .accumulator: out[c] = accumulators[slot &+ c]
                case .averageOfDoubles:
                    let n = counts[slot &+ c]
                    out[c] = ScalarExpr.bits(n == 0 ? 0 : ScalarExpr.double(accumulators[slot &+ c]) / Double(n))
                case .averageOfIntegers:
                    let n = counts[slot &+ c]
                    out[c] = ScalarExpr.bits(n == 0 ? 0 : Double(accumulators[slot &+ c]) / Double(n))
                }
            }
        }
    }

    private func withResultWriter<R>(_ body: (ResultWriter) -> R) -> R {
        results.withUnsafeBufferPointer { results in
            body(ResultWriter(keys: index.keyWords(0), keyCount: groupKeys.count, counts: counts.pointer,
                              accumulators: accumulators.pointer, results: results))
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
            (index.key(g), rowCounts[g], accumulators.array((g * n)..<((g + 1) * n)),
             counts.array((g * n)..<((g + 1) * n)), emitted[g])
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
