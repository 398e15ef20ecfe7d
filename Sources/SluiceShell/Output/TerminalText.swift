import Foundation

/// Measuring, padding and colouring text for a terminal: column widths are counted in
/// terminal cells, so wide (CJK, emoji) characters count 2 and combining marks 0.
public enum TerminalText {
    /// The number of terminal cells `text` occupies (no ANSI escapes expected).
    public static func width(of text: String) -> Int {
        // Printable ASCII (nearly every cell of a table) is one cell a byte.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
        var total = 0
        for character in text { total += width(of: character) }
        return total
    }

    /// The number of terminal cells one grapheme occupies: 0, 1 or 2.
    public static func width(of character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if scalars.contains(where: { $0.value == 0xFE0F }) && first.properties.isEmoji { return 2 }
        return width(of: first)
    }

    static func width(of scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        if v < 0x300 { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if scalar.properties.isEmojiPresentation { return 2 }
        return wideRanges.contains { $0.contains(v) } ? 2 : 1
    }

    /// East Asian Wide and Fullwidth blocks (the emoji are found by `isEmojiPresentation`).
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
        0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F,
        0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
        0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF,
        0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    /// `text` padded with spaces to `width` cells, on the right (`.left`) or left (`.right`).
    public static func pad(_ text: String, to width: Int, alignment: ResultColumn.Alignment) -> String {
        let missing = max(0, width - self.width(of: text))
        let fill = String(repeating: " ", count: missing)
        return alignment == .left ? text + fill : fill + text
    }

    /// `text` cut to at most `width` cells, ending in `…` when it was cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard self.width(of: text) > width else { return text }
        guard width > 0 else { return "" }
        var out = ""
        var used = 0
        for character in text {
            let w = self.width(of: character)
            if used + w > width - 1 { break }
            out.append(character)
            used += w
        }
        return out + "…"
    }

    /// `text` safe to print on a terminal: control characters (an escape sequence from a
    /// session file, a NUL in a name, a lone carriage return that would overwrite the line)
    /// show as `�` rather than drive the terminal; line breaks (LF, CRLF) and tabs stay.
    public static func visible(_ text: String) -> String {
        func isControl(_ v: UInt32) -> Bool { (v < 0x20 && v != 0x0A && v != 0x09) || (0x7F...0x9F).contains(v) }
        guard text.unicodeScalars.contains(where: { isControl($0.value) }) else { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            if scalar.value == 0x0D && i + 1 < scalars.count && scalars[i + 1].value == 0x0A { continue }
            if isControl(scalar.value) { out.append("\u{FFFD}") } else { out.append(scalar) }
        }
        return String(out)
    }

    /// `text` cut to at most `width` cells in its middle, keeping its end (`by_cus…source.0`):
    /// for names whose end tells them apart, as an actor's `role.index` does.
    public static func truncateMiddle(_ text: String, to width: Int) -> String {
        guard self.width(of: text) > width else { return text }
        guard width > 2 else { return truncate(text, to: width) }
        let characters = Array(text)
        var tail: [Character] = [], used = 0
        for character in characters.reversed() {
            let w = self.width(of: character)
            if used + w > (width - 1) / 2 { break }
            tail.insert(character, at: 0)
            used += w
        }
        var head = "", headUsed = 0
        for character in characters {
            let w = self.width(of: character)
            if headUsed + w > width - 1 - used { break }
            head.append(character)
            headUsed += w
        }
        return head + "…" + String(tail)
    }

    /// Control characters made visible so that a cell stays on one line.
    static func singleLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: out += "↵"
            case 0x09: out += " "
            case 0x0D: continue
            case 0..<0x20, 0x7F: out += "�"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// ANSI SGR colours, applied only when the renderer was asked for colour.
enum ANSI: String {
    case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", blue = "34",
         magenta = "35", cyan = "36"

    /// `text` wrapped in this style when `enabled`, else `text` unchanged.
    func apply(_ text: String, enabled: Bool) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(rawValue)m\(text)\u{1B}[0m" : text
    }

    /// The colour that marks a backpressure level.
    static func of(_ level: BackpressureLevel) -> ANSI {
        switch level {
        case .ok: return .green
        case .low: return .yellow
        case .high: return .red
        }
    }
}

/// Deterministic number formatting (no locale, no exponent in normal ranges).
enum NumberText {
    /// Exactly `decimals` digits after the point; `NaN`, `inf`, `-inf` for the rest; no `-0`.
    static func fixed(_ value: Double, decimals: Int) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let places = min(max(decimals, 0), 17)
        var text = String(format: "%.\(places)f", value)
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
            text.removeFirst()
        }
        return text
    }

    /// A value of a query's DOUBLE column in a table: two decimals, as psql's money-like
    /// tables read best, except that a value too small for them keeps three significant
    /// digits (`0.004`, `1.23e-09`): a non-zero average or ratio never reads as `0.00`.
    static func real(_ value: Double) -> String {
        guard value.isFinite, value != 0, abs(value) < 0.005 else { return fixed(value, decimals: 2) }
        return String(format: "%.3g", value)
    }

    /// `fixed` with trailing zeros (and a trailing point) removed: `12.50` → `12.5`, `3.00` → `3`.
    static func trimmed(_ value: Double, decimals: Int) -> String {
        var text = fixed(value, decimals: decimals)
        guard value.isFinite, text.contains(".") else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A short label for an axis tick: `0`, `2.5`, `1500`, `12k`, `1.5M`.
    static func compact(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1_000_000_000 { return trimmed(value / 1_000_000_000, decimals: 2) + "G" }
        if magnitude >= 1_000_000 { return trimmed(value / 1_000_000, decimals: 2) + "M" }
        if magnitude >= 10_000 { return trimmed(value / 1_000, decimals: 2) + "k" }
        return trimmed(value, decimals: 6)
    }
}
