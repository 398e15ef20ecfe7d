import SluiceEngine

extension Literals {
    /// Accepted forms of a per-row cost.
    public static let costForms = "'20us', 'exp(20us)' or 'uniform(5us,40us)'"
    /// Accepted forms of a load pattern.
    public static let patternForms = "'constant', 'poisson', 'burst(on=1s, off=4s)', 'sine(period=10s)' or 'ramp(to=10000, over=30s)'"
    /// Accepted forms of a key distribution.
    public static let keyDistributionForms = "'uniform' or 'zipf(s)' with 0 < s ≤ \(VirtualTime.formatNumber(Limits.maxZipfExponent)), such as 'zipf(1.1)'"
    /// Accepted forms of a rate.
    public static let rateForms = "a number of rows per second such as 2000, or '2000/s', '120/m'"
    public static let sinkThroughputForms = rateForms + "; or 'unlimited'"
    /// The longest cost per row, as written: `1h`.
    static let longestCost = "\(Limits.maxCost / DurationUnit.hour.nanoseconds)h"

    // MARK: Cost

    /// A per-row cost: `'20us'` (fixed), `'exp(20us)'` (exponential with that mean) or
    /// `'uniform(5us,40us)'`; `'0'` means free.
    public static func parseCost(_ text: String) -> Result<CostSpec, LiteralError> {
        let trimmed = text.trimmingSpaces
        let invalid = LiteralError("invalid cost '\(trimmed)'", hint: "accepted forms: \(costForms)")
        if trimmed == "0" { return .success(.free) }
        if let first = trimmed.utf8.first, first.isDigit || first == UInt8(ascii: "-") || first == UInt8(ascii: ".") {
            // A bare duration: a fixed cost.
            return parseDuration(trimmed).flatMap { checkCost($0, in: trimmed) }.map(CostSpec.fixed)
        }
        guard let call = CallForm(trimmed) else { return .failure(invalid) }
        func durations(_ names: [String]) -> Result<[Int64], LiteralError> {
            call.values(names, form: "\(call.name)(\(names.joined(separator: ", ")))").flatMap { values in
                var result: [Int64] = []
                for value in values {
                    switch parseDuration(value).flatMap({ checkCost($0, in: trimmed) }) {
                    case .success(let ns): result.append(ns)
                    case .failure(let error): return .failure(error)
                    }
                }
                return .success(result)
            }
        }
        switch call.name {
        case "exp", "exponential":
            return durations(["mean"]).map { .exponential(mean: $0[0]) }
        case "fixed", "constant":
            return durations(["value"]).map { .fixed($0[0]) }
        case "uniform":
            return durations(["low", "high"]).flatMap { bounds in
                guard bounds[0] <= bounds[1] else {
                    return .failure(LiteralError("invalid cost '\(trimmed)': the low bound is above the high bound",
                                                 hint: "write uniform(low,high), such as 'uniform(5us,40us)'"))
                }
                return .success(.uniform(low: bounds[0], high: bounds[1]))
            }
        default:
            return .failure(call.unknownName("cost", text: trimmed, among: ["exp", "uniform"], forms: costForms))
        }
    }

    /// `ns` if a row (or a poll) may cost it: at most `Limits.maxCost`, so that draws stay far
    /// from the end of virtual time. `text` is the whole cost, for the message.
    static func checkCost(_ ns: Int64, in text: String) -> Result<Int64, LiteralError> {
        guard ns > Limits.maxCost else { return .success(ns) }
        return .failure(LiteralError("cost '\(text)' is out of range: a cost is at most \(longestCost)",
                                     hint: "accepted forms: \(costForms)"))
    }

    // MARK: Load pattern

    /// A load pattern: `constant`, `poisson`, `burst(on=1s, off=4s)`, `sine(period=10s)` or
    /// `ramp(to=10000, over=30s)`. Arguments may also be given by position in that order.
    public static func parsePattern(_ text: String) -> Result<LoadPattern, LiteralError> {
        let trimmed = text.trimmingSpaces
        guard let call = CallForm(trimmed) else {
            return .failure(LiteralError("invalid load pattern '\(trimmed)'", hint: "accepted forms: \(patternForms)"))
        }
        func positive(_ value: String, _ what: String, allowZero: Bool = false) -> Result<Int64, LiteralError> {
            parseDuration(value).flatMap { ns in
                ns > 0 || (allowZero && ns == 0) ? .success(ns)
                    : .failure(LiteralError("\(call.name) \(what) must be \(allowZero ? "zero or more" : "positive"), found '\(value)'",
                                            hint: "accepted forms: \(patternForms)"))
            }
        }
        switch (call.name, call.arguments == nil) {
        case ("constant", true): return .success(.constant)
        case ("poisson", true): return .success(.poisson)
        case ("constant", false), ("poisson", false):
            return .failure(LiteralError("load pattern '\(call.name)' takes no arguments", hint: "write '\(call.name)'; its rate is the source's rate option"))
        case ("burst", _):
            return call.values(["on", "off"], form: "burst(on=1s, off=4s)").flatMap { v in
                positive(v[0], "on").flatMap { on in positive(v[1], "off", allowZero: true).map { .burst(on: on, off: $0) } }
            }
        case ("sine", _):
            return call.values(["period"], form: "sine(period=10s)").flatMap { v in positive(v[0], "period").map { .sine(period: $0) } }
        case ("ramp", _):
            return call.values(["to", "over"], form: "ramp(to=10000, over=30s)").flatMap { v in
                parseRate(v[0]).flatMap { to in positive(v[1], "over").map { .ramp(to: to, over: $0) } }
            }
        default:
            return .failure(call.unknownName("load pattern", text: trimmed,
                                             among: ["constant", "poisson", "burst", "sine", "ramp"], forms: patternForms))
        }
    }

    // MARK: Key distribution

    /// A key distribution: `uniform` or `zipf(s)` with a finite exponent s > 0.
    public static func parseKeyDistribution(_ text: String) -> Result<KeyDistribution, LiteralError> {
        let trimmed = text.trimmingSpaces
        let hint = "accepted forms: \(keyDistributionForms)"
        guard let call = CallForm(trimmed) else {
            return .failure(LiteralError("invalid key distribution '\(trimmed)'", hint: hint))
        }
        switch (call.name, call.arguments == nil) {
        case ("uniform", true): return .success(.uniform)
        case ("zipf", _):
            return call.values(["s"], form: "zipf(1.1)").flatMap { v in
                guard let s = Double(v[0].trimmingSpaces.filter { $0 != "_" }), s.isFinite, s > 0 else {
                    return .failure(LiteralError("zipf exponent must be a number above 0, found '\(v[0])'", hint: hint))
                }
                guard s <= Limits.maxZipfExponent else {
                    return .failure(LiteralError("zipf exponent must be at most \(VirtualTime.formatNumber(Limits.maxZipfExponent)), "
                                                 + "found '\(v[0])'", hint: hint))
                }
                return .success(.zipf(s))
            }
        case ("uniform", false):
            return .failure(LiteralError("key distribution 'uniform' takes no arguments", hint: hint))
        default:
            return .failure(call.unknownName("key distribution", text: trimmed, among: ["uniform", "zipf"], forms: keyDistributionForms))
        }
    }

    // MARK: Rate

    /// Rows per second: `2000`, `1.5`, `'2000/s'`, `'120/m'` (= 2 per second). Never negative,
    /// nor above `Limits.maxRate`: a source's rate, a ramp's target and a sink's throughput.
    public static func parseRate(_ text: String) -> Result<Double, LiteralError> {
        parseRows(text).flatMap { rate in
            rate <= Limits.maxRate ? .success(rate)
                : .failure(LiteralError("rate '\(text.trimmingSpaces)' is out of range: expected 0 to "
                                        + "\(VirtualTime.formatNumber(Limits.maxRate)) rows per second"))
        }
    }

    /// Rows per second as written, not yet bounded.
    private static func parseRows(_ text: String) -> Result<Double, LiteralError> {
        let trimmed = text.trimmingSpaces
        let invalid = LiteralError("invalid rate '\(trimmed)'", hint: "write \(rateForms)")
        let parts = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let numberText = String(parts[0]).trimmingSpaces
        let bytes = Array(numberText.utf8)
        if bytes.first == UInt8(ascii: "-") {
            return .failure(LiteralError("rate '\(trimmed)' is negative", hint: "a rate is zero or more rows per second"))
        }
        guard let number = ScannedNumber.scan(bytes, from: 0), number.end == bytes.count, number.double.isFinite else {
            return .failure(invalid)
        }
        guard parts.count == 2 else { return .success(number.double) }
        var per = String(parts[1]).trimmingSpaces
        if let first = per.utf8.first, !first.isDigit { per = "1" + per }
        guard case .success(let ns) = parseDuration(per), ns > 0 else { return .failure(invalid) }
        return .success(number.double * Double(VirtualTime.second) / Double(ns))
    }
}

/// `name` or `name(a, k=v, ...)`: the shape shared by costs, patterns and distributions.
struct CallForm {
    /// The lower-cased name before the parenthesis.
    var name: String
    /// The arguments, or nil when there were no parentheses at all.
    var arguments: [(key: String?, value: String)]?

    init?(_ text: String) {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count, scalars[i].properties.isAlphabetic || scalars[i] == "_" { i += 1 }
        guard i > 0 else { return nil }
        name = String(String.UnicodeScalarView(scalars[0..<i])).lowercased()
        let rest = String(String.UnicodeScalarView(scalars[i...])).trimmingSpaces
        if rest.isEmpty {
            arguments = nil
            return
        }
        guard rest.hasPrefix("("), rest.hasSuffix(")"), rest.count >= 2 else { return nil }
        let inner = rest.dropFirst().dropLast()
        guard !inner.contains("("), !inner.contains(")") else { return nil }
        if inner.trimmingSpacesSubstring.isEmpty {
            arguments = []
            return
        }
        arguments = inner.split(separator: ",", omittingEmptySubsequences: false).map { part in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if pieces.count == 2 {
                return (String(pieces[0]).trimmingSpaces.lowercased(), String(pieces[1]).trimmingSpaces)
            }
            return (nil, String(part).trimmingSpaces)
        }
    }

    /// The argument values in the order of `names`, by keyword or by position.
    func values(_ names: [String], form: String) -> Result<[String], LiteralError> {
        let args = arguments ?? []
        let hint = "write \(form)"
        guard args.count == names.count else {
            let needs = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1]
            return .failure(LiteralError("\(name) needs \(names.count == 1 ? "one argument" : "\(names.count) arguments"), \(needs)", hint: hint))
        }
        var result = [String?](repeating: nil, count: names.count)
        for (position, arg) in args.enumerated() {
            var slot = position
            if let key = arg.key {
                guard let index = names.firstIndex(of: key) else {
                    return .failure(LiteralError("unknown argument '\(key)' for \(name)", hint: hint))
                }
                slot = index
            }
            guard result[slot] == nil else {
                return .failure(LiteralError("argument '\(names[slot])' of \(name) given twice", hint: hint))
            }
            guard !arg.value.isEmpty else {
                return .failure(LiteralError("argument '\(names[slot])' of \(name) is empty", hint: hint))
            }
            result[slot] = arg.value
        }
        return .success(result.map { $0 ?? "" })
    }

    /// The error for a name that is none of `among`, with the nearest as a suggestion.
    func unknownName(_ what: String, text: String, among: [String], forms: String) -> LiteralError {
        var hint = "accepted forms: \(forms)"
        if let near = Suggest.nearest(name, among: among) { hint = "did you mean \(near)? " + hint }
        return LiteralError("invalid \(what) '\(text)'", hint: hint)
    }
}

extension Substring {
    var trimmingSpacesSubstring: String { String(self).trimmingSpaces }
}
