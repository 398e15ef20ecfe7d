import Testing
@testable import SluiceShell
import SluiceEngine

/// SHOW ACTORS and SHOW METRICS show busy as Flink derives it, 1000 less idle and
/// backpressured as shown: the three columns add up to 1000 on every row (rounded each on its
/// own, 1.7 + 933.7 + 64.6 read 2 + 934 + 65 = 1001).
@Suite("busy, idle and backpressured as shown")
struct ShownTimesTests {
    /// With seed 26, m.agg.1's three rounded each on its own read 999.
    @Test(arguments: [1, 2, 26])
    func theThreeShownAddUpTo1000(seed: Int) throws {
        let s = session("""
            SET seed = \(seed);
            CREATE SOURCE a (k INT, v DOUBLE) WITH (rate = 1500, pattern = 'poisson', keys = 50, partitions = 2);
            CREATE MATERIALIZED VIEW m AS SELECT k, count(*) AS n FROM a GROUP BY k WITH (cost = 'exp(700us)', parallelism = 2);
            CREATE SINK o FROM m WITH (throughput = 900);
            RUN 3s; RESET METRICS; RUN 1700ms;
            """)
        let rows = s.run("SHOW ACTORS;").split(separator: "\n").filter { $0.hasPrefix("│ ") }.dropFirst()
        try #require(rows.count == 5)
        for row in rows {
            let cells = row.split(separator: "│").map { $0.trimmingCharacters(in: .whitespaces) }
            let times = cells[3...5].compactMap { Int($0) }
            #expect(times.count == 3 && times.reduce(0, +) == 1000, "\(row)")
        }
        for a in s.engine.actorSnapshots() {
            let busy = MetricsWindowText.shownBusy(a, decimals: 1)
            #expect(abs(busy - a.busyTimeMsPerSecond) <= 0.1 + 1e-9, "\(a.name): \(busy) vs \(a.busyTimeMsPerSecond)")
        }
    }
}
