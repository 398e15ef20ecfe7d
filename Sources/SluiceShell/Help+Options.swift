import SluiceEngine
import SluiceSQL

/// The `WITH` options of the CREATE statements, as their help lists them. Which options each
/// statement takes, and which ALTER changes, are the planner's own lists (`Planner.sourceOptions`,
/// `alterableSourceOptions`, …); the accepted forms are the literal parsers' (`Literals.costForms`,
/// …) and the defaults the engine's spec types' (`SourceSpec`, `SinkSpec`). A test checks that
/// every option of every list is documented here.
struct OptionHelp: Sendable {
    let name: String
    /// One line: what the option changes.
    let meaning: String
    /// What it is without the option.
    let defaultValue: String
    /// What it accepts.
    let forms: String

    init(_ name: String, _ meaning: String, default defaultValue: String, forms: String) {
        self.name = name
        self.meaning = meaning
        self.defaultValue = defaultValue
        self.forms = forms
    }
}

extension Help {
    // MARK: - Per statement

    private static let source = SourceSpec(name: "", schema: Schema([]))
    private static let sink = SinkSpec()

    static let sourceOptionHelp: [OptionHelp] = [
        OptionHelp("rate", "rows per second the generator appends",
                   default: source.rate == 0 ? "0: only INJECT adds rows" : number(source.rate),
                   forms: Literals.rateForms + "; at most " + number(Limits.maxRate)),
        OptionHelp("pattern", "how the rate varies; a sine swings 0 to 2 × rate, a ramp goes to 'to'",
                   default: "'\(source.pattern)'", forms: Literals.patternForms),
        OptionHelp("keys", "distinct key values 0, 1, … (VARCHAR key k: 'k-0', 'k-1', …)",
                   default: "\(source.keys); BOOLEAN: 2", forms: keyForms),
        OptionHelp("key_skew", "how rows pick their key; under zipf, key 0 is the hottest",
                   default: "'\(source.keyDistribution)'", forms: Literals.keyDistributionForms),
        OptionHelp("key", "the key column", default: "the PRIMARY KEY column, else the first", forms: "a column name"),
        OptionHelp("partitions", "log partitions, split among the source actors; ALTER adds some, never removes any",
                   default: "\(source.partitions)", forms: range(Limits.partitions)),
        OptionHelp("retention", "Kafka retention.ms: older segments are deleted, read or not (Kafka: 7 days)",
                   default: source.retention.map(VirtualTime.format) ?? "forever", forms: durationForms),
        OptionHelp("segment", "Kafka segment.ms: retention deletes whole segments (Kafka rolls at 7 days or 1 GiB)",
                   default: VirtualTime.format(source.segment), forms: durationForms),
        OptionHelp("cost", "virtual time the source actor spends per row it consumes", default: cost(source.cost), forms: costForms),
        OptionHelp("poll_cost", "virtual time each poll() returning rows costs, however many: the consumer's per-poll overhead (its loop, an offset commit)",
                   default: cost(source.pollCost), forms: costForms),
        OptionHelp("seed", "mixed into SET seed, so that two sources draw different rows",
                   default: "\(source.seed)", forms: "a whole number, 0 to \(UInt64.max), as SET seed"),
    ]

    static let tableOptionHelp: [OptionHelp] = [
        OptionHelp("rows", "rows generated and appended once, at creation",
                   default: "\(Planner.defaultTableRows)", forms: range(Planner.tableRowCounts)),
        OptionHelp("keys", "distinct key values; below rows, keys repeat (not with a PRIMARY KEY)",
                   default: "rows; BOOLEAN: 2", forms: keyForms),
        OptionHelp("key", "the key column", default: "the PRIMARY KEY column, else the first", forms: "a column name"),
        OptionHelp("cost", "virtual time a reader spends per row of the table", default: cost(source.cost), forms: costForms),
        OptionHelp("seed", "mixed into SET seed, so that two tables draw different rows",
                   default: "\(source.seed)", forms: "a whole number, 0 to \(UInt64.max), as SET seed"),
    ]

    static let viewOptionHelp: [OptionHelp] = [
        OptionHelp("parallelism", "actors per fragment; a global aggregate runs on one",
                   default: "\(Planner.defaultParallelism)", forms: range(Limits.parallelism)),
        OptionHelp("cost", "virtual time per row of its join, else of its aggregate, else of its filter",
                   default: cost(.free), forms: costForms),
    ]

    static let sinkOptionHelp: [OptionHelp] = [
        OptionHelp("throughput", "rows per second the system takes during a write; 0: it never writes",
                   default: sink.throughput.map(number) ?? "unlimited", forms: Literals.sinkThroughputForms),
        OptionHelp("batch", "most rows per write: a sink writes what is queued, up to this",
                   default: "\(sink.batch)", forms: range(Planner.sinkBatchSizes)),
        OptionHelp("latency", "virtual time per write, a round trip, whatever its size",
                   default: VirtualTime.format(sink.latency), forms: durationForms),
        OptionHelp("cost", "virtual time per row written", default: cost(.free), forms: costForms),
        OptionHelp("parallelism", "sink actors; with AS SELECT, actors per fragment of its query",
                   default: "\(Planner.defaultParallelism)", forms: range(Limits.parallelism)),
    ]

    // MARK: - Rendering

    /// The options the planner takes (`names`, in its order), two lines each: the name (with
    /// `*` when `alterable` holds it), what it does and its default; then what it accepts.
    /// An option without help shows as such, which the tests catch.
    static func optionLines(_ names: [String], _ help: [OptionHelp], alterable: [String] = []) -> String {
        names.map { name in
            // Two blanks at least after the name: the meaning's column (where it wraps to).
            let label = "  " + (alterable.contains(name) ? name + " *" : name).padding(toLength: 15, withPad: " ", startingAt: 0) + " "
            guard let option = help.first(where: { $0.name == name }) else { return label + "(not documented)" }
            return label + option.meaning + " (default " + option.defaultValue + ")\n"
                + String(repeating: " ", count: 18) + option.forms
        }.joined(separator: "\n")
    }

    // MARK: - Forms

    private static let keyForms = range(Planner.keyCounts)
        + "; at most \(SourceSpec.maxKeyValues(SluiceEngine.ColumnType.varchar) ?? 0) for a VARCHAR key, "
        + "\(SourceSpec.maxKeyValues(SluiceEngine.ColumnType.boolean) ?? 0) for a BOOLEAN one"
    private static let costForms = Literals.costForms + "; 0 is free; at most \(Limits.maxCost / (3_600 * VirtualTime.second))h"
    static let durationForms = "a duration: 30s, '500ms', 2m (units: \(DurationUnit.list))"

    static func range(_ r: ClosedRange<Int>) -> String { "\(r.lowerBound) to \(r.upperBound)" }
    static func number(_ x: Double) -> String { VirtualTime.formatNumber(x) }
    private static func cost(_ c: CostSpec) -> String { c.isFree ? "0" : "'\(c)'" }
}
