import Foundation
import Testing
@testable import SluiceShell
import SluiceStore

/// Batch mode writes nothing to the store until `.save`, as the README says. `.open` used to
/// add the script's cells (error cells too) to the opened lesson, `.rewind` left `lesson-N`
/// forks behind, and `.sessions` or a failed `.open` created the store, or changed it.
@Suite("batch mode: the store is written only by .save")
struct BatchStoreTests {
    /// A session in batch mode whose store is `path`, opened on first use as the executable does.
    func batchSession(_ path: String) -> Session {
        let s = session()
        s.hooks.batch = true
        s.hooks.storePath = path
        s.hooks.openStore = { try SessionStore(path: path) }
        return s
    }

    /// A store at `path` holding `lesson`, recorded by a shell that has quit.
    func recordLesson(_ path: String) throws -> [CellRecord] {
        do {
            let teacher = notebookSession(path)
            for cell in NotebookTests.cells { #expect(teacher.execute(cell).ok) }
            #expect(teacher.execute(".save lesson").ok)
        }
        return try storedCells(path, "lesson")
    }

    func names(_ path: String) throws -> [String] {
        try SessionStore(path: path, options: StoreOptions(readOnly: true)).sessions().map(\.name).sorted()
    }

    @Test func openLoadsASessionAndLeavesItAsItIs() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let lesson = try recordLesson(path)
        let before = try #require(bytes(path))
        let s = batchSession(path)
        #expect(s.run(".open lesson") == """
            opened lesson: 5 cells re-executed, now at 1.500s; in batch mode new cells are not saved \
            (.save NAME saves the notebook; lesson stays as it is)

            """)
        #expect(s.execute("RUN 1s;").ok)
        #expect(!s.execute("FOO;").ok)
        #expect(s.execute(".rewind 6").ok)
        #expect(s.execute("SHOW seed;").ok)
        #expect(bytes(path) == before, "no cell was added, no fork was made")
        #expect(try names(path) == ["lesson"])
        #expect(s.run(".save") == "saved as lesson-2 (7 cells) in \(path); lesson is unchanged\n")
        #expect(try storedCells(path, "lesson-2").map(\.input) == NotebookTests.cells + ["RUN 1s;", "SHOW seed;"])
        #expect(try storedCells(path, "lesson") == lesson)
        // Saved, the notebook is this script's own: later cells are recorded into it.
        #expect(s.execute("SHOW seed;").ok)
        #expect(try storedCells(path, "lesson-2").count == 8)
    }

    @Test func saveNAMEAfterOpenSavesTheNotebookAsItStands() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let lesson = try recordLesson(path)
        let s = batchSession(path)
        #expect(s.execute(".open lesson").ok)
        #expect(s.execute(".rewind 3").ok)
        #expect(s.execute("SHOW seed;").ok)
        #expect(s.run(".save mine") == "saved as mine (4 cells) in \(path)\n")
        #expect(try storedCells(path, "mine").map(\.input) == Array(NotebookTests.cells.prefix(3)) + ["SHOW seed;"])
        #expect(try storedCells(path, "lesson") == lesson)
        #expect(try names(path) == ["lesson", "mine"])
    }

    /// Listing, and opening a session (or failing to), read the store read-only: a missing
    /// store is not created (nor its directory), an existing one is left byte for byte.
    @Test func listingAndOpeningNeverCreateOrChangeTheStore() throws {
        let dir = try TemporaryDirectory()
        let missing = dir.path("nowhere/store.sqlite")
        let s = batchSession(missing)
        #expect(s.run(".sessions") == "no sessions saved yet: the store \(missing) does not exist\n")
        let open = s.execute(".open lesson")
        #expect(!open.ok)
        #expect(open.output == "ERROR: no saved session named lesson: the store \(missing) does not exist\n")
        #expect(s.run(".replay lesson") == "ERROR: no saved session named lesson: the store \(missing) does not exist\n")
        #expect(!FileManager.default.fileExists(atPath: dir.path("nowhere")))

        let empty = try dir.write("empty.sqlite", "")
        #expect(batchSession(empty).run(".sessions") == "no sessions saved yet: the store \(empty) is empty\n")
        #expect(bytes(empty) == Data())

        let path = dir.path("store.sqlite")
        _ = try recordLesson(path)
        let before = try #require(bytes(path))
        let t = batchSession(path)
        #expect(t.run(".sessions").contains("│ lesson │     5 │"))
        #expect(t.run(".open lessen") == "ERROR: no saved session named lessen\nHINT: did you mean lesson?\n")
        #expect(bytes(path) == before)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: dir.url.path)) ?? []).sorted()
                == ["empty.sqlite", "store.sqlite"])
    }
}

/// The same through the executable, with `--db`.
@Suite("batch mode and the store, through the executable", .enabled(if: SluiceBinary.isBuilt, "build the sluice executable first (swift build --build-tests)"))
struct BatchStoreProcessTests {
    @Test func aScriptThatOpensALessonLeavesTheStoreAsItWas() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("store.sqlite")
        let record = try sluice(["--db", db, "-c", ".save lesson"] + NotebookTests.cells.flatMap { ["-c", $0] })
        #expect(record.status == 0)
        let before = try #require(bytes(db))
        let run = try sluice(["--db", db, "-c", ".open lesson", "-c", "RUN 1s;", "-c", "FOO;", "-c", ".rewind 5", "-c", "SHOW seed;"])
        #expect(run.status == 1, "FOO fails")
        #expect(bytes(db) == before)
        let listed = try sluice(["--db", db, "-c", ".sessions"])
        #expect(listed.status == 0)
        #expect(bytes(db) == before)

        let nowhere = dir.path("no/such/dir/store.sqlite")
        let missing = try sluice(["--db", nowhere, "-c", ".sessions"])
        #expect(missing.status == 0)
        #expect(missing.stdout == "no sessions saved yet: the store \(nowhere) does not exist\n")
        #expect(!FileManager.default.fileExists(atPath: dir.path("no")))
    }
}
