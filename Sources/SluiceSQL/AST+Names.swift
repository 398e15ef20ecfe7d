// MARK: Identifiers

/// A name as written in a statement: lower-cased unless it was double-quoted.
/// Dotted actor names (`spend.agg.0`) are one identifier whose name keeps the dots.
public struct Identifier: Sendable, Hashable, CustomStringConvertible {
    /// The name: lower-cased for unquoted words, exact for `"Quoted"` ones.
    public var name: String
    /// Where it was written.
    public var range: SourceRange

    /// An identifier given directly (`range` defaults to the start of the buffer).
    public init(_ name: String, range: SourceRange = .at(0)) {
        self.name = name
        self.range = range
    }

    /// The name as it must be written to read back the same: quoted when it is not a plain
    /// lower-case word or collides with a reserved word.
    public var sql: String {
        Identifier.needsQuotes(name) ? name.sqlQuoted("\"") : name
    }

    public var description: String { name }

    static func needsQuotes(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || ("a"..."z").contains(first) else { return true }
        let plain = name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        return !plain || Keywords.reserved.contains(name)
    }
}

// MARK: WITH options

/// The value of a `WITH (key = value)` option or of `SET name = value`, as written.
/// Interpreting it (as a rate, a cost, a pattern...) is the planner's job, through the
/// helpers of ``Literals`` and ``OptionValue/duration(defaultUnit:)`` and friends.
public enum OptionValue: Sendable, Hashable, CustomStringConvertible {
    /// A number, possibly negative, possibly with a fraction; `text` is as written (`2000`, `-1`, `1.5`).
    case number(Double, text: String)
    /// A single-quoted string's contents.
    case string(String)
    /// A bare word such as `credit` or `aligned`, lower-cased; or a double-quoted name.
    case identifier(String)
    /// `TRUE`/`FALSE` (or `ON`/`OFF`).
    case boolean(Bool)
    /// A bare duration such as `30s`, in nanoseconds; `text` is as written.
    case duration(Int64, text: String)

    /// The value as SQL: `2000`, `'poisson'`, `credit`, `true`, `30s`.
    public var sql: String {
        switch self {
        case .number(_, let text): text
        case .string(let s): s.sqlQuoted("'")
        case .identifier(let name) where ["on", "off", "default"].contains(name): name.sqlQuoted("\"")
        case .identifier(let name): Identifier(name).sql
        case .boolean(let b): b ? "true" : "false"
        case .duration(_, let text): text
        }
    }

    /// The value as text for messages and for the literal parsers: `poisson`, not `'poisson'`.
    public var text: String {
        switch self {
        case .string(let s): s
        case .identifier(let name): name
        default: sql
        }
    }

    public var description: String { sql }
}

/// One `key = value` of a `WITH (...)` or `SET (...)` list.
public struct WithOption: Sendable, Hashable {
    /// The option name, lower-cased; dotted keys (`a.b`) keep their dots.
    public var key: Identifier
    /// The value as written.
    public var value: OptionValue
    /// Where the value was written, for errors about it.
    public var valueRange: SourceRange

    /// An option given directly.
    public init(key: Identifier, value: OptionValue, valueRange: SourceRange) {
        self.key = key
        self.value = value
        self.valueRange = valueRange
    }

    /// `key = value`.
    public var sql: String { "\(key.sql) = \(value.sql)" }
}

// MARK: Columns

/// The column types a source or table may declare.
public enum ColumnType: String, Sendable, Hashable, CaseIterable {
    case int = "INT"
    case bigint = "BIGINT"
    case double = "DOUBLE"
    case varchar = "VARCHAR"
    case boolean = "BOOLEAN"

    /// The type for a type name, case-insensitive, with the usual aliases: `INTEGER`, `INT4`;
    /// `INT8`; `FLOAT`, `FLOAT8`, `REAL`, `DOUBLE PRECISION` (given as `double`); `TEXT`, `STRING`; `BOOL`.
    public static func named(_ name: String) -> ColumnType? {
        switch name.lowercased() {
        case "int", "integer", "int4": .int
        case "bigint", "int8": .bigint
        case "double", "float", "float8", "real", "float4", "numeric", "decimal": .double
        case "varchar", "text", "string": .varchar
        case "boolean", "bool": .boolean
        default: nil
        }
    }

    /// Every name ``named(_:)`` accepts, for suggestions.
    public static let allNames = ["bigint", "bool", "boolean", "decimal", "double", "float", "float4", "float8",
                                  "int", "int4", "int8", "integer", "numeric", "real", "string", "text", "varchar"]
}

/// One column of `CREATE SOURCE` or `CREATE TABLE`.
public struct ColumnDef: Sendable, Hashable {
    /// The column name.
    public var name: Identifier
    /// Its type.
    public var type: ColumnType
    /// Declared `PRIMARY KEY`, inline or in a table constraint.
    public var primaryKey: Bool
    /// The whole definition, name to last keyword.
    public var range: SourceRange

    /// A column given directly.
    public init(name: Identifier, type: ColumnType, primaryKey: Bool = false, range: SourceRange? = nil) {
        self.name = name
        self.type = type
        self.primaryKey = primaryKey
        self.range = range ?? name.range
    }

    /// `name TYPE [PRIMARY KEY]`.
    public var sql: String { "\(name.sql) \(type.rawValue)" + (primaryKey ? " PRIMARY KEY" : "") }
}
