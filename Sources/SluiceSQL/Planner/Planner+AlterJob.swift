import SluiceEngine

/// `ALTER MATERIALIZED VIEW | SINK … SET (…)`: what a running view's or sink's rows cost, and
/// how a sink writes. The options are read as CREATE reads them, so ALTER refuses what CREATE
/// refuses, with the same message under the same value; an option that would change the
/// graph is refused by name.
extension Planner {
    /// Applies the options to a copy of the job's spec: the sink's write options, the cost of
    /// the fragment that carries the job's `cost` (`costFragment`), and the definition, which
    /// DESCRIBE shows, rewritten to say them.
    public func alterJob(_ name: Identifier, kind: JobKind, options: [WithOption]) throws(SQLError) -> JobSpec {
        guard var spec = engine.jobSpec(name.name), spec.kind == kind else {
            throw SQLError("\(kind.rawValue) \"\(name.name)\" does not exist", at: name.range,
                           hint: Suggest.didYouMean(name.name, among: engine.jobNames.filter { engine.jobSpec($0)?.kind == kind }))
        }
        try refuseFixedOptions(options, of: spec)
        let allowed = kind == .sink ? Planner.alterableSinkOptions : Planner.alterableViewOptions
        let o = try Options(options, allowed: allowed, object: "\(kind.rawValue) \(name.sql)")
        if let last = spec.fragments.indices.last, case .sink(var sink)? = spec.fragments[last].operators.last {
            try Planner.readSink(o, into: &sink, throughputHint: "throughput = 'unlimited' writes without a limit")
            spec.fragments[last].operators[spec.fragments[last].operators.count - 1] = .sink(sink)
        }
        if let cost = try o.get("cost", { $0.cost() }) { spec.fragments[Planner.costFragment(of: spec)].cost = cost }
        spec.definition = Planner.definition(spec.definition, setting: options)
        return spec
    }

    /// The fragment a job's `cost` option is charged to, where `buildJob` and `planSink` put
    /// it: a sink's own fragment, the last; a view's join, else its last fragment (its
    /// aggregate, its filter over a view, or its source's actor, which then draws the cost
    /// before the source's own: `Actor.chainedCost`).
    public static func costFragment(of spec: JobSpec) -> Int {
        if spec.kind == .materializedView, let join = spec.fragments.firstIndex(where: { fragment in
            fragment.operators.contains { if case .hashJoin = $0 { true } else { false } }
        }) {
            return join
        }
        return spec.fragments.count - 1
    }

    /// Options CREATE takes that ALTER cannot change get their own message, rather than
    /// "unknown option": why, and what to do instead.
    private func refuseFixedOptions(_ options: [WithOption], of spec: JobSpec) throws(SQLError) {
        let name = Identifier(spec.name).sql
        for option in options where option.key.name == "parallelism" {
            let kind = spec.kind == .sink ? "SINK" : "MATERIALIZED VIEW"
            throw SQLError("parallelism is changed by SET PARALLELISM, not SET (...): a rescale moves the \(spec.kind == .sink ? "sink's rows" : "view's state")",
                           at: option.key.range, hint: "ALTER \(kind) \(name) SET PARALLELISM = \(option.value.sql)")
        }
    }

    /// `definition` with `parallelism = n` in its WITH clause: what a rescale makes of it.
    public static func definition(_ definition: String, parallelism: Int) -> String {
        Planner.definition(definition, setting: [WithOption(key: Identifier("parallelism"), value: .number(Double(parallelism), text: String(parallelism)),
                                                            valueRange: .at(0))])
    }

    /// `definition` with `options` set in its WITH clause: an option it has takes the new
    /// value where it is written; the others follow its last option, or a new WITH follows the
    /// statement. Everything else stays as written. Text that is not a CREATE of a view or a
    /// sink (a job made by hand) stays as it is.
    static func definition(_ definition: String, setting options: [WithOption]) -> String {
        guard let parsed = parseScript(definition, endsInput: true).first, case .success(let create) = parsed.result else {
            return definition
        }
        let existing: [WithOption], end: Int
        switch create.statement {
        case .createView(_, let query, let with), .createSinkAsSelect(_, let query, let with):
            (existing, end) = (with, query.range.end)
        case .createSink(_, let from, let with):
            (existing, end) = (with, from.range.end)
        default:
            return definition
        }
        var edits: [(range: Range<Int>, text: String)] = []
        var added: [String] = []
        for option in options {
            if let old = existing.first(where: { $0.key.name == option.key.name }) {
                edits.append((old.valueRange.start..<old.valueRange.end, option.value.sql))
            } else {
                added.append(option.sql)
            }
        }
        if !added.isEmpty {
            if let last = existing.map(\.valueRange.end).max() {
                edits.append((last..<last, ", " + added.joined(separator: ", ")))
            } else {
                edits.append((end..<end, " WITH (" + added.joined(separator: ", ") + ")"))
            }
        }
        var bytes = Array(definition.utf8)
        // From the end, so that each range still indexes the text as parsed.
        for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            bytes.replaceSubrange(edit.range, with: Array(edit.text.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
