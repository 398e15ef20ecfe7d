// The output model: every command's result is a list of `OutputBlock`s, and one
// `Renderer` turns them into text for the terminal, a transcript or a notebook.
//
//   OutputBlock ── table(ResultTable) ── ResultColumn, ResultValue, BackpressureLevel
//              ├── text / notice
//              ├── chart(ChartSpec)      (ChartSpec.swift, drawn by ChartDrawing)
//              └── error(ErrorReport)

/// One piece of a command's result, in the order it should be shown.
public enum OutputBlock: Sendable, Equatable, Codable {
    /// A result set: `SHOW QUEUES`, `SELECT`, `SHOW ALL`, ….
    case table(ResultTable)
    /// Preformatted text shown as is (`EXPLAIN`); on a terminal, a line too long wraps at words.
    case text(String)
    /// Text that wraps to the width it is rendered for (`.help`): each line is a paragraph,
    /// or a line laid out by hand (indented, or in columns), which wraps under its own text.
    case prose(String)
    /// The dataflow graph (`SHOW GRAPH`), drawn at the width it is rendered for.
    case graph(GraphSpec)
    /// A line chart over virtual time (`PLOT`).
    case chart(ChartSpec)
    /// A short status line (`CREATE SOURCE`, `RUN stopped at 3.200s`).
    case notice(String)
    /// A failed statement: message, the statement with a caret, and a hint.
    case error(ErrorReport)
    /// One line about something that went wrong beside the statement, which itself ran
    /// (`warning: cell 7 was not saved: …`); written to stderr with the errors.
    case warning(String)
}

/// A result set with named columns; `footer` is an extra line under the row count.
public struct ResultTable: Sendable, Equatable, Codable {
    /// Shown above the table (table and markdown modes).
    public var title: String?
    public var columns: [ResultColumn]
    /// Each row has one value per column; short rows are padded with `NULL`.
    public var rows: [[ResultValue]]
    /// Shown under the `(N rows)` line (table and markdown modes).
    public var footer: String?

    /// Creates a table.
    public init(title: String? = nil, columns: [ResultColumn], rows: [[ResultValue]], footer: String? = nil) {
        self.title = title
        self.columns = columns
        self.rows = rows
        self.footer = footer
    }
}

/// A column of a `ResultTable`.
public struct ResultColumn: Sendable, Equatable, Codable {
    /// How a column's cells line up. Numbers are right-aligned whatever the column says.
    public enum Alignment: String, Sendable, Equatable, Codable {
        case left, right
    }

    /// The header text; in JSON output it becomes a snake_case key.
    public var name: String
    public var alignment: Alignment

    /// Creates a column; left-aligned unless told otherwise.
    public init(_ name: String, alignment: Alignment = .left) {
        self.name = name
        self.alignment = alignment
    }

    /// Creates a column (labelled form).
    public init(name: String, alignment: Alignment = .left) {
        self.init(name, alignment: alignment)
    }
}

/// One cell of a `ResultTable`.
public enum ResultValue: Sendable, Equatable, Codable {
    case null
    /// Nothing to show: a rate over a metrics window no virtual time has passed in yet, the
    /// input queue of an actor that has none. `-` in tables, an empty field in csv, null in json.
    case missing
    case text(String)
    case int(Int64)
    /// A number shown with exactly `decimals` digits after the point in tables.
    case double(Double, decimals: Int)
    /// A fill bar like `████░░░░░░ 512/2048`: `fraction` in 0…1, `label` after it.
    case bar(fraction: Double, label: String)
    /// A backpressure level, shown `OK` / `LOW` / `HIGH` (coloured on a terminal).
    case level(BackpressureLevel)
    /// Several short texts in one cell (a barrier's places): one per line in a box table,
    /// joined by "; " in csv and markdown, an array of strings in json.
    case lines([String])
    /// A session variable's value (`42`, `true`, `credit`): text in tables, as psql shows
    /// settings, and in json a number or a boolean when it reads as one.
    case setting(String)
    /// A DOUBLE of query data: two decimals in tables, every digit in csv and json.
    case real(Double)
    /// A BOOLEAN of query data: `t` / `f` in tables and csv (as psql), `true` / `false` in json.
    case boolean(Bool)
    /// A stretch of virtual time in nanoseconds: `710.5ms` in tables, a number of seconds in
    /// csv and json (`0.7105`), so that programs compare and sort it.
    case duration(Int64)
    /// A point in virtual time in nanoseconds: `1.000s` in tables, seconds in csv and json.
    case instant(Int64)
    /// No number where a column holds numbers, for a reason its text gives: a sink's
    /// `unlimited` throughput, a log kept `forever`. The text in tables, an empty field in
    /// csv, null in json: a program reading the column finds numbers or nothing.
    case absent(String)
    /// Numbers by name (a checkpoint's offsets per source actor, its state rows per actor):
    /// `a=1 b=2/3` in tables and csv, an object in json (`{"a":1,"b":[2,3]}`).
    case keyed([KeyedNumbers])

    /// Prose a narrow terminal may cut (`…`) without losing a figure: text, lists, names.
    var isText: Bool {
        switch self {
        case .text, .setting, .lines, .keyed, .null, .missing, .absent: true
        case .int, .double, .real, .boolean, .bar, .level, .duration, .instant: false
        }
    }

    /// How full a bounded queue is, as a bar: `████░░░░░░ 4/10 buffers`. A capacity of 0 is a
    /// bound like any other (a credit channel with no exclusive buffer and none of its gate's
    /// floating ones left can take nothing): an empty bar, `0/0 buffers`. Only a queue without
    /// a capacity (nil) is unbounded, and callers show that as text.
    static func fill(_ used: Int, of capacity: Int, _ unit: String) -> ResultValue {
        let fraction = capacity > 0 ? Double(used) / Double(capacity) : (used > 0 ? 1 : 0)
        return .bar(fraction: fraction, label: "\(used)/\(capacity) \(unit)")
    }
}

/// One entry of `ResultValue.keyed`: a name and its number, or its list of numbers (one per
/// partition, say), which stays a list in json even when it has one element.
public struct KeyedNumbers: Sendable, Equatable, Codable {
    public var key: String
    public var numbers: [Int64]
    public var isList: Bool

    public init(_ key: String, _ number: Int64) {
        self.key = key
        numbers = [number]
        isList = false
    }

    public init(_ key: String, list: [Int64]) {
        self.key = key
        numbers = list
        isList = true
    }

    /// `key=1` or `key=1/2/3`.
    var text: String { "\(key)=" + numbers.map(String.init).joined(separator: "/") }
}

/// Flink's web UI classification of how much of the time a task was backpressured.
public enum BackpressureLevel: String, Sendable, Equatable, Codable, CaseIterable {
    case ok = "OK"
    case low = "LOW"
    case high = "HIGH"

    /// Flink's thresholds on the backpressured-time ratio: OK ≤ 0.10 < LOW ≤ 0.5 < HIGH.
    public static func from(ratio: Double) -> BackpressureLevel {
        if ratio.isNaN || ratio <= 0.10 { return .ok }
        if ratio <= 0.5 { return .low }
        return .high
    }
}

/// A failed statement, rendered as `[location: ]ERROR: message`, the context, then `HINT: hint`.
public struct ErrorReport: Sendable, Equatable, Codable, Error {
    /// One line saying what went wrong.
    public var message: String
    /// The statement line(s) with a caret line under the offending token, preformatted.
    public var context: String?
    /// What to do about it.
    public var hint: String?
    /// `file.sql:8`: where in a script file the failed statement is (batch mode), shown
    /// before `ERROR:` as psql does; nil elsewhere.
    public var location: String?

    /// Creates an error report.
    public init(message: String, context: String? = nil, hint: String? = nil, location: String? = nil) {
        self.message = message
        self.context = context
        self.hint = hint
        self.location = location
    }
}

/// The output formats of `.mode` and `--mode`.
public enum OutputMode: String, Sendable, Equatable, Codable, CaseIterable {
    case table, markdown, csv, json

    /// csv and json are for other programs: standard output carries results only, and the
    /// rest (status lines, errors) goes to standard error (`Renderer+Streams.swift`).
    public var isData: Bool { self == .csv || self == .json }
}

/// How `Renderer` draws: the mode, ANSI colours (the caller decides: a terminal and no
/// `NO_COLOR`), and the terminal width in columns for charts and graphs.
public struct RenderOptions: Sendable, Equatable {
    public var mode: OutputMode
    public var color: Bool
    public var width: Int
    /// Box tables wider than `width` narrow their text columns to fit, wrapping long texts
    /// at words, and long lines of text wrap too (a terminal, where a wider line wraps into a
    /// mess); otherwise only charts, graphs and prose take the width, and tables keep every
    /// character (scripts, recordings).
    public var fitsTables: Bool

    /// Creates options; the defaults give plain, 80-column box tables.
    public init(mode: OutputMode = .table, color: Bool = false, width: Int = 80, fitsTables: Bool = false) {
        self.mode = mode
        self.color = color
        self.width = width
        self.fitsTables = fitsTables
    }

    /// How a cell's output is recorded in a session, whatever the display's mode, colour or
    /// width: plain 80-column box tables. A replay renders the same way, so its output
    /// compares byte for byte with the recording on any terminal, and an export shows the
    /// same tables everywhere.
    public static let notebook = RenderOptions(mode: .table, color: false, width: 80)
}

/// A run of rendered output that goes to one stream: results to stdout; errors (and, in
/// csv and json modes, everything that is not a result) to stderr.
public struct RenderedPiece: Sendable, Equatable {
    public var text: String
    /// Written to standard error rather than standard output.
    public var toStandardError: Bool

    public init(text: String, toStandardError: Bool) {
        self.text = text
        self.toStandardError = toStandardError
    }
}
