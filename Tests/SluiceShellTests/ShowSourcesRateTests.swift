import Testing
@testable import SluiceShell

/// SHOW SOURCES' rate column: a fractional rate keeps its decimals (up to three). It was
/// rounded to whole rows, so `rate = 0.01` read 0, like a source that never generates.
@Suite struct ShowSourcesRateTests {
    @Test(arguments: [(1000.0, "1000"), (0.01, "0.01"), (2.5, "2.5"), (0.3333, "0.333"), (0, "0")])
    func rateKeepsItsDecimals(_ rate: Double, _ shown: String) throws {
        let s = session("CREATE SOURCE z (k INT) WITH (rate = \(rate));")
        guard case .table(let table)? = try s.show(.sources).first, case .double(let value, let decimals) = table.rows[0][3] else {
            Issue.record("no rate cell")
            return
        }
        #expect(NumberText.fixed(value, decimals: decimals) == shown)
    }
}
