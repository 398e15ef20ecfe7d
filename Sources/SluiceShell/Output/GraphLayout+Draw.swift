/// Drawing a `GraphLayout`: boxes, then the lines of each gap between rows, lanes,
/// arrows, and edge labels where they fit.
extension GraphLayout {
    /// A set of connections in one gap that share a source or a target: drawn as one bus.
    struct Bus {
        var tops: [Port] = []
        var bottoms: [Port] = []
        var labels: [String] = []
        var low = Int.max, high = Int.min
        var row = 0
        var labelText: String { labels.joined(separator: ", ") }
    }

    func x(of port: Port) -> Int {
        switch port {
        case .node(let id): return box(id).center
        case .lane(let k): return laneX(k)
        }
    }

    func laneX(_ k: Int) -> Int { (rows.map { $0.reduce(0) { $0 + $1.width } + 2 * max(0, $0.count - 1) }.max() ?? 0) + 2 + 2 * k }

    /// The connections that cross the gap under row `gap`.
    func connections(inGap gap: Int) -> [Connection] {
        var result: [Connection] = []
        for item in directEdges where item.gap == gap {
            result.append(Connection(top: .node(item.edge.from), bottom: .node(item.edge.to), label: item.edge.label))
        }
        for (k, edge) in laneEdges.enumerated() {
            if rowOf(edge.from) == gap { result.append(Connection(top: .node(edge.from), bottom: .lane(k), label: edge.label)) }
            if rowOf(edge.to) == gap + 1 { result.append(Connection(top: .lane(k), bottom: .node(edge.to), label: "")) }
        }
        return result
    }

    /// Connections grouped into buses: sources with the same set of targets share one
    /// bus, so that every bus means "each of these sends to each of those".
    func buses(inGap gap: Int) -> [Bus] {
        let conns = connections(inGap: gap)
        var tops: [Port] = []
        for c in conns where !tops.contains(c.top) { tops.append(c.top) }
        var buses: [Bus] = []
        for top in tops {
            let mine = conns.filter { $0.top == top }
            var bottoms: [Port] = []
            for c in mine where !bottoms.contains(c.bottom) { bottoms.append(c.bottom) }
            let index: Int
            if let found = buses.firstIndex(where: { $0.bottoms == bottoms }) { index = found } else {
                index = buses.count
                buses.append(Bus(bottoms: bottoms))
            }
            buses[index].tops.append(top)
            for c in mine where !c.label.isEmpty && !buses[index].labels.contains(c.label) {
                buses[index].labels.append(c.label)
            }
        }
        for i in buses.indices {
            let xs = (buses[i].tops + buses[i].bottoms).map { x(of: $0) }
            buses[i].low = xs.min()!
            buses[i].high = xs.max()!
        }
        // Buses that do not overlap (label included) share a row, left to right.
        let order = buses.indices.sorted { (buses[$0].low, buses[$0].high, $0) < (buses[$1].low, buses[$1].high, $1) }
        var rowEnds: [Int] = []
        for i in order {
            let end = buses[i].high + (buses[i].labels.isEmpty ? 0 : 2 + TerminalText.width(of: buses[i].labelText))
            if let r = rowEnds.firstIndex(where: { $0 < buses[i].low - 1 }) {
                buses[i].row = r
                rowEnds[r] = end
            } else {
                buses[i].row = rowEnds.count
                rowEnds.append(end)
            }
        }
        return buses
    }

    /// Draws everything on the canvas; labels that do not fit become notes.
    mutating func draw(on canvas: inout LineCanvas) {
        let gaps = (0..<max(0, rows.count - 1)).map { buses(inGap: $0) }
        var rowTops: [Int] = []
        var y = 0
        for r in rows.indices {
            rowTops.append(y)
            y += boxHeight
            if r < gaps.count { y += gaps[r].isEmpty ? 1 : (gaps[r].map(\.row).max()! + 2) }
        }
        for (r, row) in rows.enumerated() {
            for box in row {
                canvas.box(top: rowTops[r], left: box.x, width: box.width, height: boxHeight)
                for (i, line) in box.lines.enumerated() {
                    canvas.write(line.plain, styled: line.styled, row: rowTops[r] + 1 + i, column: box.x + 1)
                }
            }
        }
        var laneTop = Array(repeating: 0, count: laneEdges.count)
        var laneBottom = Array(repeating: 0, count: laneEdges.count)
        var arrows: [(Int, Int)] = []
        var labels: [(row: Int, low: Int, high: Int, text: String, arrowRow: Int)] = []
        for (gap, buses) in gaps.enumerated() where !buses.isEmpty {
            let first = rowTops[gap] + boxHeight
            let arrowRow = first + buses.map(\.row).max()! + 1
            for bus in buses {
                let busRow = first + bus.row
                for top in bus.tops {
                    switch top {
                    case .node: canvas.vertical(column: x(of: top), from: first - 1, to: busRow)
                    case .lane(let k): laneBottom[k] = busRow
                    }
                }
                for bottom in bus.bottoms {
                    switch bottom {
                    case .node:
                        canvas.vertical(column: x(of: bottom), from: busRow, to: arrowRow)
                        arrows.append((x(of: bottom), arrowRow))
                    case .lane(let k): laneTop[k] = busRow
                    }
                }
                canvas.horizontal(row: busRow, from: bus.low, to: bus.high)
                if !bus.labels.isEmpty { labels.append((busRow, bus.low, bus.high, bus.labelText, arrowRow)) }
            }
        }
        for k in laneEdges.indices { canvas.vertical(column: laneX(k), from: laneTop[k], to: laneBottom[k]) }
        for (column, row) in arrows { canvas.write("▼", row: row, column: column) }
        for label in labels {
            let w = TerminalText.width(of: label.text)
            if label.high + 2 + w <= width && canvas.isFree(row: label.row, column: label.high + 1, width: w + 1) {
                canvas.write(label.text, row: label.row, column: label.high + 2)
            } else if label.low - 2 - w >= 0 && canvas.isFree(row: label.row, column: label.low - 2 - w, width: w + 1) {
                canvas.write(label.text, row: label.row, column: label.low - 2 - w)
            } else if let spot = freeSpot(on: canvas, rows: (label.row + 1)...label.arrowRow,
                                          columns: label.low...label.high, width: w) {
                canvas.write(label.text, row: spot.row, column: spot.column)
            } else {
                notes.append("exchange not labelled in the drawing: " + label.text)
            }
        }
    }

    /// The first place under a bus, between it and the arrows, where `width` cells and a
    /// space on each side are free.
    func freeSpot(on canvas: LineCanvas, rows: ClosedRange<Int>, columns: ClosedRange<Int>,
                  width: Int) -> (row: Int, column: Int)? {
        for row in rows {
            for column in columns where column + width < self.width {
                if column >= 1 && canvas.isFree(row: row, column: column - 1, width: width + 2) {
                    return (row, column)
                }
            }
        }
        return nil
    }
}
