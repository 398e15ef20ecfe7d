import Foundation
import SluiceTestSupport
import Testing
@testable import SluiceSQL

/// An expression nests at most `Parser.maxExpressionDepth` levels. At the limit it parses and
/// its canonical SQL reads back, on a main thread's 8 MB stack in a debug build; one level
/// more is an error under the level that passes the limit; far more (where parsing used to
/// overflow the stack) is the same error, not a crash. The shell's tests run such
/// expressions through the planner, the engine and EXPLAIN.
@Suite("expression depth")
struct ExpressionDepthTests {
    static let limit = Parser.maxExpressionDepth

    /// The ways to nest: a left-deep chain the parser reads in a loop, and the prefixes and
    /// brackets it reads by recursion.
    enum Shape: String, CaseIterable, Sendable {
        case sum, parentheses, calls, minus, not

        /// An expression `levels` levels deep.
        func expression(_ levels: Int) -> String {
            switch self {
            case .sum: Array(repeating: "a", count: levels).joined(separator: " + ")
            case .parentheses: String(repeating: "(", count: levels - 1) + "a" + String(repeating: ")", count: levels - 1)
            case .calls: String(repeating: "f(", count: levels - 1) + "a" + String(repeating: ")", count: levels - 1)
            case .minus: String(repeating: "- ", count: levels - 1) + "a"
            case .not: String(repeating: "NOT ", count: levels - 1) + "TRUE"
            }
        }

        /// The token that opens each level.
        var level: String {
            switch self {
            case .sum: "+"
            case .parentheses, .calls: "("
            case .minus: "-"
            case .not: "NOT"
            }
        }
    }

    static func select(_ shape: Shape, levels: Int) -> String {
        "SELECT \(shape.expression(levels)) AS x FROM t;"
    }

    @Test(arguments: Shape.allCases)
    func anExpressionAtTheLimitParsesAndReadsBack(shape: Shape) {
        let sql = Self.select(shape, levels: Self.limit)
        let (first, again) = onMainThreadSizedStack { () -> (String?, String?) in
            guard case .complete(let statements) = parse(sql), let canonical = statements.first?.statement.sql else { return (nil, nil) }
            guard case .complete(let reread) = parse(canonical + ";") else { return (canonical, nil) }
            return (canonical, reread.first?.statement.sql)
        }
        #expect(first != nil, "\(shape) at the limit does not parse")
        #expect(again == first, "the canonical form of \(shape) does not read back")
    }

    @Test(arguments: Shape.allCases)
    func oneLevelMoreFailsUnderTheLevelThatPassesTheLimit(shape: Shape) throws {
        let sql = Self.select(shape, levels: Self.limit + 1)
        let error = try #require(onMainThreadSizedStack { () -> SQLError? in
            guard case .error(let error) = parse(sql) else { return nil }
            return error
        })
        #expect(error.message == "expression is nested too deeply: more than 200 levels")
        #expect(error.hint == "each operator, parenthesis, function call and operand is a level; "
            + "compute part of the expression in a materialized view and select from it")
        // The deepest level: the last operator, or the innermost opening.
        let deepest = try #require(sql.range(of: shape.level, options: .backwards))
        let offset = sql.utf8.distance(from: sql.startIndex, to: deepest.lowerBound)
        #expect(error.range == SourceRange(start: offset, end: offset + shape.level.utf8.count))
    }

    @Test(arguments: Shape.allCases)
    func farPastTheLimitIsTheSameErrorNotACrash(shape: Shape) {
        // 500 parentheses or 5000 terms used to overflow the stack while parsing or planning.
        let sql = Self.select(shape, levels: 5000)
        let message = onMainThreadSizedStack { () -> String? in
            guard case .error(let error) = parse(sql) else { return nil }
            return error.message
        }
        #expect(message == "expression is nested too deeply: more than 200 levels")
    }

    @Test func widthIsNotDepth() {
        // Many shallow expressions, and a wide one: only nesting counts.
        let columns = (0..<1000).map { "(a + \($0)) * 2 AS c\($0)" }.joined(separator: ", ")
        #expect(statement("SELECT \(columns) FROM t;") != nil)
        let balanced = (0..<9).reduce("a") { inner, _ in "(\(inner) + \(inner))" }
        #expect(statement("SELECT \(balanced) AS x FROM t;") != nil)
    }
}
