/// Numbers as the language writes them: `42`, `1_000`, `1.5`, `2e3`, scanned once for the
/// lexer and for the literal helpers, so `'1.5s'` in a string and `1.5s` bare agree exactly.
struct ScannedNumber: Sendable, Hashable {
    /// Every digit, without the dot and `_` separators: `1.50` gives `150`.
    var digits: String
    /// The power of ten to apply to `digits`: `1.50` gives -2, `2e3` gives 3.
    var exponent: Int
    /// The number without separators: `1_000.5` gives `1000.5`.
    var text: String
    /// No fraction and no exponent.
    var isInteger: Bool
    /// One past the last byte scanned.
    var end: Int

    /// The value as a double (exact for integers up to 2^53).
    var double: Double { Double(text) ?? .infinity }

    /// Scans a number starting at `start`: an ASCII digit, or a dot before one (`.5`, as
    /// PostgreSQL writes it). A dot after the digits with no digit after it ends the number
    /// (`5.`), unless a word or another dot follows (`agg.0.x` is a name).
    static func scan(_ bytes: [UInt8], from start: Int) -> ScannedNumber? {
        guard start < bytes.count else { return nil }
        let leadingDot = bytes[start] == UInt8(ascii: ".") && start + 1 < bytes.count && bytes[start + 1].isDigit
        guard bytes[start].isDigit || leadingDot else { return nil }
        var i = start
        var digits = "", text = ""
        var exponent = 0
        var isInteger = true

        func scanDigits(fraction: Bool) {
            while i < bytes.count {
                if bytes[i].isDigit {
                    digits.append(Character(UnicodeScalar(bytes[i])))
                    text.append(Character(UnicodeScalar(bytes[i])))
                    if fraction { exponent -= 1 }
                    i += 1
                } else if bytes[i] == UInt8(ascii: "_"), i + 1 < bytes.count, bytes[i + 1].isDigit,
                          i > start, bytes[i - 1].isDigit {
                    i += 1
                } else {
                    return
                }
            }
        }

        scanDigits(fraction: false)
        if i + 1 < bytes.count, bytes[i] == UInt8(ascii: "."), bytes[i + 1].isDigit {
            isInteger = false
            text.append(".")
            i += 1
            scanDigits(fraction: true)
        } else if i < bytes.count, bytes[i] == UInt8(ascii: "."), !leadingDot,
                  i + 1 == bytes.count || !(bytes[i + 1].isDigit || bytes[i + 1].isWordByte || bytes[i + 1] == UInt8(ascii: "."))
                    || Self.exponentFollows(bytes, at: i + 1) {
            isInteger = false
            text.append(".")
            i += 1
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            var j = i + 1
            var negative = false
            if j < bytes.count, bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-") {
                negative = bytes[j] == UInt8(ascii: "-")
                j += 1
            }
            if j < bytes.count, bytes[j].isDigit {
                var power = 0
                var powerText = ""
                while j < bytes.count, bytes[j].isDigit {
                    power = min(power * 10 + Int(bytes[j] - UInt8(ascii: "0")), 10_000)
                    powerText.append(Character(UnicodeScalar(bytes[j])))
                    j += 1
                }
                exponent += negative ? -power : power
                text += "e" + (negative ? "-" : "") + powerText
                isInteger = false
                i = j
            }
        }
        return ScannedNumber(digits: digits, exponent: exponent, text: text, isInteger: isInteger, end: i)
    }

    /// Whether an exponent (`e3`, `E-2`) starts at `i`: `5.e3` is a number, `5.x` is not.
    static func exponentFollows(_ bytes: [UInt8], at i: Int) -> Bool {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") else { return false }
        var j = i + 1
        if j < bytes.count, bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-") { j += 1 }
        return j < bytes.count && bytes[j].isDigit
    }

    /// `digits × 10^exponent × scale` as an exact integer, or nil when that is not a whole
    /// number (`nonWhole`) or does not fit in an Int64 (`overflow`).
    func scaled(by scale: Int64) -> Result<Int64, ScaleFailure> {
        var trimmed = Substring(digits.drop { $0 == "0" })
        var power = exponent
        while trimmed.last == "0" {
            trimmed.removeLast()
            power += 1
        }
        if trimmed.isEmpty { return .success(0) }
        guard trimmed.count <= 18, let mantissa = Int64(trimmed) else { return .failure(.overflow) }
        var factor = scale
        while power < 0, factor % 10 == 0 {
            factor /= 10
            power += 1
        }
        var (value, overflow) = mantissa.multipliedReportingOverflow(by: factor)
        if overflow { return .failure(.overflow) }
        while power > 0 {
            (value, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow { return .failure(.overflow) }
            power -= 1
        }
        while power < 0 {
            if value % 10 != 0 { return .failure(.nonWhole) }
            value /= 10
            power += 1
        }
        return .success(value)
    }

    enum ScaleFailure: Error { case nonWhole, overflow }
}

extension UInt8 {
    var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    var isASCIILetter: Bool {
        (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z"))
    }
    /// A byte of a name: an ASCII letter, `_`, or any byte of a non-ASCII character.
    var isWordByte: Bool { isASCIILetter || self == UInt8(ascii: "_") || self >= 0x80 }
    var isSpace: Bool {
        self == UInt8(ascii: " ") || self == UInt8(ascii: "\t") || self == UInt8(ascii: "\n")
            || self == UInt8(ascii: "\r") || self == 0x0B || self == 0x0C
    }
}
