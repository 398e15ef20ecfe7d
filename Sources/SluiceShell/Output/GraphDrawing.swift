/// Draws a `GraphSpec` top to bottom, the way the article's first diagram and Flink's job
/// graph show a pipeline: one row of boxes per layer (sources first), exchanges as lines
/// with arrows in the direction of the data, each box tagged OK / LOW / HIGH.
///
///     ┌──────────────────────┐
///     │ clicks          HIGH │
///     │ Source ×2            │
///     └──────────┬───────────┘
///                │ hash(user_id)
///                ▼
///     ┌──────────────────────┐
///
/// A layer too wide for the terminal uses narrower boxes, then wraps onto several rows;
/// an edge that skips rows runs down a lane on the right. What cannot be drawn within
/// `width` (an edge going upstream, a label with no room) is listed under the drawing.
public enum GraphDrawing {
    /// Draws the graph within `width` columns (at least 40); ends with a newline.
    public static func draw(_ graph: GraphSpec, width: Int = 80, color: Bool = false) -> String {
        let width = max(width, 40)
        var nodes: [GraphNode] = []
        for node in graph.nodes where !nodes.contains(where: { $0.id == node.id }) { nodes.append(node) }
        guard !nodes.isEmpty else { return "(empty graph)\n" }

        let legend = BackpressureLevel.allCases.map { level -> (String, String) in
            let limit = level == .ok ? " ≤10%" : (level == .low ? " ≤50%" : " >50%")
            return (level.rawValue + limit, ANSI.of(level).apply(level.rawValue, enabled: color) + limit)
        }
        var out = wrap([("data flows down the arrows ▼;", nil), ("backpressure travels up,", nil), ("against them", nil)], width: width)
        out += wrap(legend.map { ($0.0 + " ·", $0.1 + " ·") }.dropLast() + [(legend[2].0, legend[2].1), ("of the time backpressured", nil)],
                    width: width) + "\n"
        var layout = GraphLayout(nodes: nodes, edges: graph.edges, width: width, color: color)
        var canvas = LineCanvas()
        layout.draw(on: &canvas)
        out += canvas.render().joined(separator: "\n") + "\n"
        if !layout.notes.isEmpty { out += "\n" + layout.notes.map { $0 + "\n" }.joined() }
        return out
    }

    /// Words (plain, styled) joined with spaces into lines of at most `width` cells.
    static func wrap(_ words: [(String, String?)], width: Int) -> String {
        var out = "", line = "", used = 0
        for (plain, styled) in words {
            let w = TerminalText.width(of: plain)
            if used > 0 && used + 1 + w > width { out += line + "\n"; line = ""; used = 0 }
            if used > 0 { line += " "; used += 1 }
            line += styled ?? plain
            used += w
        }
        return out + line + "\n"
    }
}

/// The placement of boxes, rows, lanes and buses for one drawing.
struct GraphLayout {
    struct Box {
        var node: GraphNode
        var lines: [(plain: String, styled: String)]
        var width: Int
        var x = 0
        var center: Int { x + width / 2 }
    }

    enum Port: Equatable { case node(Int), lane(Int) }

    /// One line through a gap between two rows of boxes.
    struct Connection { var top: Port; var bottom: Port; var label: String }

    let width: Int
    var rows: [[Box]] = []
    var boxHeight = 0
    var laneEdges: [GraphEdge] = []
    var directEdges: [(gap: Int, edge: GraphEdge)] = []
    var notes: [String] = []
    private let nodes: [GraphNode]

    init(nodes: [GraphNode], edges: [GraphEdge], width: Int, color: Bool) {
        self.width = width
        self.nodes = nodes
        var layerNumbers = nodes.map(\.layer).sorted()
        layerNumbers = layerNumbers.enumerated().filter { $0.offset == 0 || layerNumbers[$0.offset - 1] != $0.element }.map(\.element)
        let hasDetail = nodes.contains { !$0.detail.isEmpty }
        func boxes(narrow: Bool) -> [[Box]] {
            layerNumbers.map { layer in
                nodes.filter { $0.layer == layer }.map { GraphLayout.box($0, narrow: narrow, detail: hasDetail, color: color) }
            }
        }
        func rowWidth(_ row: [Box]) -> Int { row.reduce(0) { $0 + $1.width } + 2 * max(0, row.count - 1) }
        var layers = boxes(narrow: false)
        if layers.contains(where: { rowWidth($0) > width }) { layers = boxes(narrow: true) }
        // One width for every box when that needs no extra wrapping: centres line up.
        let widest = layers.flatMap { $0 }.map(\.width).max() ?? 0
        let uniform = layers.map { $0.map { GraphLayout.widen($0, to: widest) } }
        if !uniform.contains(where: { rowWidth($0) > width }) || layers.contains(where: { rowWidth($0) > width }) {
            layers = uniform
        }
        boxHeight = (layers.first?.first?.lines.count ?? 1) + 2

        let known = edges.filter { e in nodes.contains { $0.id == e.from } && nodes.contains { $0.id == e.to } }
        var available = width
        for _ in 0..<4 {
            rows = GraphLayout.wrap(layers, available: available)
            classify(known)
            let needed = laneEdges.isEmpty ? width : width - 2 * laneEdges.count - 1
            let widest = layers.flatMap { $0 }.map(\.width).max() ?? 0
            if needed == available || needed < widest { break }
            available = needed
        }
        let contentWidth = rows.map(rowWidth).max() ?? 0
        let laneRoom = max(0, (width - contentWidth - 1) / 2)
        for edge in laneEdges.dropFirst(laneRoom) { notes.append("not drawn: " + describe(edge)) }
        laneEdges = Array(laneEdges.prefix(laneRoom))
        for r in rows.indices {
            var x = (contentWidth - rowWidth(rows[r])) / 2
            for b in rows[r].indices {
                rows[r][b].x = x
                x += rows[r][b].width + 2
            }
            if r > 0 { alignUnderInputs(r, known, contentWidth: contentWidth) }
        }
    }

    /// Shifts row `r`, as a block, under the boxes of the row above that feed it (the mean of
    /// their centres), within `contentWidth`: a sink fed by one of two jobs side by side sits
    /// under that job, not centred between both. A row fed evenly (a hash exchange from every
    /// box above) stays centred.
    mutating func alignUnderInputs(_ r: Int, _ edges: [GraphEdge], contentWidth: Int) {
        let above = rows[r - 1]
        let centres = rows[r].flatMap { box in edges.filter { $0.to == box.node.id }.compactMap { e in above.first { $0.node.id == e.from }?.center } }
        guard !centres.isEmpty, let first = rows[r].first, let last = rows[r].last else { return }
        let wanted = centres.reduce(0, +) / centres.count
        let shift = min(max(wanted - (first.x + last.x + last.width) / 2, -first.x), contentWidth - last.x - last.width)
        for b in rows[r].indices { rows[r][b].x += shift }
    }

    /// A node's box: wide (`label  LEVEL` / detail) or narrow (label / detail / level).
    static func box(_ node: GraphNode, narrow: Bool, detail: Bool, color: Bool) -> Box {
        let level = node.level.rawValue
        let styledLevel = ANSI.of(node.level).apply(level, enabled: color)
        if narrow {
            // An actor's name ends in what tells it from its siblings (`role.index`).
            let texts = [TerminalText.truncateMiddle(node.label, to: 16), TerminalText.truncate(node.detail, to: 16)]
            var lines = [(texts[0], texts[0])]
            if detail { lines.append((texts[1], texts[1])) }
            lines.append((level, styledLevel))
            let inner = lines.map { TerminalText.width(of: $0.0) }.max() ?? 0
            let padded = lines.map { line -> (String, String) in
                let fill = String(repeating: " ", count: inner - TerminalText.width(of: line.0))
                return (line.0 + fill, line.1 + fill)
            }
            return Box(node: node, lines: padded, width: inner + 2)
        }
        let label = TerminalText.truncateMiddle(node.label, to: 24)
        let info = TerminalText.truncate(node.detail, to: 30)
        let inner = max(TerminalText.width(of: label) + 2 + level.count, detail ? TerminalText.width(of: info) : 0)
        let gap = String(repeating: " ", count: inner - TerminalText.width(of: label) - level.count)
        var lines = [(" " + label + gap + level + " ", " " + label + gap + styledLevel + " ")]
        if detail {
            let padded = " " + TerminalText.pad(info, to: inner, alignment: .left) + " "
            lines.append((padded, padded))
        }
        return Box(node: node, lines: lines, width: inner + 4)
    }

    /// The same box with its lines padded to make it `width` wide.
    static func widen(_ box: Box, to width: Int) -> Box {
        var box = box
        let fill = String(repeating: " ", count: max(0, width - box.width))
        box.lines = box.lines.enumerated().map { i, line in
            // In wide boxes the level sits at the right end of the first line.
            if i == 0 && line.plain.hasSuffix(" " + box.node.level.rawValue + " ") && line.plain.hasPrefix(" ") {
                let cut = box.node.level.rawValue.count + 1
                let head = String(line.plain.dropLast(cut))
                let styledHead = String(line.styled.prefix(head.count))
                return (head + fill + String(line.plain.suffix(cut)),
                        styledHead + fill + String(line.styled.dropFirst(head.count)))
            }
            return (line.plain + fill, line.styled + fill)
        }
        box.width = max(box.width, width)
        return box
    }

    /// Boxes of each layer in rows no wider than `available`.
    static func wrap(_ layers: [[Box]], available: Int) -> [[Box]] {
        var rows: [[Box]] = []
        for layer in layers {
            var current: [Box] = []
            var used = 0
            for box in layer {
                if !current.isEmpty && used + 2 + box.width > available {
                    rows.append(current)
                    current = []
                    used = 0
                }
                used += (current.isEmpty ? 0 : 2) + box.width
                current.append(box)
            }
            if !current.isEmpty { rows.append(current) }
        }
        return rows
    }

    func rowOf(_ id: Int) -> Int { rows.firstIndex { $0.contains { $0.node.id == id } } ?? 0 }

    func box(_ id: Int) -> Box { rows[rowOf(id)].first { $0.node.id == id }! }

    func describe(_ edge: GraphEdge) -> String {
        let name = { (id: Int) in nodes.first { $0.id == id }?.label ?? String(id) }
        return name(edge.from) + " → " + name(edge.to) + (edge.label.isEmpty ? "" : " (\(edge.label))")
    }

    /// Sorts edges into those between adjacent rows, those that need a lane, and the rest.
    mutating func classify(_ edges: [GraphEdge]) {
        laneEdges = []
        directEdges = []
        notes = []
        for edge in edges {
            let (from, to) = (rowOf(edge.from), rowOf(edge.to))
            if to == from + 1 { directEdges.append((from, edge)) }
            else if to > from + 1 { laneEdges.append(edge) }
            else { notes.append("not drawn (goes upstream): " + describe(edge)) }
        }
    }
}
