import Foundation
import Testing
@testable import SluiceShell
import SluiceEngine

/// Batch mode through the real executable: files, `-c`, stdin; exit statuses, `--bail`,
/// `--echo`, and byte-identical output across processes.
@Suite("batch mode", .enabled(if: SluiceBinary.isBuilt, "build the sluice executable first (swift build --build-tests)"))
struct BatchTests {
    static let good = """
        CREATE SOURCE clicks (user_id INT, amount DOUBLE) WITH (rate = 100);
        CREATE MATERIALIZED VIEW spend AS SELECT user_id, count(*) AS n FROM clicks GROUP BY user_id;
        RUN 1s;
        SELECT sum(n) AS rows FROM spend;

        """

    static let goodOutput = """
        CREATE SOURCE
        CREATE MATERIALIZED VIEW (2 fragments, 2 actors)
        RUN 1s: now 1.000s
        ┌──────┐
        │ rows │
        ├──────┤
        │  100 │
        └──────┘
        (1 row)

        """

    @Test func allStatementsSucceedExitsZero() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("good.sql", Self.good)
        let run = try sluice([file])
        #expect(run.status == 0)
        #expect(run.stdout == Self.goodOutput)
        #expect(run.stderr == "")
    }

    /// psql's `-f FILE` (and `--file`) runs a script as naming it alone does, after those.
    @Test func dashFRunsAScript() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("good.sql", Self.good)
        let nodes = try dir.write("nodes.sql", "SET nodes = 3;\n")
        #expect(try sluice(["-f", file]).stdout == Self.goodOutput)
        let both = try sluice(["--file", file, nodes, "-c", "SHOW nodes;"])
        #expect(both.status == 0)
        #expect(both.stdout.hasPrefix("SET\nCREATE SOURCE\n"), "the file named alone runs first")
        #expect(both.stdout.hasSuffix("│ 3     │\n└───────┘\n(1 row)\n"))
    }

    /// `-f -` is stdin, as in psql; a comment line above a dot-command joins its cell, as
    /// comments join the statement below them (the cell failed as SQL: "found '.'").
    @Test func dashFDashReadsStdinAndCommentsJoinADotCommand() throws {
        let run = try sluice(["-f", "-"], stdin: "-- the mode\n\n.mode csv\nSHOW seed;\n-- a bad one\n.nope\n", mergingStderr: true)
        #expect(run.status == 1)
        #expect(run.stdout.contains("mode: csv\nseed\n42\n"), "\(run.stdout)")
        #expect(run.stdout.contains("<stdin>:6: ERROR: unknown command .nope"), "\(run.stdout)")
    }

    @Test func theSameScriptFromStdinAndFromDashC() throws {
        let stdin = try sluice([], stdin: Self.good)
        #expect(stdin.status == 0)
        #expect(stdin.stdout == Self.goodOutput)
        let dashC = try sluice(["-c", Self.good])
        #expect(dashC.status == 0)
        #expect(dashC.stdout == Self.goodOutput)
    }

    /// `-c` takes its next argument whatever it starts with, as psql's and sqlite3's do: a cell
    /// copied from a lesson often starts with a `--` comment (it was "Missing value for '-c <sql>'").
    @Test func dashCTakesSQLThatStartsWithAComment() throws {
        let run = try sluice(["-c", "-- warm up\nSHOW seed;", "-c", "-- just a note"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "┌──────┐\n│ seed │\n├──────┤\n│ 42   │\n└──────┘\n(1 row)\n")
        #expect(run.stderr == "")
    }

    @Test func oneFailingStatementExitsOneAndTheRestStillRun() throws {
        let run = try sluice(["-c", "SET chunk_rows = 8;\nSELECT * FROM nowhere;\nSHOW chunk_rows;"], mergingStderr: true)
        #expect(run.status == 1)
        #expect(run.stdout == """
            SET
            ERROR: relation "nowhere" does not exist
            LINE 1: SELECT * FROM nowhere;
                                  ^^^^^^^
            HINT: there is nothing to read yet: CREATE SOURCE or CREATE TABLE first
            ┌────────────┐
            │ chunk_rows │
            ├────────────┤
            │ 8          │
            └────────────┘
            (1 row)

            """)
    }

    /// Errors go to stderr and results to stdout, as in psql, sqlite3 and DuckDB: a script's
    /// csv or json output stays machine-readable when one of its statements fails.
    @Test func errorsGoToStderrAndResultsToStdout() throws {
        let run = try sluice(["--mode", "json", "-c", "SHOW chunk_rows;\nSELEC 1;\nSHOW nodes;"])
        #expect(run.status == 1)
        #expect(run.stdout == "[{\"chunk_rows\":256}]\n[{\"nodes\":1}]\n")
        #expect(run.stderr == """
            ERROR: unknown statement 'SELEC'
            LINE 1: SELEC 1;
                    ^^^^^
            HINT: did you mean SELECT?

            """)
        let table = try sluice(["-c", "SET nodes = 2;\nSELECT * FROM nowhere;"])
        #expect(table.stdout == "SET\n")
        #expect(table.stderr.hasPrefix("ERROR: relation \"nowhere\" does not exist\n"))
    }

    @Test func bailStopsAtTheFirstError() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("bail.sql", "SET chunk_rows = 8;\nSELEKT 1;\nSET chunk_rows = 9;\nSHOW chunk_rows;\n")
        let run = try sluice(["--bail", file], mergingStderr: true)
        #expect(run.status == 1)
        #expect(run.stdout == """
            SET
            \(file):2: ERROR: unknown statement 'SELEKT'
            LINE 1: SELEKT 1;
                    ^^^^^^
            HINT: did you mean SELECT?

            """)
        // Without --bail the same file runs to the end.
        let all = try sluice([file])
        #expect(all.status == 1)
        #expect(all.stdout.hasSuffix("│ 9          │\n└────────────┘\n(1 row)\n"))
    }

    /// --bail stops inside one line too: statements after the failing one on the same line do not run.
    @Test func bailStopsWithinALine() throws {
        let run = try sluice(["--bail", "-c", "SET chunk_rows = 8; SET chunk_rows = 0; SHOW chunk_rows;", "-c", "SHOW nodes;"])
        #expect(run.status == 1)
        #expect(!run.stdout.contains("nodes"), "the next -c is not run")
        #expect(!run.stdout.contains("chunk_rows │"))
    }

    @Test func echoPrintsEachStatementBeforeItsOutput() throws {
        let run = try sluice(["--echo", "-c", "SET chunk_rows = 8;\nSHOW chunk_rows;\n-- done\n"])
        #expect(run.status == 0)
        #expect(run.stdout == """
            SET chunk_rows = 8;
            SET
            SHOW chunk_rows;
            ┌────────────┐
            │ chunk_rows │
            ├────────────┤
            │ 8          │
            └────────────┘
            (1 row)
            -- done

            """)
    }

    /// A multi-line statement is echoed whole, once.
    @Test func echoOfAMultiLineStatement() throws {
        let run = try sluice(["--echo", "-c", "SET\n  chunk_rows\n  = 8;"])
        #expect(run.status == 0)
        #expect(run.stdout == "SET\n  chunk_rows\n  = 8;\nSET\n")
    }

    @Test func anUnterminatedStringAtTheEndOfAScriptIsAnError() throws {
        let dir = try TemporaryDirectory()
        _ = try dir.write("unterminated.sql", "SET chunk_rows = 8;\nSET flow_control = 'credit;\n")
        let run = try sluice(["unterminated.sql"], in: dir.url, mergingStderr: true)
        #expect(run.status == 1)
        #expect(run.stdout == """
            SET
            unterminated.sql:2: ERROR: unterminated quoted string
            LINE 1: SET flow_control = 'credit;
                                       ^^^^^^^^
            HINT: close it with '; write '' for a ' inside

            """)
    }

    @Test func anUnterminatedCommentAtTheEndOfAScriptIsAnError() throws {
        let dir = try TemporaryDirectory()
        _ = try dir.write("comment.sql", "SET chunk_rows = 8;\n/* never closed\nSET chunk_rows = 9;\n")
        let run = try sluice(["comment.sql"], in: dir.url, mergingStderr: true)
        #expect(run.status == 1)
        #expect(run.stdout == """
            SET
            comment.sql:2: ERROR: unterminated /* comment
            LINE 1: /* never closed
                    ^^
            HINT: close the comment with */

            """)
    }

    /// Errors in a script file name the file and count its lines, as psql's `psql:err.sql:8:`;
    /// the caret stays under the token. `-c` and stdin keep counting from the statement.
    /// psql's way: the message names the file and the line, LINE counts from the cell's first
    /// line (so a saved cell replays the same whichever file it came from).
    @Test func errorsInAFileNameTheFileAndItsLine() throws {
        let dir = try TemporaryDirectory()
        _ = try dir.write("err.sql", "SET nodes = 2;\n\n-- a comment\nSHOW\n  nodes\n  frob;\n\nSELEC 1;\nSTEP BARRIER;\n")
        let run = try sluice(["err.sql"], in: dir.url, mergingStderr: true)
        #expect(run.status == 1)
        #expect(run.stdout == """
            SET
            err.sql:6: ERROR: expected ';' after the statement, found 'frob'
            LINE 4:   frob;
                      ^^^^
            err.sql:8: ERROR: unknown statement 'SELEC'
            LINE 1: SELEC 1;
                    ^^^^^
            HINT: did you mean SELECT?
            err.sql:9: ERROR: no barrier is in flight
            LINE 1: STEP BARRIER;
                    ^^^^^^^^^^^^
            HINT: inject one with BARRIER, or wait for the next periodic one

            """)
        // An error without a position gets its statement's line.
        _ = try dir.write("watch.sql", "\n\nWATCH SHOW QUEUES EVERY 1ns FOR 1s;\n")
        let watch = try sluice(["watch.sql"], in: dir.url, mergingStderr: true)
        #expect(watch.stdout.hasPrefix("watch.sql:3: ERROR: WATCH would draw"))
        // A dot-command's error names its line too.
        _ = try dir.write("dots.sql", "SET seed = 1;\n\n.mode xml\n  .read nope.sql\n")
        let dots = try sluice(["dots.sql"], in: dir.url, mergingStderr: true)
        #expect(dots.stdout.contains("dots.sql:3: ERROR: unknown mode xml\n"), "\(dots.stdout)")
        #expect(dots.stdout.contains("dots.sql:4: ERROR: cannot read nope.sql"), "\(dots.stdout)")
        // The same statements through stdin, which names itself as psql does.
        let stdin = try sluice([], stdin: "SET nodes = 2;\nSELEC 1;\n", mergingStderr: true)
        #expect(stdin.stdout == "SET\n<stdin>:2: ERROR: unknown statement 'SELEC'\nLINE 1: SELEC 1;\n        ^^^^^\nHINT: did you mean SELECT?\n")
    }

    /// `-c 'SHOW seed'`: psql, sqlite3 and DuckDB take the last statement without its `;`, and
    /// psql also at the end of a file; the prompt still waits for it (TerminalTests).
    @Test func aLastStatementWithoutItsSemicolonRuns() throws {
        let dashC = try sluice(["-c", "SHOW seed"])
        #expect(dashC.status == 0)
        #expect(dashC.stdout == "┌──────┐\n│ seed │\n├──────┤\n│ 42   │\n└──────┘\n(1 row)\n")
        let two = try sluice(["-c", "SET nodes = 3; SHOW nodes", "-c", "SHOW nodes -- a comment"])
        #expect(two.status == 0)
        #expect(two.stdout.components(separatedBy: "│ 3     │").count == 3)
        let stdin = try sluice([], stdin: "SET nodes = 3;\nSHOW\n  nodes")
        #expect(stdin.status == 0)
        #expect(stdin.stdout.contains("│ 3     │"))
        let dir = try TemporaryDirectory()
        _ = try dir.write("last.sql", "SET nodes = 4;\nSHOW nodes\n")
        let file = try sluice(["last.sql"], in: dir.url)
        #expect(file.status == 0)
        #expect(file.stdout.contains("│ 4     │"))
        // A statement cut short is still an error, and the exit status says so.
        let cut = try sluice(["-c", "SET nodes ="], mergingStderr: true)
        #expect(cut.status == 1)
        #expect(cut.stdout.hasPrefix("ERROR: expected"))
    }

    /// `-c` and stdin print the same error for the same statement (stdin says its line),
    /// whether or not it shares its line with the one before; on one line they are one cell, which runs nothing when a
    /// statement in it does not parse.
    @Test func anErrorReadsTheSameOnOneLineOrTwo() throws {
        let oneLine = try sluice(["-c", "SET nodes = 2; SELEC 1;"], mergingStderr: true)
        let twoLines = try sluice([], stdin: "SET nodes = 2;\nSELEC 1;\n", mergingStderr: true)
        #expect(oneLine.stdout.hasPrefix("ERROR: unknown statement 'SELEC'\n"))
        #expect(twoLines.stdout.hasPrefix("SET\n<stdin>:2: ERROR: unknown statement 'SELEC'\n"))
    }

    @Test func helpListsTheOptionsAndVersionPrintsIt() throws {
        let help = try sluice(["--help"])
        #expect(help.status == 0)
        for option in ["-c <sql>", "--bail", "--echo", "--no-color", "--mode <mode>", "--db <path>", "--version", "-h, --help",
                       "<file.sql>", "SUBCOMMANDS:", "replay"] {
            #expect(help.stdout.contains(option), "\(option)")
        }
        #expect(help.stdout.contains("~/.local/share/sluice/sessions.sqlite"), "--db names the default")
        #expect(try sluice(["-h"]).stdout == help.stdout)
        let version = try sluice(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout == "sluice \(Engine.version)\n")
    }

    @Test func aMissingScriptFile() throws {
        let dir = try TemporaryDirectory()
        let run = try sluice([dir.path("nope.sql")])
        #expect(run.status == 1)
        #expect(run.stdout == "")
        #expect(run.stderr == "sluice: cannot read \(dir.path("nope.sql")): no such file\n")
    }

    /// A binary named as a script is refused in one line, as `.read` refuses it, instead of
    /// running its bytes as hundreds of failing statements; later inputs do not run.
    @Test func aBinaryScriptFileIsRefusedLikeRead() throws {
        let dir = try TemporaryDirectory()
        let binary = dir.path("random.bin")
        // 4 KB of noise (a fixed LCG, so the test is the same every run), a NUL among it.
        var state: UInt32 = 12345
        let bytes = (0..<4096).map { _ -> UInt8 in
            state = state &* 1_103_515_245 &+ 12_345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: binary))
        let run = try sluice([binary, "-c", "SET nodes = 2;"])
        #expect(run.status == 1)
        #expect(run.stdout == "")
        #expect(run.stderr == "sluice: \(binary) is not a text file\n")
        let read = session().execute(".read \(binary)")
        #expect(read.output == "ERROR: \(binary) is not a text file\nHINT: .read takes a file of SQL statements\n")
        // Valid UTF-8 with a NUL byte is not a script either.
        let nul = try dir.write("nul.sql", "SET nodes = 2;\u{0}\n")
        #expect(ScriptFile.read(nul) == .failure(.notText(path: nul)))
        #expect(try sluice(["-f", nul]).stderr == "sluice: \(nul) is not a text file\n")
    }

    /// Each refusal says what is wrong with the path; any readable file is a script, an empty
    /// one (`/dev/null`) included.
    @Test func aScriptPathSaysWhyItCannotBeRead() throws {
        let dir = try TemporaryDirectory()
        #expect(ScriptFile.read(dir.url.path) == .failure(.directory(path: dir.url.path)))
        #expect(ScriptFile.read(dir.path("none.sql")) == .failure(.missing(path: dir.path("none.sql"))))
        #expect(ScriptFile.read("/dev/null") == .success(""))
        let empty = try sluice(["/dev/null"])
        #expect(empty.status == 0 && empty.stderr == "")
        #expect(try sluice([dir.url.path]).stderr == "sluice: cannot read \(dir.url.path): it is a directory\n")
        if getuid() != 0 {
            let locked = try dir.write("locked.sql", "SET seed = 1;\n")
            chmod(locked, 0)
            #expect(ScriptFile.read(locked) == .failure(.unreadable(path: locked)))
        }
    }

    @Test func readOfABinaryFileAndOfAMissingFileExitOne() throws {
        let dir = try TemporaryDirectory()
        let binary = dir.path("blob.sql")
        try Data([0xFF, 0xFE, 0x00, 0x01, 0x02, 0xC3, 0x28]).write(to: URL(fileURLWithPath: binary))
        let run = try sluice(["-c", ".read \(binary)", "-c", ".read \(dir.path("missing.sql"))", "-c", "SET nodes = 2;"], mergingStderr: true)
        #expect(run.status == 1)
        #expect(run.stdout == """
            ERROR: \(binary) is not a text file
            HINT: .read takes a file of SQL statements
            ERROR: cannot read \(dir.path("missing.sql")): no such file
            SET

            """)
    }

    @Test func fiveHundredStatementsOnStdin() throws {
        let script = (1...500).map { "SET chunk_rows = \($0);" }.joined(separator: " ") + "\nSHOW chunk_rows;\n"
        let run = try sluice([], stdin: script)
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix(String(repeating: "SET\n", count: 500)))
        #expect(run.stdout.hasSuffix("│ 500        │\n└────────────┘\n(1 row)\n"))
    }

    @Test func batchModeWritesNoHistory() throws {
        let dir = try TemporaryDirectory()
        let history = dir.path("history")
        let run = try sluice(["-c", "SET chunk_rows = 8;"], environment: ["SLUICE_HISTORY": history])
        #expect(run.status == 0)
        #expect(!FileManager.default.fileExists(atPath: history))
    }

    /// `.quit` in a script stops it, successfully.
    @Test func quitStopsTheScript() throws {
        let run = try sluice([], stdin: "SET chunk_rows = 8;\n.quit\nSELEKT;\n")
        #expect(run.status == 0)
        #expect(run.stdout == "SET\n")
    }

    // MARK: Determinism across processes

    @Test func twoProcessesPrintTheSameBytes() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("determinism.sql", SessionDeterminismTests.script)
        let first = try sluice([file])
        let second = try sluice([file])
        #expect(first.status == 1, "the script has one failing statement on purpose")
        #expect(first.stdout.contains("bottleneck:"))
        #expect(first.stdout == second.stdout)
        #expect(first.stderr == second.stderr)
    }

    /// The in-process transcript and the executable's output are the same bytes.
    @Test func theExecutablePrintsWhatTheSessionRenders() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("determinism.sql", SessionDeterminismTests.script)
        let process = try sluice(["--echo", file], mergingStderr: true)
        let (transcript, _) = ScriptRunner(session: session(), echo: true).run(SessionDeterminismTests.script, file: file)
        #expect(process.stdout == transcript)
        #expect(transcript.contains("\(file):"), "the script's failing statement names the file")
    }
}

