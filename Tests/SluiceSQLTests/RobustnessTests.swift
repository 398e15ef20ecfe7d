import Testing
@testable import SluiceSQL

/// Mutated and truncated statements: parsing must always return, and what it returns must be
/// consistent (ranges inside the buffer, texts matching ranges, canonical forms reading back).
@Suite("robustness")
struct RobustnessTests {
    static let alphabet: [Character] = Array("abcxyzSELECTFROM0123456789 _.,;()'\"*-/+<>=!%$\t\nµé日") + ["--", "/*", "*/"].flatMap { Array($0) }

    /// Parses `buffer` every way and records an issue for anything inconsistent. (Plain `if`s
    /// rather than `#expect`, which is slow in debug builds over thousands of cases.)
    func check(_ buffer: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let size = buffer.utf8.count
        func inside(_ range: SourceRange?) -> Bool {
            guard let range else { return true }
            return 0 <= range.start && range.start <= range.end && range.end <= size
        }
        func fail(_ what: String) {
            Issue.record("\(what) for buffer: \(buffer)", sourceLocation: sourceLocation)
        }
        switch parse(buffer) {
        case .complete(let statements):
            for parsed in statements {
                if !inside(parsed.range) { fail("range \(parsed.range) outside the buffer") }
                if parsed.range.text(in: buffer) != parsed.text { fail("text '\(parsed.text)' does not match its range") }
                let canonical = parsed.statement.sql
                guard case .complete(let again) = parse(canonical + ";"), again.count == 1 else {
                    fail("canonical form does not parse: \(canonical)")
                    continue
                }
                if again[0].statement.sql != canonical { fail("canonical form changes: \(canonical)") }
            }
        case .incomplete:
            break
        case .error(let error):
            if !inside(error.range) { fail("error range outside the buffer: \(error)") }
            if !error.render(in: buffer).hasPrefix("ERROR: ") { fail("bad rendering") }
        }
        for entry in parseScript(buffer) {
            if !inside(entry.range) { fail("script range outside the buffer") }
            if case .failure(let error) = entry.result {
                if !inside(error.range) { fail("script error range outside the buffer: \(error)") }
                _ = error.render(in: buffer)
            }
        }
    }

    @Test func everyTruncation() {
        for (input, _) in corpus {
            let characters = Array(input)
            for length in 0...characters.count {
                check(String(characters[0..<length]))
            }
        }
    }

    @Test func randomMutations() {
        var rng = SplitMix64(seed: 0x5eed)
        let clock = ContinuousClock()
        let start = clock.now
        for round in 0..<3000 {
            var characters = Array(corpus[round % corpus.count].input)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let position = characters.isEmpty ? 0 : Int.random(in: 0..<characters.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0 where !characters.isEmpty:
                    characters.remove(at: position)
                case 1:
                    characters.insert(RobustnessTests.alphabet.randomElement(using: &rng)!, at: position)
                case 2 where characters.count > 1:
                    let other = Int.random(in: 0..<characters.count, using: &rng)
                    characters.swapAt(position, other)
                default:
                    // Splice in a piece of another statement.
                    let donor = Array(corpus.randomElement(using: &rng)!.input)
                    let from = Int.random(in: 0..<donor.count, using: &rng)
                    let to = min(donor.count, from + Int.random(in: 1...12, using: &rng))
                    characters.insert(contentsOf: donor[from..<to], at: position)
                }
            }
            check(String(characters))
        }
        // About half a second on an idle machine in a debug build; the bound only catches a hang.
        #expect(clock.now - start < .seconds(10))
    }
}
