import Testing
@testable import SluiceSQL

@Suite("INJECT, STEP, RUN, WATCH, TRACE, SET, SHOW, EXPLAIN, PLOT")
struct DriveAndLookTests {
    @Test func inject() {
        let sql = "INJECT 50_000 INTO clicks PARTITION 2;"
        let all = parsed(sql)
        guard case .inject(let count, let source, let partition)? = all.first?.statement else {
            Issue.record("not INJECT")
            return
        }
        #expect((count, source.name, partition) == (50_000, "clicks", 2))
        #expect(text(all.first?.valueRange, in: sql) == "2")
        guard case .inject(5000, _, nil)? = statement("INJECT 5000 INTO clicks;") else { Issue.record("no partition"); return }
        #expect(message("INJECT 0 INTO clicks;") == "a row count after INJECT must be at least 1, found 0")
        #expect(rendered("INJECT -5 INTO clicks;") == """
            ERROR: a row count after INJECT must be at least 1, found -5
            LINE 1: INJECT -5 INTO clicks;
                           ^^
            HINT: INJECT appends 1 to 1000000000 rows at a time
            """)
        #expect(message("INJECT INTO clicks;") == "expected a row count after INJECT, found 'INTO'")
    }

    @Test func step() {
        #expect(statement("STEP;") == .step(.events(1)))
        #expect(statement("step 10;") == .step(.events(10)))
        #expect(statement("STEP 250ms;") == .step(.duration(250_000_000)))
        #expect(statement("STEP 1.5s;") == .step(.duration(1_500_000_000)))
        #expect(statement("STEP '20us';") == .step(.duration(20_000)))
        #expect(statement("STEP BARRIER;") == .step(.barrier))
        #expect(rendered("STEP 0;") == """
            ERROR: an event count after STEP must be at least 1, found 0
            LINE 1: STEP 0;
                         ^
            HINT: STEP runs 1 to 100000 events; STEP 250ms advances virtual time instead
            """)
        #expect(parseError("STEP 0s;")?.hint == "STEP 250ms advances virtual time by 250ms; STEP alone runs a single event")
        #expect(statement("STEP 100000;") == .step(.events(100_000)))
        #expect(rendered("STEP 999999999999;") == """
            ERROR: STEP lists every event it runs: at most 100000 at a time, found 999999999999
            LINE 1: STEP 999999999999;
                         ^^^^^^^^^^^^
            HINT: RUN 10s advances virtual time without listing the events
            """)
        #expect(message("STEP 1.5;") == "expected a number of events, a duration or BARRIER after STEP, found '1.5'")
    }

    @Test func runAndBarrier() {
        #expect(statement("RUN 30s;") == .run(30_000_000_000))
        #expect(statement("RUN 2m;") == .run(120_000_000_000))
        #expect(statement("RUN 1h;") == .run(3_600_000_000_000))
        #expect(statement("RUN 100ns;") == .run(100))
        #expect(statement("RUN 20µs;") == .run(20_000))
        #expect(statement("BARRIER;") == .barrier)
        #expect(statement("DIAGNOSE;") == .diagnose)
        #expect(rendered("RUN 30;") == """
            ERROR: duration '30' has no unit
            LINE 1: RUN 30;
                        ^^
            HINT: write RUN 30ms or RUN 30s (units: ns, us, ms, s, m, h)
            """)
        #expect(message("RUN;") == "expected a duration after RUN, found ';'")
        #expect(rendered("RUN 0s;") == """
            ERROR: RUN needs a positive duration, found 0s
            LINE 1: RUN 0s;
                        ^^
            HINT: RUN 1s advances virtual time by one second; STEP runs a single event
            """)
        // A bare 0 is a duration (zero needs no unit): RUN says why it wants more.
        #expect(message("RUN 0;") == "RUN needs a positive duration, found 0")
    }

    @Test func watch() {
        let sql = "WATCH SHOW QUEUES EVERY 200ms FOR 10s SPEED 1x;"
        guard case .watch(let inner, let every, let duration, let speed)? = statement(sql) else {
            Issue.record("not WATCH")
            return
        }
        #expect(inner.statement == .show(.queues))
        #expect(inner.text == "SHOW QUEUES")
        #expect(text(inner.range, in: sql) == "SHOW QUEUES")
        #expect((every, duration, speed) == (200_000_000, 10_000_000_000, 1))
        guard case .watch(let metrics, Statement.defaultWatchInterval, 5_000_000_000, 2.5)? =
            statement("WATCH SHOW METRICS spend.agg.0 FOR 5s SPEED 2.5x;")
        else { Issue.record("WATCH SHOW METRICS"); return }
        #expect(metrics.statement.sql == "SHOW METRICS spend.agg.0")
        guard case .watch(_, 1_000_000_000, 1_000_000_000, 0.5)? = statement("WATCH SHOW METRICS SPEED 0.5 FOR 1s EVERY 1s;") else {
            Issue.record("clauses in any order"); return
        }
        guard case .watch(_, _, _, 2)? = statement("WATCH SHOW GRAPH FOR 1s SPEED 2;") else { Issue.record("plain speed"); return }
        #expect(message("WATCH SHOW QUEUES EVERY 200ms;") == "WATCH needs FOR and a duration")
        #expect(message("WATCH FROB FOR 1s;") == "expected SHOW, SELECT, PLOT, DESCRIBE, DIAGNOSE or EXPLAIN after WATCH, found 'FROB'")
        #expect(message("WATCH SHOW QUEUES FOR 1s FOR 2s;") == "FOR is given twice")
        #expect(message("WATCH SHOW QUEUES FOR 1s SPEED 0x;") == "SPEED must be positive, found 0x")
        #expect(parseError("WATCH SHOW QUEUES EVERY 0s FOR 1s;").map { [$0.message, $0.hint] }
                == ["EVERY needs a positive duration, found 0s", "for example: EVERY 250ms"])
    }

    /// SPEED is a thousandth to a million times real time, and a paced WATCH takes at most
    /// an hour of wall time: `SPEED 1e-20x` trapped converting its wall time to UInt64, and
    /// `SPEED 0.0001x` slept for hours.
    @Test func watchSpeedIsBounded() {
        #expect(rendered("WATCH SHOW seed EVERY 1s FOR 1s SPEED 1e-20x;") == """
            ERROR: SPEED must be between 0.001x and 1000000x, found 1e-20x
            LINE 1: WATCH SHOW seed EVERY 1s FOR 1s SPEED 1e-20x;
                                                          ^^^^^^
            HINT: 1x is real time; without SPEED, WATCH runs as fast as it can
            """)
        #expect(message("WATCH SHOW seed FOR 1s SPEED 0.0001x;") == "SPEED must be between 0.001x and 1000000x, found 0.0001x")
        #expect(message("WATCH SHOW seed FOR 1s SPEED 2000000;") == "SPEED must be between 0.001x and 1000000x, found 2000000")
        #expect(rendered("WATCH SHOW seed SPEED 0.5x EVERY 1s FOR 1h;") == """
            ERROR: WATCH at SPEED 0.5x would take 7200s of wall time: at most 1h
            LINE 1: WATCH SHOW seed SPEED 0.5x EVERY 1s FOR 1h;
                                          ^^^^
            HINT: a higher SPEED or a shorter FOR; without SPEED, WATCH runs as fast as it can
            """)
        #expect(message("WATCH SHOW seed EVERY 1s FOR 2562047h SPEED 1000000x;")
                == "WATCH at SPEED 1000000x would take 9223.369s of wall time: at most 1h")
        guard case .watch(_, _, 3_600_000_000_000, 1)? = statement("WATCH SHOW seed FOR 1h SPEED 1x;") else {
            Issue.record("an hour at 1x"); return
        }
        guard case .watch(_, _, _, 0.001)? = statement("WATCH SHOW seed EVERY 1ms FOR 3s SPEED 0.001x;") else {
            Issue.record("the slowest speed"); return
        }
    }

    /// RUN, STEP and WATCH keep the range of the duration that decides how far they run, for
    /// the session's error at the end of virtual time.
    @Test func drivingStatementsKeepTheirDurationsRange() {
        let cases = [("RUN 2562047h;", "2562047h"), ("STEP '10s';", "'10s'"), ("WATCH SHOW LAG EVERY 1s FOR 10h;", "10h"),
                     ("WATCH SHOW LAG EVERY 10h FOR 1s;", "1s"), ("WATCH SHOW LAG FOR 5s;", "5s")]
        for (sql, value) in cases {
            #expect(text(parsed(sql).first?.valueRange, in: sql) == value, "\(sql)")
        }
        #expect(parsed("STEP 10;").first?.valueRange == nil)
    }

    /// One INJECT appends at most a billion rows: `INJECT 9223372036854775807` overflowed the
    /// log's end offset.
    @Test func injectIsBounded() {
        guard case .inject(1_000_000_000, _, nil)? = statement("INJECT 1000000000 INTO s;") else { Issue.record("a billion rows"); return }
        #expect(rendered("INJECT 9223372036854775807 INTO s;") == """
            ERROR: INJECT appends at most 1000000000 rows at a time, found 9223372036854775807
            LINE 1: INJECT 9223372036854775807 INTO s;
                           ^^^^^^^^^^^^^^^^^^^
            HINT: inject in several statements, or give the source a rate
            """)
    }

    /// README: `WATCH statement EVERY 200ms FOR 10s [SPEED 1x] -- repeat a SHOW, SELECT or PLOT`.
    @Test func watchRepeatsAnyStatementThatReads() {
        let select = "WATCH SELECT * FROM spend ORDER BY total DESC LIMIT 1 EVERY 500ms FOR 1s;"
        guard case .watch(let inner, 500_000_000, 1_000_000_000, nil)? = statement(select) else {
            Issue.record("WATCH SELECT"); return
        }
        guard case .select(let query) = inner.statement else { Issue.record("not a SELECT inside"); return }
        #expect(query.from.alias == nil, "EVERY is a clause, not an alias")
        #expect(query.limit == 1)
        #expect(inner.text == "SELECT * FROM spend ORDER BY total DESC LIMIT 1")
        #expect(text(inner.range, in: select) == inner.text)
        guard case .watch(let bare, _, 1_000_000_000, _)? = statement("WATCH SELECT * FROM t FOR 1s;"),
              case .select(let bareQuery) = bare.statement else { Issue.record("WATCH SELECT ... FOR"); return }
        #expect(bareQuery.from.alias == nil, "FOR is a clause, not an alias")
        guard case .watch(let plot, 1_000_000_000, 1_000_000_000, 2)? =
            statement("WATCH PLOT lag(clicks), queue(spend.agg.0) LAST 30s EVERY 1s FOR 1s SPEED 2x;"),
              case .plot(let series, 30_000_000_000) = plot.statement else { Issue.record("WATCH PLOT"); return }
        #expect(series.map(\.sql) == ["lag(clicks)", "queue(spend.agg.0)"])
        guard case .watch(let describe, _, _, _)? = statement("WATCH DESCRIBE spend FOR 2s;") else { Issue.record("DESCRIBE"); return }
        #expect(describe.statement.sql == "DESCRIBE spend")
        guard case .watch(let diagnose, _, _, _)? = statement("watch diagnose every 1s for 3s;") else { Issue.record("DIAGNOSE"); return }
        #expect(diagnose.statement == .diagnose)
        guard case .watch(let explain, _, _, _)? = statement("WATCH EXPLAIN spend FOR 1s;") else { Issue.record("EXPLAIN"); return }
        #expect(explain.statement.sql == "EXPLAIN spend")
        // A column called speed is a column: only SPEED followed by a factor is the clause.
        guard case .watch(let speedColumn, _, _, 2)? = statement("WATCH SELECT speed FROM cars FOR 1s SPEED 2x;"),
              case .select(let cars) = speedColumn.statement else { Issue.record("speed column"); return }
        #expect(cars.items.count == 1)
        // The inner statement's own errors name the clause that ended it.
        #expect(message("WATCH SELECT * FROM spend LIMIT EVERY 1s FOR 1s;") == "expected a row count after LIMIT, found 'EVERY'")
        // Round trip: the canonical text parses back to the same statement.
        #expect(statement((statement(select)?.sql ?? "") + ";")?.sql == statement(select)?.sql)
    }

    @Test func watchRefusesStatementsThatChangeState() {
        #expect(rendered("WATCH INJECT 100 INTO clicks EVERY 1s FOR 5s;") == """
            ERROR: WATCH repeats only statements that read, not INJECT
            LINE 1: WATCH INJECT 100 INTO clicks EVERY 1s FOR 5s;
                          ^^^^^^
            HINT: run INJECT on its own, then watch its effect: WATCH SHOW QUEUES EVERY 200ms FOR 10s; WATCH takes SHOW, SELECT, PLOT, DESCRIBE, DIAGNOSE or EXPLAIN
            """)
        for sql in ["WATCH RUN 1s FOR 2s;", "WATCH STEP FOR 1s;", "WATCH SET nodes = 2 FOR 1s;", "WATCH CREATE SOURCE s (a INT) FOR 1s;",
                    "WATCH DROP SINK x FOR 1s;", "WATCH RESET METRICS FOR 1s;", "WATCH WATCH SHOW QUEUES FOR 1s FOR 1s;",
                    "WATCH BARRIER FOR 1s;", "WATCH ALTER SOURCE s SET (rate = 1) FOR 1s;", "WATCH TRACE ON FOR 1s;"] {
            #expect(message(sql).hasPrefix("WATCH repeats only statements that read, not "), "\(sql)")
        }
    }

    @Test func trace() {
        #expect(statement("TRACE ON;") == .trace(.on))
        #expect(statement("trace off;") == .trace(.off))
        #expect(statement("TRACE credit, barriers, credits;") == .trace(.categories([.credit, .barriers])))
        #expect(statement("TRACE permits, blocking;") == .trace(.categories([.permits, .blocking])))
        #expect(rendered("TRACE credit, barrires;") == """
            ERROR: unknown trace category 'barrires'
            LINE 1: TRACE credit, barrires;
                                  ^^^^^^^^
            HINT: did you mean barriers? TRACE takes ON, OFF or categories: credit, permits, barriers, blocking, kafka
            """)
    }

    @Test func setShowReset() {
        let sql = "SET flow_control = credit;"
        let all = parsed(sql)
        #expect(all.first?.statement == .set(Identifier("flow_control", range: SourceRange(start: 4, end: 16)), .identifier("credit")))
        #expect(text(all.first?.valueRange, in: sql) == "credit")
        guard case .set(_, .number(-1, text: "-1"))? = statement("SET buffer_rows TO -1;") else { Issue.record("negative"); return }
        guard case .set(_, .boolean(true))? = statement("SET sink_decouple = on;") else { Issue.record("on"); return }
        guard case .set(_, .string("unaligned"))? = statement("SET checkpoint_mode = 'unaligned';") else { Issue.record("string"); return }
        guard case .set(_, .duration(1_000_000_000, text: "1s"))? = statement("SET barrier_interval = 1s;") else { Issue.record("duration"); return }
        guard case .reset(let name)? = statement("SET seed TO DEFAULT;") else { Issue.record("DEFAULT resets"); return }
        #expect(name.name == "seed")
        guard case .showVariable(let shown)? = statement("SHOW flow_control;") else { Issue.record("SHOW var"); return }
        #expect(shown.name == "flow_control")
        #expect(statement("RESET ALL;") == .resetAll)
        #expect(statement("RESET METRICS;") == .resetMetrics)
        #expect(statement("RESET chunk_rows;")?.sql == "RESET chunk_rows")
        #expect(message("SET flow_control credit;") == "expected '=' or TO after SET flow_control, found 'credit'")
        #expect(message("SET x =;") == "expected a value for 'x', found ';'")
    }

    @Test func showKinds() {
        let kinds: [(String, ShowKind)] = [
            ("SOURCES", .sources), ("TABLES", .tables), ("VIEWS", .views), ("MATERIALIZED VIEWS", .views),
            ("SINKS", .sinks), ("ACTORS", .actors), ("QUEUES", .queues), ("BARRIERS", .barriers),
            ("CHECKPOINTS", .checkpoints), ("LAG", .lag), ("LEDGER", .ledger), ("GRAPH", .graph), ("ALL", .all),
        ]
        for (word, kind) in kinds {
            #expect(statement("SHOW \(word);") == .show(kind), "SHOW \(word)")
            #expect(statement("show \(word.lowercased());") == .show(kind), "show \(word)")
        }
        let sql = "SHOW METRICS spend.agg.0;"
        guard case .showMetrics(let actor?)? = statement(sql) else { Issue.record("SHOW METRICS actor"); return }
        #expect(actor.name == "spend.agg.0")
        #expect(text(actor.range, in: sql) == "spend.agg.0")
        #expect(statement("SHOW METRICS;") == .showMetrics(nil))
        #expect(message("SHOW;") == "expected what to show after SHOW, found ';'")
    }

    @Test func describe() {
        #expect(statement("DESCRIBE clicks;")?.sql == "DESCRIBE clicks")
        #expect(statement("desc Spend;")?.sql == "DESCRIBE spend")
        #expect(statement("SHOW COLUMNS FROM spend;")?.sql == "DESCRIBE spend")
        #expect(statement("SHOW COLUMNS IN spend;")?.sql == "DESCRIBE spend")
        #expect(message("DESCRIBE;") == "expected a source, table, view or sink name, found ';'")
        #expect(message("SHOW COLUMNS spend;") == "expected FROM after SHOW COLUMNS, found 'spend'")
    }

    @Test func explain() {
        guard case .explainCreate(.createView(let name, let query, let options))? =
            statement("EXPLAIN CREATE MATERIALIZED VIEW spend AS SELECT user_id, count(*) FROM clicks GROUP BY user_id WITH (parallelism = 4);")
        else { Issue.record("EXPLAIN CREATE"); return }
        #expect(name.name == "spend")
        #expect(query.groupBy.map(\.sql) == ["user_id"])
        #expect(options.map(\.sql) == ["parallelism = 4"])
        guard case .explainName(let explained)? = statement("EXPLAIN spend;") else { Issue.record("EXPLAIN name"); return }
        #expect(explained.name == "spend")
        guard case .explainSelect(let query)? = statement("EXPLAIN SELECT a FROM t WHERE a > 1 ORDER BY a DESC LIMIT 2;")
        else { Issue.record("EXPLAIN SELECT"); return }
        #expect(query.sql == "SELECT a FROM t WHERE a > 1 ORDER BY a DESC LIMIT 2")
        #expect(message("EXPLAIN SELECT a FROM t WITH (x = 1);") == "expected ';' or a clause after the query, found 'WITH'")
        #expect(message("EXPLAIN CREATE SOURCE s (a INT);") == "EXPLAIN CREATE SOURCE is not supported")
        guard case .explainCreate(.createSinkAsSelect(let sink, _, _))? =
            statement("EXPLAIN CREATE SINK alerts AS SELECT * FROM clicks WHERE amount > 100;")
        else { Issue.record("EXPLAIN CREATE SINK"); return }
        #expect(sink.name == "alerts")
        #expect(statement("EXPLAIN CREATE SINK w FROM spend WITH (batch = 5);")?.sql == "EXPLAIN CREATE SINK w FROM spend WITH (batch = 5)")
    }

    @Test func plot() {
        let sql = "PLOT queue(spend.agg.0), barrier_latency, lag(clicks), throughput(warehouse), busy(spend.agg.0), backpressure(spend) LAST 30s;"
        guard case .plot(let series, let last)? = statement(sql) else { Issue.record("PLOT"); return }
        #expect(series.map(\.function.name) == ["queue", "barrier_latency", "lag", "throughput", "busy", "backpressure"])
        #expect(series.map(\.argument) == ["spend.agg.0", nil, "clicks", "warehouse", "spend.agg.0", "spend"])
        #expect(text(series[0].range, in: sql) == "queue(spend.agg.0)")
        #expect(text(series[0].argumentRange, in: sql) == "spend.agg.0")
        #expect(last == 30_000_000_000)
        guard case .plot(_, nil)? = statement("PLOT barrier_latency;") else { Issue.record("PLOT without LAST"); return }
        #expect(message("PLOT;") == "expected a series to plot after PLOT, found ';'")
        #expect(message("PLOT queue(spend.agg.0 LAST 3s;") == "expected ')' after queue(spend.agg.0, found 'LAST'")
    }

    @Test func severalStatementsOnOneLine() {
        let sql = "INJECT 10 INTO clicks; STEP;STEP 5 ; -- done\nSHOW QUEUES;"
        let all = parsed(sql)
        #expect(all.map(\.text) == ["INJECT 10 INTO clicks", "STEP", "STEP 5", "SHOW QUEUES"])
        #expect(all.map { text($0.range, in: sql) } == all.map(\.text))
    }

    @Test func statementTextKeepsInnerComments() {
        let sql = "  -- lead\n  SELECT * /* all */ FROM t -- trailing\n ;"
        #expect(parsed(sql).map(\.text) == ["SELECT * /* all */ FROM t"])
    }

    @Test func foreignStatements() {
        #expect(rendered("INSERT INTO clicks VALUES (1);") == """
            ERROR: INSERT is not supported
            LINE 1: INSERT INTO clicks VALUES (1);
                    ^^^^^^
            HINT: use INJECT n INTO source to append generated rows to a source's log
            """)
        #expect(parseError("FOO;")?.hint == Parser.statementHint)
        #expect(message("42;") == "expected a statement, found '42'")
    }
}
