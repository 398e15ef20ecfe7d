/// Hash aggregation with a changelog output: for every group a chunk touched, it retracts the
/// group's previous result row and inserts the new one (RisingWave's U-/U+), once per chunk.
final class HashAggOperator: StreamOperator {
    let groupKeys: [Int]
    let calls: [AggregateCall]
    private let index: KeyIndex
    private let arguments: [ExprProgram?]
    /// How each call's result is read off its accumulator and count (resolved once).
    private let results: [ResultKind]
    /// Where a group's state lies in its record, and the state a new group starts with.
    private let layout: GroupRecordLayout
    /// Per group, one record of `layout.stride` words: everything a chunk reads or changes
    /// of a group lies together (in one cache line when it fits one, not a line per array),
    /// and the record starts with the group's result row.
    private var records = RawBuffer<Int64>(capacity: 4096, alignment: GroupRecordLayout.cacheLine)
    /// Per group: whether it has emitted a row that a later change must retract (its record
    /// keeps that row's aggregates), and whether the chunk in progress touched it.
    private var emitted = RawBuffer<Bool>(capacity: 1024)
    private var touchedMark = RawBuffer<Bool>(capacity: 1024)
    /// Per chunk: each input row's group and the groups touched in order of first touch.
    private var groupOfRow = RawBuffer<Int>(capacity: 256)
    private var touched = RawBuffer<Int>(capacity: 256)
    /// Per `min`/`max` call, per group: how many rows hold each value, so that retracting
    /// the extreme finds the next one (RisingWave keeps a min/max's input in a sorted state
    /// table for the same reason). Empty for the other calls. Looked up and reduced with
    /// `min`/`max`, never iterated in its order.
    private var valueCounts: [[[Int64: Int]]]

    private enum ResultKind { case count, accumulator, averageOfDoubles, averageOfIntegers }

    init(groupKeys: [Int], calls: [AggregateCall]) {
        self.groupKeys = groupKeys
        self.calls = calls
        self.index = KeyIndex(width: groupKeys.count, capacity: 1024)
        self.arguments = calls.map { $0.argument.map(ExprProgram.init) }
        let results = calls.map { call -> ResultKind in
            switch call.function {
            case .count: .count
            case .sum, .min, .max: .accumulator
            case .avg: call.argument?.type == .double ? .averageOfDoubles : .averageOfIntegers
            }
        }
        self.results = results
        self.valueCounts = calls.map { _ in [] }
        self.layout = GroupRecordLayout(keyCount: groupKeys.count, countIsResult: results.map { $0 == .count },
                                        initials: calls.map(Self.initial))
    }

    var stateRows: Int { index.count }
    var outputWidth: Int { groupKeys.count + calls.count }
    private(set) var absorbedRows: Int64 = 0
    private(set) var derivedRows: Int64 = 0

    func process(_ input: Chunk, side: Int, strings: StringPool) -> Chunk {
        if input.isEmpty { return input }
        let n = input.count
        absorbedRows &+= Int64(n)
        // 1. Every row's group (new groups start empty).
        findGroups(input)
        // 2. The groups touched, in order of first touch, and how many of them retract a row.
        let groups = groupOfRow.pointer, mark = touchedMark.pointer, emitted = emitted.pointer
        let touchedGroups = touched.reset(count: n)
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
        // 3. Apply the rows in order, call by call.
        input.withUnsafeOps { ops in
            if let ops { fold(input, groups: groups, strings, sign: ChunkSigns(ops: ops)) } else { fold(input, groups: groups, strings, sign: AllInserts()) }
        }
        // 4. Per touched group, in one pass over records the fold left in cache: U- (the row
        //    it last emitted, kept in its record) if it emitted one, then U+ if it still has
        //    rows (a group whose rows were all retracted emits only its U-).
        let total = touchedCount &+ retractions
        var out = Chunk(width: outputWidth, capacity: total)
        out.appendRows(upTo: total, withOps: retractions > 0) { words, ops in
            // One loop per usual number of keys and of calls, so row copies are straight-line.
            switch (layout.keyCount, layout.callCount) {
            case (1, 1): writeChanges(resultWriter(OneWord(), OneWord()), touchedGroups, touchedCount, into: words, ops)
            case (1, 2): writeChanges(resultWriter(OneWord(), TwoWords()), touchedGroups, touchedCount, into: words, ops)
            case (1, 3): writeChanges(resultWriter(OneWord(), ThreeWords()), touchedGroups, touchedCount, into: words, ops)
            case (2, 1): writeChanges(resultWriter(TwoWords(), OneWord()), touchedGroups, touchedCount, into: words, ops)
            case (2, 2): writeChanges(resultWriter(TwoWords(), TwoWords()), touchedGroups, touchedCount, into: words, ops)
            case let (keys, calls): writeChanges(resultWriter(SomeWords(keys), SomeWords(calls)), touchedGroups, touchedCount, into: words, ops)
            }
        }
        derivedRows &+= Int64(out.count)
        return out
    }

    /// Writes the changes of the `count` touched groups, in order, from `words` on: U- (the
    /// row it last emitted) for a group that emitted one, then U+ for a group that still has
    /// rows (a group whose rows were all retracted emits only its U-). Returns the rows written.
    @inline(__always)
    private func writeChanges<Keys, Values>(_ writer: ResultWriter<Keys, Values>, _ touched: UnsafePointer<Int>, _ count: Int,
                                            into words: UnsafeMutablePointer<Int64>, _ ops: UnsafeMutablePointer<RowOp>?) -> Int {
        let mark = touchedMark.pointer, emitted = emitted.pointer
        let records = records.pointer, stride = layout.stride, live = layout.rowCount, width = outputWidth
        var row = 0
        for i in 0..<count {
            let g = touched[i]
            mark[g] = false
            if emitted[g] {
                writer.writeEmitted(g, to: words + row &* width)
                ops![row] = .delete
                row &+= 1
            }
            if records[g &* stride &+ live] > 0 {
                writer.emit(g, to: words + row &* width)
                emitted[g] = true
                row &+= 1
            } else {
                emitted[g] = false
            }
        }
        return row
    }

    /// Fills `groupOfRow` with each row's group, adding state for groups seen the first time.
    private func findGroups(_ input: Chunk) {
        let n = input.count, before = index.count
        if groupKeys.count == 1 {
            // One key column: probe with the rows' own words, no gathering.
            let groups = groupOfRow.reset(count: n)
            input.withUnsafeWords { index.findOrInsert(column: $0 + groupKeys[0], stride: input.width, count: n, into: groups) }
        } else {
            groupOfRow.removeAll()
            for row in 0..<n { groupOfRow.append(index.findOrInsert(input, row: row, columns: groupKeys).index) }
        }
        let added = index.count - before
        guard added > 0 else { return }
        emitted.append(repeating: false, count: added)
        touchedMark.append(repeating: false, count: added)
        for g in before..<index.count {
            records.append(contentsOf: UnsafeBufferPointer(start: index.keyWords(g), count: groupKeys.count))
            records.append(contentsOf: layout.initialState)
        }
    }

    /// Folds every row into its group's live row count and, call by call, into each call's
    /// accumulator and non-null count, in row order. `sign(row)` is +1 for an insert and -1
    /// for a delete; a constant when the chunk has only inserts (the loops specialize on it).
    @inline(__always)
    private func fold<S: RowSigns>(_ input: Chunk, groups: UnsafeMutablePointer<Int>, _ strings: StringPool, sign: S) {
        let n = input.count
        let records = records.pointer, stride = layout.stride, live = layout.rowCount
        for row in 0..<n { records[groups[row] &* stride &+ live] &+= sign(row) }
        for c in 0..<calls.count {
            guard let argument = arguments[c] else {
                let count = layout.count(c)
                for row in 0..<n { records[groups[row] &* stride &+ count] &+= sign(row) }
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
        let records = records.pointer, size = layout.stride
        let count = layout.count(c), accumulator = layout.accumulator(c)
        let double = calls[c].argument?.type == .double
        switch calls[c].function {
        case .count:
            for row in 0..<n { records[groups[row] &* size &+ count] &+= sign(row) }
        case .sum, .avg:
            if double {
                for row in 0..<n {
                    let state = records + groups[row] &* size, s = sign(row)
                    state[count] &+= s
                    state[accumulator] = ScalarExpr.bits(ScalarExpr.double(state[accumulator]) + Double(s) * ScalarExpr.double(values[row &* stride]))
                }
            } else {
                for row in 0..<n {
                    let state = records + groups[row] &* size, s = sign(row)
                    state[count] &+= s
                    state[accumulator] &+= s &* values[row &* stride]
                }
            }
        case .min, .max:
            let isMin = calls[c].function == .min
            if valueCounts[c].count < index.count {
                valueCounts[c].append(contentsOf: repeatElement([:], count: index.count &- valueCounts[c].count))
            }
            for row in 0..<n {
                let g = groups[row]
                let state = records + g &* size, s = sign(row), v = values[row &* stride]
                state[count] &+= s
                if s > 0 {
                    valueCounts[c][g][v, default: 0] += 1
                    if state[count] == 1 || (isMin ? Self.less(v, state[accumulator], double) : Self.less(state[accumulator], v, double)) {
                        state[accumulator] = v
                    }
                } else if let held = valueCounts[c][g][v] {
                    valueCounts[c][g][v] = held > 1 ? held &- 1 : nil
                    // The extreme's last row left: the next value the group holds takes its place.
                    if held == 1 && v == state[accumulator] && state[count] > 0 {
                        // Values equal as doubles (0.0 and -0.0) order by their bits, so the
                        // dictionary's order never decides which one shows.
                        let before = { (a: Int64, b: Int64) in Self.less(a, b, double) || (!Self.less(b, a, double) && a < b) }
                        let rest = valueCounts[c][g].keys
                        state[accumulator] = (isMin ? rest.min(by: before) : rest.max(by: before)) ?? v
                    }
                }
            }
        }
    }

    /// Writes result rows: a group's keys, then each aggregate. Holds the state's address,
    /// so it is valid only while no group is added (within one pass of `process`).
    private struct ResultWriter<Keys: WordCount, Values: WordCount> {
        let records: UnsafeMutablePointer<Int64>
        let layout: GroupRecordLayout
        let results: [ResultKind]
        /// Whether every result is a count or an accumulator: then a record starts with its
        /// group's result row, and writing it is a copy.
        let plain: Bool
        /// How many keys and how many calls (`layout.keyCount` and `layout.callCount`).
        let keys: Keys
        let values: Values

        @inline(__always)
        func write(_ g: Int, to row: UnsafeMutablePointer<Int64>) {
            let record = records + g &* layout.stride
            copy(keys, from: record, to: row)
            let out = row + keys.words
            if plain {
                copy(values, from: record + keys.words, to: out)
                return
            }
            for c in 0..<results.count {
                switch results[c] {
                case .count, .accumulator: out[c] = record[layout.keyCount &+ c]
                case .averageOfDoubles:
                    let n = record[layout.count(c)], sum = record[layout.accumulator(c)]
                    out[c] = ScalarExpr.bits(n == 0 ? 0 : ScalarExpr.double(sum) / Double(n))
                case .averageOfIntegers:
                    let n = record[layout.count(c)], sum = record[layout.accumulator(c)]
                    out[c] = ScalarExpr.bits(n == 0 ? 0 : Double(sum) / Double(n))
                }
            }
        }

        /// Writes group `g`'s result row to `row` and keeps its aggregates in the group's
        /// record, as the row to retract when the group next changes.
        @inline(__always)
        func emit(_ g: Int, to row: UnsafeMutablePointer<Int64>) {
            write(g, to: row)
            copy(values, from: row + keys.words, to: records + (g &* layout.stride &+ layout.emittedValues))
        }

        /// Writes the row group `g` last emitted (its keys, then the aggregates `emit` kept).
        @inline(__always)
        func writeEmitted(_ g: Int, to row: UnsafeMutablePointer<Int64>) {
            let record = records + g &* layout.stride
            copy(keys, from: record, to: row)
            copy(values, from: record + layout.emittedValues, to: row + keys.words)
        }

        @inline(__always)
        private func copy(_ n: some WordCount, from source: UnsafePointer<Int64>, to target: UnsafeMutablePointer<Int64>) {
            for k in 0..<n.words { target[k] = source[k] }
        }
    }

    private func resultWriter<Keys, Values>(_ keys: Keys, _ values: Values) -> ResultWriter<Keys, Values> {
        ResultWriter(records: records.pointer, layout: layout, results: results,
                     plain: results.allSatisfy { $0 == .count || $0 == .accumulator }, keys: keys, values: values)
    }

    private static func initial(_ call: AggregateCall) -> Int64 {
        call.argument?.type == .double && (call.function == .sum || call.function == .avg) ? ScalarExpr.bits(0) : 0
    }

    @inline(__always)
    private static func less(_ a: Int64, _ b: Int64, _ double: Bool) -> Bool {
        double ? ScalarExpr.double(a) < ScalarExpr.double(b) : a < b
    }

    // MARK: Rescaling

    /// What this state shows downstream: one insert per group whose result row was emitted
    /// and not retracted since, in group order (a rescale rebuilds the view from it).
    func currentResults() -> Chunk {
        let live = (0..<index.count).filter { emitted[$0] }
        var out = Chunk(width: outputWidth, capacity: live.count)
        let writer = resultWriter(SomeWords(layout.keyCount), SomeWords(layout.callCount))
        out.appendRows(live.count, withOps: false) { words, _ in
            for (row, g) in live.enumerated() { writer.writeEmitted(g, to: words + row * outputWidth) }
        }
        return out
    }

    /// One group's state, to be re-hashed onto a new actor.
    struct GroupState: Equatable {
        var key: [Int64]
        var rowCount: Int64
        var accumulators: [Int64]
        var counts: [Int64]
        var emitted: Bool
        /// Per `min`/`max` call, the values the group holds (empty for other calls).
        var values: [[Int64: Int]]
    }

    /// Every group's state, to be re-hashed onto new actors.
    func exportGroups() -> [GroupState] {
        let calls = 0..<calls.count
        return (0..<index.count).map { g in
            let record = g * layout.stride
            return GroupState(key: index.key(g), rowCount: records[record + layout.rowCount],
                              accumulators: calls.map { records[record + layout.accumulator($0)] },
                              counts: calls.map { records[record + layout.count($0)] }, emitted: emitted[g],
                              values: calls.map { g < valueCounts[$0].count ? valueCounts[$0][g] : [:] })
        }
    }

    func importGroup(_ group: GroupState) {
        let (key, rowCount, acc, cnt, em) = (group.key, group.rowCount, group.accumulators, group.counts, group.emitted)
        let (g, inserted) = key.withUnsafeBufferPointer { index.findOrInsert($0) }
        guard inserted else { return }
        for c in calls.indices where calls[c].function == .min || calls[c].function == .max {
            if valueCounts[c].count < g { valueCounts[c].append(contentsOf: repeatElement([:], count: g &- valueCounts[c].count)) }
            valueCounts[c].append(group.values[c])
        }
        emitted.append(em)
        touchedMark.append(false)
        let record = records.count
        records.append(contentsOf: key)
        records.append(contentsOf: layout.initialState)
        records[record + layout.rowCount] = rowCount
        for c in 0..<calls.count {
            records[record + layout.accumulator(c)] = acc[c]
            records[record + layout.count(c)] = cnt[c]
        }
        // The row it emitted is the result of the state it comes with.
        if em {
            var row = [Int64](repeating: 0, count: outputWidth)
            let writer = resultWriter(SomeWords(groupKeys.count), SomeWords(calls.count))
            row.withUnsafeMutableBufferPointer { writer.emit(g, to: $0.baseAddress!) }
        }
    }
}

/// Where a group's state lies in its aggregate record: the group's keys, then per call the
/// word its result is (the count of a `count`, else the accumulator), then per call the other
/// word, then the group's live row count, then the aggregates of the row it last emitted (so
/// that its retraction is written after the chunk's fold, from the same line, not read from
/// a cold record before it). With only counts and accumulators, the record starts with the
/// group's result row. A record that fits in a cache line is padded to a power of two words,
/// so that (in line-aligned memory) none straddles two lines.
private struct GroupRecordLayout {
    static let cacheLine = 64
    let keyCount: Int
    let callCount: Int
    /// Words per record.
    let stride: Int
    /// Per call, whether its count (not its accumulator) comes first.
    private let countIsResult: [Bool]
    /// The words after the keys of a new group: every accumulator at its initial value.
    let initialState: [Int64]

    init(keyCount: Int, countIsResult: [Bool], initials: [Int64]) {
        self.keyCount = keyCount
        self.callCount = countIsResult.count
        self.countIsResult = countIsResult
        let words = keyCount + 3 * countIsResult.count + 1
        let lineWords = Self.cacheLine / MemoryLayout<Int64>.stride
        stride = words <= lineWords ? (words == 1 ? 1 : 1 << (Int.bitWidth - (words - 1).leadingZeroBitCount)) : words
        var state = [Int64](repeating: 0, count: stride - keyCount)
        for c in countIsResult.indices { state[countIsResult[c] ? countIsResult.count + c : c] = initials[c] }
        initialState = state
    }

    /// Words of a result row.
    var resultWidth: Int { keyCount + callCount }
    /// Where call `c`'s non-null count lies.
    @inline(__always) func count(_ c: Int) -> Int { keyCount &+ (countIsResult[c] ? c : callCount &+ c) }
    /// Where call `c`'s accumulator lies.
    @inline(__always) func accumulator(_ c: Int) -> Int { keyCount &+ (countIsResult[c] ? callCount &+ c : c) }
    /// Where the group's live row count lies.
    var rowCount: Int { keyCount + 2 * callCount }
    /// Where the aggregates of the group's last emitted row lie.
    var emittedValues: Int { keyCount + 2 * callCount + 1 }
}

/// A number of words (of keys, or of aggregates) that, for the usual few, is known when the
/// code is compiled: a copy of that many is then straight-line, with no loop or switch.
private protocol WordCount {
    var words: Int { get }
}

private struct OneWord: WordCount {
    var words: Int { 1 }
}

private struct TwoWords: WordCount {
    var words: Int { 2 }
}

private struct ThreeWords: WordCount {
    var words: Int { 3 }
}

/// Any number of words, known only when the code runs.
private struct SomeWords: WordCount {
    let words: Int
    init(_ words: Int) { self.words = words }
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
