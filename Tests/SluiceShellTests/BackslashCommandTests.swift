import Foundation
import Testing

/// psql's backslash commands in a script, through the real executable: as in psql, each runs
/// as its line ends (`\q` quits, `\?` helps), and one Sluice does not have fails at once, on
/// its line, with what to write instead. `\d` used to open a statement that swallowed the
/// lines after it, dot-commands too, up to a `;`, and the whole cell failed as a syntax error.
@Suite(.enabled(if: SluiceBinary.isBuilt, "build the sluice executable first (swift build --build-tests)"))
struct BackslashCommandTests {
    @Test func anUnknownOneFailsAtOnceAndTheScriptGoesOn() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("habits.sql", "\\d\nSHOW nodes;\n\\dt\n.timer off\n\\d orders\nSHOW seed;\n")
        let run = try sluice([file])
        #expect(run.status == 1)
        #expect(run.stdout.components(separatedBy: "(1 row)").count == 3, "both SHOWs ran:\n\(run.stdout)")
        #expect(run.stdout.contains("Timing is off."), "the dot-command after \\dt ran")
        #expect(run.stderr == """
            \(file):1: ERROR: invalid command \\d
            HINT: SHOW SOURCES; SHOW TABLES; SHOW VIEWS; SHOW SINKS; list them; DESCRIBE name; shows one
            \(file):3: ERROR: invalid command \\dt
            HINT: SHOW TABLES; lists the tables (SHOW SOURCES; the sources)
            \(file):5: ERROR: invalid command \\d
            HINT: DESCRIBE orders; shows its columns, what it is and its definition

            """)
    }

    @Test func withBailTheFirstOneStops() throws {
        let run = try sluice(["--bail", "-c", "\\x\nSHOW seed;"])
        #expect(run.status == 1)
        #expect(run.stdout == "")
        #expect(run.stderr.hasPrefix("ERROR: invalid command \\x\nHINT: nothing to switch"))
    }

    /// `\q` quits (successfully when nothing failed), `\?` and `\h` help, as in psql.
    @Test func theOnesSluiceHasRun() throws {
        let quit = try sluice([], stdin: "SET chunk_rows = 8;\n\\q\nSELEKT;\n")
        #expect(quit.status == 0)
        #expect(quit.stdout == "SET\n")
        let help = try sluice(["-c", "\\h RUN"])
        #expect(help.status == 0)
        #expect(help.stdout.hasPrefix("RUN duration\n"))
        #expect(try sluice(["-c", "\\?"]).stdout == (try sluice(["-c", ".help"]).stdout))
    }

    /// Inside a statement a backslash line is a command, and the statement waits for its
    /// `;`; inside a string it is part of the string.
    @Test func aStatementAroundOneWaitsAndAStringKeepsIt() throws {
        let around = try sluice([], stdin: "SHOW\n\\dv\nseed;\n")
        #expect(around.status == 1)
        #expect(around.stdout.contains("│ 42   │"))
        #expect(around.stderr == "<stdin>:2: ERROR: invalid command \\dv\nHINT: SHOW VIEWS; lists the materialized views\n")
        let string = try sluice([], stdin: "SET seed = 'a\n\\d';\n")
        #expect(!string.stderr.contains("invalid command"), "\(string.stderr)")
    }
}
