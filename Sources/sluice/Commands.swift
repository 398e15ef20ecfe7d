import ArgumentParser
import CEditLine
import Foundation
import SluiceEngine
import SluiceShell
import SluiceStore

extension OutputMode: ExpressibleByArgument {}

/// `sluice`: the root command. Without a subcommand it runs `Shell` (the default), so
/// `sluice`, `sluice file.sql` and `sluice -c '…'` work as in psql or sqlite3.
struct Sluice: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "A notebook-style shell over a deterministic streaming engine that shows backpressure.",
        usage: """
            sluice [<file.sql> ...] [-f <file.sql> ...] [-c <sql> ...] [--bail] [--echo] [--db <path>] [--no-color] [--mode <mode>]
            sluice [--db <path>] <subcommand> ...
            """,
        discussion: """
            Interactive on a terminal; otherwise runs the files, then the -c statements, \
            or a script read from stdin, and exits 0 only if every statement succeeded. \
            History is kept in $SLUICE_HISTORY (default ~/.sluice_history); NO_COLOR turns colours off. \
            --db may come before a subcommand's name or after it; a script file named like a \
            subcommand runs as ./NAME or -f NAME.
            """,
        version: "sluice \(Engine.version)",
        subcommands: [Shell.self, Replay.self, Export.self, Sessions.self, Delete.self],
        defaultSubcommand: Shell.self)

    /// Parses the command line and runs, except that `sluice --help` also lists the default
    /// command's arguments and options (ArgumentParser shows only the root's, which has none),
    /// and that `--db PATH` may come before a subcommand's name (GlobalOptions.swift).
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == ["--help"] || arguments == ["-h"] || arguments == ["help"] {
            print(helpText)
            return
        }
        main(GlobalOptions.reordered(arguments, subcommands: subcommandNames))
    }

    /// The subcommands' names: `shell`, `replay`, `export`, `sessions`, `delete`.
    static var subcommandNames: [String] { configuration.subcommands.map { $0._commandName } }

    /// The root's help with the `shell` command's ARGUMENTS and OPTIONS in place of its own
    /// OPTIONS section (which only lists `-h, --help`).
    static var helpText: String {
        let root = helpMessage(columns: nil)
        let shell = helpMessage(for: Shell.self, columns: nil)
        guard let options = root.range(of: "OPTIONS:"), let subcommands = root.range(of: "SUBCOMMANDS:"),
              let shellStart = shell.range(of: "ARGUMENTS:") ?? shell.range(of: "OPTIONS:") else { return root }
        var shellSection = String(shell[shellStart.lowerBound...])
        if !shellSection.contains("--version") {
            shellSection = shellSection.replacingOccurrences(
                of: "  -h, --help", with: "  --version               Show the version.\n  -h, --help")
        }
        return String(root[..<options.lowerBound]) + shellSection.trimmingCharacters(in: .newlines) + "\n\n"
            + String(root[subcommands.lowerBound...])
    }
}

/// Options every command that opens the session store takes.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The session store (default: $SLUICE_DB, else $XDG_DATA_HOME/sluice/sessions.sqlite, else ~/.local/share/sluice/sessions.sqlite).",
                                            valueName: "path"))
    var db: String?

    /// `--db`, else `$SLUICE_DB`, else nil (the store's default).
    var databasePath: String? {
        db ?? ProcessInfo.processInfo.environment["SLUICE_DB"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// Interactive on a terminal; otherwise runs the files, the `-c` statements or stdin.
struct Shell: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "Run interactively, or run scripts (the default command).")

    @Argument(help: ArgumentHelp("Scripts to run in order.", valueName: "file.sql"))
    var files: [String] = []

    @Option(name: [.customShort("f"), .customLong("file")],
            help: ArgumentHelp("A script to run, as psql's -f (repeatable; after the files named without it); - reads stdin.", valueName: "file.sql"))
    var fileOptions: [String] = []

    /// The next argument, whatever it starts with, as psql and sqlite3 take it: a cell copied
    /// from a lesson often starts with a `--` comment, which would otherwise read as an option.
    @Option(name: .customShort("c"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Statements to run (repeatable; after the files).", valueName: "sql"))
    var commands: [String] = []

    /// The scripts to run, in order: those named alone, then those after -f.
    private var scripts: [String] { files + fileOptions }

    @Flag(help: "Stop at the first statement that fails.")
    var bail = false

    @Flag(help: "Print each statement before its output.")
    var echo = false

    @Flag(name: .customLong("no-color"), help: "No ANSI colours (also when NO_COLOR is set).")
    var noColor = false

    @Option(help: ArgumentHelp("Output format: table, markdown, csv or json (csv and json: results only on stdout, one JSON value per line in json; status lines and errors on stderr).", valueName: "mode"))
    var mode: OutputMode = .table

    @OptionGroup var store: StoreOptions

    func run() throws {
        let interactive = scripts.isEmpty && commands.isEmpty && Terminal.isTerminal(STDIN_FILENO)
            && Terminal.isTerminal(STDOUT_FILENO)
        var settings = ShellSettings(mode: mode, color: Terminal.wantsColor(disabled: noColor),
                                     width: Terminal.width(), databasePath: store.databasePath,
                                     interactive: interactive)
        settings.bail = bail
        Interrupts.install()
        let backend = makeBackend(settings)
        let status: Int32
        if interactive {
            let shell = InteractiveShell(backend: backend, settings: settings, historyPath: HistoryFile.defaultPath())
            status = shell.run()
        } else {
            status = runBatch(backend)
        }
        backend.close()
        throw ExitCode(status)
    }

    /// Files, then `-c` strings; stdin when there are neither. 0 only if every cell succeeded.
    private func runBatch(_ backend: ShellBackend) -> Int32 {
        let runner = BatchRunner(backend: backend, bail: bail, echo: echo)
        var ok = true
        var inputs: [() -> BatchRunner.Outcome] = []
        for file in scripts {
            inputs.append {
                // `-f -` is stdin, as psql takes it (once: it is read to its end).
                if file == "-" { return runner.run(file: "<stdin>") { readLine(strippingNewline: true) } }
                // Refused as `.read` refuses it: missing, unreadable, or not text (a binary).
                switch ScriptFile.read(file) {
                case .success(let text): return runner.run(text: text, file: file)
                case .failure(let refusal):
                    fputs("sluice: \(refusal.message)\n", sluice_stderr())
                    if Sluice.subcommandNames.contains(file) {
                        // `sluice --bail sessions`: only --db may come before a subcommand's name.
                        fputs("HINT: \(file) is a subcommand: write sluice [--db PATH] \(file) ... with its other options after its name; a script named \(file) runs as ./\(file)\n", sluice_stderr())
                    }
                    return .stopped(ok: false, interrupted: false)
                }
            }
        }
        for command in commands { inputs.append { runner.run(text: command) } }
        // A script on stdin names itself as psql does: errors say `<stdin>:4:`.
        if inputs.isEmpty { inputs.append { runner.run(file: "<stdin>") { readLine(strippingNewline: true) } } }
        for input in inputs {
            switch input() {
            case .finished(let fine): ok = ok && fine
            case .stopped(let fine, let interrupted):
                return interrupted ? 130 : (fine && ok ? 0 : 1)
            }
        }
        return ok ? 0 : 1
    }
}

/// `sluice replay SESSION`: re-execute a saved session.
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Re-execute a saved session, cell by cell.")

    @Argument(help: ArgumentHelp("The saved session's name.", valueName: "session"))
    var session: String

    @OptionGroup var store: StoreOptions

    @Flag(help: "Exit non-zero and show a diff where a cell's output differs from the recording.")
    var verify = false

    @Flag(help: "Wait for Enter before each cell.")
    var step = false

    func run() throws {
        throw ExitCode(runReplay(session: session, databasePath: store.databasePath, verify: verify, step: step))
    }
}

/// `sluice export SESSION --to FILE`: a saved session as a notebook.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export a saved session as a Markdown or HTML notebook.")

    @Argument(help: ArgumentHelp("The saved session's name.", valueName: "session"))
    var session: String

    @Option(help: ArgumentHelp("The notebook to write (.md or .html).", valueName: "file"))
    var to: String

    @OptionGroup var store: StoreOptions

    func run() throws {
        throw ExitCode(runExport(session: session, to: to, databasePath: store.databasePath))
    }
}

/// `sluice sessions`: list the saved sessions.
struct Sessions: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the saved sessions.")

    @OptionGroup var store: StoreOptions

    func run() throws {
        throw ExitCode(runSessions(databasePath: store.databasePath))
    }
}

/// `sluice delete SESSION`: delete a saved session.
struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Delete a saved session, with its cells and charts.")

    @Argument(help: ArgumentHelp("The saved session's name.", valueName: "session"))
    var session: String

    @OptionGroup var store: StoreOptions

    func run() throws {
        throw ExitCode(runDelete(session: session, databasePath: store.databasePath))
    }
}
