import Testing
@testable import SluiceEngine

/// A materialized view's contents against a plain model, over random changelogs cut into
/// random chunks: upserts by a one-column key (looked up a column at once), by a two-column
/// key, and a multiset with no key, with retractions that match, that do not, and that
/// arrive before their rows.
@Suite struct MaterializeTests {
    /// One entry per key, in the order keys first appeared (a retraction can be first).
    struct Model {
        var keys: [[Int64]] = []
        var rows: [[Int64]] = []
        var copies: [Int] = []

        mutating func entry(_ key: [Int64], width: Int) -> Int {
            if let i = keys.firstIndex(of: key) { return i }
            keys.append(key)
            rows.append(Array(repeating: 0, count: width))
            copies.append(0)
            return keys.count - 1
        }

        mutating func apply(_ row: [Int64], op: RowOp, primaryKey: [Int]) {
            let i = entry(primaryKey.isEmpty ? row : primaryKey.map { row[$0] }, width: row.count)
            if primaryKey.isEmpty {
                rows[i] = row
                copies[i] += op == .insert ? 1 : -1
            } else if op == .insert {
                rows[i] = row
                copies[i] = 1
            } else if copies[i] > 0 && rows[i] == row {
                copies[i] = 0
            }
        }

        var current: [[Int64]] { zip(rows, copies).flatMap { row, n in Array(repeating: row, count: max(0, n)) } }
    }

    @Test(arguments: [[0], [1, 0], [Int]()])
    func contentsMatchTheModel(primaryKey: [Int]) {
        let width = 3
        let view = MaterializeOperator(primaryKey: primaryKey, width: width)
        var model = Model()
        var rng = SeededRandom(seed: UInt64(7 + primaryKey.count))
        var history: [[Int64]] = []
        for step in 0..<120 {
            var chunk = Chunk(width: width)
            for _ in 0..<(1 + rng.below(300)) {
                // Few distinct values, so keys repeat; a retraction repeats an earlier row
                // (it matches), or is made up (it may not), or comes before any row.
                let made: [Int64] = [Int64(rng.below(60)), Int64(rng.below(3)), Int64(rng.below(4))]
                let retract = rng.below(3) == 0
                let row = retract && !history.isEmpty && rng.below(4) > 0 ? history[rng.below(history.count)] : made
                if !retract { history.append(row) }
                chunk.append(row, op: retract ? .delete : .insert)
                model.apply(row, op: retract ? .delete : .insert, primaryKey: primaryKey)
            }
            _ = view.process(chunk, side: 0, strings: StringPool())
            #expect(view.currentRows() == model.current, "after chunk \(step)")
            #expect(view.liveRows == model.copies.reduce(0) { $0 + max(0, $1) })
            if view.currentRows() != model.current { return }
        }
    }
}
