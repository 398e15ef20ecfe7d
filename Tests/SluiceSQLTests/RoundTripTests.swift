import Testing
@testable import SluiceSQL

@Suite("round trips")
struct RoundTripTests {
    @Test(arguments: corpus.indices)
    func canonicalFormReadsBackTheSame(index: Int) {
        let (input, canonical) = corpus[index]
        guard let parsed = statement(input) else { return }
        #expect(parsed.sql == canonical)
        #expect(statement(canonical + ";")?.sql == canonical)
    }

    /// A minus before a minus prints with a space, not `--` (a comment) nor `-(-x)`, which
    /// would nest a level deeper than written (and past the limit at the limit).
    @Test func minusBeforeMinusReadsBackNoDeeper() {
        let canonical = "SELECT - -a AS x, - -5 AS y, - - -1 AS z FROM t"
        #expect(statement("SELECT - -a AS x, -(-5) AS y, - - -1 AS z FROM t;")?.sql == canonical)
        #expect(statement(canonical + ";")?.sql == canonical)
    }

    @Test func theWholeCorpusAsOneBuffer() {
        let buffer = corpus.map(\.input).joined(separator: "\n")
        let all = parsed(buffer)
        #expect(all.map(\.statement.sql) == corpus.map(\.canonical))
        #expect(all.map(\.text) == corpus.map { String($0.input.dropLast()) })
        #expect(all.allSatisfy { $0.range.text(in: buffer) == $0.text })
    }
}
