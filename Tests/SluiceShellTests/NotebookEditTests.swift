import Foundation
import Testing
@testable import SluiceShell
import SluiceEngine
import SluiceStore

/// `.edit N` replaces cell N with what comes back from the editor. What comes back must be
/// a cell: a dot-command used to be run as a command in the middle of the rebuild (`.rewind 2`
/// lost cells 3 to 9 for good, `.quit` made the edited cell disappear), and text that did not
/// change re-ran everything and forked an opened lesson.
@Suite("notebook: .edit takes a cell, and only a changed one")
struct NotebookEditTests {
    static let cells = NotebookTests.cells

    func stored(_ path: String, _ name: String) throws -> [CellRecord]? {
        let store = try SessionStore(path: path, options: StoreOptions(readOnly: true))
        guard let info = try store.session(named: name) else { return nil }
        return try store.cells(sessionID: info.id)
    }

    @Test(arguments: [
        (".rewind 2", "ERROR: a cell is a statement; dot-commands are not cells: .rewind\nHINT: cell 3 is unchanged; type .rewind at the prompt to run it; your text is kept: .edit 3 opens it again\n"),
        (".quit\n", "ERROR: a cell is a statement; dot-commands are not cells: .quit\nHINT: cell 3 is unchanged; type .quit at the prompt to run it; your text is kept: .edit 3 opens it again\n"),
        ("  .open other", "ERROR: a cell is a statement; dot-commands are not cells: .open\nHINT: cell 3 is unchanged; type .open at the prompt to run it; your text is kept: .edit 3 opens it again\n"),
        ("-- RUN 2s;\n", "ERROR: the edited cell 3 holds no statement, only comments\nHINT: cell 3 is unchanged; .rewind 2 goes back to before it; your text is kept: .edit 3 opens it again\n"),
        ("RUN -3s;\n", "ERROR: expected a duration after RUN, found '-'\nLINE 1: RUN -3s;\n            ^\nHINT: cell 3 is unchanged; for example: RUN 250ms (units: ns, us, ms, s, m, h); your text is kept: .edit 3 opens it again\n"),
        ("SHOW seed; RUN 2s\n", "ERROR: unterminated statement: missing ';'\nLINE 1: SHOW seed; RUN 2s\n                         ^\nHINT: cell 3 is unchanged; end every statement with ';'; your text is kept: .edit 3 opens it again\n"),
    ])
    func anEditThatIsNotACellIsRefusedAndChangesNothing(_ text: String, _ error: String) throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let s = notebookSession(path)
        for cell in Self.cells { #expect(s.execute(cell).ok) }
        #expect(s.execute(".save mine").ok)
        let engine = s.engine, history = s.history, before = try stored(path, "mine")
        s.hooks.edit = { _ in text }
        let result = s.execute(".edit 3")
        #expect(result.output == error)
        #expect(!result.ok && !result.quit)
        #expect(s.engine === engine)
        #expect(s.history == history)
        #expect(try stored(path, "mine") == before)
        // The next cell is cell 6, here and in the store.
        #expect(s.execute("SHOW seed;").ok)
        #expect(s.cellCount == 6)
        #expect(try stored(path, "mine")?.map(\.seq) == [1, 2, 3, 4, 5, 6])
        // The refused text is what the next `.edit 3` starts from; fixed, it replaces the cell.
        var opened: [String] = []
        s.hooks.edit = { opened.append($0); return "RUN 2s;" }
        #expect(s.execute(".edit 3").ok)
        #expect(opened == [text.trimmingCharacters(in: .whitespacesAndNewlines)])
        #expect(s.history[2].input == "RUN 2s;")
        s.hooks.edit = { opened.append($0); return nil }
        _ = s.execute(".edit 3")
        #expect(opened.last == "RUN 2s;", "once the edit is taken, .edit opens the cell")
    }

    @Test func anUnchangedEditReRunsNothingAndForksNothing() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        do {
            let teacher = notebookSession(path)
            for cell in Self.cells { #expect(teacher.execute(cell).ok) }
            #expect(teacher.execute(".save lesson-01").ok)
        }
        let lesson = try #require(try stored(path, "lesson-01"))
        let student = notebookSession(path)
        #expect(student.execute(".open lesson-01").ok)
        let engine = student.engine, history = student.history
        // An editor writes the text back with a final newline.
        student.hooks.edit = { $0 + "\n" }
        #expect(student.run(".edit 3") == "cell 3 unchanged; nothing re-run\n")
        #expect(student.engine === engine)
        #expect(student.history == history)
        #expect(try stored(path, "lesson-01-2") == nil, "nothing was forked")
        #expect(try stored(path, "lesson-01") == lesson)
        // The lesson is still followed: new cells are added to it.
        #expect(student.execute("SHOW seed;").ok)
        #expect(try stored(path, "lesson-01")?.map(\.input) == Self.cells + ["SHOW seed;"])

        // A real change re-runs from the cell, and forks the opened lesson as before.
        student.hooks.edit = { _ in "RUN 2s;" }
        #expect(student.run(".edit 3").hasSuffix("lesson-01 keeps its 6 cells (a session opened from the store is never rewritten); continuing in lesson-01-2 (6 cells)\n"))
    }
}
