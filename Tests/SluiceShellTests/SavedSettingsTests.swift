import Foundation
import Testing
@testable import SluiceShell
import SluiceEngine
import SluiceStore

/// A saved session's header holds the seed and the session variables that differ from their
/// defaults after its last cell (SCHEMA.md): it used to hold `{}` whatever the cells set.
@Suite("saved settings")
struct SavedSettingsTests {
    func notebookSession(_ path: String, autoRecord: Bool = false) throws -> Session {
        let s = session()
        if autoRecord {
            s.notebook = Notebook(store: try SessionStore(path: path), autoRecord: true)
        } else {
            s.hooks.openStore = { try SessionStore(path: path) }
        }
        return s
    }

    func header(_ path: String, _ name: String) throws -> SessionInfo {
        let store = try SessionStore(path: path, options: StoreOptions(readOnly: true))
        return try #require(try store.session(named: name))
    }

    @Test func theJSONListsTheChangedVariablesInAlphabeticalOrder() throws {
        #expect(Session.settingsJSON(EngineSettings()) == "{}")
        let s = session()
        for cell in ["SET seed = 7;", "SET flow_control = permits;", "SET sink_decouple = true;", "SET buffer_rows = 1;",
                     "SET checkpoint_mode = unaligned;"] {
            #expect(s.execute(cell).ok)
        }
        let json = Session.settingsJSON(s.engine.settings)
        #expect(json == #"{"buffer_rows":1,"checkpoint_mode":"unaligned","flow_control":"permits","seed":7,"sink_decouple":true}"#)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["seed"] as? Int == 7)
        #expect(object["sink_decouple"] as? Bool == true)
        // A variable set back to its default is left out again.
        #expect(s.execute("RESET flow_control;").ok)
        #expect(s.execute("SET buffer_rows = 0;").ok)
        #expect(Session.settingsJSON(s.engine.settings) == #"{"checkpoint_mode":"unaligned","seed":7,"sink_decouple":true}"#)
    }

    @Test func saveStoresTheSeedAndTheChangedVariables() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let s = try notebookSession(path)
        #expect(s.execute("SET seed = 7;").ok)
        #expect(s.execute("SET flow_control = permits;").ok)
        #expect(s.run(".save seeded") == "saved as seeded (2 cells) in \(path)\n")
        var info = try header(path, "seeded")
        #expect(info.seed == 7)
        #expect(info.settings == #"{"flow_control":"permits","seed":7}"#)
        // Every cell recorded after the save keeps the header up to date.
        #expect(s.execute("RESET seed;").ok)
        info = try header(path, "seeded")
        #expect(info.seed == 42)
        #expect(info.settings == #"{"flow_control":"permits"}"#)
    }

    @Test func anAutoRecordedSessionFollowsEveryCell() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let s = try notebookSession(path, autoRecord: true)
        #expect(s.execute("CREATE SOURCE src (a INT) WITH (rate = 10);").ok)
        let name = try #require(s.notebook?.current?.name)
        #expect(try header(path, name).settings == "{}")
        #expect(s.execute("SET seed = 9;").ok)
        #expect(s.execute("SET nodes = 2;").ok)
        var info = try header(path, name)
        #expect(info.seed == 9)
        #expect(info.settings == #"{"nodes":2,"seed":9}"#)
        // `.rewind` rewrites the session's cells, and its header with them.
        #expect(s.execute(".rewind 2").ok)
        info = try header(path, name)
        #expect(info.cellCount == 2)
        #expect(info.settings == #"{"seed":9}"#)
    }

    /// A session saved before the header was kept holds `{}`: it opens and replays as ever,
    /// and gets its real settings once a cell is added to it.
    @Test func aSessionSavedWithEmptySettingsStillOpensAndReplays() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let recorder = session()
        for cell in ["SET seed = 5;", "SET buffer_rows = 10;", "CREATE SOURCE src (a INT) WITH (rate = 100, keys = 3);",
                     "CREATE MATERIALIZED VIEW v AS SELECT a, count(*) AS n FROM src GROUP BY a;", "RUN 1s;",
                     "SELECT * FROM v ORDER BY a;"] {
            #expect(recorder.execute(cell).ok)
        }
        let store = try SessionStore(path: path)
        try store.createSession(name: "old", engineVersion: Engine.version, seed: 42, settings: "{}",
                                cells: recorder.history.map(Notebook.record))
        try store.close()

        let s = try notebookSession(path)
        let replay = s.run(".replay old --verify")
        #expect(replay.hasSuffix("verified: all 6 cells of old match the recording\n"), "\(replay)")
        let opened = s.run(".open old")
        #expect(opened.hasPrefix("opened old: 6 cells re-executed, now at 1.000s"), "\(opened)")
        #expect(!opened.contains("different output"))
        #expect(try header(path, "old").settings == "{}", "opening a session does not rewrite it")
        #expect(s.execute("SHOW seed;").ok)
        let info = try header(path, "old")
        #expect(info.cellCount == 7)
        #expect(info.seed == 5)
        #expect(info.settings == #"{"buffer_rows":10,"seed":5}"#)
    }

    /// The audit's command line: `-c 'SET seed = 7;' -c 'SET flow_control = permits;' -c '.save seeded'`.
    @Test(.enabled(if: SluiceBinary.isBuilt, "build the sluice executable first (swift build --build-tests)"))
    func theExecutableSavesTheSettings() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("store.sqlite")
        let run = try sluice(["--db", db, "-c", "SET seed = 7;", "-c", "SET flow_control = permits;", "-c", ".save seeded"])
        #expect(run.status == 0, "\(run.stderr)")
        let info = try header(db, "seeded")
        #expect(info.seed == 7)
        #expect(info.settings == #"{"flow_control":"permits","seed":7}"#)
        let markdown = dir.path("seeded.md")
        #expect(try sluice(["export", "seeded", "--db", db, "--to", markdown]).status == 0)
        #expect(try String(contentsOfFile: markdown, encoding: .utf8).contains(#"Settings: ` {"flow_control":"permits","seed":7} `"#))
    }
}
