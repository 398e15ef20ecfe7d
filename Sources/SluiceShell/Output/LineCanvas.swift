/// A grid of terminal cells on which lines merge into box-drawing junctions: drawing a
/// vertical line through a horizontal one gives `┼`, ending one on a box edge gives `┬`.
struct LineCanvas {
    /// Directions a line leaves a cell in.
    struct Sides: OptionSet {
        let rawValue: UInt8
        static let north = Sides(rawValue: 1), east = Sides(rawValue: 2)
        static let south = Sides(rawValue: 4), west = Sides(rawValue: 8)
    }

    private struct Cell {
        var sides: Sides = []
        /// Text overrides lines; `""` marks the second half of a wide character.
        var text: String?
    }

    private var cells: [[Cell]] = []

    var height: Int { cells.count }

    private mutating func reach(row: Int, column: Int) {
        while cells.count <= row { cells.append([]) }
        if cells[row].count <= column {
            cells[row] += Array(repeating: Cell(), count: column + 1 - cells[row].count)
        }
    }

    /// Adds line directions to one cell.
    mutating func add(_ sides: Sides, row: Int, column: Int) {
        reach(row: row, column: column)
        cells[row][column].sides.formUnion(sides)
    }

    /// A horizontal line between two columns, both ends included.
    mutating func horizontal(row: Int, from a: Int, to b: Int) {
        let (lo, hi) = (min(a, b), max(a, b))
        guard lo < hi else { return }
        for x in lo...hi {
            add((x > lo ? Sides.west : []).union(x < hi ? Sides.east : []), row: row, column: x)
        }
    }

    /// A vertical line between two rows, both ends included.
    mutating func vertical(column: Int, from a: Int, to b: Int) {
        let (lo, hi) = (min(a, b), max(a, b))
        guard lo < hi else { return }
        for y in lo...hi {
            add((y > lo ? Sides.north : []).union(y < hi ? Sides.south : []), row: y, column: column)
        }
    }

    /// A rectangle's outline.
    mutating func box(top: Int, left: Int, width: Int, height: Int) {
        horizontal(row: top, from: left, to: left + width - 1)
        horizontal(row: top + height - 1, from: left, to: left + width - 1)
        vertical(column: left, from: top, to: top + height - 1)
        vertical(column: left + width - 1, from: top, to: top + height - 1)
    }

    /// Writes text at a position; `styled` (with colour escapes) is printed instead of
    /// `plain`, which gives the width.
    mutating func write(_ plain: String, styled: String? = nil, row: Int, column: Int) {
        let characters = plain.filter { TerminalText.width(of: $0) > 0 }
        let total = TerminalText.width(of: String(characters))
        guard total > 0 else { return }
        reach(row: row, column: column + total - 1)
        if let styled {
            for x in column..<(column + total) { cells[row][x].text = "" }
            cells[row][column].text = styled
            return
        }
        var x = column
        for ch in characters {
            cells[row][x].text = String(ch)
            if TerminalText.width(of: ch) == 2 { cells[row][x + 1].text = "" }
            x += TerminalText.width(of: ch)
        }
    }

    /// True when `width` cells from `column` hold neither lines nor text.
    func isFree(row: Int, column: Int, width: Int) -> Bool {
        guard row < cells.count, column >= 0 else { return row >= cells.count && column >= 0 }
        for x in column..<(column + width) where x < cells[row].count {
            if !cells[row][x].sides.isEmpty || cells[row][x].text != nil { return false }
        }
        return true
    }

    /// The canvas as lines, trailing spaces removed.
    func render() -> [String] {
        cells.map { row in
            var line = ""
            for cell in row {
                if let text = cell.text { line += text } else { line += LineCanvas.glyph(cell.sides) }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    static func glyph(_ s: Sides) -> String {
        switch s.rawValue {
        case 0: return " "
        case 1, 4, 5: return "│"
        case 2, 8, 10: return "─"
        case 6: return "┌"
        case 12: return "┐"
        case 3: return "└"
        case 9: return "┘"
        case 7: return "├"
        case 13: return "┤"
        case 14: return "┬"
        case 11: return "┴"
        default: return "┼"
        }
    }
}
