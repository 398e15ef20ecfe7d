/// What the planner hands the engine: sources, and jobs (a materialized view or a sink) made
/// of fragments joined by exchanges. Plain values; the engine instantiates actors from them.

/// A source (an external partitioned log plus a generator) or a table (a bounded log loaded once).
public struct SourceSpec: Sendable, Hashable {
    public var name: String
    public var schema: Schema
    public var isTable = false
    /// Rows per second the generator appends (0 = only `INJECT`).
    public var rate: Double = 0
    public var pattern: LoadPattern = .constant
    /// Distinct keys in the key column: key k is the value k (INT, BIGINT; BOOLEAN false and
    /// true, so at most 2), `Double(k)` (DOUBLE) or the string `column-k` (VARCHAR).
    public var keys: Int = 1000
    public var keyDistribution: KeyDistribution = .uniform
    /// The key column's index (the primary key for a table; the first column by default).
    public var keyColumn: Int = 0
    /// The column declared PRIMARY KEY, if one was.
    public var primaryKey: Int?
    public var partitions: Int = 1
    /// Kafka `retention.ms`; nil keeps rows forever.
    public var retention: Int64?
    /// Kafka `segment.ms`: retention deletes whole segments of this age.
    public var segment: Int64 = VirtualTime.second
    /// Virtual time the source actor spends per row it consumes.
    public var cost: CostSpec = .free
    /// Virtual time each `poll()` that returns rows costs, however many (the fetch round
    /// trip and the client's per-call work): what larger `max_poll_records` batches save.
    public var pollCost: CostSpec = .free
    /// A table's row count, appended at creation.
    public var tableRows: Int = 0
    /// Mixed into the session seed so two sources draw different rows.
    public var seed: UInt64 = 0

    public init(name: String, schema: Schema) {
        self.name = name
        self.schema = schema
    }

    /// The distinct values the key column takes: `keys`, or a table's row count when that is
    /// smaller (each row then has its own key).
    public var keyValues: Int { isTable ? min(keys, tableRows) : keys }

    /// The most distinct values a key column of `type` can take, if there is a limit: a
    /// BOOLEAN has two; VARCHAR keys are strings interned for the engine's life, so their
    /// number is bounded to keep that memory small.
    public static func maxKeyValues(_ type: ColumnType) -> Int? {
        switch type {
        case .boolean: 2
        case .varchar: 100_000
        case .int, .bigint, .double: nil
        }
    }
}

public enum AggregateFunction: String, Sendable, Hashable, CaseIterable {
    case count, sum, avg, min, max
}

/// One aggregate of a hash aggregation; `argument` nil is `count(*)`.
public struct AggregateCall: Sendable, Hashable, CustomStringConvertible {
    public var function: AggregateFunction
    public var argument: ScalarExpr?
    public init(_ function: AggregateFunction, _ argument: ScalarExpr?) {
        self.function = function
        self.argument = argument
    }
    public var resultType: ColumnType {
        switch function {
        case .count: .bigint
        case .avg: .double
        case .sum: argument?.type == .double ? .double : .bigint
        case .min, .max: argument?.type ?? .bigint
        }
    }
    public var description: String { "\(function.rawValue)(\(argument?.description ?? "*"))" }
}

/// A sink's write model: `batch` rows per write, each write costing `latency` plus
/// rows ÷ `throughput` seconds (nil: no throughput limit; 0: the sink never writes).
public struct SinkSpec: Sendable, Hashable {
    public var throughput: Double?
    public var batch: Int = 1
    public var latency: Int64 = 0
    public init() {}
}

/// One operator of a fragment's chain (no queue between the operators of a chain).
public enum OperatorSpec: Sendable, Hashable {
    /// Reads the source's log (the first operator of a source fragment).
    case source(String)
    case filter(ScalarExpr)
    case project([ScalarExpr], names: [String])
    /// Output columns: the group keys, then one per call.
    case hashAgg(groupKeys: [Int], calls: [AggregateCall])
    /// Inner equi-join; input side 0 is the left. Output: left columns then right columns.
    case hashJoin(leftKeys: [Int], rightKeys: [Int], leftWidth: Int, rightWidth: Int)
    /// RisingWave's `StreamSyncLogStore`: barriers pass at once, data drains behind.
    case logStore
    /// Keeps the current contents, upserted by `primaryKey` (empty: every column).
    case materialize(primaryKey: [Int])
    case sink(SinkSpec)
}

/// How rows are routed from an upstream fragment's actors to this fragment's actors.
public enum Distribution: Sendable, Hashable, CustomStringConvertible {
    case hash([Int])
    case roundRobin
    case broadcast
    /// No shuffle: actor i feeds actor i (RisingWave `NoShuffle`, Flink forward).
    case simple

    public var description: String {
        switch self {
        case .hash(let keys): "hash(\(keys.map(String.init).joined(separator: ",")))"
        case .roundRobin: "round-robin"
        case .broadcast: "broadcast"
        case .simple: "no-shuffle"
        }
    }
}

/// Where a fragment's input comes from.
public enum InputRef: Sendable, Hashable {
    /// An earlier fragment of the same job, by index.
    case fragment(Int)
    /// The changes of an existing materialized view.
    case view(String)
}

public struct FragmentInput: Sendable, Hashable {
    public var from: InputRef
    public var distribution: Distribution
    /// For a join: 0 = left input, 1 = right input.
    public var side: Int
    /// The name the query gives a join's input (its alias, or its own name), for EXPLAIN.
    public var alias: String?
    public init(from: InputRef, distribution: Distribution, side: Int = 0, alias: String? = nil) {
        self.from = from
        self.distribution = distribution
        self.side = side
        self.alias = alias
    }
}

public struct FragmentSpec: Sendable, Hashable {
    /// A short role name, e.g. `agg`, `join`, `source`, `sink`: actors are `job.role.i`.
    public var role: String
    public var operators: [OperatorSpec]
    public var parallelism: Int
    public var inputs: [FragmentInput]
    /// Virtual time per input row this fragment's actors spend.
    public var cost: CostSpec
    public var outputSchema: Schema
    public init(role: String, operators: [OperatorSpec], parallelism: Int, inputs: [FragmentInput],
                cost: CostSpec = .free, outputSchema: Schema) {
        self.role = role
        self.operators = operators
        self.parallelism = parallelism
        self.inputs = inputs
        self.cost = cost
        self.outputSchema = outputSchema
    }
}

public enum JobKind: String, Sendable, Hashable { case materializedView = "materialized view", sink }

/// A materialized view or a sink: fragments in upstream-first order; the last one is the
/// materialize or sink fragment.
public struct JobSpec: Sendable, Hashable {
    public var name: String
    public var kind: JobKind
    public var fragments: [FragmentSpec]
    public var outputSchema: Schema
    /// Sources and views this job reads, for dependency tracking.
    public var dependsOn: [String]
    /// The SQL text, kept for SHOW and EXPLAIN.
    public var definition: String
    public init(name: String, kind: JobKind, fragments: [FragmentSpec], outputSchema: Schema,
                dependsOn: [String], definition: String) {
        self.name = name
        self.kind = kind
        self.fragments = fragments
        self.outputSchema = outputSchema
        self.dependsOn = dependsOn
        self.definition = definition
    }
}

extension JobSpec {
    /// How the job writes, when it is a sink: its last fragment ends in the sink operator.
    public var sink: SinkSpec? {
        if case .sink(let sink)? = fragments.last?.operators.last { return sink }
        return nil
    }
}
