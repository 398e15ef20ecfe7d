/// What tab completion may offer: the catalog's names and the session's variables.
/// The session implements it; tests use
/// `StaticCompletionContext`. Lists may be in any order; candidates come out sorted.
public protocol CompletionContext {
    var sources: [String] { get }
    var tables: [String] { get }
    /// Materialized views.
    var views: [String] { get }
    var sinks: [String] { get }
    /// Actor names, dotted: `spend.agg.0`.
    var actors: [String] { get }
    /// The columns of a source, table or view; empty when unknown.
    func columns(of relation: String) -> [String]
    /// Session variables (`flow_control`, `chunk_rows`, …).
    var variables: [String] { get }
    /// The values a variable accepts, when they form a short list (`credit`, `permits`, …).
    func values(of variable: String) -> [String]
    /// Saved session names, for `.open`, `.replay` and `.delete`.
    var sessions: [String] { get }
    /// The session this shell records its cells into, which `.delete` refuses.
    var recordingSession: String? { get }
}

extension CompletionContext {
    public var recordingSession: String? { nil }
}

/// A `CompletionContext` made of plain lists.
public struct StaticCompletionContext: CompletionContext, Sendable {
    public var sources: [String]
    public var tables: [String]
    public var views: [String]
    public var sinks: [String]
    public var actors: [String]
    /// Relation name → its columns, in order.
    public var columnsByRelation: [(relation: String, columns: [String])]
    public var variables: [String]
    /// Variable name → accepted values.
    public var valuesByVariable: [(variable: String, values: [String])]
    public var sessions: [String]
    public var recordingSession: String?

    /// Creates a context; everything defaults to empty.
    public init(sources: [String] = [], tables: [String] = [], views: [String] = [], sinks: [String] = [],
                actors: [String] = [], columns: [(relation: String, columns: [String])] = [],
                variables: [String] = [], values: [(variable: String, values: [String])] = [],
                sessions: [String] = [], recordingSession: String? = nil) {
        self.sources = sources
        self.tables = tables
        self.views = views
        self.sinks = sinks
        self.actors = actors
        self.columnsByRelation = columns
        self.variables = variables
        self.valuesByVariable = values
        self.sessions = sessions
        self.recordingSession = recordingSession
    }

    public func columns(of relation: String) -> [String] {
        columnsByRelation.first { $0.relation.lowercased() == relation.lowercased() }?.columns ?? []
    }

    public func values(of variable: String) -> [String] {
        valuesByVariable.first { $0.variable.lowercased() == variable.lowercased() }?.values ?? []
    }
}
