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
        // 2. The groups touched, in order of first touch, and how many of them retract a row.
        let groups = groupOfRow.pointer, mark = touchedMark.pointer, emitted = emitted.pointer
        touched.removeAll()
        touched.append(repeating: 0, count: n)
        let touchedGroups = touched.pointer
        var touchedCount = 0, retractions = 0
        for row in 0..<n {
            // Branch-free: groups repeat at random, so a branch here would mispredict often.
            let g = groups[row]
            touchedGroups[touchedCount] = g
            let first = mark[g] ? 0 : 1
            touchedCount &+= first
            retractions &+= emitted[g] ? first : 0
            mark[g] = true
        }
        insertRows.removeAll()
        insertRows.append(repeating: 0, count: touchedCount)
        let places = insertRows.pointer
        var retired = false
        let total = touchedCount &+ retractions
        var out = Chunk(width: outputWidth, capacity: total)
        out.appendRows(total, withOps: retractions > 0) { words, ops in
            let width = outputWidth
            // 3. Per touched group, U- (its row before this chunk, if it emitted one) and the
            //    place of its U+.
            withResultWriter { writer in
                var row = 0
                for i in 0..<touchedCount {
                    let g = touchedGroups[i]
                    if emitted[g] {
                        writer.write(g, to: words + row &* width)
                        ops![row] = .delete
                        row &+= 1
                    }
                    places[i] = row
                    row &+= 1
                }
            }
            // 4. Apply the rows in order, call by call.
            input.withUnsafeOps { ops in
                if let ops { fold(input, groups: groups, strings, sign: ChunkSigns(ops: ops)) } else { fold(input, groups: groups, strings, sign: AllInserts()) }
            }
            // 5. U+ for every group that still has rows; a group whose rows were all retracted
            //    emits only its U-, and its place is dropped below.
            let rowCounts = rowCounts.pointer
            withResultWriter { writer in
                for i in 0..<touchedCount {
                    let g = touchedGroups[i]
                    mark[g] = false
                    let place = words + places[i] &* width
                    if rowCounts[g] > 0 {
                        writer.write(g, to: place)
                        emitted[g] = true
                    } else {
                        place.update(repeating: 0, count: width)
                        emitted[g] = false
                        places[i] = -1 - places[i]
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
            // One key column: probe with the rows' own words, no gathering.
            groupOfRow.append(repeating: 0, count: n)
            let groups = groupOfRow.pointer
            input.withUnsafeWords { index.findOrInsert(column: $0 + groupKeys[0], stride: input.width, count: n, into: groups) }
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

    /// Folds every row into its group's live row count and, call by call, into each call's
    /// accumulator and non-null count, in row order. `sign(row)` is +1 for an insert and -1
    /// for a delete; a constant when the chunk has only inserts (the loops specialize on it).
    @inline(__always)
    private func fold<S: RowSigns>(_ input: Chunk, groups: UnsafeMutablePointer<Int>, _ strings: StringPool, sign: S) {
        let n = input.count
        let rowCounts = rowCounts.pointer
        for row in 0..<n { rowCounts[groups[row]] &+= sign(row) }
        for c in 0..<calls.count {
            guard let argument = arguments[c] else {
                let nCalls = calls.count, counts = counts.pointer
                for row in 0..<n { counts[groups[row] &* nCalls &+ c] &+= sign(row) }
                continue
            }
            // A plain column is read where it lies (every `stride`-th word); anything else is
            // evaluated for the whole chunk first.
            if let column = argument.column {
                input.withUnsafeWords { accumulate(call: c, $0 + column, stride: input.width, n, groups: groups, sign: sign) }
            } else {
                argument.evaluate(input, strings) { accumulate(call: c, $0, stride: 1, n, groups: groups, sign: sign) }
            }
        }
    }

    /// Folds `n` values (every `stride`-th word of `values`) into call `c`: one loop per
    /// function and type, so nothing is decided per row.
    @inline(__always)
    private func accumulate<S: RowSigns>(call c: Int, _ values: UnsafePointer<Int64>, stride: Int, _ n: Int,
                                         groups: UnsafeMutablePointer<Int>, sign: S) {
        let nCalls = calls.count
        let counts = counts.pointer, acc = accumulators.pointer
        let double = calls[c].argument?.type == .double
        switch calls[c].function {
        case .count:
            for row in 0..<n { counts[groups[row] &* nCalls &+ c] &+= sign(row) }
        case .sum, .avg:
            if double {
                for row in 0..<n {
                    let slot = groups[row] &* nCalls &+ c, s = sign(row)
                    counts[slot] &+= s
                    acc[slot] = ScalarExpr.bits(ScalarExpr.double(acc[slot]) + Double(s) * ScalarExpr.double(values[row &* stride]))
                }
            } else {
                for row in 0..<n {
                    let slot = groups[row] &* nCalls &+ c, s = sign(row)
                    counts[slot] &+= s
                    acc[slot] &+= s &* values[row &* stride]
                }
            }
        case .min, .max:
            // Retractions of min/max keep the current extreme (no per-group multiset).
            let isMin = calls[c].function == .min
            for row in 0..<n {
                let slot = groups[row] &* nCalls &+ c, s = sign(row), v = values[row &* stride]
                counts[slot] &+= s
                guard s > 0 else { continue }
                if counts[slot] == 1 || (isMin ? Self.less(v, acc[slot], double) : Self.less(acc[slot], v, double)) { acc[slot] = v }
            }
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
        /// With one to three calls and no average, each result is one word of state: where
        /// each call's comes from (its counts or its accumulators), held here so a write
        /// reaches it without a lookup.
        let plain: Bool
        let first: (UnsafeMutablePointer<Int64>, UnsafeMutablePointer<Int64>, UnsafeMutablePointer<Int64>)

        @inline(__always)
        func write(_ g: Int, to row: UnsafeMutablePointer<Int64>) {
            if keyCount == 1 {
                row[0] = keys[g]
            } else {
                let key = keys + g &* keyCount
                for k in 0..<keyCount { row[k] = key[k] }
            }
            let nCalls = results.count
            let out = row + keyCount
            let slot = g &* nCalls
            if plain {
                // Straight-line for the usual few calls: a loop of two or three words costs
                // more in the vectorizer's set-up than in copying.
                switch nCalls {
                case 1: out[0] = first.0[slot]
                case 2: out[0] = first.0[slot]; out[1] = first.1[slot &+ 1]
                default: out[0] = first.0[slot]; out[1] = first.1[slot &+ 1]; out[2] = first.2[slot &+ 2]
                }
                return
            }
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
        let counts = counts.pointer, accumulators = accumulators.pointer
        // With no calls, or more than three, the general loop below writes the results.
        let plain = (1...3).contains(results.count) && results.allSatisfy { $0 == .count || $0 == .accumulator }
        func source(_ c: Int) -> UnsafeMutablePointer<Int64> { c < results.count && results[c] == .accumulator ? accumulators : counts }
        return results.withUnsafeBufferPointer { results in
            body(ResultWriter(keys: index.keyWords(0), keyCount: groupKeys.count, counts: counts, accumulators: accumulators,
                              results: results, plain: plain, first: (source(0), source(1), source(2))))
        }
    }

    private static func initial(_ call: AggregateCall) -> Int64 {
        call.argument?.type == .double && (call.function == .sum || call.function == .avg) ? ScalarExpr.bits(0) : 0
    }

    @inline(__always)
    private static func less(_ a: Int64, _ b: Int64, _ double: Bool) -> Bool {
        double ? ScalarExpr.double(a) < ScalarExpr.double(b) : a < b
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

/// Each row's sign in a changelog: +1 for an insert, -1 for a delete.
private protocol RowSigns {
    func callAsFunction(_ row: Int) -> Int64
}

/// A chunk of inserts only.
private struct AllInserts: RowSigns {
    @inline(__always) func callAsFunction(_ row: Int) -> Int64 { 1 }
}

/// A chunk with ops.
private struct ChunkSigns: RowSigns {
    let ops: UnsafePointer<RowOp>
    @inline(__always) func callAsFunction(_ row: Int) -> Int64 { Int64(ops[row].rawValue) }
}
