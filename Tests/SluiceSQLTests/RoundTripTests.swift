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

    @Test func theWholeCorpusAsOneBuffer() {
        let buffer = corpus.map(\.input).joined(separator: "\n")
        let all = parsed(buffer)
        #expect(all.map(\.statement.sql) == corpus.map(\.canonical))
        #expect(all.map(\.text) == corpus.map { String($0.input.dropLast()) })
        #expect(all.allSatisfy { $0.range.text(in: buffer) == $0.text })
    }
}
