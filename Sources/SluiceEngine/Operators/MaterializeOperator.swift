/// Keeps a materialized view's current contents, upserted by its primary key (or, with no key,
/// as a multiset of whole rows), and passes the changes on to dependent views and sinks.
final class MaterializeOperator: StreamOperator {
    let primaryKey: [Int]
    let width: Int
    private let index: KeyIndex
    /// The columns a row-by-row lookup reads: the primary key, or the whole row.
    private let keyColumns: [Int]
    /// Per entry, in the order keys first appeared: the row (`width` words) and how many
    /// copies are live (0 = deleted; below 0, retractions that arrived before their rows).
    private var rows = RawBuffer<Int64>(capacity: 1024)
    private var multiplicity = RawBuffer<Int>(capacity: 256)
    /// The entry of each row of the chunk in hand.
    private var entries = RawBuffer<Int>(capacity: 256)
    private(set) var liveRows = 0

    init(primaryKey: [Int], width: Int) {
        self.primaryKey = primaryKey
        self.width = width
        self.keyColumns = primaryKey.isEmpty ? Array(0..<width) : primaryKey
        self.index = KeyIndex(width: keyColumns.count, capacity: 1024)
    }

    var stateRows: Int { liveRows }

    func process(_ input: Chunk, side: Int, strings: StringPool) -> Chunk {
        let n = input.count, width = width
        guard n > 0 else { return input }
        let entry = entries.reset(count: n)
        input.withUnsafeWords { words in
            if primaryKey.count == 1 {
                // One key column (the usual view): looked up a whole column at once.
                index.findOrInsert(column: words + primaryKey[0], stride: width, count: n, into: entry)
            } else if primaryKey.isEmpty {
                // A multiset: the row's own words are its key.
                for row in 0..<n { entry[row] = index.findOrInsert(words + row &* width).index }
            } else {
                for row in 0..<n { entry[row] = index.findOrInsert(input, row: row, columns: keyColumns).index }
            }
        }
        // New keys took the next entries, in row order: room for them, zeroed.
        let added = index.count - multiplicity.count
        if added > 0 {
            rows.append(repeating: 0, count: added * width)
            multiplicity.append(repeating: 0, count: added)
        }
        let stored = rows.pointer, copies = multiplicity.pointer
        input.withUnsafeWords { words in
            input.withUnsafeOps { ops in
                for row in 0..<n {
                    let slot = entry[row]
                    let kept = stored + slot &* width, values = words + row &* width
                    let insert = ops.map { $0[row] == .insert } ?? true
                    if primaryKey.isEmpty {
                        // A multiset counts copies, and owes one for a retraction that overtook
                        // its row: the row's changes can travel on different channels (after a
                        // rescale, queued ones on one, new ones on another), and the debt
                        // cancels the row when it arrives.
                        for c in 0..<width { kept[c] = values[c] }
                        if insert {
                            copies[slot] += 1
                            if copies[slot] > 0 { liveRows += 1 }
                        } else {
                            if copies[slot] > 0 { liveRows -= 1 }
                            copies[slot] -= 1
                        }
                    } else if insert {
                        for c in 0..<width { kept[c] = values[c] }
                        if copies[slot] == 0 {
                            copies[slot] = 1
                            liveRows += 1
                        }
                    } else if copies[slot] > 0 {
                        // An upsert table ignores the retraction of a row it no longer holds.
                        // (Compared word by word without an early exit: a retraction usually
                        // matches, and the loop stays branch-free.)
                        var difference: Int64 = 0
                        for c in 0..<width { difference |= kept[c] ^ values[c] }
                        if difference == 0 {
                            copies[slot] -= 1
                            liveRows -= 1
                        }
                    }
                }
            }
        }
        return input
    }

    /// The current rows, in the order their keys first appeared.
    func currentRows() -> [[Int64]] {
        var result: [[Int64]] = []
        result.reserveCapacity(liveRows)
        for slot in 0..<multiplicity.count where multiplicity[slot] > 0 {
            let row = rows.array((slot * width)..<((slot + 1) * width))
            for _ in 0..<multiplicity[slot] { result.append(row) }
        }
        return result
    }

    /// Every row the view holds with its copies, in the order their keys first appeared; a
    /// negative count is a retraction that overtook its row (a multiset's debt, see `process`).
    func contents() -> [(row: [Int64], copies: Int)] {
        (0..<multiplicity.count).compactMap { slot in
            multiplicity[slot] == 0 ? nil : (rows.array((slot * width)..<((slot + 1) * width)), Int(multiplicity[slot]))
        }
    }

    func importRow(_ row: [Int64]) {
        var chunk = Chunk(width: width)
        chunk.append(row)
        _ = process(chunk, side: 0, strings: StringPool())
    }
}
