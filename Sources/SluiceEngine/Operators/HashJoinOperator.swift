/// Inner equi hash join with state on both sides. A row from one side is stored, then probes
/// the other side's bucket and emits one joined row per match: one input row can emit
/// thousands (join amplification). Deletes retract the joined rows they once produced.
final class HashJoinOperator: StreamOperator {
    let keys: [[Int]]          // key columns per side
    let widths: [Int]          // row width per side
    private let index: [KeyIndex]
    /// Per side, per bucket: the rows stored, flattened (`widths[side]` words each).
    private var buckets: [[[Int64]]] = [[], []]
    private var rowsHeld = [0, 0]

    init(leftKeys: [Int], rightKeys: [Int], leftWidth: Int, rightWidth: Int) {
        keys = [leftKeys, rightKeys]
        widths = [leftWidth, rightWidth]
        index = [KeyIndex(width: leftKeys.count), KeyIndex(width: rightKeys.count)]
    }

    var stateRows: Int { rowsHeld[0] + rowsHeld[1] }
    var outputWidth: Int { widths[0] + widths[1] }
    private(set) var absorbedRows: Int64 = 0
    private(set) var derivedRows: Int64 = 0

    func process(_ input: Chunk, side: Int, strings: StringPool) -> Chunk {
        let other = 1 - side
        var out = Chunk(width: outputWidth, capacity: input.count)
        let w = widths[side], ow = widths[other]
        input.withUnsafeWords { words in
            for row in 0..<input.count {
                let op = input.op(row)
                let (bucket, inserted) = index[side].findOrInsert(input, row: row, columns: keys[side])
                if inserted { buckets[side].append([]) }
                let rowWords = UnsafeBufferPointer(start: words + row * w, count: w)
                if op == .insert {
                    buckets[side][bucket].append(contentsOf: rowWords)
                    rowsHeld[side] += 1
                } else if removeRow(rowWords, side: side, bucket: bucket) {
                    rowsHeld[side] -= 1
                } else {
                    continue // retracting a row that was never stored emits nothing
                }
                // Probe the other side with the same key words.
                guard let match = index[other].find(input, row: row, columns: keys[side]) else { continue }
                buckets[other][match].withUnsafeBufferPointer { stored in
                    var offset = 0
                    while offset < stored.count {
                        let target = out.appendRow(op: op)
                        let (first, firstWidth, second, secondWidth) = side == 0
                            ? (rowWords.baseAddress!, w, stored.baseAddress! + offset, ow)
                            : (stored.baseAddress! + offset, ow, rowWords.baseAddress!, w)
                        for k in 0..<firstWidth { target[k] = first[k] }
                        for k in 0..<secondWidth { target[firstWidth &+ k] = second[k] }
                        offset += ow
                    }
                }
            }
        }
        absorbedRows &+= Int64(input.count)
        derivedRows &+= Int64(out.count)
        return out
    }

    private func removeRow(_ words: UnsafeBufferPointer<Int64>, side: Int, bucket: Int) -> Bool {
        let w = widths[side]
        var offset = 0
        let stored = buckets[side][bucket]
        while offset < stored.count {
            if stored[offset..<(offset + w)].elementsEqual(words) {
                buckets[side][bucket].removeSubrange(offset..<(offset + w))
                return true
            }
            offset += w
        }
        return false
    }

    // MARK: Rescaling

    /// What this state shows downstream: every joined pair of stored rows, as inserts (a
    /// rescale rebuilds the view from it). Joined the way `process` joins them: the right
    /// rows stored in an empty join, then the left rows probing them.
    func currentResults() -> Chunk {
        let scratch = HashJoinOperator(leftKeys: keys[0], rightKeys: keys[1], leftWidth: widths[0], rightWidth: widths[1])
        let strings = StringPool()
        _ = scratch.process(Self.chunk(exportRows(side: 1), width: widths[1]), side: 1, strings: strings)
        return scratch.process(Self.chunk(exportRows(side: 0), width: widths[0]), side: 0, strings: strings)
    }

    private static func chunk(_ rows: [[Int64]], width: Int) -> Chunk {
        var chunk = Chunk(width: width, capacity: rows.count)
        for row in rows { chunk.append(row) }
        return chunk
    }

    /// Every stored row of `side`, for re-hashing onto new actors.
    func exportRows(side: Int) -> [[Int64]] {
        let w = widths[side]
        var rows: [[Int64]] = []
        for bucket in buckets[side] {
            var offset = 0
            while offset < bucket.count { rows.append(Array(bucket[offset..<(offset + w)])); offset += w }
        }
        return rows
    }

    func importRow(_ row: [Int64], side: Int) {
        var chunk = Chunk(width: widths[side])
        chunk.append(row)
        let (bucket, inserted) = index[side].findOrInsert(chunk, row: 0, columns: keys[side])
        if inserted { buckets[side].append([]) }
        buckets[side][bucket].append(contentsOf: row)
        rowsHeld[side] += 1
    }
}
