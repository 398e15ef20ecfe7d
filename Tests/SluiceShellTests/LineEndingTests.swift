import Foundation
import Testing
@testable import SluiceShell

/// A script written on Windows (CRLF line ends), or with a lone CR at a line's end, runs cell
/// by cell as the same script with LF ends does. It used to run as one cell: `"\r\n"` is one
/// `Character`, so splitting on `"\n"` never split it, dot-commands in it were parse errors,
/// and an error skipped the rest of the file.
@Suite("scripts with CRLF line ends")
struct LineEndingTests {
    static let script = "SET seed = 3;\n-- a comment\nSHOW seed;\n.cells\n"

    @Test(arguments: ["\r\n", "\r"])
    func aScriptSplitsIntoTheSameCellsWhateverItsLineEnds(_ end: String) {
        let lf = ScriptRunner.cells(of: Self.script, session: session())
        let other = ScriptRunner.cells(of: Self.script.replacingOccurrences(of: "\n", with: end), session: session())
        #expect(other.map(\.text) == lf.map(\.text))
        #expect(other.map(\.line) == [1, 2, 4])
        #expect(ScriptFile.lines(of: "a\r\nb\rc\nd") == ["a", "b", "c", "d"])
        #expect(ScriptFile.lines(of: "a\r\n\r\n") == ["a", ""])
    }

    @Test func readRunsACRLFFileCellByCell() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("lesson.sql", "SET seed = 3;\r\nFOO;\r\nSHOW seed;\r\n")
        let s = session()
        let result = s.execute(".read \(file)")
        #expect(!result.ok)
        #expect(s.history.map(\.input) == ["SET seed = 3;", "FOO;", "SHOW seed;"])
        #expect(s.history.map(\.ok) == [true, false, true])
    }

    @Test func anEditorThatSavesCRLFGivesTheCellLFEnds() {
        let s = session()
        #expect(s.execute("SET seed = 3;").ok)
        s.hooks.edit = { _ in "SET seed = 4;\r\nSHOW seed;\r\n" }
        #expect(s.execute(".edit 1").ok)
        #expect(s.history.map(\.input) == ["SET seed = 4;\nSHOW seed;"])
    }
}

/// The same through the executable: a file argument, `-f` and `-c`.
@Suite("scripts with CRLF line ends, through the executable", .enabled(if: SluiceBinary.isBuilt, "build the sluice executable first (swift build --build-tests)"))
struct LineEndingProcessTests {
    static let unknownHint = "statements begin with ALTER, BARRIER, CREATE, DESCRIBE, DIAGNOSE, DROP, EXPLAIN, HELP, INJECT, PLOT, RESET, RUN, SELECT, SET, SHOW, STEP, TRACE or WATCH; .help lists them and the dot-commands"

    @Test func aCRLFFileRunsItsDotCommandsAndGoesOnAfterAnError() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("store.sqlite")
        let file = try dir.write("crlf.sql", "SET seed = 3;\r\n.save crlfdot\r\nFOO;\r\nSHOW seed;\r\n")
        for args in [[file], ["-f", file]] {
            try? FileManager.default.removeItem(atPath: db)
            let run = try sluice(["--db", db] + args, mergingStderr: true)
            #expect(run.status == 1)
            #expect(run.stdout == """
                SET
                saved as crlfdot (1 cell) in \(db)
                \(file):3: ERROR: unknown statement 'FOO'
                LINE 1: FOO;
                        ^^^
                HINT: \(LineEndingProcessTests.unknownHint)
                ┌──────┐
                │ seed │
                ├──────┤
                │ 3    │
                └──────┘
                (1 row)

                """)
            #expect(try storedCells(db, "crlfdot").map(\.input) == ["SET seed = 3;", "FOO;", "SHOW seed;"])
        }
    }

    @Test func echoShowsACRLFScriptCellByCell() throws {
        let run = try sluice(["--echo", "-c", "SET seed = 3;\r\nSHOW seed;\r\n", "-c", ".cells"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("SET seed = 3;\nSET\nSHOW seed;\n"))
        #expect(run.stdout.contains("│    2 │ SHOW seed;"))
    }
}
