/// CSV (RFC 4180) and JSON renderings, for scripts and other programs.
extension Renderer {
    // MARK: - CSV

    /// A header line, then one line per row; fields quoted only when they must be.
    /// A column of bars gives three fields, as in json: `queued`, `queued capacity`, `queued unit`.
    static func csvTable(_ table: ResultTable) -> String {
        guard !table.columns.isEmpty else { return "" }
        let data = DataTable(table)
        var out = data.names.map(csvField).joined(separator: ",") + "\n"
        for row in data.rows {
            let line = row.map { csvField(dataText($0, csv: true)) }.joined(separator: ",")
            // A blank line separates results: a row of one empty field is written `""`.
            out += (line.isEmpty ? "\"\"" : line) + "\n"
        }
        return out
    }

    /// A chart as `series,x,y` rows, series in order, points sorted by x.
    static func csvChart(_ chart: ChartSpec) -> String {
        var out = "series,x,y\n"
        for series in chart.series {
            for p in sortedPoints(series) {
                out += [csvField(series.name), NumberText.trimmed(p.x, decimals: 9),
                        NumberText.trimmed(p.y, decimals: 6)].joined(separator: ",") + "\n"
            }
        }
        return out
    }

    /// RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
        else { return text }
        var out = "\""
        for ch in text { out += ch == "\"" ? "\"\"" : String(ch) }
        return out + "\""
    }

    // MARK: - JSON

    /// One JSON array of objects on one line (JSON Lines: a program reads a value per
    /// line): keys are the snake_case column names in column order, numbers as numbers,
    /// NULL and the tables' `-` as null.
    ///
    /// A column of bars (`██████████ 10/10 buffers`) gives three keys, so that a program
    /// reads the numbers the table shows: `queued` (10), `queued_capacity` (10) and
    /// `queued_unit` ("buffers"); a cell without a capacity (`37 rows`, `-`, `unbounded`)
    /// gives what it has and null for the rest.
    static func jsonTable(_ table: ResultTable) -> String {
        let data = DataTable(table)
        let keys = jsonKeys(data.names)
        let objects = data.rows.map { row in
            "{" + row.indices.map { jsonString(keys[$0]) + ":" + jsonValue(row[$0]) }.joined(separator: ",") + "}"
        }
        return "[" + objects.joined(separator: ",") + "]\n"
    }

    /// A table as csv and json give it: each column of bars split into the numbers the bar
    /// shows (count, capacity, unit), so that no program has to read them out of a label.
    struct DataTable {
        var names: [String] = []
        var rows: [[ResultValue]]

        init(_ table: ResultTable) {
            let rows = normalizedRows(table)
            let barColumns = table.columns.indices.map { c in rows.contains { if case .bar = $0[c] { true } else { false } } }
            for (c, column) in table.columns.enumerated() {
                names.append(column.name)
                if barColumns[c] { names += [column.name + " capacity", column.name + " unit"] }
            }
            self.rows = rows.map { row in
                var values: [ResultValue] = []
                for (c, value) in row.enumerated() {
                    guard barColumns[c] else { values.append(value); continue }
                    let fill = BarFill(value)
                    values += [fill.count.map(ResultValue.int) ?? .null, fill.capacity.map(ResultValue.int) ?? .null,
                               fill.unit.map(ResultValue.text) ?? .null]
                }
                return values
            }
        }
    }

    /// What a cell of a bar column says in numbers: `10/10 buffers`, `37 rows`, or nothing.
    struct BarFill {
        var count: Int64?
        var capacity: Int64?
        var unit: String?

        init(_ value: ResultValue) {
            let text: String
            switch value {
            case .bar(_, let label): text = label
            case .text(let s): text = s
            case .int(let v): count = v; return
            default: return
            }
            let words = text.split(separator: " ", maxSplits: 1).map(String.init)
            guard let amount = words.first else { return }
            let parts = amount.split(separator: "/", omittingEmptySubsequences: false)
            guard let n = Int64(parts[0]), parts.count <= 2 else { return }
            if parts.count == 2 {
                guard let c = Int64(parts[1]) else { return }
                capacity = c
            }
            count = n
            unit = words.count > 1 ? words[1] : nil
        }
    }

    /// A chart as one object on one line: title, unit, and each series' `[x, y]` points.
    static func jsonChart(_ chart: ChartSpec) -> String {
        let series = chart.series.map { s in
            let points = sortedPoints(s).map { "[" + jsonNumber($0.x, decimals: 9) + "," + jsonNumber($0.y, decimals: 6) + "]" }
            // "marks": true for separate events (as the store writes it); absent for a line.
            return "{\"name\":" + jsonString(s.name) + (s.marksOnly ? ",\"marks\":true" : "") + ",\"points\":[" + points.joined(separator: ",") + "]}"
        }
        // The stretch of virtual time asked for (LAST n), when it was.
        let range = chart.xRange.map { ",\"x_range\":[" + jsonNumber($0.lowerBound, decimals: 9) + "," + jsonNumber($0.upperBound, decimals: 9) + "]" } ?? ""
        return "{\"title\":" + jsonString(chart.title) + ",\"y_unit\":" + jsonString(chart.yUnit) + range
            + ",\"series\":[" + series.joined(separator: ",") + "]}\n"
    }

    // MARK: - Text and graphs as data

    /// Preformatted text (EXPLAIN, HELP, STEP's events) as a table of its lines, so that
    /// csv and json give it as data: `[{"line":"..."},...]`.
    static func linesTable(_ text: String) -> ResultTable {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { lines.removeLast() }
        return ResultTable(columns: [ResultColumn("line")], rows: lines.map { [.text($0)] })
    }

    /// The dataflow graph's boxes and arrows as two tables: nodes (id, name, detail, level,
    /// layer) and edges (from and to node ids, label).
    static func graphTables(_ graph: GraphSpec) -> (nodes: ResultTable, edges: ResultTable) {
        let nodes = ResultTable(columns: [ResultColumn("id"), ResultColumn("name"), ResultColumn("detail"),
                                          ResultColumn("level"), ResultColumn("layer")],
                                rows: graph.nodes.map { [.int(Int64($0.id)), .text($0.label), .text($0.detail),
                                                         .level($0.level), .int(Int64($0.layer))] })
        let edges = ResultTable(columns: [ResultColumn("from"), ResultColumn("to"), ResultColumn("label")],
                                rows: graph.edges.map { [.int(Int64($0.from)), .int(Int64($0.to)), .text($0.label)] })
        return (nodes, edges)
    }

    /// The graph as one object on one line: `{"nodes":[...],"edges":[...]}`.
    static func jsonGraph(_ graph: GraphSpec) -> String {
        let (nodes, edges) = graphTables(graph)
        return "{\"nodes\":" + jsonTable(nodes).dropLast() + ",\"edges\":" + jsonTable(edges).dropLast() + "}\n"
    }

    /// The graph as two csv tables, nodes then edges, a blank line between them.
    static func csvGraph(_ graph: GraphSpec) -> String {
        let (nodes, edges) = graphTables(graph)
        return csvTable(nodes) + "\n" + csvTable(edges)
    }

    static func jsonValue(_ value: ResultValue) -> String {
        switch value {
        case .null, .missing, .absent: return "null"
        case .text(let s): return jsonString(s)
        case .int(let v): return String(v)
        case .double(let v, let decimals): return jsonNumber(v, decimals: decimals)
        case .bar(let fraction, _): return jsonNumber(fraction, decimals: 6)
        case .level(let level): return jsonString(level.rawValue)
        case .lines(let lines): return "[" + lines.map(jsonString).joined(separator: ",") + "]"
        case .setting(let s):
            if s == "true" || s == "false" || Int64(s) != nil || UInt64(s) != nil { return s }
            return jsonString(s)
        case .real(let v): return v.isFinite ? exactText(v) : nonFinite(v)
        case .boolean(let b): return b ? "true" : "false"
        case .duration(let ns), .instant(let ns): return seconds(ns)
        case .keyed(let entries):
            return "{" + entries.map { e in
                jsonString(e.key) + ":" + (e.isList ? "[" + e.numbers.map(String.init).joined(separator: ",") + "]" : e.numbers.map(String.init).joined())
            }.joined(separator: ",") + "}"
        }
    }

    /// A number without exponent and without trailing zeros; NaN and the infinities as
    /// `nonFinite` writes them.
    static func jsonNumber(_ value: Double, decimals: Int) -> String {
        value.isFinite ? NumberText.trimmed(value, decimals: decimals) : nonFinite(value)
    }

    /// JSON has no number for NaN and the infinities: strings, as PostgreSQL's `to_json`
    /// writes them ("Infinity", "-Infinity", "NaN"), not null, which is what a missing value is.
    static func nonFinite(_ value: Double) -> String {
        value.isNaN ? "\"NaN\"" : (value > 0 ? "\"Infinity\"" : "\"-Infinity\"")
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Column names as snake_case keys, made unique with `_2`, `_3` in column order.
    static func jsonKeys(_ names: [String]) -> [String] {
        var used: [String] = []
        return names.enumerated().map { index, name in
            let base = snakeCase(name).isEmpty ? "column_\(index + 1)" : snakeCase(name)
            var key = base
            var n = 2
            while used.contains(key) { key = "\(base)_\(n)"; n += 1 }
            used.append(key)
            return key
        }
    }

    /// `busyTimeMsPerSecond` → `busy_time_ms_per_second`, `Rows In` → `rows_in`, `depth/cap` → `depth_cap`.
    public static func snakeCase(_ name: String) -> String {
        var out = ""
        var boundary = false
        var previousLowerOrDigit = false
        for ch in name {
            if ch.isLetter || ch.isNumber || ch == "_" {
                if ch == "_" { boundary = true; previousLowerOrDigit = false; continue }
                if ch.isUppercase && previousLowerOrDigit { boundary = true }
                if boundary && !out.isEmpty { out += "_" }
                boundary = false
                out += ch.lowercased()
                previousLowerOrDigit = ch.isLowercase || ch.isNumber
            } else {
                boundary = true
                previousLowerOrDigit = false
            }
        }
        return out
    }

    /// The text of a value in csv (and other data formats): bars as their fraction.
    static func dataText(_ value: ResultValue, csv: Bool) -> String {
        switch value {
        case .null, .missing, .absent: return ""
        case .text(let s): return s
        case .int(let v): return String(v)
        case .double(let v, let decimals): return NumberText.fixed(v, decimals: decimals)
        case .bar(let fraction, _): return NumberText.trimmed(fraction, decimals: 6)
        case .level(let level): return level.rawValue
        case .lines(let lines): return lines.joined(separator: "; ")
        case .setting(let s): return s
        case .real(let v): return exactText(v)
        case .boolean(let b): return b ? "t" : "f"
        case .duration(let ns), .instant(let ns): return seconds(ns)
        // As the json object: names may hold spaces and `=`, which `a=1 b=2` could not carry.
        case .keyed: return jsonValue(value)
        }
    }

    /// Virtual nanoseconds as a number of seconds, every digit it has (`0.7105`, `3`).
    static func seconds(_ ns: Int64) -> String {
        NumberText.trimmed(Double(ns) / 1e9, decimals: 9)
    }

    /// A double with every digit it needs to read back the same (Swift's shortest
    /// round-trip form: `0.3333333333333333`, `1e-05`), for data meant for other programs.
    static func exactText(_ v: Double) -> String {
        v.isFinite && v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
    }

    /// Points sorted by x (stable for equal x), non-finite points dropped.
    static func sortedPoints(_ series: ChartSeriesSpec) -> [ChartPointSpec] {
        series.points.enumerated()
            .filter { $0.element.x.isFinite && $0.element.y.isFinite }
            .sorted { $0.element.x != $1.element.x ? $0.element.x < $1.element.x : $0.offset < $1.offset }
            .map(\.element)
    }
}
