import SluiceEngine

/// Reading an option or variable value as the type the planner needs. Each accepts the
/// natural spellings (a bare `30s` or a quoted `'30s'`; `rate = 2000` or `'2000/s'`) and
/// fails with a ``LiteralError`` the planner positions at ``WithOption/valueRange``.
extension OptionValue {
    /// Nanoseconds: a bare duration, a quoted one, or a number when `defaultUnit` is given.
    public func duration(defaultUnit: DurationUnit? = nil) -> Result<Int64, LiteralError> {
        switch self {
        case .duration(let ns, _): .success(ns)
        case .string(let text): Literals.parseDuration(text, defaultUnit: defaultUnit)
        case .number(_, let text): Literals.parseDuration(text, defaultUnit: defaultUnit)
        default: .failure(LiteralError("expected a duration, found \(sql)", hint: Literals.durationHint))
        }
    }

    /// Rows per second: a number, or a string such as `'2000/s'`.
    public func rate() -> Result<Double, LiteralError> {
        switch self {
        case .number(_, let text), .string(let text): Literals.parseRate(text)
        default: .failure(LiteralError("expected a rate, found \(sql)", hint: "write " + Literals.rateForms))
        }
    }

    /// A sink's throughput: a rate, or `'unlimited'` (nil: no limit, as when it is left out).
    public func sinkThroughput() -> Result<Double?, LiteralError> {
        if case .string(let text) = self, text.lowercased() == "unlimited" { return .success(nil) }
        if case .identifier(let text) = self, text.lowercased() == "unlimited" { return .success(nil) }
        return rate().map { Optional($0) }.mapError { e in
            // Not a rate at all (rather than one out of range): say 'unlimited' is a form too.
            e.message.hasPrefix("expected a rate") || e.message.hasPrefix("invalid rate")
                ? LiteralError(e.message, hint: "write " + Literals.sinkThroughputForms) : e
        }
    }

    /// A source's retention: a positive duration, or `'forever'` (nil: rows are kept, as
    /// when it is left out, so that ALTER can lift a retention).
    public func retention() -> Result<Int64?, LiteralError> {
        if case .string(let text) = self, text.lowercased() == "forever" { return .success(nil) }
        if case .identifier(let text) = self, text.lowercased() == "forever" { return .success(nil) }
        let hint = "a retention is a positive duration, e.g. '1h', or 'forever' (the default: rows are kept)"
        return positiveDuration("retention", hint: hint).mapError { e in
            // A malformed duration keeps its own hint (the units), which says 'forever' too.
            e.message.hasPrefix("retention must") ? e : LiteralError(e.message, hint: e.hint.map { $0 + "; or 'forever'" } ?? hint)
        }.map(Optional.some)
    }

    /// A duration that must be above zero (`retention`, `segment`).
    public func positiveDuration(_ option: String, hint: String) -> Result<Int64, LiteralError> {
        duration().flatMap { ns in
            ns > 0 ? .success(ns) : .failure(LiteralError("\(option) must be positive, not \(VirtualTime.format(ns))", hint: hint))
        }
    }

    /// A per-row cost: `'exp(20us)'`, `'uniform(5us,40us)'`, a bare `20us`, or `0`.
    public func cost() -> Result<CostSpec, LiteralError> {
        switch self {
        case .duration(let ns, let text): Literals.checkCost(ns, in: text).map(CostSpec.fixed)
        case .string(let text), .number(_, let text), .identifier(let text): Literals.parseCost(text)
        case .boolean: .failure(LiteralError("expected a cost, found \(sql)", hint: "accepted forms: " + Literals.costForms))
        }
    }

    /// A load pattern: `'burst(on=1s, off=4s)'`, or a bare `poisson`.
    public func pattern() -> Result<LoadPattern, LiteralError> {
        switch self {
        case .string(let text), .identifier(let text): Literals.parsePattern(text)
        default: .failure(LiteralError("expected a load pattern, found \(sql)", hint: "accepted forms: " + Literals.patternForms))
        }
    }

    /// A key distribution: `'zipf(1.1)'`, or a bare `uniform`.
    public func keyDistribution() -> Result<KeyDistribution, LiteralError> {
        switch self {
        case .string(let text), .identifier(let text): Literals.parseKeyDistribution(text)
        default: .failure(LiteralError("expected a key distribution, found \(sql)",
                                       hint: "accepted forms: " + Literals.keyDistributionForms))
        }
    }

    /// A whole number within `range`.
    public func integer(in range: ClosedRange<Int>) -> Result<Int, LiteralError> {
        let expected = "expected \(range.lowerBound) to \(range.upperBound)"
        guard case .number(_, let text) = self else {
            return .failure(LiteralError("expected a whole number, found \(sql)", hint: expected))
        }
        guard let value = Int(text) else {
            let digits = text.utf8.allSatisfy { $0.isDigit || $0 == UInt8(ascii: "-") }
            return .failure(LiteralError(digits ? "value \(text) is out of range: \(expected)" : "expected a whole number, found \(text)",
                                         hint: digits ? nil : expected))
        }
        guard range.contains(value) else {
            return .failure(LiteralError("value \(text) is out of range: \(expected)"))
        }
        return .success(value)
    }

    /// A seed: a whole number from 0 to `UInt64.max`, the engine's seeds' range. `SET seed`
    /// and a source's or table's `seed` option both read it here.
    public func seed() -> Result<UInt64, LiteralError> {
        let expected = "expected 0 to \(UInt64.max)"
        guard case .number(_, let text) = self else {
            return .failure(LiteralError("expected a whole number, found \(sql)", hint: expected))
        }
        guard let value = UInt64(text) else {
            let digits = text.utf8.allSatisfy { $0.isDigit || $0 == UInt8(ascii: "-") }
            return .failure(LiteralError(digits ? "value \(text) is out of range: \(expected)" : "expected a whole number, found \(text)",
                                         hint: digits ? nil : expected))
        }
        return .success(value)
    }

    /// TRUE or FALSE (also `on`/`off` and `1`/`0`, as PostgreSQL takes them, quoted or not).
    public func boolean() -> Result<Bool, LiteralError> {
        switch self {
        case .boolean(let value): return .success(value)
        case .string(let text), .identifier(let text), .number(_, let text):
            switch text.lowercased() {
            case "true", "on", "1": return .success(true)
            case "false", "off", "0": return .success(false)
            default: break
            }
        default: break
        }
        return .failure(LiteralError("expected TRUE or FALSE, found \(sql)"))
    }

    /// A lower-cased name such as `credit` or `aligned`, bare or quoted.
    public func word() -> Result<String, LiteralError> {
        switch self {
        case .identifier(let name): .success(name)
        case .string(let text): .success(text.lowercased())
        default: .failure(LiteralError("expected a name, found \(sql)"))
        }
    }
}
