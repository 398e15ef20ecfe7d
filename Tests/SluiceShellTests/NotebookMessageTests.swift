import Foundation
import Testing
@testable import SluiceShell
import SluiceEngine
import SluiceStore

/// Messages that said something untrue or empty: `.rewind 0` in a shell that records every
/// cell said new cells were not saved (they go to a new session), and `.export` of a notebook
/// never saved wrote `created  · updated ` with nothing after either.
@Suite("notebook messages")
struct NotebookMessageTests {
    @Test func rewindZeroSaysWhereNewCellsGo() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let s = session()
        s.notebook = Notebook(store: try SessionStore(path: path), autoRecord: true)
        #expect(s.execute("SET seed = 3;").ok)
        #expect(s.run(".rewind 0").hasSuffix("session-1 is unchanged; new cells go to a new session, as in a new shell\n"))
        #expect(s.execute("SHOW seed;").ok)
        let store = try SessionStore(path: path, options: StoreOptions(readOnly: true))
        #expect(try store.sessions().map(\.name).sorted() == ["session-1", "session-2"])
        #expect(try storedCells(path, "session-2").map(\.input) == ["SHOW seed;"])
    }

    @Test(arguments: ["notes.md", "notes.html"])
    func anUnsavedNotebookIsExportedWithoutDates(_ file: String) throws {
        let dir = try TemporaryDirectory()
        let s = session()
        #expect(s.execute("SET seed = 3;").ok)
        #expect(s.run(".export \(dir.path(file))") == "exported 1 cell to \(dir.path(file))\n")
        let text = try String(contentsOfFile: dir.path(file), encoding: .utf8)
        #expect(text.contains("engine \(Engine.version) · seed 3 · 1 cell"))
        #expect(!text.contains("created"))
        #expect(!text.contains("updated"))
    }
}
