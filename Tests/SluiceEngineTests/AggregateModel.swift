@testable import SluiceEngine

/// A plain model of the hash aggregate's changelog, for checking the real one: per chunk, for
/// each group the chunk touched (in order of first touch), U- of the group's row before the
/// chunk (if it had rows) and U+ of its row after (if it has rows), each row recomputed from
/// the group's live values. Rows are `[sign] + keys + results`; the value is column 3.
enum AggregateModel {
    static func changelog(_ chunks: [[(row: [Int64], op: RowOp)]], keys: [Int], calls: [AggregateCall]) -> [[Int64]] {
        var groups: [[Int64]: [Int64]] = [:]
        var out: [[Int64]] = []
        func result(_ key: [Int64], _ values: [Int64]) -> [Int64] {
            key + calls.map { call -> Int64 in
                switch call.function {
                case .count: Int64(values.count)
                case .sum: values.reduce(0, +)
                case .min: values.min()!
                case .max: values.max()!
                case .avg: ScalarExpr.bits(Double(values.reduce(0, +)) / Double(values.count))
                }
            }
        }
        for chunk in chunks {
            var order: [[Int64]] = []
            var before: [[Int64]: [Int64]] = [:]
            for (row, op) in chunk {
                let key = keys.map { row[$0] }
                if before[key] == nil {
                    before[key] = groups[key] ?? []
                    order.append(key)
                }
                if op == .insert {
                    groups[key, default: []].append(row[3])
                } else {
                    groups[key]!.remove(at: groups[key]!.firstIndex(of: row[3])!)
                }
            }
            for key in order {
                if let old = before[key], !old.isEmpty { out.append([-1] + result(key, old)) }
                if let new = groups[key], !new.isEmpty { out.append([1] + result(key, new)) }
            }
        }
        return out
    }
}
