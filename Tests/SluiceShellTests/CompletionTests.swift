import Foundation
import Testing
@testable import SluiceShell

/// One test per completion rule.
@Suite struct CompletionTests {
    let context = StaticCompletionContext(
        sources: ["clicks", "orders"], tables: ["users"], views: ["spend", "enriched"], sinks: ["warehouse"],
        actors: ["spend.agg.0", "spend.agg.1", "clicks.src.0"],
        columns: [("clicks", ["user_id", "url", "amount"]), ("users", ["user_id", "region"]),
                  ("spend", ["user_id", "n", "total"])],
        variables: ["flow_control", "chunk_rows", "checkpoint_mode"],
        values: [("flow_control", ["credit", "permits", "tcp", "unbounded", "drop_tail", "drop_head"]),
                 ("checkpoint_mode", ["aligned", "unaligned"])],
        sessions: ["lesson1", "lesson2", "demo"])
    let engine = CompletionEngine()

    /// Candidates with the cursor at the end of `line`, or at `|` if the line has one.
    func complete(_ line: String) -> [String] {
        if let bar = line.firstIndex(of: "|") {
            let text = line.replacingOccurrences(of: "|", with: "")
            return engine.candidates(line: text, cursor: line[..<bar].utf8.count, context: context)
        }
        return engine.candidates(line: line, cursor: line.utf8.count, context: context)
    }

    /// On a continuation line the lines typed before count: `WHERE to` on its own line
    /// completes the columns of the relation named above, and the word replaced is counted
    /// from the start of the line being edited.
    @Test func aContinuationLineSeesTheLinesBeforeIt() {
        let earlier = ["SELECT user_id", "FROM spend"]
        let columns = engine.complete(line: "WHERE to", cursor: 8, after: earlier, context: context)
        #expect(columns.candidates == ["total"])
        #expect(columns.wordStart == 6)
        let relations = engine.complete(line: "FROM ", cursor: 5, after: ["SELECT *"], context: context)
        #expect(relations.candidates == engine.candidates(line: "SELECT * FROM ", cursor: 14, context: context))
        #expect(!relations.candidates.contains("clicks"), "a source cannot be read ad hoc")
        let actors = engine.complete(line: "spe", cursor: 3, after: ["SHOW METRICS"], context: context)
        #expect(actors.candidates.contains("spend.agg.0"))
    }

    /// Where only a few words can come, those, not every keyword: the clauses after a
    /// query's relation, `=` after SET's variable (as the docs write it; a typed `t` gets
    /// psql's TO), PARTITION after INJECT's source.
    @Test func whatCanComeNext() {
        #expect(complete("SELECT * FROM spend ") == ["GROUP", "LIMIT", "OFFSET", "ORDER", "WHERE"])
        #expect(complete("CREATE MATERIALIZED VIEW v AS SELECT * FROM clicks ") == ["GROUP", "JOIN", "WHERE", "WITH"])
        #expect(complete("CREATE SINK s FROM spend ") == ["WITH"])
        #expect(complete("SET flow_control ") == ["="])
        #expect(complete("SET flow_control T") == ["TO"])
        #expect(complete("set flow_control t") == ["to"])
        #expect(complete("INJECT 10 INTO clicks ") == ["PARTITION"])
        #expect(complete("SELECT * FROM spend WHERE to") == ["total"])
        #expect(complete("SELECT * FROM clicks JOIN users ") == ["AS", "ON"])
        #expect(complete("WATCH SELECT * FROM spend ").contains("EVERY"))
        #expect(complete("SHOW COLUMNS FROM spend ").isEmpty)
    }

    @Test func keywordsAtStatementStartPreserveCase() {
        #expect(complete("SEL") == ["SELECT"])
        #expect(complete("sel") == ["select"])
        #expect(complete("s") == ["select", "set", "show", "step"])
        #expect(complete("Sel") == ["SELECT"])
        #expect(complete("S") == ["SELECT", "SET", "SHOW", "STEP"])
        #expect(complete("").contains("CREATE"))
        #expect(complete("RUN 1s; ST") == ["STEP"])
    }

    @Test func keywordsAfterKeywords() {
        #expect(complete("CREATE ") == ["MATERIALIZED", "SINK", "SOURCE", "TABLE"])
        #expect(complete("create materialized v") == ["view"])
        #expect(complete("DROP MATERIALIZED ") == ["VIEW"])
        #expect(complete("STEP B") == ["BARRIER"])
        #expect(complete("TRACE ") == ["BARRIERS", "BLOCKING", "CREDIT", "KAFKA", "OFF", "ON", "PERMITS"])
        #expect(complete("WATCH ") == ["DESCRIBE", "DIAGNOSE", "EXPLAIN", "PLOT", "SELECT", "SHOW"])
        #expect(complete("WATCH SELECT * FROM spend LIMIT 1 EV") == ["EVERY"])
        #expect(complete("WATCH SHOW QUEUES EV") == ["EVERY"])
        #expect(complete("INJECT 500 I") == ["INTO"])
        #expect(complete("ALTER SOURCE clicks ") == ["PAUSE", "RESUME", "SET"])
        #expect(complete("ALTER SOURCE clicks PAUSE ") == ["PARTITION"])
        #expect(complete("ALTER MATERIALIZED VIEW spend SET P") == ["PARALLELISM"])
        #expect(complete("SELECT * FROM clicks WH") == ["WHERE"])
    }

    @Test func relationsAfterFromAndJoin() {
        // An ad hoc SELECT reads views and tables (a source is a log: SELECT refuses it).
        #expect(complete("SELECT * FROM ") == ["enriched", "spend", "users"])
        #expect(complete("SELECT * FROM Cl") == [])
        #expect(complete("WATCH SELECT * FROM ") == ["enriched", "spend", "users"])
        #expect(complete("EXPLAIN SELECT * FROM ") == ["enriched", "spend", "users"], "EXPLAIN SELECT reads what SELECT reads")
        #expect(complete("select * from spend s join u") == ["users"])
        // A view's query reads sources too.
        #expect(complete("CREATE MATERIALIZED VIEW v AS SELECT * FROM ") == ["clicks", "enriched", "orders", "spend", "users"])
        #expect(complete("CREATE MATERIALIZED VIEW v AS SELECT * FROM clicks c JOIN u") == ["users"])
        #expect(complete("EXPLAIN CREATE MATERIALIZED VIEW v AS SELECT * FROM Cl") == ["clicks"])
    }

    @Test func sourcesAfterInjectIntoAndAlterSource() {
        #expect(complete("INJECT 50000 INTO ") == ["clicks", "orders"])
        #expect(complete("ALTER SOURCE o") == ["orders"])
    }

    @Test func tablesAfterAlterTable() {
        #expect(complete("ALTER T") == ["TABLE"])
        #expect(complete("ALTER TABLE ") == ["users"])
        #expect(complete("ALTER TABLE users ") == ["SET"])
    }

    @Test func sinksAfterAlterSink() {
        #expect(complete("ALTER ") == ["MATERIALIZED", "SINK", "SOURCE", "TABLE"])
        #expect(complete("ALTER SINK ") == ["warehouse"])
        #expect(complete("ALTER SINK warehouse ") == ["SET"])
        #expect(complete("ALTER SINK warehouse SET P") == ["PARALLELISM"])
    }

    /// Inside `WITH (` and `SET (`: the options the statement takes (ALTER: those it may
    /// change), less those already given; values are not completed.
    @Test func optionsInsideWithAndSet() {
        #expect(complete("CREATE SINK k FROM spend WITH (") == ["batch", "cost", "latency", "parallelism", "throughput"])
        #expect(complete("CREATE SINK k FROM spend WITH (batch = 10, l") == ["latency"])
        #expect(complete("CREATE SINK k FROM spend WITH (batch = 10, ") == ["cost", "latency", "parallelism", "throughput"])
        #expect(complete("ALTER SINK warehouse SET (") == ["batch", "cost", "latency", "throughput"])
        #expect(complete("ALTER SOURCE clicks SET (ra") == ["rate"])
        #expect(complete("ALTER TABLE users SET (") == ["cost"])
        #expect(complete("ALTER MATERIALIZED VIEW spend SET (") == ["cost"])
        #expect(complete("CREATE TABLE t (k INT) WITH (r") == ["rows"])
        #expect(complete("CREATE MATERIALIZED VIEW v AS SELECT user_id FROM clicks WITH (p") == ["parallelism"])
        #expect(complete("CREATE SOURCE s (k INT) WITH (pa") == ["partitions", "pattern"])
        #expect(!complete("CREATE SINK k FROM spend WITH (batch = ").contains("batch"), "a value, not an option")
    }

    @Test func viewsAfterAlterViewExplainAndCreateSinkFrom() {
        #expect(complete("ALTER MATERIALIZED VIEW ") == ["enriched", "spend"])
        #expect(complete("EXPLAIN ") == ["CREATE", "enriched", "SELECT", "spend"])
        #expect(complete("EXPLAIN sp") == ["spend"])
        #expect(complete("CREATE SINK w FROM ") == ["clicks", "enriched", "orders", "spend", "users"], "a sink reads a view, a source or a table")
        #expect(complete("CREATE SINK w ") == ["AS", "FROM", "WITH"])
        #expect(complete("CREATE SINK w AS SELECT * FROM ") == ["clicks", "enriched", "orders", "spend", "users"])
        #expect(complete("CREATE MATERIALIZED VIEW v ") == ["AS", "WITH"])
        #expect(complete("EXPLAIN CREATE ") == ["MATERIALIZED", "SINK"])
        #expect(complete("DESCRIBE ") == ["clicks", "enriched", "orders", "spend", "users", "warehouse"])
        #expect(complete("SHOW COLUMNS FROM sp") == ["spend"])
    }

    @Test func namesAfterDrop() {
        #expect(complete("DROP SOURCE ") == ["clicks", "IF", "orders"])
        #expect(complete("DROP TABLE ") == ["IF", "users"])
        #expect(complete("DROP SINK ") == ["IF", "warehouse"])
        #expect(complete("DROP MATERIALIZED VIEW e") == ["enriched"])
        #expect(complete("drop view i") == ["if"])
    }

    /// `DROP kind IF EXISTS name` is offered word by word; after the name the statement is
    /// whole, so nothing is (the parser refuses CASCADE).
    @Test func ifExistsAndNothingAfterAWholeStatement() {
        #expect(complete("DROP SOURCE IF ") == ["EXISTS"])
        #expect(complete("DROP SOURCE IF EXISTS ") == ["clicks", "orders"])
        #expect(complete("DROP MATERIALIZED VIEW IF EXISTS s") == ["spend"])
        #expect(complete("DROP SOURCE clicks ") == [])
        #expect(complete("DROP SOURCE IF EXISTS clicks ") == [])
        #expect(complete("SHOW QUEUES ") == [])
        #expect(complete("DESCRIBE spend ") == [])
        #expect(complete("EXPLAIN spend ") == [])
        #expect(complete("DIAGNOSE ") == [])
        #expect(complete("WATCH SHOW QUEUES ") == ["EVERY", "FOR", "SPEED"])
        #expect(complete("HELP ").contains("flow_control"))
        #expect(complete("") .contains("HELP"))
    }

    /// An actor, its fragment (the actor's name less its index) or its job, as SHOW METRICS
    /// and PLOT take them: a fragment typed whole is not turned into one of its actors.
    @Test func actorsAfterShowMetricsAndInPlotFunctions() {
        let everything = ["clicks.src", "clicks.src.0", "enriched", "spend", "spend.agg", "spend.agg.0", "spend.agg.1", "warehouse"]
        #expect(complete("SHOW METRICS ") == everything)
        #expect(complete("SHOW METRICS spend.agg.") == ["spend.agg.0", "spend.agg.1"])
        #expect(complete("SHOW METRICS spend.agg") == ["spend.agg", "spend.agg.0", "spend.agg.1"])
        #expect(complete("PLOT queue(sp") == ["spend", "spend.agg", "spend.agg.0", "spend.agg.1"])
        #expect(complete("PLOT busy(") == everything)
        #expect(complete("PLOT queue(spend.agg.0), backpressure(c") == ["clicks.src", "clicks.src.0"])
        // After a series, LAST.
        #expect(complete("PLOT queue(spend.agg.0) ") == ["LAST"])
        #expect(complete("PLOT barrier_latency ") == ["LAST"])
        // Once the argument is there, no name again (lag(clicks clicks).
        #expect(complete("PLOT lag(clicks ").isEmpty)
        #expect(complete("PLOT queue(spend.agg.0 ").isEmpty)
        #expect(complete("PLOT lag(") == ["clicks", "orders"])
        #expect(complete("PLOT throughput(") == ["enriched", "spend", "warehouse"])
        #expect(complete("PLOT ") == ["backpressure(", "barrier_latency", "busy(", "idle(", "lag(", "queue(", "throughput("])
        #expect(complete("PLOT i") == ["idle("])
        #expect(complete("PLOT busy(spend), i") == ["idle("])
        #expect(complete("PLOT idle ") == [] && complete("PLOT queue(spend) LAST ") == [])
        #expect(complete("PLOT idle(") == everything)
        #expect(complete("PLOT queue(spend.agg.0) LA") == ["LAST"])
    }

    @Test func columnsForTheRelationsInTheStatement() {
        #expect(complete("SELECT u| FROM clicks") == ["url", "user_id"])
        #expect(complete("SELECT user_id, a| FROM clicks") == ["amount"])
        #expect(complete("SELECT * FROM clicks WHERE am") == ["amount"])
        #expect(complete("SELECT * FROM clicks GROUP BY ") == ["amount", "url", "user_id"])
        #expect(complete("SELECT * FROM spend ORDER BY t") == ["total"])
        #expect(complete("SELECT * FROM spend ORDER BY total D") == ["DESC"])
        #expect(complete("SELECT * FROM clicks c JOIN users u ON c.user_id = u.") == ["u.region", "u.user_id"])
        #expect(complete("SELECT c.| FROM clicks AS c") == ["c.amount", "c.url", "c.user_id"])
        #expect(complete("SELECT r| FROM clicks c JOIN users u ON c.user_id = u.user_id") == ["region"])
        #expect(complete("CREATE MATERIALIZED VIEW v AS SELECT count(am| FROM clicks") == ["amount"])
    }

    @Test func variablesAndTheirValues() {
        #expect(complete("SET ") == ["checkpoint_mode", "chunk_rows", "flow_control"])
        #expect(complete("SET f") == ["flow_control"])
        #expect(complete("SHOW ch") == ["checkpoint_mode", "checkpoints", "chunk_rows"])
        #expect(complete("RESET ") == ["ALL", "checkpoint_mode", "chunk_rows", "flow_control", "METRICS"])
        #expect(complete("SET flow_control = ") == ["credit", "drop_head", "drop_tail", "permits", "tcp", "unbounded"])
        #expect(complete("set flow_control to dr") == ["drop_head", "drop_tail"])
        #expect(complete("SET checkpoint_mode = un") == ["unaligned"])
        #expect(complete("SET chunk_rows = ") == [])
    }

    @Test func dotCommandsAndTheirArguments() {
        #expect(complete(".") == CompletionVocabulary.dotCommands)
        #expect(complete(".re") == [".read", ".replay", ".rerun", ".rewind"])
        #expect(complete("  .mo") == [".mode"])
        #expect(complete(".mode ") == ["csv", "json", "markdown", "table"])
        #expect(complete(".mode j") == ["json"])
        #expect(complete(".timer o") == ["off", "on"])
        #expect(complete(".open ") == ["demo", "lesson1", "lesson2"])
        #expect(complete(".replay less") == ["lesson1", "lesson2"])
        #expect(complete(".replay lesson1 --v") == ["--verify"])
        #expect(complete(".mode csv ") == [])
        #expect(complete(".help ").contains("flow_control"))
        #expect(complete(".help cr") == ["create", "credit"])
    }

    /// Statement topics have several words: each completes after the ones before it.
    @Test func helpTopicsCompleteWordByWord() {
        #expect(complete(".help ").contains("create") && complete(".help ").contains("select"))
        #expect(complete(".help create ") == ["materialized", "sink", "source", "table", "view"])
        #expect(complete(".help create s") == ["sink", "source"])
        #expect(complete(".help CREATE S") == ["sink", "source"])
        #expect(complete(".help create materialized ") == ["view"])
        #expect(complete(".help flow_control ") == [])
        #expect(complete(".help select ") == [])
        #expect(complete("HELP ").contains("flow_control") && complete("HELP ").contains("CREATE"))
        #expect(complete("HELP create s") == ["sink", "source"])
        #expect(complete("HELP CREATE S") == ["SINK", "SOURCE"])
        #expect(complete("help flo") == ["flow_control"])
    }

    @Test func fileNamesAfterReadAndExport() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-completion-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("examples"), withIntermediateDirectories: true)
        for name in ["examples/credit.sql", "examples/tcp.sql", "notes.md", ".hidden"] {
            _ = FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data())
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let engine = CompletionEngine(currentDirectory: dir.path)
        func files(_ line: String) -> [String] { engine.candidates(line: line, cursor: line.utf8.count, context: context) }
        #expect(files(".read ") == ["examples/", "notes.md"])
        #expect(files(".read ex") == ["examples/"])
        #expect(files(".read examples/") == ["examples/credit.sql", "examples/tcp.sql"])
        #expect(files(".export examples/c") == ["examples/credit.sql"])
        #expect(files(".read .h") == [".hidden"])
        #expect(files(".read \(dir.path)/no") == ["\(dir.path)/notes.md"])
        #expect(files(".read nothing/") == [])
    }

    /// `.delete` offers every saved session but the one this shell records into, which it refuses.
    @Test func deleteOffersNotTheSessionBeingRecorded() {
        let recording = StaticCompletionContext(sessions: ["lesson1", "lesson2", "demo"], recordingSession: "lesson2")
        #expect(engine.candidates(line: ".delete ", cursor: 8, context: recording) == ["demo", "lesson1"])
        #expect(engine.candidates(line: ".open ", cursor: 6, context: recording) == ["demo", "lesson1", "lesson2"])
    }

    /// A name or path with a blank completes quoted, as the dot-commands read it back:
    /// `.open my` Tab gave `.open my lesson`, which Enter refused ("takes one name").
    @Test func namesWithBlanksCompleteQuoted() throws {
        let sessions = StaticCompletionContext(sessions: ["my lesson", "my lab", "demo", "it's mine"])
        func complete(_ line: String) -> CompletionEngine.Completion {
            engine.complete(line: line, cursor: line.utf8.count, context: sessions)
        }
        #expect(complete(".open my").candidates == ["'my lab'", "'my lesson'"])
        #expect(complete(".open my").word == "my")
        #expect(complete(".open my les").candidates == [], "two words: not one name")
        #expect(complete(".open 'my les") == .init(wordStart: 6, word: "'my les", candidates: ["'my lesson'"], listed: ["my lesson"]))
        #expect(complete(".open \"my l").candidates == ["\"my lab\"", "\"my lesson\""])
        #expect(complete(".replay 'my lesson' --s").candidates == ["--step"], "a quoted name is one word")
        #expect(complete(".open it").candidates == ["\"it's mine\""])
        #expect(complete(".open d").candidates == ["demo"], "no blank, no quotes")
        // Only the names that need it are quoted (all were, and Tab inserted a lone `'`), and a
        // listing shows the names themselves (it showed `my lesson'`, libedit's word starting
        // after the quote).
        #expect(complete(".open ").candidates == ["demo", "\"it's mine\"", "'my lab'", "'my lesson'"])
        #expect(complete(".open ").listed == ["demo", "it's mine", "my lab", "my lesson"])
        #expect(complete(".open '").candidates == ["'demo'", "it's mine", "'my lab'", "'my lesson'"])
        #expect(complete(".open '").listed == ["demo", "it's mine", "my lab", "my lesson"])
        // What Tab inserts is what Enter accepts: one word, the name itself.
        for candidate in complete(".open my").candidates {
            #expect(Session.dotWords(".open " + candidate)?.count == 2, "\(candidate)")
        }
        #expect(Session.dotWords(".open 'my lesson'") == [".open", "my lesson"])

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-quoting-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("my lessons"), withIntermediateDirectories: true)
        for name in ["my lessons/lesson 1.sql", "my notes.sql"] {
            _ = FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data())
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = CompletionEngine(currentDirectory: dir.path)
        func file(_ line: String) -> [String] { files.candidates(line: line, cursor: line.utf8.count, context: sessions) }
        #expect(file(".read my") == ["'my lessons/", "'my notes.sql'"], "a directory's quote stays open")
        #expect(file(".read 'my lessons/") == ["'my lessons/lesson 1.sql'"])
        #expect(file(".export 'my n") == ["'my notes.sql'"])
    }

    @Test func onlyTheWordUnderTheCursor() {
        // The cursor in the middle of a line completes the word before it, using what follows.
        let line = "SELECT * FROM  WHERE amount > 1"
        let cursor = "SELECT * FROM ".utf8.count
        #expect(engine.candidates(line: line, cursor: cursor, context: context).contains("spend"))
        let completion = engine.complete(line: "SHOW METRICS spend.ag", cursor: 21, context: context)
        #expect(completion.word == "spend.ag")
        #expect(completion.wordStart == 13)
    }

    @Test func nothingInsideStringsAndComments() {
        #expect(complete("SELECT * FROM clicks WHERE url = 'sel") == [])
        #expect(complete("SELECT 1 -- sel") == [])
        #expect(complete("/* sel") == [])
        #expect(complete("SELECT 'it''s' FROM ") == ["enriched", "spend", "users"])
    }

    @Test func sortedAndDeduplicated() {
        let twice = StaticCompletionContext(sources: ["b", "a", "a"], views: ["a"])
        let line = "CREATE MATERIALIZED VIEW v AS SELECT * FROM "
        #expect(engine.candidates(line: line, cursor: line.utf8.count, context: twice) == ["a", "b"])
    }
}
