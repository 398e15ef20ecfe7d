/// Keeps a materialized view's current contents, upserted by its primary key (or, with no key,
/// as a multiset of whole rows), and passes the changes on to dependent views and sinks.
final class MaterializeOperator: StreamOperator {
    let primaryKey: [Int]
    let width: Int
    private let index: KeyIndex
    /// Per entry: the row and how many copies are live (0 = deleted; below 0, retractions
    /// that arrived before their rows).
    private var rows: [Int64] = []
    private var multiplicity: [Int] = []
    private(set) var liveRows = 0

    init(primaryKey: [Int], width: Int) {
        self.primaryKey = primaryKey
        self.width = width
        self.index = KeyIndex(width: primaryKey.isEmpty ? width : primaryKey.count, capacity: 1024)
    }

    var stateRows: Int { liveRows }

    private var keyColumns: [Int] { primaryKey.isEmpty ? Array(0..<width) : primaryKey }

    func process(_ input: Chunk, side: Int, strings: StringPool) -> Chunk {
        let columns = keyColumns
        for row in 0..<input.count {
            let (slot, inserted) = index.findOrInsert(input, row: row, columns: columns)
            if inserted {
                rows.append(contentsOf: repeatElement(0, count: width))
                multiplicity.append(0)
            }
            let base = slot * width
            if primaryKey.isEmpty {
                // A multiset counts copies, and owes one for a retraction that overtook its
                // row: the row's changes can travel on different channels (after a rescale,
                // queued ones on one, new ones on another), and the debt cancels the row
                // when it arrives.
                for c in 0..<width { rows[base + c] = input.value(row, c) }
                if input.op(row) == .insert {
                    multiplicity[slot] += 1
                    if multiplicity[slot] > 0 { liveRows += 1 }
                } else {
                    if multiplicity[slot] > 0 { liveRows -= 1 }
                    multiplicity[slot] -= 1
                }
            } else if input.op(row) == .insert {
                for c in 0..<width { rows[base + c] = input.value(row, c) }
                if multiplicity[slot] == 0 {
                    multiplicity[slot] = 1
                    liveRows += 1
                }
            } else if multiplicity[slot] > 0 {
                // An upsert table ignores the retraction of a row it no longer holds.
                var same = true
                for c in 0..<width where rows[base + c] != input.value(row, c) { same = false; break }
                if same {
                    multiplicity[slot] -= 1
                    liveRows -= 1
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
            let row = Array(rows[(slot * width)..<((slot + 1) * width)])
            for _ in 0..<multiplicity[slot] { result.append(row) }
        }
        return result
    }

    func importRow(_ row: [Int64]) {
        var chunk = Chunk(width: width)
        chunk.append(row)
        _ = process(chunk, side: 0, strings: StringPool())
    }
}
