import Foundation
import Testing
@testable import SluiceSQL

/// The statements of a buffer that must parse completely.
func parsed(_ sql: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [ParsedStatement] {
    switch parse(sql) {
    case .complete(let statements):
        return statements
    case .incomplete:
        Issue.record("incomplete: \(sql)", sourceLocation: sourceLocation)
    case .error(let error):
        Issue.record("unexpected error for \(sql):\n\(error.render(in: sql))", sourceLocation: sourceLocation)
    }
    return []
}

/// The one statement of a buffer that must parse.
func statement(_ sql: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Statement? {
    let all = parsed(sql, sourceLocation: sourceLocation)
    #expect(all.count == 1, "expected one statement in \(sql)", sourceLocation: sourceLocation)
    return all.first?.statement
}

/// The error of a buffer that must fail to parse.
func parseError(_ sql: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> SQLError? {
    if case .error(let error) = parse(sql) { return error }
    Issue.record("expected an error for \(sql), got \(parse(sql))", sourceLocation: sourceLocation)
    return nil
}

/// The rendered error of a buffer that must fail to parse.
func rendered(_ sql: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
    parseError(sql, sourceLocation: sourceLocation)?.render(in: sql) ?? "<no error>"
}

/// The message of a buffer that must fail to parse.
func message(_ sql: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
    parseError(sql, sourceLocation: sourceLocation)?.message ?? "<no error>"
}

/// The text a range covers.
func text(_ range: SourceRange?, in sql: String) -> String {
    range?.text(in: sql) ?? "<nil>"
}

/// The query of a `SELECT` statement.
func query(_ sql: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Query? {
    guard case .select(let query)? = statement(sql, sourceLocation: sourceLocation) else {
        Issue.record("not a SELECT: \(sql)", sourceLocation: sourceLocation)
        return nil
    }
    return query
}

/// SplitMix64: a tiny seeded generator, so randomized tests are the same in every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

