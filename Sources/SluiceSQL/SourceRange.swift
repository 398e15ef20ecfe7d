/// A span of the parsed buffer, as UTF-8 byte offsets `start..<end`.
///
/// Ranges always index the buffer that was handed to ``parse(_:)`` or ``parseScript(_:)``,
/// never a single statement, so that an error can be rendered against the very text the
/// user typed. An empty range (`start == end`) marks a position, such as the end of input.
public struct SourceRange: Sendable, Hashable, CustomStringConvertible {
    /// The first byte of the span.
    public var start: Int
    /// One past the last byte of the span.
    public var end: Int

    /// A span from `start` up to, not including, `end`.
    public init(start: Int, end: Int) {
        self.start = start
        self.end = max(start, end)
    }

    /// A span covering the half-open byte range.
    public init(_ bytes: Range<Int>) {
        self.init(start: bytes.lowerBound, end: bytes.upperBound)
    }

    /// The empty span at one position.
    public static func at(_ offset: Int) -> SourceRange {
        SourceRange(start: offset, end: offset)
    }

    /// The byte offsets as a Swift range.
    public var bytes: Range<Int> { start..<end }

    /// The number of bytes spanned.
    public var length: Int { end - start }

    /// The smallest span that covers both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(start: min(start, other.start), end: max(end, other.end))
    }

    /// The text this span covers in `buffer` (clamped to the buffer).
    public func text(in buffer: String) -> String {
        let utf8 = Array(buffer.utf8)
        let lower = min(max(0, start), utf8.count)
        let upper = min(max(lower, end), utf8.count)
        return String(decoding: utf8[lower..<upper], as: UTF8.self)
    }

    /// The 1-based line and column where the span starts in `buffer`.
    public func position(in buffer: String) -> SourcePosition {
        SourcePosition(offset: start, in: buffer)
    }

    public var description: String { "\(start)..<\(end)" }
}

/// A human position in a buffer: 1-based line, and 1-based column counted in characters
/// (grapheme clusters), so `SELECT 'é', x` puts `x` in column 14.
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    /// The line, counting from 1.
    public var line: Int
    /// The column, counting characters from 1.
    public var column: Int

    /// A location given directly.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// The location of a UTF-8 byte offset in `buffer`; offsets past the end clamp to it.
    public init(offset: Int, in buffer: String) {
        let utf8 = Array(buffer.utf8)
        let target = min(max(0, offset), utf8.count)
        var line = 1
        var lineStart = 0
        for index in 0..<target where utf8[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        let prefix = String(decoding: utf8[lineStart..<target], as: UTF8.self)
        self.init(line: line, column: prefix.count + 1)
    }

    public var description: String { "line \(line), column \(column)" }
}
