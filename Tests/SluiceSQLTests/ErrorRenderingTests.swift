import Testing
@testable import SluiceSQL

@Suite("rendered errors")
struct ErrorRenderingTests {
    @Test func misspeltStatementKeyword() {
        #expect(rendered("SELEKT * FROM spend;") == """
            ERROR: unknown statement 'SELEKT'
            LINE 1: SELEKT * FROM spend;
                    ^^^^^^
            HINT: did you mean SELECT?
            """)
    }

    @Test func misspeltClauseKeyword() {
        #expect(rendered("SELECT * FROM spend GROPU BY user_id;") == """
            ERROR: expected ';' or a clause after the query, found 'GROPU'
            LINE 1: SELECT * FROM spend GROPU BY user_id;
                                        ^^^^^
            HINT: did you mean GROUP BY?
            """)
    }

    @Test func unterminatedStringInAStatementThatIsOtherwiseComplete() {
        // Interactively this is incomplete (the ';' is inside the string); in a script it is an error.
        let sql = "SET flow_control = 'credit;"
        #expect(parse(sql) == .incomplete)
        guard case .failure(let error) = parseScript(sql)[0].result else { Issue.record("expected an error"); return }
        #expect(error.render(in: sql) == """
            ERROR: unterminated quoted string
            LINE 1: SET flow_control = 'credit;
                                       ^^^^^^^^
            HINT: close it with '; write '' for a ' inside
            """)
    }

    @Test func badDuration() {
        #expect(rendered("STEP 10parsecs;") == """
            ERROR: invalid duration '10parsecs': unknown unit 'parsecs'
            LINE 1: STEP 10parsecs;
                         ^^^^^^^^^
            HINT: write a number and a unit, such as 250ms, 1.5s or 2m (units: ns, us, ms, s, m, h)
            """)
        #expect(message("RUN 1.5ns;") == "duration '1.5ns' is not a whole number of nanoseconds")
    }

    @Test func outerJoin() {
        #expect(rendered("SELECT * FROM clicks c LEFT OUTER JOIN users u ON c.user_id = u.user_id;") == """
            ERROR: LEFT OUTER JOIN is not supported: only inner equi-joins are supported
            LINE 1: SELECT * FROM clicks c LEFT OUTER JOIN users u ON c.user_id = u.user_id;
                                           ^^^^^^^^^^^^^^^
            HINT: write JOIN t ON a.key = t.key; rows without a match are not kept
            """)
    }

    @Test func subquery() {
        #expect(rendered("SELECT * FROM (SELECT * FROM clicks) c;") == """
            ERROR: subqueries are not supported; create a materialized view and select from it
            LINE 1: SELECT * FROM (SELECT * FROM clicks) c;
                                  ^^^^^^^^^^^^^^^^^^^^^^
            """)
    }

    @Test func windowFunction() {
        #expect(rendered("SELECT user_id, sum(amount) OVER (PARTITION BY user_id) FROM clicks;") == """
            ERROR: window functions (OVER) are not supported
            LINE 1: SELECT user_id, sum(amount) OVER (PARTITION BY user_id) FROM clicks;
                                                ^^^^^^^^^^^^^^^^^^^^^^^^^^^
            HINT: aggregate with GROUP BY in a materialized view instead
            """)
    }

    @Test func missingFrom() {
        #expect(rendered("SELECT user_id, amount;") == """
            ERROR: expected FROM after the select list, found ';'
            LINE 1: SELECT user_id, amount;
                                          ^
            HINT: a query reads from a source, table or view: SELECT ... FROM name
            """)
    }

    @Test func trailingGarbage() {
        #expect(rendered("STEP 10 20;") == """
            ERROR: expected ';' after STEP 10, found '20'
            LINE 1: STEP 10 20;
                            ^^
            """)
        #expect(rendered("SELECT * FROM spend LIMIT 5 garbage;") == """
            ERROR: expected ';' or a clause after the query, found 'garbage'
            LINE 1: SELECT * FROM spend LIMIT 5 garbage;
                                                ^^^^^^^
            """)
    }

    @Test func errorOnALaterLine() {
        let sql = "CREATE MATERIALIZED VIEW v AS\n  SELECT *\n  FROM t\n  WHRE x > 1;"
        #expect(rendered(sql) == """
            ERROR: expected ';' or a clause after the query, found 'WHRE'
            LINE 4:   WHRE x > 1;
                      ^^^^
            HINT: did you mean WHERE?
            """)
        #expect(parseError(sql)?.range?.position(in: sql) == SourcePosition(line: 4, column: 3))
    }

    /// A cell that starts on line 4 of a file counts the file's lines.
    @Test func contextCountsFromTheCellsFirstLine() {
        let cell = "SHOW\n  nodes\n  frob;"
        guard let error = parseError(cell) else { return }
        #expect(error.context(in: cell, firstLine: 4) == "LINE 6:   frob;\n          ^^^^")
        #expect(error.context(in: cell) == "LINE 3:   frob;\n          ^^^^")
    }

    @Test func helpAndPsqlHabits() {
        #expect(statement("HELP;") == .help(topic: nil))
        #expect(statement("help flow_control;") == .help(topic: "flow_control"))
        #expect(statement("HELP tcp;")?.sql == "HELP tcp")
        #expect(text(parsed("HELP  kafka;").first?.valueRange, in: "HELP  kafka;") == "kafka", "an unknown topic's error points at it")
        #expect(message("HELP 1;") == "expected a topic or ';' after HELP, found '1'")
        #expect(statement("HELP CREATE  Materialized VIEW;") == .help(topic: "create materialized view"))
        #expect(statement("help create sink;")?.sql == "HELP create sink")
        #expect(text(parsed("HELP crate  source;").first?.valueRange, in: "HELP crate  source;") == "crate  source",
                "the error points at every word of the topic")
        #expect(message("HELP create 1;") == "expected a word of the topic or ';', found '1'")
        #expect(parseError("HELO;")?.hint == "did you mean HELP?")
        #expect(parseError("FROBNICATE;")?.hint?.hasSuffix("; .help lists them and the dot-commands") == true)
        #expect(rendered("QUIT;") == """
            ERROR: QUIT is not supported
            LINE 1: QUIT;
                    ^^^^
            HINT: type .quit (or press Ctrl-D) to leave the shell
            """)
        #expect(parseError("exit;")?.hint == "type .quit (or press Ctrl-D) to leave the shell")
        #expect(parseError("\\q;")?.hint == "backslash commands are psql's; Sluice's are dot-commands: .help, .quit")
        #expect(message("\\?;") == "unexpected character '\\'")
    }

    @Test func caretUnderTabsAndWideCharacters() {
        let sql = "SELECT\t'é', '日本' ,\tx FROM t WHERE $ = 1;"
        func spaces(_ n: Int) -> String { String(repeating: " ", count: n) }
        let carets = spaces(8) + spaces(6) + "\t" + spaces(5) + spaces(6) + spaces(2) + "\t" + spaces(15) + "^"
        #expect(rendered(sql) == "ERROR: unexpected character '$'\nLINE 1: \(sql)\n" + carets)
        let dollar = sql.utf8.distance(from: sql.utf8.startIndex, to: sql.utf8.firstIndex(of: UInt8(ascii: "$"))!)
        #expect(SourceRange.at(dollar).position(in: sql) == SourcePosition(line: 1, column: 35))
    }

    /// An escape sequence in a statement shows as `�` in the excerpt, and the caret counts it
    /// as one column.
    @Test func controlCharactersShowInTheExcerpt() {
        #expect(rendered("SELECT a\u{1B}[2J FROM t WHERE $;") == "ERROR: unexpected character U+001B\nLINE 1: SELECT a\u{FFFD}[2J FROM t WHERE $;\n" + String(repeating: " ", count: 16) + "^")
    }

    @Test func unexpectedCharacterHints() {
        #expect(parseError("SELECT `a` FROM t;")?.hint == "quote names with double quotes: \"name\"")
        #expect(message("SELECT a FROM t WHERE a = ‘x’;") == "unexpected character '‘'")
        #expect(message("SELECT a::int FROM t;") == "unexpected character ':'")
    }

    @Test func longLinesAreWindowed() {
        let columns = (1...40).map { "column_\($0)" }.joined(separator: ", ")
        let sql = "SELECT \(columns) FROM t WHERE a = 1 GROPU BY a;"
        let lines = rendered(sql).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix("LINE 1: ..."))
        #expect(lines[1].count <= "LINE 1: ".count + 3 + SQLError.maxLineWidth + 3)
        let caret = lines[2].firstIndex(of: "^").map { lines[2].distance(from: lines[2].startIndex, to: $0) }
        let token = lines[1].firstRange(of: "GROPU").map { lines[1].distance(from: lines[1].startIndex, to: $0.lowerBound) }
        #expect(caret == token)
        #expect(lines[2].filter { $0 == "^" }.count == 5)
    }

    @Test func errorsWithoutPositionOrHint() {
        #expect(SQLError("plain").render(in: "x") == "ERROR: plain")
        #expect(SQLError("plain", hint: "try again").render(in: "x") == "ERROR: plain\nHINT: try again")
        #expect(SQLError("at the end", at: .at(99)).render(in: "STEP") == "ERROR: at the end\nLINE 1: STEP\n            ^")
    }
}
