/// Why a literal (a duration, cost, load pattern, key distribution or rate) was rejected.
///
/// The message says what is wrong; the hint names the accepted forms. The planner turns it
/// into an ``SQLError`` pointing at the option's value with ``sqlError(at:)``.
public struct LiteralError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, e.g. `invalid duration '10parsecs': unknown unit 'parsecs'`.
    public var message: String
    /// The accepted forms, or the nearest accepted name.
    public var hint: String?

    /// An error with a message and an optional hint.
    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    /// The same error, positioned in a parsed buffer.
    public func sqlError(at range: SourceRange?) -> SQLError {
        SQLError(message, at: range, hint: hint)
    }

    public var description: String { message }
}

extension Result where Failure == LiteralError {
    /// The same result, with `hint` on a failure that has none: what to do instead where the
    /// caller knows more than the literal's parser (the option it is for).
    func hinting(_ hint: String) -> Self {
        mapError { $0.hint == nil ? LiteralError($0.message, hint: hint) : $0 }
    }
}

/// A unit of virtual time, as written after a number: `ns`, `us` (or `µs`), `ms`, `s`, `m`, `h`.
public enum DurationUnit: String, Sendable, CaseIterable {
    case nanosecond = "ns"
    case microsecond = "us"
    case millisecond = "ms"
    case second = "s"
    case minute = "m"
    case hour = "h"

    /// How many nanoseconds one unit is.
    public var nanoseconds: Int64 {
        switch self {
        case .nanosecond: 1
        case .microsecond: 1_000
        case .millisecond: 1_000_000
        case .second: 1_000_000_000
        case .minute: 60_000_000_000
        case .hour: 3_600_000_000_000
        }
    }

    /// The unit for a suffix, case-insensitive; long forms such as `sec`, `msec`, `minutes` too.
    public static func named(_ name: String) -> DurationUnit? {
        switch name.lowercased() {
        case "ns", "nsec", "nsecs", "nanosecond", "nanoseconds": .nanosecond
        case "us", "µs", "μs", "usec", "usecs", "microsecond", "microseconds": .microsecond
        case "ms", "msec", "msecs", "millisecond", "milliseconds": .millisecond
        case "s", "sec", "secs", "second", "seconds": .second
        case "m", "min", "mins", "minute", "minutes": .minute
        case "h", "hr", "hrs", "hour", "hours": .hour
        default: nil
        }
    }

    /// `ns, us, ms, s, m, h`, for messages.
    public static let list = "ns, us, ms, s, m, h"
}

extension Literals {
    /// The hint given with every duration error.
    public static let durationHint = "write a number and a unit, such as 250ms, 1.5s or 2m (units: \(DurationUnit.list))"

    /// Nanoseconds in `text`: `250ms`, `1.5s`, `20us`, `100ns`, `2m`, `1h`, `1_000ms`, `'30 s'`.
    ///
    /// A plain number is an error unless `defaultUnit` says what it counts. Durations are
    /// exact: `1.1s` is 1 100 000 000 ns, and `1.5ns` is rejected as not a whole number.
    public static func parseDuration(_ text: String, defaultUnit: DurationUnit? = nil) -> Result<Int64, LiteralError> {
        let trimmed = text.trimmingSpaces
        let bytes = Array(trimmed.utf8)
        guard !bytes.isEmpty else { return .failure(LiteralError("empty duration", hint: durationHint)) }
        if bytes[0] == UInt8(ascii: "-"), bytes.count > 1, bytes[1].isDigit {
            return .failure(LiteralError("duration '\(trimmed)' is negative", hint: "durations are zero or more; " + durationHint))
        }
        guard let number = ScannedNumber.scan(bytes, from: bytes[0] == UInt8(ascii: "+") ? 1 : 0) else {
            return .failure(LiteralError("invalid duration '\(trimmed)'", hint: durationHint))
        }
        let suffix = String(decoding: bytes[number.end...], as: UTF8.self).trimmingSpaces
        let unit: DurationUnit
        if suffix.isEmpty {
            // Zero needs no unit (`latency = 0`), as in PostgreSQL's intervals.
            if isZero(number.text) { return .success(0) }
            guard let defaultUnit else {
                return .failure(LiteralError("duration '\(trimmed)' has no unit",
                                             hint: "write \(number.text)ms or \(number.text)s (units: \(DurationUnit.list))"))
            }
            unit = defaultUnit
        } else if let named = DurationUnit.named(suffix) {
            unit = named
        } else {
            return .failure(unknownUnit(trimmed, suffix: suffix))
        }
        return nanoseconds(number, unit: unit, text: trimmed)
    }

    /// Whether a number's text (`0`, `0.0`, `0_000`, `+0`) is zero.
    static func isZero(_ text: String) -> Bool {
        text.contains("0") && text.allSatisfy { $0 == "0" || $0 == "." || $0 == "_" || $0 == "+" }
    }

    /// The error for a number followed by something that is not a unit.
    static func unknownUnit(_ text: String, suffix: String) -> LiteralError {
        LiteralError("invalid duration '\(text)': unknown unit '\(suffix)'", hint: durationHint)
    }

    /// An exact scaling of a scanned number by a unit, with the messages for what can fail.
    static func nanoseconds(_ number: ScannedNumber, unit: DurationUnit, text: String) -> Result<Int64, LiteralError> {
        switch number.scaled(by: unit.nanoseconds) {
        case .success(let ns):
            return .success(ns)
        case .failure(.nonWhole):
            return .failure(LiteralError("duration '\(text)' is not a whole number of nanoseconds",
                                         hint: "durations are counted in whole nanoseconds"))
        case .failure(.overflow):
            return .failure(LiteralError("duration '\(text)' is too large", hint: "the longest duration is 2562047h"))
        }
    }
}

/// The one place where the language's literals are read: durations, rates, costs, load
/// patterns and key distributions. Each returns a ``LiteralError`` naming the accepted forms.
public enum Literals {}

extension String {
    /// The string without leading and trailing ASCII whitespace.
    var trimmingSpaces: String {
        let bytes = Array(utf8)
        var low = 0, high = bytes.count
        while low < high, bytes[low].isSpace { low += 1 }
        while high > low, bytes[high - 1].isSpace { high -= 1 }
        return String(decoding: bytes[low..<high], as: UTF8.self)
    }
}
