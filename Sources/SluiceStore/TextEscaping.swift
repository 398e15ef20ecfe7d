// Escaping and number formatting for the exports: XML/HTML text, Markdown, and
// fixed-point numbers written by hand so that no locale or platform formatter can
// change a byte of an export.

enum TextEscaping {
    /// Text for XML and HTML content or attribute values: `& < > " '` become entities,
    /// and control characters (invalid in XML 1.0) become their visible Control
    /// Pictures (`␛` for ESC), so the result is always well-formed.
    static func xml(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            case "\r": out += "\u{240D}"
            default:
                if scalar.value < 0x20 {
                    out.unicodeScalars.append(Unicode.Scalar(0x2400 + scalar.value)!)
                } else if scalar.value == 0x7F {
                    out += "\u{2421}"
                } else if (0xFFFE...0xFFFF).contains(scalar.value) {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Inline Markdown text: the characters Markdown would interpret are escaped with `\`.
    static func markdown(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "#", "|", "!", "&": out += "\\\(character)"
            case "\n", "\r": out += " "
            default: out.append(character)
            }
        }
        return out
    }

    /// A Markdown code fence long enough not to be closed by anything in `content`.
    static func fence(for content: String) -> String {
        String(repeating: "`", count: max(3, longestBacktickRun(content) + 1))
    }

    /// The length of the longest run of backticks in `text`.
    static func longestBacktickRun(_ text: String) -> Int {
        var longest = 0, run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }

    /// `x` with exactly `decimals` digits after the point, rounded half away from
    /// zero; `-0` prints as `0`. Non-finite values print as `nan`, `inf`, `-inf`.
    static func fixed(_ x: Double, decimals: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x < 0 ? "-inf" : "inf") }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (x * scale).rounded(.toNearestOrAwayFromZero)
        guard abs(scaled) < 9e18 else { return "\(x)" }
        let units = Int64(scaled)
        if units == 0 { return decimals == 0 ? "0" : "0." + String(repeating: "0", count: decimals) }
        var digits = String(units.magnitude)
        if decimals > 0 {
            if digits.count <= decimals {
                digits = String(repeating: "0", count: decimals - digits.count + 1) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return (units < 0 ? "-" : "") + digits
    }

    /// Virtual nanoseconds as seconds with three decimals: `12.400s`.
    static func seconds(_ ns: Int64) -> String {
        let ms = ns / 1_000_000
        let sign = ms < 0 ? "-" : ""
        let whole = abs(ms) / 1000, frac = abs(ms) % 1000
        let fracText = String(frac)
        return "\(sign)\(whole).\(String(repeating: "0", count: 3 - fracText.count))\(fracText)s"
    }
}
