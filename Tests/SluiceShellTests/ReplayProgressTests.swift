import Foundation
import Testing
@testable import SluiceShell
import SluiceEngine
import SluiceStore

/// How a replay goes, cell by cell: `--step` shows a cell and runs it on Enter (it used to run
/// it first, then ask), the shell's `.replay` prints each cell as it completes (it printed
/// nothing until the end), Ctrl-C stops the replayed cell at its next event (it waited for the
/// cell to end), and a replay without `--verify` says when outputs differ from the recording.
@Suite("replay, cell by cell")
struct ReplayProgressTests {
    static let cells = ["CREATE SOURCE s (a INT) WITH (rate = 100, keys = 5);", "RUN 1s;", "SHOW SOURCES;"]

    /// A store at `path` holding `demo`, recorded by a shell that has quit.
    func record(_ path: String, _ cells: [String] = ReplayProgressTests.cells) {
        let s = notebookSession(path)
        for cell in cells { #expect(s.execute(cell).ok) }
        #expect(s.execute(".save demo").ok)
    }

    @Test func aStepReplayShowsACellAndRunsItOnlyOnEnter() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        record(path)
        let s = notebookSession(path)
        var events: [String] = []
        s.hooks.show = { blocks in events.append("show " + Renderer.render(blocks)) }
        s.hooks.pause = { prompt in
            events.append("pause " + prompt)
            return events.filter { $0.hasPrefix("pause") }.count < 3
        }
        let result = s.execute(".replay demo --step")
        #expect(result.output == "stopped after cell 2 of 3\n")
        #expect(events == [
            "show [1] CREATE SOURCE s (a INT) WITH (rate = 100, keys = 5);\n",
            "pause -- cell 1 of 3: Enter runs it, q stops",
            "show CREATE SOURCE\n",
            "show [2] RUN 1s;\n",
            "pause -- cell 2 of 3: Enter runs it, q stops",
            "show RUN 1s: now 1.000s\n",
            "show [3] SHOW SOURCES;\n",
            "pause -- cell 3 of 3: Enter runs it, q stops",
        ])
    }

    @Test func theShellsReplayShowsEachCellAsItCompletes() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        record(path)
        let s = notebookSession(path)
        var shown: [String] = []
        s.hooks.show = { blocks in shown.append(Renderer.render(blocks)) }
        let result = s.execute(".replay demo")
        #expect(result.ok)
        #expect(result.output == "")
        #expect(shown.count == 3)
        #expect(shown.first == "[1] CREATE SOURCE s (a INT) WITH (rate = 100, keys = 5);\nCREATE SOURCE\n")
    }

    /// Ctrl-C stops the replayed RUN at its next event, and the replay after it. The recorded
    /// `RUN 1s;` is made a RUN that would take far longer than the test waits.
    @Test func ctrlCStopsTheReplayedCellAtTheNextEvent() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        record(path, ["SET chunk_rows = 1;", "CREATE SOURCE s (k INT) WITH (rate = 1000000, keys = 5);",
                      "CREATE MATERIALIZED VIEW m AS SELECT k, count(*) AS n FROM s GROUP BY k;", "RUN 1ms;", "SHOW VIEWS;"])
        try sqlite3(path, "UPDATE cell SET input = 'RUN 1h;' WHERE input = 'RUN 1ms;';")
        let s = notebookSession(path)
        let started = Date()
        let target = UncheckedSession(s)
        s.hooks.show = { blocks in
            // The cell before the RUN is shown: press Ctrl-C while the RUN runs.
            guard Renderer.render(blocks).hasPrefix("[3] ") else { return }
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: 0.3)
                target.session?.interrupt()
            }
        }
        let result = s.execute(".replay demo")
        #expect(Date().timeIntervalSince(started) < 60)
        #expect(result.output == "stopped in cell 4 of 5 (Ctrl-C)\n")
    }

    /// Without `--verify` a replay still says that outputs differ, and that another engine
    /// version recorded the session, in the words `.open` uses.
    @Test func aPlainReplaySaysWhenOutputsDiffer() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        record(path)
        let replayer = Replayer(store: try SessionStore(path: path, options: StoreOptions(readOnly: true)))
        #expect(try replayer.replay("demo", verify: false).blocks.isEmpty)
        try sqlite3(path, "UPDATE cell SET output = 'RUN 1s: now 9.000s' || char(10) WHERE seq = 2; UPDATE session SET engine_version = '0.1.0';")
        let report = try Replayer(store: try SessionStore(path: path, options: StoreOptions(readOnly: true))).replay("demo", verify: false)
        #expect(report.ok)
        #expect(Renderer.render(report.blocks) == """
            recorded with engine 0.1.0; this is \(Engine.version)
            1 cell produced different output than recorded (sluice replay demo --verify shows them)

            """)
        let s = notebookSession(path)
        #expect(s.run(".replay demo").hasSuffix("""
            recorded with engine 0.1.0; this is \(Engine.version)
            1 cell produced different output than recorded (.replay demo --verify shows them)

            """))
        #expect(s.run(".open demo").hasSuffix("""
            recorded with engine 0.1.0; this is \(Engine.version)
            1 cell produced different output than recorded (.replay demo --verify shows them)

            """))
    }
}

/// `sluice replay NAME --step` through the executable: each cell's input and the prompt, then
/// on Enter its output.
@Suite("sluice replay --step", .enabled(if: SluiceBinary.isBuilt, "build the sluice executable first (swift build --build-tests)"))
struct ReplayStepProcessTests {
    @Test func eachCellIsShownBeforeItRuns() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("store.sqlite")
        let record = try sluice(["--db", db, "-c", ".save demo"] + ReplayProgressTests.cells.flatMap { ["-c", $0] })
        #expect(record.status == 0)
        let run = try sluice(["replay", "demo", "--step", "--db", db], stdin: "\n\nq\n")
        #expect(run.status == 0)
        #expect(run.stdout == """
            [1] CREATE SOURCE s (a INT) WITH (rate = 100, keys = 5);
            -- cell 1 of 3: Enter runs it, q stops 
            CREATE SOURCE
            [2] RUN 1s;
            -- cell 2 of 3: Enter runs it, q stops 
            RUN 1s: now 1.000s
            [3] SHOW SOURCES;
            -- cell 3 of 3: Enter runs it, q stops 
            stopped after cell 2 of 3

            """)
    }
}
