import Foundation
import Testing
@testable import SluiceShell
import SluiceEngine

/// A DOUBLE has one zero, as in SQL: −0.0 (a zero times a negative number) groups, joins and
/// hashes with 0.0, as `WHERE z = 0.0` already finds both. Equal values must be equal words,
/// since grouping, the join and the hash exchange compare and hash the stored words.
@Suite struct DoubleKeyTests {
    /// `d * (v - 500)` is 0.0 when d = 0 and v ≥ 500, −0.0 when d = 0 and v < 500.
    static let catalog = """
        CREATE SOURCE s (d DOUBLE, v INT) WITH (keys = 2);
        CREATE TABLE t (z DOUBLE, name VARCHAR) WITH (rows = 3);
        CREATE MATERIALIZED VIEW p AS SELECT d * (v - 500) AS z, v FROM s;
        """

    /// How many of the rows in `p` are a zero (of either sign): WHERE's count.
    static func zeros(_ s: Session) -> String {
        s.run("CREATE MATERIALIZED VIEW f AS SELECT count(*) AS n FROM p WHERE z = 0.0;")
        s.run("INJECT 40 INTO s; RUN 1s;")
        return s.run("SELECT n FROM f;")
    }

    @Test func negativeAndPositiveZeroAreOneGroup() {
        let s = session(Self.catalog)
        s.run("CREATE MATERIALIZED VIEW g AS SELECT z, count(*) AS n FROM p GROUP BY z WITH (parallelism = 4);")
        let zeros = Self.zeros(s)
        // Both signs occur: v is below 500 about half the time.
        #expect((Self.number(s.run("SELECT count(*) FROM p WHERE z = 0.0 AND v < 500;")) ?? 0) > 0)
        #expect((Self.number(s.run("SELECT count(*) FROM p WHERE z = 0.0 AND v >= 500;")) ?? 0) > 0)
        let groups = s.run("SELECT n FROM g WHERE z = 0.0;")
        #expect(groups.contains("(1 row)"), "one group for 0.0 and −0.0:\n\(groups)")
        #expect(Self.number(groups) == Self.number(zeros), "the group holds every zero:\n\(groups)\n\(zeros)")
    }

    @Test func negativeZeroJoinsWithZero() {
        let s = session(Self.catalog)
        s.run("CREATE MATERIALIZED VIEW j AS SELECT p.v, t.name FROM p JOIN t ON p.z = t.z;")
        let zeros = Self.zeros(s)
        let joined = s.run("SELECT count(*) FROM j;")
        // The table holds one row with z = 0.0 (and one each with 1.0 and 2.0, which no row of p has).
        #expect(s.run("SELECT count(*) FROM t WHERE z = 0.0;").contains("│     1 │"))
        #expect(Self.number(joined) == Self.number(zeros), "every zero of p matches t's 0.0:\n\(joined)\n\(zeros)")
    }

    @Test func storedWordsAreCanonical() {
        #expect(ScalarExpr.bits(-0.0) == ScalarExpr.bits(0.0))
        #expect(ScalarExpr.bits(0.0 * -3) == 0)
        #expect(ScalarExpr.bits(-Double.nan) == ScalarExpr.bits(Double.infinity - Double.infinity))
        #expect(ScalarExpr.double(ScalarExpr.bits(-2.5)) == -2.5)
    }

    /// The one number in a one-column, one-row table.
    static func number(_ table: String) -> Int? {
        table.split(separator: "\n").lazy.compactMap { line -> Int? in
            let cells = line.split(separator: "│").map { $0.trimmingCharacters(in: .whitespaces) }
            return cells.count == 1 ? Int(cells[0]) : nil
        }.first
    }
}
