import Foundation
import Testing
@testable import SluiceShell
import SluiceEngine

/// `--mode json` and `--mode csv` are for other programs: stdout carries results only (json:
/// one JSON value per line; csv: header and rows, a blank line between results), and status
/// lines go to stderr with the errors. It printed `CREATE SOURCE`, `RUN 1s: now 1.000s`,
/// footers, DIAGNOSE's and EXPLAIN's text and two arrays with a blank line between them
/// among the JSON, so `| jq` failed.
@Suite("csv and json modes are machine-readable")
struct DataModeTests {
    /// Every kind of output: notices, tables with titles and footers, several tables from one
    /// statement, text (EXPLAIN, HELP, STEP's events, DIAGNOSE's advice), charts, the graph,
    /// WATCH frames, dot-commands, the timer and errors.
    static let script = """
        SET buffer_rows = 100;
        CREATE SOURCE clicks (user_id INT, url VARCHAR, amount DOUBLE) WITH (rate = 1000, keys = 100, partitions = 2);
        CREATE TABLE users (user_id INT PRIMARY KEY, region VARCHAR) WITH (rows = 10);
        CREATE MATERIALIZED VIEW spend AS SELECT user_id, count(*) AS n, sum(amount) AS total FROM clicks WHERE amount > 10 GROUP BY user_id;
        CREATE SINK crm FROM spend WITH (batch = 1, latency = '5ms');
        SHOW ACTORS;
        RUN 2s;
        SHOW SOURCES; SHOW TABLES; SHOW VIEWS; SHOW SINKS;
        SHOW ACTORS; SHOW QUEUES; SHOW BARRIERS; SHOW CHECKPOINTS; SHOW LAG; SHOW LEDGER;
        SHOW GRAPH;
        SHOW METRICS; SHOW METRICS spend.agg;
        SHOW ALL; SHOW seed;
        DESCRIBE spend;
        EXPLAIN spend;
        EXPLAIN CREATE MATERIALIZED VIEW big AS SELECT user_id FROM clicks WHERE amount > 50;
        DIAGNOSE;
        PLOT queue(spend.agg.0), lag(clicks), barrier_latency LAST 1s;
        STEP 3;
        BARRIER; STEP BARRIER;
        WATCH SHOW QUEUES EVERY 200ms FOR 600ms;
        SELECT * FROM spend ORDER BY n DESC LIMIT 3;
        HELP credit;
        .help
        .timer on
        RESET METRICS;
        .timer off
        .cells
        SELEKT 1;
        INJECT 500 INTO clicks PARTITION 1;
        ALTER MATERIALIZED VIEW spend SET PARALLELISM = 2;
        SHOW ACTORS;
        .mode
        DROP SINK crm;

        """

    /// The script's stdout and stderr in `mode`, as the executable writes them.
    func streams(_ mode: OutputMode) -> (stdout: String, stderr: String) {
        let s = Session(options: RenderOptions(mode: mode))
        var out = "", err = ""
        var results = false
        for cell in ScriptRunner.cells(of: Self.script, session: s) {
            let written = RenderedPiece.separatingResults(s.execute(cell.text).pieces, mode: mode, after: results)
            results = written.results
            for piece in written.pieces {
                if piece.toStandardError { err += piece.text } else { out += piece.text }
            }
        }
        return (out, err)
    }

    @Test func jsonIsOneValuePerLineAndNothingElse() throws {
        let (out, err) = streams(.json)
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(out.hasSuffix("\n"))
        #expect(lines.count == 40)
        for line in lines {
            let value = try JSONSerialization.jsonObject(with: Data(line.utf8))
            #expect(value is [Any] || value is [String: Any], "\(line.prefix(80))")
        }
        // Status lines, titles and footers are not on stdout; status lines are on stderr.
        for prose in ["RUN 2s: now 2.000s", "barrier latency (", "ledger balanced", "bottleneck:",
                      "Every 200ms — frame 1 of 3", "Time: wall", "mode: json", "ERROR:", "In flight", "ms per second over"] {
            #expect(!out.contains(prose), "\(prose)")
        }
        for status in ["CREATE SOURCE\n", "RUN 2s: now 2.000s\n", "ledger balanced: every row is accounted for\n",
                       "bottleneck: crm.sink.0", "Every 200ms — frame 3 of 3", "Time: wall ", "mode: json\n",
                       "ERROR: unknown statement 'SELEKT'\n", "DROP SINK\n"] {
            #expect(err.contains(status), "\(status)")
        }
        #expect(!err.contains("\n\n"), "no blank lines between status lines")
    }

    /// A column of numbers holds numbers or null: no `unlimited` or `forever` among them.
    @Test func aNumberThatIsNotThereIsNull() throws {
        let s = session("CREATE SOURCE a (k INT) WITH (rate = 100); CREATE SINK z FROM a;")
        s.options.mode = .json
        func first(_ cell: String) throws -> [String: Any] {
            let out = s.execute(cell).pieces.filter { !$0.toStandardError }.map(\.text).joined()
            return try #require((try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]])?.first)
        }
        let sink = try first("SHOW SINKS;")
        #expect(sink["throughput"] is NSNull && sink["log_lag"] is NSNull && sink["latency"] as? Double == 0, "\(sink)")
        #expect(try first("SHOW SOURCES;")["retention"] is NSNull)
        s.options.mode = .table
        #expect(s.run("SHOW SINKS;").contains("│ coupled │"))
    }

    @Test func jsonShapesOfEachKindOfResult() throws {
        let s = session("""
            CREATE SOURCE a (k INT) WITH (rate = 100);
            CREATE MATERIALIZED VIEW v AS SELECT k, count(*) AS n FROM a GROUP BY k;
            RUN 1s;
            """)
        s.options.mode = .json
        func values(_ cell: String) throws -> [Any] {
            let result = s.execute(cell)
            let out = result.pieces.filter { !$0.toStandardError }.map(\.text).joined()
            return try out.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) }
        }
        // Two tables, two arrays, one per line, in table mode's order.
        let barriers = try values("SHOW BARRIERS;")
        #expect(barriers.count == 2)
        // Times are numbers of seconds.
        let completed = try #require((barriers[1] as? [[String: Any]])?.first)
        #expect(completed["latency"] as? Double == 0 && completed["injected"] as? Double == 1 && completed["completed"] as? Double == 1, "\(completed)")
        // A checkpoint's offsets and state sizes are objects keyed by actor; offsets are a list per partition.
        let checkpoint = try #require((try values("SHOW CHECKPOINTS;").first as? [[String: Any]])?.first)
        #expect((checkpoint["source_offsets"] as? [String: [Int]])?["v.source.0"]?.count == 1, "\(checkpoint)")
        #expect((checkpoint["state_rows"] as? [String: Int])?["v.agg.0"] != nil, "\(checkpoint)")
        #expect(checkpoint["duration"] is Double && checkpoint["completed"] as? Double == 1, "\(checkpoint)")
        // Text is an array of its lines.
        let explain = try #require(try values("EXPLAIN v;").first as? [[String: String]])
        #expect(explain.first?["line"] == "StreamMaterialize { columns: [k, n], pk_columns: [k] }")
        #expect(explain.allSatisfy { $0.keys.sorted() == ["line"] })
        // The graph is its nodes and edges.
        let graph = try #require(try values("SHOW GRAPH;").first as? [String: [[String: Any]]])
        #expect(graph["nodes"]?.map { $0["name"] as? String } == ["v.source.0", "v.agg.0"])
        #expect(graph["edges"]?.first?["from"] as? Int == 0 && graph["edges"]?.first?["to"] as? Int == 1)
        // A statement that only changes something prints nothing on stdout.
        #expect(try values("SET seed = 7;").isEmpty)
        #expect(try values("DIAGNOSE;").isEmpty, "its finding is a status line")
    }

    @Test func csvSeparatesResultsByABlankLine() {
        let s = session("CREATE SOURCE a (k INT) WITH (rate = 100);")
        s.options.mode = .csv
        let first = s.execute("SHOW seed;")
        #expect(first.pieces == [RenderedPiece(text: "seed\n42\n", toStandardError: false)])
        let second = s.execute("SET nodes = 2; SHOW nodes; SHOW chunk_rows;")
        #expect(second.pieces == [RenderedPiece(text: "SET\n", toStandardError: true),
                                  RenderedPiece(text: "nodes\n2\n\nchunk_rows\n256\n", toStandardError: false)])
        // After the results of earlier cells, the stream puts a blank line before the next.
        let written = RenderedPiece.separatingResults(second.pieces, mode: .csv, after: true)
        #expect(written.results && written.pieces[1].text == "\nnodes\n2\n\nchunk_rows\n256\n")
        #expect(RenderedPiece.separatingResults(second.pieces, mode: .json, after: true).pieces == second.pieces)
        // Markdown too: a table right under another line would read as part of it.
        s.options.mode = .markdown
        let table = s.execute("SHOW nodes;")
        let markdown = RenderedPiece.separatingResults(table.pieces, mode: .markdown, after: true)
        #expect(markdown.results && markdown.pieces[0].text.hasPrefix("\n| nodes |"), "\(markdown.pieces)")
        #expect(RenderedPiece.separatingResults(table.pieces, mode: .markdown, after: false).pieces == table.pieces)
        s.options.mode = .csv
        let quiet = RenderedPiece.separatingResults([RenderedPiece(text: "SET\n", toStandardError: true)], mode: .csv, after: false)
        #expect(!quiet.results)
        let text = s.execute("EXPLAIN CREATE MATERIALIZED VIEW v AS SELECT k FROM a;").output
        #expect(text.hasPrefix("line\n\"StreamMaterialize {"), "\(text)")
        #expect(text.contains("\n\"\"\nFragment 0"), "an empty line of text is not a blank line: that separates results")
        let (out, err) = streams(.csv)
        #expect(!out.contains("\nCREATE SOURCE\n") && err.contains("CREATE SOURCE\n"))
        #expect(!out.hasPrefix("\n") && !out.contains("\n\n\n"))
        #expect(out.components(separatedBy: "\n\n").count == 41, "one block per result (the graph is two: nodes, edges)")
    }

    @Test func tableModeIsUnchanged() {
        let s = session("CREATE SOURCE a (k INT) WITH (rate = 100); CREATE MATERIALIZED VIEW v AS SELECT k FROM a;")
        let result = s.execute("RUN 1s; SHOW BARRIERS;")
        #expect(result.pieces.count == 1 && !result.pieces[0].toStandardError)
        #expect(result.output.hasPrefix("RUN 1s: now 1.000s\n\nIn flight\n┌"))
        #expect(result.output.contains(")\n\nbarrier latency (meta_barrier_duration_seconds)"))
    }

    /// The executable separates csv results of different cells by a blank line too.
    @Test(.enabled(if: SluiceBinary.isBuilt, "build the sluice executable first"))
    func theExecutablesCsvResultsAreABlankLineApart() throws {
        let run = try sluice(["--mode", "csv", "-c", "SHOW seed;", "-c", "SET nodes = 2;", "-c", "SHOW nodes; SHOW chunk_rows;"])
        #expect(run.status == 0)
        #expect(run.stdout == "seed\n42\n\nnodes\n2\n\nchunk_rows\n256\n")
        #expect(run.stderr == "SET\n")
    }

    /// The executable: `--mode json script.sql | jq` reads every line; `--echo` goes to stderr.
    @Test(.enabled(if: SluiceBinary.isBuilt, "build the sluice executable first"))
    func theExecutablesStdoutIsJSONLines() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("mixed.sql", Self.script)
        let run = try sluice(["--mode", "json", "--echo", file])
        #expect(run.status == 1, "SELEKT fails")
        for line in run.stdout.split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "\(line.prefix(80))")
        }
        #expect(run.stderr.hasPrefix("SET buffer_rows = 100;\nSET\nCREATE SOURCE clicks"), "the echo is on stderr")
        #expect(run.stderr.contains("\(file):28: ERROR: unknown statement 'SELEKT'"))
    }
}

/// A checkpoint's offsets in csv: the JSON object in one field, since names may hold the
/// spaces and `=` that `name=n` pairs could not carry.
@Suite("csv keyed numbers")
struct CsvKeyedNumbersTests {
    @Test func namesWithSpacesAndEqualsSignsReadBack() throws {
        let s = session("""
            SET barrier_interval_ms = 100;
            CREATE SOURCE "s p" (k INT, v INT) WITH (rate = 100, partitions = 2);
            CREATE MATERIALIZED VIEW "a=b c" AS SELECT k, count(*) AS n FROM "s p" GROUP BY k;
            RUN 1s;
            """)
        s.options.mode = .csv
        let out = s.execute("SHOW CHECKPOINTS;").pieces.filter { !$0.toStandardError }.map(\.text).joined()
        let line = try #require(out.split(separator: "\n").dropFirst().first.map(String.init))
        // RFC 4180 around the JSON: the field is quoted, its quotes doubled.
        #expect(line.contains(#","{""a=b c.source.0"":["#), "\(line)")
    }
}
