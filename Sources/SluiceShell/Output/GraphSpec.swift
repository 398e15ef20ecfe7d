/// A dataflow graph to draw (`SHOW GRAPH`): boxes for sources, fragments or actors, in
/// layers from the sources (layer 0) downstream, joined by exchanges.
public struct GraphSpec: Sendable, Equatable, Codable {
    /// Nodes in display order; within a layer they are drawn left to right in this order.
    public var nodes: [GraphNode]
    /// Edges in the direction data flows.
    public var edges: [GraphEdge]

    /// Creates a graph.
    public init(nodes: [GraphNode], edges: [GraphEdge]) {
        self.nodes = nodes
        self.edges = edges
    }
}

/// One box of the graph, tagged with its backpressure level.
public struct GraphNode: Sendable, Equatable, Codable {
    public var id: Int
    /// The name, e.g. `spend.agg`.
    public var label: String
    /// What it is, e.g. `HashAgg ×2`; may be empty.
    public var detail: String
    public var level: BackpressureLevel
    /// 0 for sources, increasing downstream; edges should go to a higher layer.
    public var layer: Int

    /// Creates a node.
    public init(id: Int, label: String, detail: String = "", level: BackpressureLevel = .ok, layer: Int) {
        self.id = id
        self.label = label
        self.detail = detail
        self.level = level
        self.layer = layer
    }
}

/// A data channel (an exchange) between two nodes, e.g. labelled `hash(user_id)`.
public struct GraphEdge: Sendable, Equatable, Codable {
    public var from: Int
    public var to: Int
    public var label: String

    /// Creates an edge from `from` to `to`.
    public init(from: Int, to: Int, label: String = "") {
        self.from = from
        self.to = to
        self.label = label
    }
}
