import Foundation
import Testing
@testable import SluiceShell
import SluiceEngine
import SluiceStore

/// `.rewind`, `.edit` and `.open` rebuild the engine by re-executing cells, and a rebuild is
/// all or nothing: Ctrl-C while it runs puts back the engine, the cells and the saved session
/// exactly as they were. (It used to cancel the cell being re-executed, go on with the rest
/// from the wrong state, and rewrite the saved session with that cell as "cancelled".)
@Suite("a rebuild cancelled by Ctrl-C changes nothing")
struct RebuildInterruptTests {
    /// Cell 3 takes a second or two of wall time in a debug build: long enough to be
    /// interrupted while it is re-executed.
    static let cells = [
        "CREATE SOURCE big (k INT) WITH (rate = 1000000);",
        "CREATE MATERIALIZED VIEW bv AS SELECT k, count(*) AS n FROM big GROUP BY k WITH (cost = 'exp(1us)');",
        "RUN 1500ms;",
        "SELECT count(*) AS keys FROM bv;",
        "SET seed = 5;",
    ]

    /// Records the cells as `name`, the way a shell does.
    func recorded(_ path: String, as name: String) throws -> Session {
        let s = notebookSession(path)
        for cell in Self.cells { #expect(s.execute(cell).ok) }
        #expect(s.execute(".save \(name)").ok)
        return s
    }

    /// Presses Ctrl-C `delay` seconds after the rebuild starts re-executing cell `cell`, from
    /// a thread of its own, as the executable's signal watcher does (not from a Dispatch queue:
    /// on a loaded machine, with every worker busy, its block may run only after the rebuild).
    func interrupt(_ s: Session, duringCell cell: Int, after delay: Double = 0.3) {
        let target = UncheckedSession(s)
        s.hooks.reexecuting = { n, _ in
            guard n == cell else { return }
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: delay)
                target.session?.interrupt()
            }
        }
    }

    @Test func rewindCancelledPartWayLeavesEverythingAsItWas() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let s = try recorded(path, as: "long")
        let engine = s.engine, history = s.history, before = try storedCells(path, "long")
        interrupt(s, duringCell: 3)
        let result = s.execute(".rewind 4")
        #expect(result.output == "cancelled by Ctrl-C while re-executing cell 3 of 4: nothing was rewound; the session is as it was (5 cells, 1.500s)\n")
        #expect(!result.ok)
        #expect(s.engine === engine)
        #expect(s.history == history)
        #expect(s.prompt == "sluice [6] 1.500s> ")
        #expect(try storedCells(path, "long") == before, "the saved session was rewritten")
        #expect(try storedCells(path, "long").map(\.status) == Array(repeating: .ok, count: 5))

        // The session goes on from where it was, and is still recorded in order.
        s.hooks.reexecuting = nil
        #expect(s.run("SHOW seed;").contains("│ 5    │"))
        #expect(try storedCells(path, "long").map(\.seq) == [1, 2, 3, 4, 5, 6])
        #expect(try verifiedReplay(path, "long") == "verified: all 6 cells of long match the recording\n")
    }

    @Test func editCancelledPartWayLeavesEverythingAsItWas() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let s = try recorded(path, as: "long")
        let engine = s.engine, history = s.history, before = try storedCells(path, "long")
        s.hooks.edit = { _ in "SELECT count(*) AS n FROM bv;" }
        interrupt(s, duringCell: 3)
        let result = s.execute(".edit 4")
        #expect(result.output == "cancelled by Ctrl-C while re-executing cell 3 of 5: cell 4 was not changed; the session is as it was (5 cells, 1.500s)\n")
        #expect(s.engine === engine)
        #expect(s.history == history)
        #expect(try storedCells(path, "long") == before)
        #expect(try verifiedReplay(path, "long") == "verified: all 5 cells of long match the recording\n")
    }

    @Test func openCancelledPartWayLeavesEverythingAsItWas() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("store.sqlite")
        let teacher = try recorded(path, as: "long")
        teacher.close()
        let lesson = try storedCells(path, "long")

        let student = notebookSession(path)
        #expect(student.execute("CREATE SOURCE mine (a INT);").ok)
        #expect(student.execute(".save mine").ok)
        let engine = student.engine, history = student.history
        interrupt(student, duringCell: 3)
        let result = student.execute(".open long")
        #expect(result.output == "cancelled by Ctrl-C while re-executing cell 3 of 5: long was not opened; the session is as it was (1 cell, 0.000s)\n")
        #expect(student.engine === engine)
        #expect(student.history == history)
        #expect(student.notebook?.current?.name == "mine")

        // New cells still go to the student's own session, never to the lesson.
        #expect(student.execute("SHOW SOURCES;").ok)
        #expect(try storedCells(path, "mine").map(\.input) == ["CREATE SOURCE mine (a INT);", "SHOW SOURCES;"])
        #expect(try storedCells(path, "long") == lesson)
        #expect(try verifiedReplay(path, "long") == "verified: all 5 cells of long match the recording\n")
    }
}

/// The session a Ctrl-C thread interrupts (`interrupt()` may be called from any thread);
/// weak, so that the hook holding it does not keep the session alive.
final class UncheckedSession: @unchecked Sendable {
    weak var session: Session?
    init(_ session: Session) { self.session = session }
}
