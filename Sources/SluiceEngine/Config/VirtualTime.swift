/// Virtual durations are integer nanoseconds everywhere in the engine. This namespace formats
/// them for people; parsing lives in the language (`SluiceSQL`), in one place.
///
/// One rule for every instant and duration: the digits shown are truncated, never rounded
/// up, as a clock shows the time it has reached. So the prompt, `stopped at 1.157s` and the
/// `1.157s` that a RUN from 0 ran agree (1.1575 s is 1.157 s everywhere, never 1.158 s).
public enum VirtualTime {
    public static let nanosecond: Int64 = 1
    public static let microsecond: Int64 = 1_000
    public static let millisecond: Int64 = 1_000_000
    public static let second: Int64 = 1_000_000_000

    /// `1.5s`, `250ms`, `20us`, `0s`: the largest unit that fits, at most three decimals
    /// (truncated), trailing zeros left out.
    public static func format(_ ns: Int64) -> String {
        if ns == 0 { return "0s" }
        let sign = ns < 0 ? "-" : ""
        let v = ns.magnitude
        let units: [(UInt64, String)] = [(1_000_000_000, "s"), (1_000_000, "ms"), (1_000, "us"), (1, "ns")]
        for (scale, name) in units where v >= scale {
            return sign + formatScaled(v, scale: scale) + name
        }
        return sign + "\(v)ns"
    }

    /// Seconds with exactly three decimals (truncated), as in the prompt: `12.400s`.
    public static func formatSeconds(_ ns: Int64) -> String {
        let sign = ns < 0 ? "-" : ""
        let ms = ns.magnitude / 1_000_000
        let fracText = String(ms % 1000)
        return "\(sign)\(ms / 1000).\(String(repeating: "0", count: 3 - fracText.count))\(fracText)s"
    }

    /// A number without a trailing `.0`, at most three decimals. From 10^15 on (sixteen
    /// digits, all a double keeps) the shortest exponent form that reads back exactly
    /// (`1e16`, `-2.5e300`), as PostgreSQL shows a double; below, thousandths fit an Int64.
    public static func formatNumber(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "Infinity" : "-Infinity" }
        if abs(x) >= 1e15 { return exponentForm(x) }
        if x == x.rounded() { return String(Int64(x)) }
        var text = String(Int64((x * 1000).rounded()))
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        while text.count < 4 { text = "0" + text }
        var frac = String(text.suffix(3))
        let whole = String(text.dropLast(3))
        while frac.hasSuffix("0") { frac.removeLast() }
        return (negative ? "-" : "") + whole + (frac.isEmpty ? "" : "." + frac)
    }

    /// `1e16`, `1.5e300`: Swift's shortest round-trip digits, the point after the first. Swift
    /// writes `1e+16` from 2^53 on but `1000000000000000.5` below: the same digits either way.
    private static func exponentForm(_ x: Double) -> String {
        let text = "\(x.magnitude)"
        let mantissa = text.prefix { $0 != "e" }
        let written = Int(text.dropFirst(mantissa.count + 1)) ?? 0
        let whole = mantissa.prefix { $0 != "." }
        var digits = mantissa.filter { $0 != "." }
        while digits.count > 1, digits.hasSuffix("0") { digits.removeLast() }
        let rest = digits.dropFirst()
        return (x < 0 ? "-" : "") + digits.prefix(1) + (rest.isEmpty ? "" : "." + rest) + "e\(written + whole.count - 1)"
    }

    private static func formatScaled(_ v: UInt64, scale: UInt64) -> String {
        let whole = v / scale
        let rest = v % scale
        if rest == 0 { return "\(whole)" }
        // Up to three decimals, truncated (as `formatSeconds`), trailing zeros trimmed.
        let thousandths = rest * 1000 / scale
        if thousandths == 0 { return "\(whole)" }
        var frac = String(thousandths)
        while frac.count < 3 { frac = "0" + frac }
        while frac.hasSuffix("0") { frac.removeLast() }
        return "\(whole).\(frac)"
    }
}
