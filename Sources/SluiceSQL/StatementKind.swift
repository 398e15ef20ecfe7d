/// Every kind of statement the parser accepts: one per case of `Statement`, and one more
/// where a kind has a form a user writes differently (`DROP … IF EXISTS`, `INJECT …
/// PARTITION p`, `STEP BARRIER`, `TRACE credit`). `Statement.kind` maps each statement to its
/// kind with a switch that names every case, so a new statement cannot be added without a
/// kind; the shell's `.help` must mention every kind, which a test checks.
public enum StatementKind: String, Sendable, Hashable, CaseIterable {
    case createSource, createTable, createView, createSink, createSinkAsSelect
    case drop, dropIfExists
    case alterSet, alterParallelism, alterPartition
    case select
    case inject, injectPartition
    case step, stepDuration, stepBarrier
    case run, barrier, watch
    case traceOnOff, traceCategories
    case set, showVariable, reset, resetAll
    case show, showMetrics, describe, resetMetrics
    case explainCreate, explainName, explainSelect, diagnose, plot, help
}

extension Statement {
    /// The kind of this statement.
    public var kind: StatementKind {
        switch self {
        case .createSource(_, _, _, let isTable): isTable ? .createTable : .createSource
        case .createView: .createView
        case .createSink: .createSink
        case .createSinkAsSelect: .createSinkAsSelect
        case .drop(_, _, let ifExists): ifExists ? .dropIfExists : .drop
        case .alterSet: .alterSet
        case .alterParallelism: .alterParallelism
        case .alterPartition: .alterPartition
        case .select: .select
        case .inject(_, _, let partition): partition == nil ? .inject : .injectPartition
        case .step(.events): .step
        case .step(.duration): .stepDuration
        case .step(.barrier): .stepBarrier
        case .run: .run
        case .barrier: .barrier
        case .watch: .watch
        case .trace(.on), .trace(.off): .traceOnOff
        case .trace(.categories): .traceCategories
        case .set: .set
        case .showVariable: .showVariable
        case .reset: .reset
        case .resetAll: .resetAll
        case .show: .show
        case .showMetrics: .showMetrics
        case .describe: .describe
        case .resetMetrics: .resetMetrics
        case .explainCreate: .explainCreate
        case .explainName: .explainName
        case .explainSelect: .explainSelect
        case .diagnose: .diagnose
        case .plot: .plot
        case .help: .help
        }
    }
}
