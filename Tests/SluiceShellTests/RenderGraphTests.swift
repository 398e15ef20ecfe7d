import Testing
@testable import SluiceShell

/// `SHOW GRAPH` drawings.
@Suite struct RenderGraphTests {
    let pipeline = GraphSpec(nodes: [
        GraphNode(id: 1, label: "clicks", detail: "Source ×2", level: .high, layer: 0),
        GraphNode(id: 2, label: "spend.agg", detail: "HashAgg ×2", level: .low, layer: 1),
        GraphNode(id: 3, label: "warehouse", detail: "Sink", level: .ok, layer: 2),
    ], edges: [GraphEdge(from: 1, to: 2, label: "hash(user_id)"), GraphEdge(from: 2, to: 3, label: "simple")])

    @Test func aChain() {
        #expect(GraphDrawing.draw(pipeline) == """
        data flows down the arrows ▼; backpressure travels up, against them
        OK ≤10% · LOW ≤50% · HIGH >50% of the time backpressured

        ┌────────────────┐
        │ clicks    HIGH │
        │ Source ×2      │
        └────────┬───────┘
                 │ hash(user_id)
                 ▼
        ┌────────────────┐
        │ spend.agg  LOW │
        │ HashAgg ×2     │
        └────────┬───────┘
                 │ simple
                 ▼
        ┌────────────────┐
        │ warehouse   OK │
        │ Sink           │
        └────────────────┘

        """)
    }

    /// Two jobs side by side, one with a sink: the sink sits under its own job's box (it was
    /// centred between both, as if fed by both).
    @Test func aBoxSitsUnderWhatFeedsIt() throws {
        let graph = GraphSpec(nodes: [
            GraphNode(id: 1, label: "a.agg.0", level: .high, layer: 0),
            GraphNode(id: 2, label: "b.agg.0", level: .ok, layer: 0),
            GraphNode(id: 3, label: "a.sink.0", level: .ok, layer: 1),
        ], edges: [GraphEdge(from: 1, to: 3)])
        let lines = GraphDrawing.draw(graph, width: 80).split(separator: "\n").map(String.init)
        let top = try #require(lines.first { $0.contains("a.agg.0") }), bottom = try #require(lines.first { $0.contains("a.sink.0") })
        #expect(bottom.firstIndex(of: "│").map { bottom.distance(from: bottom.startIndex, to: $0) }
                == top.firstIndex(of: "│").map { top.distance(from: top.startIndex, to: $0) }, "\(lines.joined(separator: "\n"))")
    }

    @Test func aHashExchangeIsOneBus() {
        var nodes = (0..<3).map { GraphNode(id: $0, label: "clicks.src.\($0)", level: $0 == 0 ? .high : .ok, layer: 0) }
        nodes += (0..<2).map { GraphNode(id: 10 + $0, label: "spend.agg.\($0)", level: .low, layer: 1) }
        let edges = (0..<3).flatMap { s in (0..<2).map { GraphEdge(from: s, to: 10 + $0, label: "hash(user_id)") } }
        let out = GraphDrawing.draw(GraphSpec(nodes: nodes, edges: edges))
        #expect(out.contains("hash(user_id)"))
        #expect(out.components(separatedBy: "hash(user_id)").count == 2)   // labelled once
        #expect(out.components(separatedBy: "▼").count - 1 == 2 + 1)      // one arrow per target, one in the header
        #expect(out.contains("┴"))                                         // sources join the bus
    }

    @Test func twelveNodesStayWithin80Columns() {
        var nodes = (0..<4).map { GraphNode(id: $0, label: "clicks.src.\($0)", level: .ok, layer: 0) }
        nodes.append(GraphNode(id: 4, label: "users.src.0", level: .ok, layer: 0))
        nodes += (0..<3).map { GraphNode(id: 10 + $0, label: "enriched.join.\($0)", level: .low, layer: 1) }
        nodes += (0..<3).map { GraphNode(id: 20 + $0, label: "spend.agg.\($0)", level: .high, layer: 2) }
        nodes.append(GraphNode(id: 30, label: "warehouse.sink.0", level: .high, layer: 3))
        var edges: [GraphEdge] = []
        for s in 0..<5 { for j in 0..<3 { edges.append(GraphEdge(from: s, to: 10 + j, label: "hash(user_id)")) } }
        for j in 0..<3 { for a in 0..<3 { edges.append(GraphEdge(from: 10 + j, to: 20 + a, label: "hash(region)")) } }
        for a in 0..<3 { edges.append(GraphEdge(from: 20 + a, to: 30, label: "simple")) }
        let spec = GraphSpec(nodes: nodes, edges: edges)
        let out = GraphDrawing.draw(spec)
        for line in out.split(separator: "\n") {
            #expect(TerminalText.width(of: String(line)) <= 80, "\(line)")
        }
        for node in nodes { #expect(out.contains(node.label)) }
        #expect(out == GraphDrawing.draw(spec))
    }

    @Test func wrappedLayersAndSkippedLayersUseLanes() {
        var nodes = (0..<7).map { GraphNode(id: $0, label: "src.\($0)", detail: "Source", level: .ok, layer: 0) }
        nodes.append(GraphNode(id: 9, label: "sink", level: .ok, layer: 2))
        nodes.append(GraphNode(id: 8, label: "mid", level: .ok, layer: 1))
        let edges = [GraphEdge(from: 0, to: 8), GraphEdge(from: 8, to: 9), GraphEdge(from: 6, to: 9, label: "direct")]
        let out = GraphDrawing.draw(GraphSpec(nodes: nodes, edges: edges), width: 60)
        for line in out.split(separator: "\n") { #expect(TerminalText.width(of: String(line)) <= 60, "\(line)") }
        #expect(out.contains("src.6") && out.contains("sink"))
    }

    @Test func upstreamEdgesAreListed() {
        var spec = pipeline
        spec.edges.append(GraphEdge(from: 3, to: 1, label: "feedback"))
        #expect(GraphDrawing.draw(spec).hasSuffix("\nnot drawn (goes upstream): warehouse → clicks (feedback)\n"))
    }

    @Test func colourMarksLevels() {
        let out = GraphDrawing.draw(pipeline, color: true)
        #expect(out.contains("\u{1B}[31mHIGH\u{1B}[0m"))
        #expect(stripANSI(out) == GraphDrawing.draw(pipeline))
    }

    @Test func emptyGraph() {
        #expect(GraphDrawing.draw(GraphSpec(nodes: [], edges: [])) == "(empty graph)\n")
    }
}
