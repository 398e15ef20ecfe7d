import Foundation
import Testing
@testable import SluiceShell
import SluiceEngine
import SluiceStore

/// Deleting a saved session: `.delete NAME` in the shell, `sluice delete NAME` on the command
/// line. Before them a name once taken stayed taken ("delete the existing session first").
@Suite("deleting sessions")
struct DeleteSessionTests {
    static let cells = ["CREATE SOURCE s (a INT) WITH (rate = 100, keys = 5);", "RUN 1s;"]

    /// A store at `path` holding the sessions `names`, each of `cells`, saved by its own shell.
    func makeStore(_ path: String, _ names: [String]) throws {
        for name in names {
            let s = session()
            s.hooks.openStore = { try SessionStore(path: path) }
            for cell in Self.cells { #expect(s.execute(cell).ok) }
            #expect(s.execute(".save '\(name)'").ok)
        }
    }

    func names(_ path: String) throws -> [String] {
        try SessionStore(path: path, options: StoreOptions(readOnly: true)).sessions().map(\.name).sorted()
    }

    func shell(_ path: String, readOnly: Bool = false) -> Session {
        let s = session()
        s.hooks.openStore = { try SessionStore(path: path, options: StoreOptions(readOnly: readOnly)) }
        s.hooks.storePath = path
        return s
    }

    // MARK: .delete

    @Test func deleteRemovesTheSessionAndFreesItsName() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        try makeStore(path, ["b1", "b2"])
        let s = shell(path)
        #expect(s.execute("SHOW seed;").ok)
        let taken = s.execute(".save b1")
        #expect(!taken.ok)
        #expect(taken.output == """
            ERROR: a session named 'b1' already exists
            HINT: choose another name, or delete the existing session first: .delete b1 in the shell, sluice delete b1 from the command line

            """)
        #expect(s.run(".delete b1") == "deleted b1 (2 cells) from \(path)\n")
        #expect(try names(path) == ["b2"])
        #expect(s.run(".save b1") == "saved as b1 (1 cell) in \(path)\n")
        #expect(s.cellCount == 1, "dot-commands are not cells")
    }

    @Test func badNamesChangeNothing() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        try makeStore(path, ["lesson-1", "my lesson"])
        let before = try #require(bytes(path))
        let s = shell(path)
        #expect(s.run(".delete lesson-2") == "ERROR: no saved session named lesson-2\nHINT: did you mean lesson-1?\n")
        #expect(s.run(".delete zzzzzzzz") == "ERROR: no saved session named zzzzzzzz\nHINT: .sessions lists them\n")
        #expect(s.run(".delete") == "ERROR: usage: .delete NAME\n")
        #expect(s.run(".delete my lesson") == "ERROR: .delete takes one name; quote a name with spaces\nHINT: .delete 'my name'\n")
        #expect(try names(path) == ["lesson-1", "my lesson"])
        #expect(bytes(path) == before)
        #expect(s.run(".delete 'my lesson'") == "deleted 'my lesson' (2 cells) from \(path)\n")
        #expect(try names(path) == ["lesson-1"])
    }

    /// The session this shell records to is refused, whether started here or opened, until
    /// `.rewind 0` leaves it.
    @Test func theSessionThisShellRecordsToIsRefused() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        try makeStore(path, ["lesson"])
        let s = shell(path)
        #expect(s.execute("SET nodes = 2;").ok)
        #expect(s.execute(".save mine").ok)
        let refusal = """
            ERROR: cannot delete mine: this shell is recording its cells in it
            HINT: .rewind 0 starts afresh without it, then .delete mine deletes it; or quit and run sluice delete mine

            """
        #expect(s.run(".delete mine") == refusal)
        #expect(s.execute(".open lesson").ok)
        #expect(s.run(".delete lesson").hasPrefix("ERROR: cannot delete lesson: this shell is recording its cells in it\n"))
        #expect(s.run(".delete mine") == "deleted mine (1 cell) from \(path)\n")
        #expect(s.execute(".rewind 0").ok)
        #expect(s.run(".delete lesson") == "deleted lesson (2 cells) from \(path)\n")
        #expect(try names(path).isEmpty)
    }

    /// A session another running shell records into is not deleted, by `.delete` in another
    /// shell or by `sluice delete`: the error names the other process.
    @Test func theSessionAnotherShellRecordsToIsRefused() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        try makeStore(path, ["lesson"])
        let recording = shell(path)
        #expect(recording.execute(".open lesson").ok)
        let writer = try #require(recording.notebook?.writer)
        let id = try #require(recording.notebook?.current?.id)
        let since = try #require(try SessionStore(path: path).claim(onSession: id)?.claimed)
        let other = shell(path)
        #expect(other.run(".delete lesson") == """
            ERROR: cannot delete session 'lesson': another sluice (\(writer.description)) is recording into it (since \(since))
            HINT: nothing was deleted; quit that shell (or .rewind 0 in it, which stops its recording) first, then delete the session

            """)
        if SluiceBinary.isBuilt {
            let run = try sluice(["delete", "lesson", "--db", path])
            #expect(run.status == 1)
            #expect(run.stderr.hasPrefix("sluice delete: cannot delete session 'lesson': another sluice (\(writer.description))"))
        }
        #expect(try names(path) == ["lesson"])
    }

    /// A session deleted under a recording shell all the same (by hand, or by an older sluice):
    /// the shell's warning names it, not its id in the store. (Nothing else in this process
    /// opens the store meanwhile: closing any other descriptor of the file would drop SQLite's
    /// locks, and sqlite3 would take the recording connection's WAL away.)
    @Test func aRecordingShellWhoseSessionIsDeletedNamesIt() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        try makeStore(path, ["lesson"])
        let recording = shell(path)
        #expect(recording.execute(".open lesson").ok)
        #expect(try sqlite3(path, "PRAGMA busy_timeout = 5000; DELETE FROM session WHERE name = 'lesson'; SELECT count(*) FROM session;")
                == "5000\n0\n")
        let result = recording.execute("SHOW seed;")
        #expect(result.output.hasSuffix("""
            warning: cell 3 was not saved: session 'lesson' was deleted by another process; recording stopped, and nothing \
            more is added to lesson (.save NAME saves the whole notebook, 3 cells, as a new session)

            """))
    }

    @Test func aReadOnlyStoreIsNotChanged() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        try makeStore(path, ["lesson"])
        // Opened read-only (a shell that started when it could not be written).
        let opened = shell(path, readOnly: true)
        #expect(opened.run(".delete lesson") == """
            ERROR: cannot delete lesson: the session store \(path) was opened read-only
            HINT: start sluice again to delete from it

            """)
        // A file nobody may write.
        chmod(path, 0o444)
        let before = try #require(bytes(path))
        let locked = shell(path, readOnly: true)
        #expect(locked.run(".delete lesson") == """
            ERROR: cannot write the session store \(path): the file is not writable
            HINT: make it writable (chmod u+w on the file and its directory), or choose another file with --db PATH or SLUICE_DB; or run without saving

            """)
        #expect(bytes(path) == before)
        #expect(try names(path) == ["lesson"])
        // The session it opened is refused for the store's sake, not as the one it records to
        // (read-only, it records nothing).
        #expect(locked.execute(".open lesson").ok)
        #expect(locked.run(".delete lesson").hasPrefix("ERROR: cannot write the session store \(path): the file is not writable\n"))
        #expect(bytes(path) == before)
    }

    @Test func aStoreThatDoesNotExistIsNotCreated() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("none.sqlite")
        let s = shell(path)
        #expect(s.run(".delete lesson") == "ERROR: no saved session named lesson: the store \(path) does not exist\n")
        #expect(!FileManager.default.fileExists(atPath: path))
        let unopened = session()
        #expect(unopened.run(".delete lesson") == "ERROR: no session store is open\nHINT: start sluice with --db PATH or set SLUICE_DB\n")
    }

    @Test func completionAndHelpKnowDelete() {
        let context = StaticCompletionContext(sessions: ["lesson1", "lesson2", "demo"])
        let engine = CompletionEngine()
        func complete(_ line: String) -> [String] { engine.candidates(line: line, cursor: line.utf8.count, context: context) }
        #expect(complete(".de") == [".delete"])
        #expect(complete(".delete ") == ["demo", "lesson1", "lesson2"])
        #expect(complete(".delete less") == ["lesson1", "lesson2"])
        #expect(Session.dotCommands.contains(".delete"))
        #expect(Help.overview.contains(".delete NAME"))
        #expect(Help.text(topic: "sessions")?.contains("sluice delete NAME") == true)
    }

    // MARK: sluice delete

    @Test(.enabled(if: SluiceBinary.isBuilt, "build the sluice executable first (swift build --build-tests)"))
    func theDeleteSubcommand() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("store.sqlite")
        try makeStore(db, ["b1", "lesson"])
        let deleted = try sluice(["delete", "b1", "--db", db])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stdout == "deleted b1 (2 cells) from \(db)\n")
        #expect(try names(db) == ["lesson"])

        let before = try #require(bytes(db))
        let typo = try sluice(["delete", "lessen", "--db", db])
        #expect(typo.status == 1)
        #expect(typo.stdout == "")
        #expect(typo.stderr == "sluice delete: no saved session named lessen in \(db)\nHINT: did you mean lesson?\n")
        let far = try sluice(["delete", "zzzzzzzz", "--db", db])
        #expect(far.status == 1)
        #expect(far.stderr == "sluice delete: no saved session named zzzzzzzz in \(db)\nHINT: sessions: lesson\n")
        #expect(bytes(db) == before)

        // SLUICE_DB chooses the store as for the other subcommands; a missing or empty store is not created.
        let viaEnvironment = try sluice(["delete", "lesson"], environment: ["SLUICE_DB": db])
        #expect(viaEnvironment.stdout == "deleted lesson (2 cells) from \(db)\n")
        let none = dir.path("none.sqlite")
        let missing = try sluice(["delete", "x", "--db", none])
        #expect(missing.status == 1)
        #expect(missing.stderr == "sluice delete: no session x: the store \(none) does not exist\n")
        #expect(!FileManager.default.fileExists(atPath: none))
        let empty = try dir.write("empty.sqlite", "")
        let nothing = try sluice(["delete", "x", "--db", empty])
        #expect(nothing.status == 1)
        #expect(nothing.stderr == "sluice delete: no session x: the store \(empty) is empty\n")
        #expect(bytes(empty) == Data())
    }

    @Test(.enabled(if: SluiceBinary.isBuilt, "build the sluice executable first (swift build --build-tests)"))
    func theDeleteSubcommandLeavesAReadOnlyStoreAlone() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("class.sqlite")
        try makeStore(db, ["lesson"])
        chmod(db, 0o444)
        let before = try #require(bytes(db))
        let run = try sluice(["delete", "lesson", "--db", db])
        #expect(run.status == 2)
        #expect(run.stdout == "")
        #expect(run.stderr == """
            sluice: cannot write the session store \(db): the file is not writable
            HINT: make it writable (chmod u+w on the file and its directory), or choose another file with --db PATH or SLUICE_DB; or run without saving

            """)
        #expect(bytes(db) == before)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: dir.url.path)) ?? []) == ["class.sqlite"])
    }
}
