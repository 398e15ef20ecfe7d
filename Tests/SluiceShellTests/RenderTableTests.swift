import Foundation
import Testing
@testable import SluiceShell

/// The four renderings of one result table, and the other block kinds.
@Suite struct RenderTableTests {
    let queues = ResultTable(
        title: "queues",
        columns: [ResultColumn("channel"), ResultColumn("depth"), ResultColumn("Backpressure"), ResultColumn("rowsPerSecond")],
        rows: [
            [.text("clicks.src.0 -> spend.agg.0"), .bar(fraction: 0.25, label: "512/2048"), .level(.high), .double(1250.5, decimals: 1)],
            [.text("日本語"), .bar(fraction: 1, label: "2048/2048"), .level(.ok), .int(-3)],
            [.text("a,\"b\""), .bar(fraction: 0.001, label: ""), .null, .null],
        ],
        footer: "window: last 1s")

    @Test func boxTable() {
        let expected = """
        queues
        ┌─────────────────────────────┬──────────────────────┬──────────────┬───────────────┐
        │ channel                     │ depth                │ Backpressure │ rowsPerSecond │
        ├─────────────────────────────┼──────────────────────┼──────────────┼───────────────┤
        │ clicks.src.0 -> spend.agg.0 │ ███░░░░░░░ 512/2048  │ HIGH         │        1250.5 │
        │ 日本語                      │ ██████████ 2048/2048 │ OK           │            -3 │
        │ a,"b"                       │ █░░░░░░░░░           │ NULL         │          NULL │
        └─────────────────────────────┴──────────────────────┴──────────────┴───────────────┘
        (3 rows)
        window: last 1s

        """
        #expect(Renderer.render([.table(queues)]) == expected)
    }

    /// A `.lines` cell is one line per item in a box table, with a rule between rows so a
    /// row of several lines reads as one; the other formats keep one row per line.
    @Test func severalLinesInOneCell() {
        let barriers = ResultTable(
            columns: [ResultColumn("epoch", alignment: .right), ResultColumn("where")],
            rows: [[.int(8), .lines(["pending at a.source.0", "queued at a.agg.0 behind 1 row"])],
                   [.int(9), .lines(["pending at a.source.0"])]])
        #expect(Renderer.render([.table(barriers)]) == """
        ┌───────┬────────────────────────────────┐
        │ epoch │ where                          │
        ├───────┼────────────────────────────────┤
        │     8 │ pending at a.source.0          │
        │       │ queued at a.agg.0 behind 1 row │
        ├───────┼────────────────────────────────┤
        │     9 │ pending at a.source.0          │
        └───────┴────────────────────────────────┘
        (2 rows)

        """)
        #expect(Renderer.render([.table(barriers)], options: RenderOptions(mode: .csv)) == """
        epoch,where
        8,pending at a.source.0; queued at a.agg.0 behind 1 row
        9,pending at a.source.0

        """)
        #expect(Renderer.render([.table(barriers)], options: RenderOptions(mode: .json)) == """
        [{"epoch":8,"where":["pending at a.source.0","queued at a.agg.0 behind 1 row"]},{"epoch":9,"where":["pending at a.source.0"]}]

        """)
        let markdown = Renderer.render([.table(barriers)], options: RenderOptions(mode: .markdown))
        #expect(markdown.contains("|     8 | pending at a.source.0; queued at a.agg.0 behind 1 row |\n"))
    }

    @Test func rowCountIsSingularForOneRow() {
        let one = ResultTable(columns: [ResultColumn("n")], rows: [[.int(1)]])
        #expect(Renderer.render([.table(one)]).hasSuffix("(1 row)\n"))
        let none = ResultTable(columns: [ResultColumn("n")], rows: [])
        #expect(Renderer.render([.table(none)]) == "┌───┐\n│ n │\n├───┤\n└───┘\n(0 rows)\n")
    }

    @Test func colourOnlyWhenAsked() {
        let plain = Renderer.render([.table(queues)], options: RenderOptions(color: false))
        #expect(!plain.contains("\u{1B}["))
        let coloured = Renderer.render([.table(queues)], options: RenderOptions(color: true))
        #expect(coloured.contains("\u{1B}[31mHIGH\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[32mOK\u{1B}[0m"))
        // Colour never changes the layout: stripping escapes gives the plain table.
        #expect(stripANSI(coloured) == plain)
        let csv = Renderer.render([.table(queues)], options: RenderOptions(mode: .csv, color: true))
        #expect(!csv.contains("\u{1B}["))
    }

    @Test func markdown() {
        let t = ResultTable(columns: [ResultColumn("name"), ResultColumn("n")],
                            rows: [[.text("a|b"), .int(10)], [.text("c"), .double(2.5, decimals: 2)]])
        let expected = """
        | name | n    |
        |------|-----:|
        | a\\|b | 10   |
        | c    | 2.50 |

        """
        // Numbers are right-aligned by the markdown alignment row; cells are left-padded text.
        #expect(Renderer.render([.table(t)], options: RenderOptions(mode: .markdown))
                == expected.replacingOccurrences(of: "| 10   |", with: "|   10 |")
                           .replacingOccurrences(of: "| n    |", with: "|    n |"))
    }

    /// A bar gives the numbers it shows, as json does: count, capacity and unit, not a fraction.
    @Test func csvQuotesPerRFC4180() {
        let out = Renderer.render([.table(queues)], options: RenderOptions(mode: .csv))
        #expect(out == #"""
        channel,depth,depth capacity,depth unit,Backpressure,rowsPerSecond
        clicks.src.0 -> spend.agg.0,512,2048,,HIGH,1250.5
        日本語,2048,2048,,OK,-3
        "a,""b""",,,,,

        """#)
        let multiline = ResultTable(columns: [ResultColumn("x")], rows: [[.text("one\ntwo")]])
        #expect(Renderer.render([.table(multiline)], options: RenderOptions(mode: .csv)) == "x\n\"one\ntwo\"\n")
    }

    /// One array on one line (JSON Lines), whatever the rows hold.
    @Test func jsonIsOneArrayWithSnakeCaseKeysInColumnOrder() {
        let out = Renderer.render([.table(queues)], options: RenderOptions(mode: .json))
        #expect(out == """
        [{"channel":"clicks.src.0 -> spend.agg.0","depth":512,"depth_capacity":2048,"depth_unit":null,"backpressure":"HIGH","rows_per_second":1250.5},\
        {"channel":"日本語","depth":2048,"depth_capacity":2048,"depth_unit":null,"backpressure":"OK","rows_per_second":-3},\
        {"channel":"a,\\"b\\"","depth":null,"depth_capacity":null,"depth_unit":null,"backpressure":null,"rows_per_second":null}]

        """)
        let empty = ResultTable(columns: [ResultColumn("a")], rows: [])
        #expect(Renderer.render([.table(empty)], options: RenderOptions(mode: .json)) == "[]\n")
    }

    @Test func jsonNumbersHaveNoExponentAndNoTrailingZeros() {
        #expect(Renderer.jsonValue(.double(12.50, decimals: 2)) == "12.5")
        #expect(Renderer.jsonValue(.double(3, decimals: 3)) == "3")
        #expect(Renderer.jsonValue(.double(123456789012.25, decimals: 2)) == "123456789012.25")
        #expect(Renderer.jsonValue(.double(0.0001, decimals: 4)) == "0.0001")
        #expect(Renderer.jsonValue(.double(-0.0001, decimals: 2)) == "0")
        // No JSON number for them: PostgreSQL's strings, not null (a missing value).
        #expect(Renderer.jsonValue(.double(.nan, decimals: 2)) == "\"NaN\"")
        #expect(Renderer.jsonValue(.double(.infinity, decimals: 2)) == "\"Infinity\"")
        #expect(Renderer.jsonValue(.real(-.infinity)) == "\"-Infinity\"")
        #expect(Renderer.jsonValue(.null) == "null")
        #expect(Renderer.jsonValue(.int(Int64.min)) == "-9223372036854775808")
        #expect(Renderer.jsonString("tab\there \u{1}") == "\"tab\\there \\u0001\"")
    }

    @Test func snakeCaseKeys() {
        #expect(Renderer.snakeCase("busyTimeMsPerSecond") == "busy_time_ms_per_second")
        #expect(Renderer.snakeCase("Rows In") == "rows_in")
        #expect(Renderer.snakeCase("depth/capacity") == "depth_capacity")
        #expect(Renderer.snakeCase("user_id") == "user_id")
        #expect(Renderer.snakeCase("p99") == "p99")
        #expect(Renderer.jsonKeys(["a b", "a_b", "", "A-B"]) == ["a_b", "a_b_2", "column_3", "a_b_3"])
    }

    @Test func errorsAndNotices() {
        let report = ErrorReport(message: "syntax error at or near \"FORM\"",
                                 context: "LINE 1: SELECT * FORM spend;\n                 ^",
                                 hint: "did you mean FROM?")
        let out = Renderer.render([.notice("CREATE SOURCE"), .notice("INJECT 10"), .error(report)])
        #expect(out == """
        CREATE SOURCE
        INJECT 10
        ERROR: syntax error at or near "FORM"
        LINE 1: SELECT * FORM spend;
                         ^
        HINT: did you mean FROM?

        """)
        #expect(Renderer.render([.error(ErrorReport(message: "boom"))]) == "ERROR: boom\n")
        #expect(Renderer.render([]) == "")
        #expect(Renderer.render([.text("")]) == "")
    }

    /// JSON gives the numbers a table shows: a bar's `10/10 buffers` as count, capacity and
    /// unit, the tables' `-` (a missing value) as null, a setting as a number or boolean; the table is unchanged.
    /// Query data keeps every digit of a DOUBLE in csv and json (two decimals in tables, never
    /// a non-zero 0.00), and
    /// a BOOLEAN is `t`/`f` in tables and csv (as psql) and `true`/`false` in json.
    @Test func queryDataIsExactInDataFormats() {
        let data = ResultTable(columns: [ResultColumn("x", alignment: .right), ResultColumn("b")],
                               rows: [[.real(1.0 / 3), .boolean(true)], [.real(2), .boolean(false)], [.real(1e-5), .null]])
        #expect(Renderer.render([.table(data)], options: RenderOptions(mode: .csv)) == "x,b\n0.3333333333333333,t\n2,f\n1e-05,\n")
        #expect(Renderer.render([.table(data)], options: RenderOptions(mode: .json))
                == "[{\"x\":0.3333333333333333,\"b\":true},{\"x\":2,\"b\":false},{\"x\":1e-05,\"b\":null}]\n")
        // Two decimals in a table, but a value too small for them keeps three significant digits.
        #expect(Renderer.render([.table(data)]).contains("│  0.33 │ t    │"))
        #expect(Renderer.render([.table(data)]).contains("│ 1e-05 │ NULL │"))
    }

    @Test func jsonGivesTheNumbersBarsAndSettingsShow() {
        let actors = ResultTable(columns: [ResultColumn("actor"), ResultColumn("input queue"), ResultColumn("note")], rows: [
            [.text("v.source.0"), .missing, .missing],
            [.text("v.agg.0"), .bar(fraction: 1, label: "10/10 buffers"), .text("x")],
            [.text("v.log.0"), .text("37 rows"), .text("y")],
            [.text("q"), .text("unbounded"), .null],
        ])
        #expect(Renderer.render([.table(actors)], options: RenderOptions(mode: .json)) == """
            [{"actor":"v.source.0","input_queue":null,"input_queue_capacity":null,"input_queue_unit":null,"note":null},\
            {"actor":"v.agg.0","input_queue":10,"input_queue_capacity":10,"input_queue_unit":"buffers","note":"x"},\
            {"actor":"v.log.0","input_queue":37,"input_queue_capacity":null,"input_queue_unit":"rows","note":"y"},\
            {"actor":"q","input_queue":null,"input_queue_capacity":null,"input_queue_unit":null,"note":null}]

            """)
        // `-` as data (a VARCHAR holding it) is a string, not the tables' placeholder.
        let dash = ResultTable(columns: [ResultColumn("s")], rows: [[.text("-")], [.missing]])
        #expect(Renderer.render([.table(dash)], options: RenderOptions(mode: .json)) == "[{\"s\":\"-\"},{\"s\":null}]\n")
        #expect(Renderer.render([.table(dash)], options: RenderOptions(mode: .csv)) == "s\n-\n\"\"\n", "not a blank line: that separates results")
        #expect(Renderer.render([.table(dash)]).contains("│ - │\n│ - │"))
        #expect(Renderer.render([.table(actors)]).contains("│ v.agg.0    │ ██████████ 10/10 buffers │ x    │"))
        let settings = ResultTable(columns: [ResultColumn("seed"), ResultColumn("on"), ResultColumn("mode"), ResultColumn("big")],
                                   rows: [[.setting("42"), .setting("false"), .setting("credit"), .setting("18446744073709551615")]])
        #expect(Renderer.render([.table(settings)], options: RenderOptions(mode: .json))
                == #"[{"seed":42,"on":false,"mode":"credit","big":18446744073709551615}]"# + "\n")
        #expect(Renderer.render([.table(settings)], options: RenderOptions(mode: .csv)) == "seed,on,mode,big\n42,false,credit,18446744073709551615\n")
        // In a table a setting reads as text, as psql shows settings: left-aligned.
        #expect(Renderer.render([.table(settings)]).contains("│ 42   │ false │ credit │"))
    }

    /// An error between other blocks has no blank line around it, as between two cells, so
    /// output does not depend on whether statements shared a line.
    @Test func errorsHaveNoBlankLinesAroundThemAndMayNameTheirFile() {
        let table = ResultTable(columns: [ResultColumn("a")], rows: [[.int(1)]])
        let located = ErrorReport(message: "boom", context: "LINE 8: SELEC 1;\n        ^^^^^", location: "err.sql:8")
        #expect(Renderer.render([.notice("SET"), .error(located), .table(table)]) == """
            SET
            err.sql:8: ERROR: boom
            LINE 8: SELEC 1;
                    ^^^^^
            ┌───┐
            │ a │
            ├───┤
            │ 1 │
            └───┘
            (1 row)

            """)
        // Markdown keeps its blank lines: a fence must not touch a table.
        #expect(Renderer.render([.notice("SET"), .error(ErrorReport(message: "boom"))], options: RenderOptions(mode: .markdown))
                == "SET\n\n```\nERROR: boom\n```\n")
    }

    @Test func backpressureLevelsUseFlinkThresholds() {
        #expect(BackpressureLevel.from(ratio: 0) == .ok)
        #expect(BackpressureLevel.from(ratio: 0.10) == .ok)
        #expect(BackpressureLevel.from(ratio: 0.11) == .low)
        #expect(BackpressureLevel.from(ratio: 0.5) == .low)
        #expect(BackpressureLevel.from(ratio: 0.51) == .high)
        #expect(BackpressureLevel.from(ratio: 1) == .high)
    }

    @Test func barsShowSomethingAndNeverLookFullUnlessFull() {
        #expect(Renderer.barGlyphs(0) == ("", "░░░░░░░░░░"))
        #expect(Renderer.barGlyphs(0.001).full == "█")
        #expect(Renderer.barGlyphs(0.999).empty == "░")
        #expect(Renderer.barGlyphs(1) == ("██████████", ""))
        #expect(Renderer.barGlyphs(.nan) == ("", "░░░░░░░░░░"))
    }

    @Test func displayWidth() {
        #expect(TerminalText.width(of: "abc") == 3)
        #expect(TerminalText.width(of: "日本") == 4)
        #expect(TerminalText.width(of: "e\u{301}") == 1)      // e + combining acute
        #expect(TerminalText.width(of: "👍") == 2)
        #expect(TerminalText.width(of: "█░") == 2)
        #expect(TerminalText.truncate("abcdef", to: 4) == "abc…")
    }

    @Test func renderingIsDeterministic() {
        let a = Renderer.render([.table(queues)], options: RenderOptions(mode: .json))
        let b = Renderer.render([.table(queues)], options: RenderOptions(mode: .json))
        #expect(a == b)
    }
}

/// Removes ANSI SGR sequences.
func stripANSI(_ text: String) -> String {
    var out = ""
    var inEscape = false
    for scalar in text.unicodeScalars {
        if inEscape { if scalar == "m" { inEscape = false }; continue }
        if scalar == "\u{1B}" { inEscape = true; continue }
        out.unicodeScalars.append(scalar)
    }
    return out
}

/// On a terminal (`fitsTables`), a table wider than the terminal fits it: its text columns
/// narrow, long texts wrap at words (nothing is cut); a table whose figures alone are too wide shows one
/// record per row (psql's expanded display). Elsewhere tables keep every character.
@Suite("box tables fit the terminal")
struct FittedTableTests {
    let table = ResultTable(
        columns: [ResultColumn("name"), ResultColumn("n"), ResultColumn("description")],
        rows: [[.text("flow_control"), .int(2), .text("credit (Flink), permits (RisingWave), tcp (Flink before 1.5)")],
               [.text("seed"), .int(42), .text("the one source of randomness")]],
        footer: "a footer long enough that it has to be wrapped at a narrow width")

    @Test func textColumnsNarrowAndWrapAtWords() {
        let out = Renderer.render([.table(table)], options: RenderOptions(width: 60, fitsTables: true))
        #expect(out == """
        ┌──────────────┬────┬──────────────────────────────────────┐
        │ name         │  n │ description                          │
        ├──────────────┼────┼──────────────────────────────────────┤
        │ flow_control │  2 │ credit (Flink), permits              │
        │              │    │ (RisingWave), tcp (Flink before 1.5) │
        ├──────────────┼────┼──────────────────────────────────────┤
        │ seed         │ 42 │ the one source of randomness         │
        └──────────────┴────┴──────────────────────────────────────┘
        (2 rows)
        a footer long enough that it has to be wrapped at a narrow
        width

        """, "\(out)")
        #expect(out.split(separator: "\n").allSatisfy { TerminalText.width(of: String($0)) <= 60 })
    }

    @Test func tooManyFiguresGiveOneRecordPerRow() {
        let wide = ResultTable(columns: (1...12).map { ResultColumn("column \($0)") }, rows: [(1...12).map { .int(Int64($0 * 1000)) }])
        let out = Renderer.render([.table(wide)], options: RenderOptions(width: 60, fitsTables: true))
        #expect(out.hasPrefix("""
        ┌─[ RECORD 1 ]─┬───────┐
        │ column 1     │ 1000  │
        │ column 2     │ 2000  │
        """), "\(out)")
        #expect(out.hasSuffix("│ column 12    │ 12000 │\n└──────────────┴───────┘\n(1 row)\n"), "\(out)")
    }

    /// In a record, a long value wraps (nothing is cut: two actors with one long prefix stay
    /// apart), and so does a long column name; every line fits.
    @Test func aRecordWrapsWhatDoesNotFit() {
        let actors = ResultTable(columns: [ResultColumn("actor"), ResultColumn("backPressuredTimeMsPerSecond")],
                                 rows: [[.text("by_customer_with_a_rather_long_name.agg.0"), .int(1000)],
                                        [.text("by_customer_with_a_rather_long_name.agg.1"), .int(0)]])
        let out = Renderer.render([.table(actors)], options: RenderOptions(width: 40, fitsTables: true))
        #expect(out.split(separator: "\n").allSatisfy { TerminalText.width(of: String($0)) <= 40 }, "\(out)")
        let joined = out.filter { $0 != "│" && $0 != " " && $0 != "\n" }
        #expect(joined.contains("by_customer_with_a_rather_long_name.agg.0") && joined.contains("by_customer_with_a_rather_long_name.agg.1"), "\(out)")
        #expect(!out.contains("…"))
    }

    /// Text (DIAGNOSE's advice, EXPLAIN) on a terminal wraps at words, each piece under its
    /// line's text; in scripts and recordings it stays as it is.
    @Test func longTextLinesWrapUnderTheirText() {
        let advice = OutputBlock.text("What to try:\n  - ALTER SINK crm SET (batch = 100) pays the latency once per 100 rows")
        let out = Renderer.render([advice], options: RenderOptions(width: 40, fitsTables: true))
        #expect(out == """
            What to try:
              - ALTER SINK crm SET (batch = 100)
                pays the latency once per 100 rows

            """, "\(out)")
        #expect(Renderer.render([advice], options: RenderOptions(width: 40)).contains("(batch = 100) pays the latency"))
        // Indented past the label column (or past the width) and with colons: no crash, all kept.
        let deep = String(repeating: " ", count: 30) + "x: " + String(repeating: "word ", count: 20)
        for width in [10, 40, 80] {
            let out = Renderer.render([.prose(deep)], options: RenderOptions(width: width))
            #expect(out.split(whereSeparator: \.isWhitespace).filter { $0 == "word" }.count == 20, "\(out)")
        }
        let help = OutputBlock.prose("Define   CREATE SOURCE s (col type, ...) [WITH (rate = n)];")
        #expect(Renderer.render([help], options: RenderOptions(width: 40)) == """
            Define   CREATE SOURCE s (col type, ...)
                     [WITH (rate = n)];

            """)
    }

    /// An error's message and hint wrap at words on a terminal, under their text; the
    /// statement and its caret stay as they are.
    @Test func errorsWrapUnderTheirText() {
        let report = ErrorReport(message: "relation \"nowhere\" does not exist", context: "LINE 1: SELECT * FROM nowhere;\n                      ^^^^^^^",
                                 hint: "SHOW SOURCES, SHOW VIEWS and SHOW SINKS list what exists, and so does SHOW TABLES")
        let out = Renderer.render([.error(report)], options: RenderOptions(width: 40, fitsTables: true))
        #expect(out == """
            ERROR: relation "nowhere" does not exist
            LINE 1: SELECT * FROM nowhere;
                                  ^^^^^^^
            HINT: SHOW SOURCES, SHOW VIEWS and SHOW
                  SINKS list what exists, and so
                  does SHOW TABLES

            """, "\(out)")
        #expect(Renderer.render([.error(report)], options: RenderOptions(width: 40)).contains("SHOW VIEWS and SHOW SINKS list"))
    }

    @Test func scriptsAndRecordingsKeepEveryCharacter() {
        let out = Renderer.render([.table(table)], options: RenderOptions(width: 60))
        #expect(out.contains("credit (Flink), permits (RisingWave), tcp (Flink before 1.5)"))
        #expect(RenderOptions.notebook.fitsTables == false)
    }
}

/// What a session file or a statement holds never drives the terminal: control characters in
/// notices, text, warnings and errors print as `�`.
@Suite("control characters are shown, not sent")
struct VisibleTextTests {
    @Test func everyKindOfBlockShowsThemAsReplacementCharacters() {
        let escape = "\u{1B}]0;owned\u{07}\u{1B}[2J"
        let out = Renderer.render([.notice("n " + escape), .text("t " + escape), .warning("w " + escape),
                                   .error(ErrorReport(message: "e " + escape, context: "c " + escape, hint: "h " + escape))],
                                  options: RenderOptions())
        #expect(!out.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(out)")
        #expect(out.contains("n \u{FFFD}]0;owned\u{FFFD}\u{FFFD}[2J"))
        #expect(TerminalText.visible("a\tb\nc\r\n") == "a\tb\nc\n")
        #expect(TerminalText.visible("red\ry") == "red\u{FFFD}y")
    }

    /// A megabyte-long name quoted in a message is cut to a line a terminal can show.
    @Test func anErrorLineIsBounded() {
        let name = String(repeating: "a", count: 5000)
        let out = Renderer.render([.error(ErrorReport(message: "relation \"\(name)\" does not exist", hint: name))], options: RenderOptions())
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { TerminalText.width(of: $0) <= Renderer.maxErrorLine + 7 }, "\(lines.map(\.count))")
        #expect(lines[0].hasSuffix("…"))
    }
}

/// SHOW GRAPH's boxes keep the end of an actor's name, which tells it from its siblings.
@Suite("names cut in the middle")
struct MiddleCutTests {
    @Test func theEndOfANameStays() {
        #expect(TerminalText.truncateMiddle("by_customer_with_a_rather_long_name.source.0", to: 16) == "by_custo…ource.0")
        #expect(TerminalText.truncateMiddle("short.agg.0", to: 16) == "short.agg.0")
        #expect(TerminalText.width(of: TerminalText.truncateMiddle("点击流按地区汇总的非常长的名字.agg.1", to: 16)) <= 16)
        #expect(TerminalText.truncateMiddle("点击流按地区汇总的非常长的名字.agg.1", to: 16).hasSuffix(".agg.1"))
    }
}

/// On a terminal, a cell of several entries (a barrier's places) wraps rather than cuts,
/// each wrapped entry indented under its start, so every place keeps its end.
@Suite("entries wrap under their start")
struct WrappedEntriesTests {
    @Test func eachPlaceKeepsItsEnd() {
        let places = ResultTable(columns: [ResultColumn("epoch"), ResultColumn("where")],
                                 rows: [[.int(4), .lines(["queued at crm.sink.0 from big_spenders.agg.0 behind 116 rows",
                                                          "queued at crm.sink.0 from big_spenders.agg.1 behind 146 rows"])]])
        let out = Renderer.render([.table(places)], options: RenderOptions(width: 50, fitsTables: true))
        #expect(out.split(separator: "\n").allSatisfy { TerminalText.width(of: String($0)) <= 50 }, "\(out)")
        #expect(out.contains("behind 116 rows") && out.contains("behind 146 rows"), "\(out)")
        #expect(out.contains("│       │   "), "continuations are indented: \(out)")
        #expect(!out.contains("…"))
    }
}
