import Foundation
import SluiceTestSupport
import Testing
@testable import SluiceShell
import SluiceEngine
import SluiceSQL

/// Bad input to the shell: each gives a clear error or runs correctly, the session never
/// crashes, and the next cell runs as if nothing happened.
@Suite("bad input")
struct BadInputTests {
    /// After bad input the session still works: the prompt is back and a statement runs.
    func expectStillWorks(_ s: Session, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(s.prompt.hasPrefix("sluice ["), sourceLocation: sourceLocation)
        #expect(s.run("SHOW chunk_rows;").contains("│ 256        │"), sourceLocation: sourceLocation)
    }

    // MARK: Typos

    @Test func aTypoInAStatement() {
        let s = session(standardCatalog)
        let result = s.execute("SELEKT * FROM spend;")
        #expect(!result.ok)
        #expect(result.output == """
            ERROR: unknown statement 'SELEKT'
            LINE 1: SELEKT * FROM spend;
                    ^^^^^^
            HINT: did you mean SELECT?

            """)
        expectStillWorks(s)
    }

    @Test func anUnknownDotCommandSuggestsTheNearest() {
        let s = session()
        let result = s.execute(".sav x")
        #expect(!result.ok)
        #expect(result.output == "ERROR: unknown command .sav\nHINT: did you mean .save? .help lists the commands\n")
        #expect(s.run(".hepl") == "ERROR: unknown command .hepl\nHINT: did you mean .help? .help lists the commands\n")
        #expect(s.run(".frobnicate") == "ERROR: unknown command .frobnicate\nHINT: .help lists the commands\n")
        // The sqlite3 shell's habits are answered with the statement that does it here.
        #expect(s.run(".tables") == "ERROR: unknown command .tables\nHINT: SHOW TABLES; lists the tables (SHOW SOURCES; SHOW VIEWS; SHOW SINKS; the rest)\n")
        #expect(s.run(".schema spend").hasSuffix("HINT: DESCRIBE spend; shows its columns and definition\n"))
        #expect(s.cellCount == 0, "dot-commands are not cells")
        expectStillWorks(s)
    }

    @Test func dotCommandsWithBadArguments() {
        let s = session()
        #expect(s.run(".mode xml") == "ERROR: unknown mode xml\nHINT: modes: table, markdown, csv, json\n")
        #expect(s.run(".timer maybe") == "ERROR: usage: .timer on|off\n")
        // With no cells, the range would read "(1 to 0)": it says there are none yet.
        #expect(s.run(".rewind 5") == "ERROR: there are no cells yet: nothing to rewind\n")
        #expect(s.run(".rerun x") == "ERROR: there are no cells yet: nothing to re-run\n")
        #expect(s.run(".rerun 1") == "ERROR: there are no cells yet: nothing to re-run\n")
        #expect(s.run(".edit 1") == "ERROR: there are no cells yet: nothing to edit\n")
        #expect(s.execute("SET seed = 3;").ok)
        #expect(s.run(".rerun 2") == "ERROR: usage: .rerun N (1 to 1)\n")
        #expect(s.run(".rewind 2") == "ERROR: usage: .rewind N (0 to 1)\n")
        #expect(s.execute(".rewind 0").ok)
        #expect(s.run(".export notes.txt") == "ERROR: cannot tell the format of notes.txt\nHINT: export to FILE.md or FILE.html\n")
        #expect(s.run(".save") == "ERROR: no session store is open\nHINT: start sluice with --db PATH or set SLUICE_DB\n")
        // A word too many is an error, not ignored (`.quit now` would otherwise quit).
        #expect(s.run(".mode csv extra") == "ERROR: .mode takes one argument, found 'extra'\nHINT: usage: .mode table|csv|json|markdown\n")
        #expect(s.options.mode == .table)
        #expect(s.run(".sessions all") == "ERROR: .sessions takes no argument, found 'all'\nHINT: usage: .sessions\n")
        let quit = s.execute(".quit now")
        #expect(!quit.ok && !quit.quit)
        #expect(s.run(".timer on off") == "ERROR: .timer takes one argument, found 'off'\nHINT: usage: .timer on|off\n")
        #expect(s.run(".export my notes.md").hasPrefix("ERROR: .export takes one file; quote a file with spaces"))
        // `.timer` says what it did, as psql's \timing does, and is not timed itself.
        #expect(s.run(".timer on") == "Timing is on.\n")
        #expect(s.run("SHOW seed;").contains("Time: wall "))
        #expect(s.run(".timer off") == "Timing is off.\n")
        expectStillWorks(s)
    }

    @Test func helpOnAnUnknownTopicFails() {
        let s = session()
        let topics = "topics: flow_control, credit, permits, tcp, kafka, barriers, metrics, notebook; "
            + "statements: CREATE SOURCE|TABLE|MATERIALIZED VIEW|SINK, ALTER, DROP, INJECT, STEP, RUN, WATCH, TRACE, SET, SELECT, SHOW, EXPLAIN, PLOT"
        let dot = s.execute(".help bogus")
        #expect(!dot.ok)
        #expect(dot.output == "ERROR: no help on bogus\nHINT: \(topics)\n")
        #expect(s.run(".help credt") == "ERROR: no help on credt\nHINT: did you mean credit? \(topics)\n")
        let statement = s.execute("HELP nope;")
        #expect(!statement.ok)
        #expect(statement.output == """
            ERROR: no help on nope
            LINE 1: HELP nope;
                         ^^^^
            HINT: \(topics)

            """)
        let (_, ok) = ScriptRunner(session: s, echo: false).run(".help barriers\nHELP bogus;\n")
        #expect(!ok, "a script with an unknown help topic fails")
        #expect(s.execute(".help kafka").ok && s.execute("HELP kafka;").ok)
    }

    // MARK: Unterminated input at the end of a script

    @Test func anUnterminatedStringAtTheEndOfAScript() {
        let s = session()
        let (transcript, ok) = ScriptRunner(session: s, echo: false).run("SET chunk_rows = 8;\nSET flow_control = 'credit;\n")
        #expect(!ok)
        #expect(transcript == """
            SET
            ERROR: unterminated quoted string
            LINE 1: SET flow_control = 'credit;
                                       ^^^^^^^^
            HINT: close it with '; write '' for a ' inside

            """)
        #expect(s.engine.settings.chunkRows == 8)
        #expect(s.engine.settings.flowControl == .credit)
    }

    @Test func anUnterminatedCommentAtTheEndOfAScript() {
        let s = session()
        let (transcript, ok) = ScriptRunner(session: s, echo: false).run("SET chunk_rows = 8; /* never closed\nSET chunk_rows = 9;\n")
        #expect(!ok)
        #expect(transcript == """
            ERROR: unterminated /* comment
            LINE 1: SET chunk_rows = 8; /* never closed
                                        ^^
            HINT: close the comment with */
            the cell's other statement did not run: a cell runs once all of it parses

            """)
        #expect(s.engine.settings.chunkRows == 256, "a cell that does not parse runs nothing, nor the statement inside the comment")
    }

    /// As psql does, a last statement without its `;` at the end of a script runs; it is
    /// recorded with the `;`, so that a replay of the cell parses it the same way.
    @Test func aStatementWithoutItsSemicolonAtTheEndOfAScriptRuns() {
        let s = session()
        let (transcript, ok) = ScriptRunner(session: s, echo: false).run("SET chunk_rows = 8;\nSET chunk_rows = 9 -- the last")
        #expect(ok)
        #expect(transcript == "SET\nSET\n")
        #expect(s.engine.settings.chunkRows == 9)
        #expect(s.history.map(\.input) == ["SET chunk_rows = 8;", "SET chunk_rows = 9; -- the last"])
        // A statement cut short at the end gets its own error, and changes nothing.
        let (cut, cutOK) = ScriptRunner(session: s, echo: false).run("SET chunk_rows =")
        #expect(!cutOK)
        #expect(cut.hasPrefix("ERROR: expected a value after '=', found end of input") || cut.hasPrefix("ERROR: expected"), "\(cut)")
        #expect(s.engine.settings.chunkRows == 9)
        // At the prompt (no end of input) the statement still waits for its ';'.
        #expect(s.completeness(of: "SHOW seed") == .incomplete)
    }

    // MARK: .read

    @Test func readOfABinaryFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("image.sql")
        var binary = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D])
        binary.append(Data((0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 31) }))
        try binary.write(to: URL(fileURLWithPath: path))
        let s = session()
        let result = s.execute(".read \(path)")
        #expect(!result.ok)
        #expect(result.output == "ERROR: \(path) is not a text file\nHINT: .read takes a file of SQL statements\n")
        #expect(s.cellCount == 0)
        expectStillWorks(s)
    }

    /// Valid UTF-8 with a NUL byte in it is not a script either.
    @Test func readOfATextFileWithANulByte() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("nul.sql", "SET chunk_rows = 2;\u{0}SET chunk_rows = 3;\n")
        let s = session()
        #expect(s.run(".read \(path)") == "ERROR: \(path) is not a text file\nHINT: .read takes a file of SQL statements\n")
        #expect(s.engine.settings.chunkRows == 256)
    }

    @Test func readOfAMissingFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("nope.sql")
        let s = session()
        let result = s.execute(".read \(path)")
        #expect(!result.ok)
        #expect(result.output == "ERROR: cannot read \(path): no such file\n")
        #expect(s.run(".read") == "ERROR: usage: .read FILE.sql\n")
        expectStillWorks(s)
    }

    /// `.read` runs the file as if its lines were typed (psql's `\\i`, sqlite3's `.read`): cell
    /// by cell, each recorded with its own text (so a replay never needs the file), errors
    /// naming the file and line, a dot-command line included.
    @Test func readRunsAFileCellByCell() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("setup.sql", ".mode table\n" + standardCatalog + "\nSET chunk_rows = 16;\nSELECT * FROM nowhere;\nSHOW chunk_rows;\n")
        let s = session()
        let result = s.execute(".read \(path)")
        #expect(!result.ok, "one statement of the file fails")
        #expect(result.output.contains("setup.sql:"), "the error names the file")
        #expect(result.output.contains("ERROR: relation \"nowhere\" does not exist"))
        #expect(result.output.hasSuffix("│ 16         │\n└────────────┘\n(1 row)\n"), "statements after the failing one still run")
        #expect(s.cellCount > 3, "one cell per statement, not one for the file")
        #expect(s.history.first?.input.hasPrefix("CREATE SOURCE clicks") == true, "the file's statements are the recorded cells")
        #expect(s.history.last?.input == "SHOW chunk_rows;")
    }

    /// A primary key is unique: a table whose keys are fewer than its rows would repeat it.
    @Test func aPrimaryKeyTableCannotRepeatItsKey() {
        let s = session()
        let result = s.execute("CREATE TABLE u (k INT PRIMARY KEY, r VARCHAR) WITH (rows = 8, keys = 3);")
        #expect(!result.ok)
        #expect(result.output.hasPrefix("ERROR: table u would repeat its primary key k: keys = 3 is below rows = 8\n"))
        #expect(s.run("CREATE TABLE u (k INT, r VARCHAR) WITH (rows = 8, keys = 3);") == "CREATE TABLE (8 rows)\n",
                "without a primary key, repeated keys are fine (a join amplifies)")
    }

    // MARK: Big input

    /// A 1 MB string literal in a statement that runs (a table read with a filter).
    @Test func aOneMegabyteStringLiteral() {
        let s = session(standardCatalog)
        let literal = String(repeating: "x", count: 1 << 20)
        let output = s.run("SELECT * FROM users WHERE region = '\(literal)';")
        #expect(output.hasSuffix("(0 rows)\n"))
        expectStillWorks(s)
    }

    /// A 100 kB value that is wrong: the error stays one readable line, not 100 kB.
    @Test func aHundredKilobyteInvalidValue() {
        let s = session()
        let literal = String(repeating: "x", count: 100_000)
        let result = s.execute("SET flow_control = '\(literal)';")
        let output = result.output
        #expect(!result.ok)
        #expect(output.hasPrefix("ERROR: invalid value for parameter \"flow_control\": "))
        #expect(output.contains("LINE 1: SET flow_control = 'xxxx"))
        #expect(output.hasSuffix("HINT: accepted: credit, permits, tcp, unbounded, drop_tail, drop_head\n"))
        expectStillWorks(s)
        #expect(output.utf8.count < 2000, "the error is \(output.utf8.count) bytes")
    }

    /// `SELECT` and 25 000 columns (190 kB): an error, with the excerpt cut to a window.
    @Test func aSelectOfTwentyFiveThousandColumns() {
        let s = session(standardCatalog)
        let columns = (0..<25_000).map { "a\($0)" }.joined(separator: ", ")
        let output = s.run("SELECT \(columns) FROM t;")
        #expect(output == """
            ERROR: relation "t" does not exist
            LINE 1: ...996, a24997, a24998, a24999 FROM t;
                                                        ^
            HINT: relations: clicks, users, spend

            """)
        expectStillWorks(s)
    }

    /// `WATCH … EVERY 1ns FOR 1s` asks for a billion frames: it should be refused or capped,
    /// not draw (or, in batch mode, buffer) frames until the user gives up.
    @Test func aWatchWithATinyIntervalIsBounded() {
        let s = session(standardCatalog)
        let counter = FrameCounter()
        s.hooks.sleep = { _ in }
        s.hooks.frame = { [unowned s] _ in
            counter.frames += 1
            if counter.frames >= 2000 { s.cancel.cancel() }
        }
        let result = s.execute("WATCH SHOW VIEWS EVERY 1ns FOR 1s;")
        #expect(result.output.contains("cancelled") || !result.ok || counter.frames < 2000)
        #expect(counter.frames < 2000, "drew \(counter.frames) frames before the test cancelled it")
        expectStillWorks(s)
    }

    /// WATCH of a statement that fails fails at once, with the statement's own error, and no
    /// virtual time passes (it ran every frame, printing the error each time, and moved the clock).
    @Test func aWatchOfAFailingStatementRunsNoTime() {
        let s = session(standardCatalog)
        let before = s.visibleState
        let result = s.execute("WATCH SELECT * FROM nope EVERY 500ms FOR 1s;")
        #expect(!result.ok)
        #expect(result.output.hasPrefix("ERROR: relation \"nope\" does not exist"), "\(result.output)")
        #expect(!result.output.contains("frame"))
        #expect(s.visibleState == before)
        expectStillWorks(s)
    }

    /// WATCH runs for FOR exactly, whatever EVERY: a last, shorter frame ends it (FOR 1s
    /// EVERY 700ms ran 700 ms; EVERY 2s FOR 1s ran 2 s).
    @Test(arguments: [("700ms", "1s", ["0.700s", "1.000s"]), ("2s", "1s", ["1.000s"]), ("250ms", "1s", ["0.250s", "0.500s", "0.750s", "1.000s"])])
    func aWatchRunsForItsDuration(_ every: String, _ duration: String, _ frames: [String]) {
        let s = session()
        let output = s.run("WATCH SHOW seed EVERY \(every) FOR \(duration);")
        let times = output.split(separator: "\n").filter { $0.contains(" — frame ") }.map { String($0.split(separator: " ").last!) }
        #expect(times == frames, "\(output)")
        #expect(s.engine.now == VirtualTime.second)
    }

    // MARK: Numbers past the limits

    /// A DOUBLE from 9.2 × 10^15 on trapped when shown (converted to Int64): in a query's
    /// constant, a computed column, or the message refusing it.
    @Test func hugeDoublesAreShown() {
        let s = session("CREATE TABLE t (a INT, b DOUBLE) WITH (rows = 1);")
        #expect(s.execute("SELECT a FROM t WHERE b < 1e16;").ok)
        #expect(s.execute("SELECT b * 1e16 AS x FROM t;").ok)
        let plan = s.execute("EXPLAIN CREATE MATERIALIZED VIEW v AS SELECT a FROM t WHERE b < 1.5e300;")
        #expect(plan.output.contains("StreamFilter { predicate: b < 1.5e300 }"))
        let before = s.visibleState
        #expect(s.run("CREATE SOURCE x (a INT) WITH (rate = 1e19);") == """
            ERROR: invalid rate for source x: rate '1e19' is out of range: expected 0 to 100000000 rows per second
            LINE 1: CREATE SOURCE x (a INT) WITH (rate = 1e19);
                                                         ^^^^
            HINT: to overload a pipeline, slow it down instead: a view's cost = '1ms', a sink's throughput = 500

            """)
        #expect(s.run("CREATE SOURCE x (a INT) WITH (pattern = 'ramp(to=1e308, over=1s)');").hasPrefix(
            "ERROR: invalid pattern for source x: rate '1e308' is out of range: expected 0 to 100000000 rows per second\n"))
        #expect(s.run("CREATE SOURCE x (a INT) WITH (key_skew = 'zipf(1e20)');").hasPrefix(
            "ERROR: invalid key_skew for source x: zipf exponent must be at most 100, found '1e20'\n"))
        #expect(s.run("CREATE SINK k FROM t WITH (throughput = 1e20);").hasPrefix(
            "ERROR: invalid throughput for sink k: rate '1e20' is out of range: expected 0 to 100000000 rows per second\n"))
        #expect(s.visibleState == before)
        expectStillWorks(s)
    }

    /// At the limits, everything shows: DESCRIBE, SHOW SOURCES and EXPLAIN of the largest rate,
    /// ramp target, throughput and Zipf exponent.
    @Test func theLargestValuesAreShown() {
        let s = session("""
            CREATE SOURCE x (a INT) WITH (rate = 1e8, key_skew = 'zipf(100)', pattern = 'ramp(to=1e8, over=1s)');
            CREATE SINK k FROM x WITH (throughput = 1e8);
            """)
        #expect(s.run("DESCRIBE x;").contains("rate 100000000 rows/s, ramp(to=100000000, over=1s)"))
        #expect(s.run("DESCRIBE x;").contains("zipf(100)"))
        #expect(s.run("DESCRIBE k;").contains("writes 100000000 rows/s"))
        #expect(s.run("EXPLAIN k;").contains("throughput: 100000000 rows/s"))
        #expect(s.execute("SHOW SOURCES;").ok)
    }

    /// A cost past an hour per row is refused: `exp(100000h)` drew costs past Int64.max.
    @Test func costsAreBounded() {
        let s = session("CREATE SOURCE s (k INT); INJECT 1000 INTO s;")
        let before = s.visibleState
        #expect(s.run("CREATE MATERIALIZED VIEW v AS SELECT k FROM s WITH (cost = 'exp(100000h)');") == """
            ERROR: invalid cost for materialized view v: cost 'exp(100000h)' is out of range: a cost is at most 1h
            LINE 1: CREATE MATERIALIZED VIEW v AS SELECT k FROM s WITH (cost = 'exp(100000h)');
                                                                               ^^^^^^^^^^^^^^
            HINT: accepted forms: '20us', 'exp(20us)' or 'uniform(5us,40us)'

            """)
        for cost in ["'uniform(1h,100000h)'", "2h"] {
            #expect(s.run("CREATE MATERIALIZED VIEW v AS SELECT k FROM s WITH (cost = \(cost));").hasPrefix("ERROR: invalid cost"))
        }
        #expect(s.run("ALTER SOURCE s SET (poll_cost = 'exp(2h)');").hasPrefix("ERROR: invalid poll_cost"))
        #expect(s.visibleState == before)
        #expect(s.run("CREATE MATERIALIZED VIEW v AS SELECT k FROM s WITH (cost = 'exp(1h)'); RUN 1s;")
                == "CREATE MATERIALIZED VIEW (1 fragment, 1 actor)\nRUN 1s: now 1.000s\n")
    }

    /// A sink whose writes would outlast virtual time (a vanishing throughput, the longest
    /// latency) runs; before, a write's end overflowed the clock.
    @Test func aSinkThatWouldWriteForeverRuns() {
        let s = session("CREATE SOURCE s (k INT); INJECT 100 INTO s;")
        #expect(s.execute("CREATE SINK k FROM s WITH (throughput = 1e-300, batch = 100, latency = 2562047h, cost = 'exp(1h)');").ok)
        #expect(s.run("RUN 10s;") == "RUN 10s: now 10.000s\n")
        expectStillWorks(s)
    }

    /// Virtual time ends at 100 years: a RUN, STEP or WATCH past it is refused, with the caret
    /// on the duration, and changes nothing. Before, the clock overflowed.
    @Test func virtualTimeHasAnEnd() {
        let s = session("RUN 1h;")
        let before = s.visibleState
        #expect(s.run("RUN 2562047h;") == """
            ERROR: RUN would run virtual time past its end, 876000h (100 years)
            LINE 1: RUN 2562047h;
                        ^^^^^^^^
            HINT: virtual time is at 3600.000s: 3153596400s are left

            """)
        #expect(s.run("STEP 876000h;").hasPrefix("ERROR: STEP would run virtual time past its end, 876000h (100 years)\n"))
        #expect(s.run("WATCH SHOW LAG EVERY 2562047h FOR 2562047h;") == """
            ERROR: WATCH would run virtual time past its end, 876000h (100 years)
            LINE 1: WATCH SHOW LAG EVERY 2562047h FOR 2562047h;
                                                      ^^^^^^^^
            HINT: virtual time is at 3600.000s: 3153596400s are left

            """)
        #expect(s.visibleState == before)
        expectStillWorks(s)
        // Up to the end it runs, and an idle engine crosses the years at once (RUN went in
        // 100 ms slices: 3 × 10^10 of them).
        #expect(s.run("RUN 875999h;") == "RUN 3153596400s: now 3153600000.000s\n")
        #expect(s.run("RUN 1ns;").hasPrefix("ERROR: RUN would run virtual time past its end"))
    }

    /// SPEED is bounded, and so is the wall time a paced WATCH sleeps: `SPEED 1e-20x` trapped
    /// converting its sleep to UInt64, and `SPEED 0.0001x` slept for hours, even in batch.
    @Test func watchSpeedIsBounded() {
        let s = session()
        var slept: UInt64 = 0
        s.hooks.sleep = { slept += $0 }
        #expect(s.run("WATCH SHOW seed EVERY 1s FOR 1s SPEED 1e-20x;").hasPrefix("ERROR: SPEED must be between 0.001x and 1000000x, found 1e-20x\n"))
        #expect(s.run("WATCH SHOW seed EVERY 1s FOR 1s SPEED 0.0001x;").hasPrefix("ERROR: SPEED must be between 0.001x and 1000000x"))
        #expect(s.run("WATCH SHOW seed EVERY 1s FOR 2h SPEED 1x;").hasPrefix("ERROR: WATCH at SPEED 1x would take 7200s of wall time: at most 1h\n"))
        #expect(slept == 0)
        #expect(s.execute("WATCH SHOW seed EVERY 1ms FOR 3ms SPEED 0.001x;").ok)
        #expect(slept > 2_000_000_000 && slept <= 3_000_000_000, "three frames of a second each, less the time they took")
    }

    // MARK: Deep expressions

    /// At the nesting limit an expression goes through every pass that recurses over it (the
    /// parser, the planner, the engine's compiled program, EXPLAIN) on a main thread's 8 MB
    /// stack in a debug build: 500 parentheses or a sum of 5000 terms used to overflow it.
    @Test func anExpressionAtTheNestingLimitRunsEverywhere() {
        let sum = Array(repeating: "a", count: 200).joined(separator: " + ")
        let parentheses = String(repeating: "(", count: 199) + "a" + String(repeating: ")", count: 199)
        let condition = Array(repeating: "a", count: 199).joined(separator: " + ") + " >= 0"
        let cells = [
            "SELECT \(sum) AS x FROM t ORDER BY x;",
            "SELECT \(parentheses) AS x FROM t ORDER BY x;",
            "CREATE MATERIALIZED VIEW v AS SELECT \(sum) AS x FROM t WHERE \(condition);",
            "RUN 1s;",
            "SELECT * FROM v ORDER BY x;",
            "EXPLAIN v;",
            "DESCRIBE v;",
            "EXPLAIN CREATE MATERIALIZED VIEW w AS SELECT a FROM t WHERE \(condition);",
        ]
        let results = onMainThreadSizedStack { () -> [(ok: Bool, output: String)] in
            let s = session("CREATE TABLE t (a INT) WITH (rows = 3);")
            s.run(".mode csv")
            return cells.map { cell in
                let result = s.execute(cell)
                return (result.ok, result.output)
            }
        }
        for (cell, result) in zip(cells, results) {
            #expect(result.ok, "\(cell.prefix(60))…: \(result.output.prefix(300))")
        }
        #expect(results[0].output == "x\n0\n200\n400\n")
        #expect(results[1].output == "x\n0\n1\n2\n")
        #expect(results[4].output == "x\n0\n200\n400\n")
    }

    /// One level past the limit: a caret under the level that passes it, and nothing changes.
    @Test func anExpressionPastTheNestingLimitIsRefused() throws {
        let sum = Array(repeating: "a", count: 201).joined(separator: " + ")
        let parentheses = String(repeating: "(", count: 500) + "a" + String(repeating: ")", count: 500)
        let results = onMainThreadSizedStack { () -> [(ok: Bool, output: String, changed: Bool)] in
            let s = session("CREATE TABLE t (a INT) WITH (rows = 3);")
            return ["CREATE MATERIALIZED VIEW v AS SELECT \(sum) AS x FROM t;", "SELECT \(parentheses) AS x FROM t;"].map { cell in
                let before = s.visibleState
                let result = s.execute(cell)
                return (result.ok, result.output, s.visibleState != before)
            }
        }
        for (result, deepest) in zip(results, ["+", "("]) {
            #expect(!result.ok && !result.changed)
            let lines = result.output.split(separator: "\n").map(String.init)
            #expect(lines.first == "ERROR: expression is nested too deeply: more than 200 levels")
            #expect(lines.last == "HINT: each operator, parenthesis, function call and operand is a level; "
                + "compute part of the expression in a materialized view and select from it")
            // The caret stands under the operator or parenthesis that passes the limit.
            let excerpt = Array(try #require(lines.dropFirst().first)), carets = Array(try #require(lines.dropFirst(2).first))
            let column = try #require(carets.firstIndex(of: "^"))
            #expect(carets.filter { $0 == "^" }.count == 1 && String(excerpt[column]) == deepest)
        }
    }

    // MARK: Many statements

    @Test func aPasteOfFiveHundredStatementsRunsThemAll() {
        let s = session()
        let paste = (1...500).map { "SET chunk_rows = \($0);" }.joined(separator: "\n") + "\nSHOW chunk_rows;"
        let result = s.execute(paste)
        #expect(result.ok)
        #expect(result.output.hasPrefix(String(repeating: "SET\n", count: 500)))
        #expect(result.output.hasSuffix("│ 500        │\n└────────────┘\n(1 row)\n"))
        #expect(s.cellCount == 1)
    }

    /// The same paste through the batch splitter: one cell per line.
    @Test func aScriptOfFiveHundredLinesRunsThemAll() {
        let s = session()
        let script = (1...500).map { "SET chunk_rows = \($0);" }.joined(separator: "\n") + "\n"
        let (transcript, ok) = ScriptRunner(session: s, echo: false).run(script)
        #expect(ok)
        #expect(transcript == String(repeating: "SET\n", count: 500))
        #expect(s.cellCount == 500)
        #expect(s.engine.settings.chunkRows == 500)
    }

    @Test func severalStatementsOnOneLine() {
        let s = session()
        #expect(s.run("SET chunk_rows = 3; SET nodes = 2;SET seed=9;;  ; SHOW nodes;") == """
            SET
            SET
            SET

            ┌───────┐
            │ nodes │
            ├───────┤
            │ 2     │
            └───────┘
            (1 row)

            """)
        #expect(s.engine.settings.chunkRows == 3)
        #expect(s.engine.settings.seed == 9)
    }

    @Test func commentsEverywhere() {
        let s = session()
        let cell = """
            -- a comment line
            /* a block
               comment */ SET /* inside */ chunk_rows -- after the name
              = /* before the value */ 12 /* after */ ; -- after the semicolon
            SET nodes = 3; /* a trailing block */
            -- a comment with a ; semicolon and a 'quote
            /* block comments nest, as in PostgreSQL: /* inner ; */ still a comment ; */
            """
        let result = s.execute(cell)
        #expect(result.ok)
        #expect(result.output == "SET\nSET\n")
        #expect(s.engine.settings.chunkRows == 12)
        #expect(s.engine.settings.nodes == 3)
        #expect(s.completeness(of: cell) == .complete(parseCompleteStatements(cell)))
    }

    @Test func aCellOfOnlyCommentsDoesNothing() {
        let s = session()
        let result = s.execute("-- nothing here\n/* nor here */\n")
        #expect(result.ok)
        #expect(result.output == "")
        #expect(s.engine.now == 0)
    }

    @Test func blankAndWhitespaceCellsAreNotCells() {
        let s = session()
        for cell in ["", "   ", "\n\n", "\t"] {
            let result = s.execute(cell)
            #expect(result.ok)
            #expect(result.output == "")
        }
        #expect(s.cellCount == 0)
    }

    @Test func controlCharactersAndOddUnicode() {
        let s = session(standardCatalog)
        let result = s.execute("SELECT * FROM spend\u{7}\u{1B}[31m;")
        #expect(!result.ok)
        #expect(result.output.hasPrefix("ERROR: "))
        let emoji = s.execute("CREATE SOURCE 日本 (a INT); SELECT 🙂 FROM spend;")
        #expect(!emoji.ok)
        #expect(emoji.output == """
            ERROR: unexpected character '🙂'
            LINE 1: CREATE SOURCE 日本 (a INT); SELECT 🙂 FROM spend;
                                                       ^^
            the cell's other statement did not run: a cell runs once all of it parses

            """)
        expectStillWorks(s)
    }
}

/// The statements `parse` finds in a complete buffer.
func parseCompleteStatements(_ buffer: String) -> [ParsedStatement] {
    if case .complete(let statements) = parse(buffer) { return statements }
    return []
}

/// Counts WATCH frames from the frame hook.
final class FrameCounter {
    var frames = 0
}
