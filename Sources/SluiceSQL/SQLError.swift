/// An error in a statement: what is wrong, where, and (when one helps) what to do instead.
///
/// The parser produces these for syntax; the planner reuses the type for unknown names,
/// wrong types and out-of-range values, pointing `range` at the offending token.
public struct SQLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line saying what is wrong, lower-case and without a trailing period, like psql.
    public var message: String
    /// The offending text in the parsed buffer, if the error has a position.
    public var range: SourceRange?
    /// A suggestion: the nearest known name, or the accepted forms.
    public var hint: String?

    /// An error with an optional position and hint.
    public init(_ message: String, at range: SourceRange? = nil, hint: String? = nil) {
        self.message = message
        self.range = range
        self.hint = hint
    }

    /// `ERROR: message`, without position or hint.
    public var description: String { "ERROR: \(message)" }

    /// The error as psql shows it:
    ///
    ///     ERROR: unknown statement 'SELEKT'
    ///     LINE 1: SELEKT * FROM spend;
    ///             ^^^^^^
    ///     HINT: did you mean SELECT?
    ///
    /// The caret line mirrors the tabs of the source line and counts characters (two columns
    /// for wide ones), so it stays under the token whatever the tab width or encoding.
    /// Lines wider than ``maxLineWidth`` are cut to a window around the error with `...`.
    public func render(in buffer: String) -> String {
        var lines = ["ERROR: \(message)"]
        if let range {
            lines += ErrorExcerpt(buffer: buffer, range: range).lines
        }
        if let hint {
            lines.append("HINT: \(hint)")
        }
        return lines.joined(separator: "\n")
    }

    /// Just the `LINE n:` excerpt and its caret line, for renderers that print the message
    /// and the hint themselves; nil when the error has no position.
    /// `firstLine` is the number of the buffer's first line in a larger script, so that
    /// `LINE n` counts the script's lines.
    public func context(in buffer: String, firstLine: Int = 1) -> String? {
        guard let range else { return nil }
        return ErrorExcerpt(buffer: buffer, range: range, firstLine: firstLine).lines.joined(separator: "\n")
    }

    /// The widest source line shown in full by ``render(in:)``, in display columns.
    public static let maxLineWidth = 100
}

/// The `LINE n:` excerpt of a rendered error and its caret line.
struct ErrorExcerpt {
    let lines: [String]

    init(buffer: String, range: SourceRange, firstLine: Int = 1) {
        let utf8 = Array(buffer.utf8)
        let newline = UInt8(ascii: "\n")
        let start = min(max(0, range.start), utf8.count)
        var lineStart = start
        while lineStart > 0, utf8[lineStart - 1] != newline { lineStart -= 1 }
        var lineEnd = start
        while lineEnd < utf8.count, utf8[lineEnd] != newline { lineEnd += 1 }
        if lineEnd > lineStart, utf8[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        let caretStart = min(start, lineEnd)
        let caretEnd = min(max(range.end, caretStart), lineEnd)
        let lineNumber = utf8[0..<lineStart].reduce(firstLine) { $0 + ($1 == newline ? 1 : 0) }

        // A control character shows as `�`, one column wide, and the caret counts it so.
        func cells(_ bytes: ArraySlice<UInt8>, marked: Bool) -> [Cell] {
            String(decoding: bytes, as: UTF8.self).map { character in
                let v = character.unicodeScalars.first?.value ?? 0
                let control = (v < 0x20 && v != 0x09) || (0x7F...0x9F).contains(v)
                return Cell(character: control ? "\u{FFFD}" : character, marked: marked)
            }
        }
        var row = cells(utf8[lineStart..<caretStart], marked: false)
        let firstMarked = row.count
        row += cells(utf8[caretStart..<caretEnd], marked: true)
        let afterMarked = row.count
        row += cells(utf8[caretEnd..<lineEnd], marked: false)

        // Window long lines around the start of the error.
        var window = row.indices
        var leadingEllipsis = false, trailingEllipsis = false
        if row.reduce(0, { $0 + $1.width }) > SQLError.maxLineWidth {
            var low = firstMarked
            var budget = SQLError.maxLineWidth / 3
            while low > 0, budget - row[low - 1].width >= 0 {
                budget -= row[low - 1].width
                low -= 1
            }
            var high = low
            budget = SQLError.maxLineWidth
            while high < row.count, budget - row[high].width >= 0 {
                budget -= row[high].width
                high += 1
            }
            window = low..<max(high, min(firstMarked + 1, row.count))
            leadingEllipsis = low > 0
            trailingEllipsis = window.upperBound < row.count
        }

        let prefix = "LINE \(lineNumber): "
        var text = prefix + (leadingEllipsis ? "..." : "")
        var carets = String(repeating: " ", count: prefix.count + (leadingEllipsis ? 3 : 0))
        for index in window {
            let cell = row[index]
            text.append(cell.character)
            if index >= afterMarked {
                continue
            } else if cell.marked {
                carets += String(repeating: "^", count: cell.width)
            } else if cell.character == "\t" {
                carets += "\t"
            } else {
                carets += String(repeating: " ", count: cell.width)
            }
        }
        if trailingEllipsis { text += "..." }
        if firstMarked == afterMarked || !carets.contains("^") { carets += "^" }
        lines = [text, carets]
    }

    struct Cell {
        let character: Character
        let marked: Bool

        /// Display columns: 0 for combining marks, 2 for wide (CJK, emoji), else 1.
        var width: Int {
            if character == "\t" { return 1 }
            guard let scalar = character.unicodeScalars.first else { return 0 }
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format: return 0
            default: break
            }
            if character.unicodeScalars.count > 1, character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) {
                return 2
            }
            return Self.isWide(scalar.value) ? 2 : 1
        }

        static func isWide(_ v: UInt32) -> Bool {
            switch v {
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
                 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
                 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
                 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
                return true
            default:
                return false
            }
        }
    }
}
