import Foundation
import Testing

/// `--db PATH` before a subcommand's name, as psql and sqlite3 users write it. It used to be
/// read as the shell's option, and the subcommand's name as a script file: `sluice --db
/// x.sqlite sessions` printed `sluice: cannot read sessions`.
@Suite("--db before a subcommand", .enabled(if: SluiceBinary.isBuilt, "build the sluice executable first (swift build --build-tests)"))
struct GlobalOptionTests {
    /// A store at `dir/store.sqlite` holding session `demo`.
    func store(_ dir: TemporaryDirectory) throws -> String {
        let db = dir.path("store.sqlite")
        let run = try sluice(["--db", db, "-c", "CREATE SOURCE s (a INT) WITH (rate = 10);", "-c", "RUN 1s;", "-c", ".save demo"])
        #expect(run.status == 0, "\(run.stderr)")
        return db
    }

    @Test func everySubcommandTakesDbBeforeItsName() throws {
        let dir = try TemporaryDirectory()
        let db = try store(dir)
        for args in [["--db", db, "sessions"], ["--db=\(db)", "sessions"]] {
            let run = try sluice(args)
            #expect(run.status == 0, "\(args): \(run.stderr)")
            #expect(run.stdout.contains("│ demo │     2 │"), "\(args)")
        }
        let verify = try sluice(["--db", db, "replay", "demo", "--verify"])
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stdout == "verified: all 2 cells of demo match the recording\n")
        let markdown = dir.path("demo.md")
        let export = try sluice(["--db", db, "export", "demo", "--to", markdown])
        #expect(export.stdout == "exported demo (2 cells) to \(markdown)\n")
        let shell = try sluice(["--db", db, "shell", "-c", ".sessions"])
        #expect(shell.stdout.contains("│ demo │     2 │"))
        let delete = try sluice(["--db", db, "delete", "demo"])
        #expect(delete.stdout == "deleted demo (2 cells) from \(db)\n")
        // The subcommand's own errors, not "cannot read".
        let unknown = try sluice(["--db", db, "replay", "demo", "--fast"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("Unknown option '--fast'"))
    }

    /// `--db`'s value is the store's path, even when it reads like a subcommand.
    @Test func aStoreFileNamedLikeASubcommand() throws {
        let dir = try TemporaryDirectory()
        let saved = try sluice(["--db", "sessions", "-c", ".save demo"], in: dir.url)
        #expect(saved.stdout == "saved as demo (0 cells) in sessions\n")
        let listed = try sluice(["--db", "sessions", "sessions"], in: dir.url)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("│ demo │     0 │"))
    }

    /// A word in the subcommand's place is the subcommand, with or without `--db`; a script
    /// file of that name runs as `./sessions` or `-f sessions`.
    @Test func aScriptFileNamedLikeASubcommand() throws {
        let dir = try TemporaryDirectory()
        let db = try store(dir)
        _ = try dir.write("sessions", "SHOW nodes;\n")
        let nodes = "┌───────┐\n│ nodes │\n├───────┤\n│ 1     │\n└───────┘\n(1 row)\n"
        for args in [["./sessions"], ["-f", "sessions"], ["--db", db, "./sessions"], ["--bail", "./sessions"]] {
            let run = try sluice(args, in: dir.url)
            #expect(run.status == 0, "\(args): \(run.stderr)")
            #expect(run.stdout == nodes, "\(args)")
        }
        let subcommand = try sluice(["--db", db, "sessions"], in: dir.url)
        #expect(subcommand.stdout.contains("│ demo │"))
    }

    /// Other options before a subcommand's name leave it a script file, which does not exist:
    /// the error says how to run the subcommand.
    @Test func otherOptionsBeforeASubcommandAreExplained() throws {
        let dir = try TemporaryDirectory()
        let run = try sluice(["--no-color", "sessions"], in: dir.url)
        #expect(run.status == 1)
        #expect(run.stderr == """
            sluice: cannot read sessions: no such file
            HINT: sessions is a subcommand: write sluice [--db PATH] sessions ... with its other options after its name; a script named sessions runs as ./sessions

            """)
        let missing = try sluice(["notes.sql"], in: dir.url)
        #expect(missing.stderr == "sluice: cannot read notes.sql: no such file\n")
    }

    @Test func helpShowsDbBeforeASubcommand() throws {
        let help = try sluice(["--help"])
        #expect(help.stdout.contains("sluice [--db <path>] <subcommand> ..."))
        #expect(help.stdout.contains("delete"))
    }
}
