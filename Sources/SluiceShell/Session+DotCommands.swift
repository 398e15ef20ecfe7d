import Foundation
import SluiceEngine
import SluiceSQL
import SluiceStore

/// What a dot-command produced.
struct DotOutcome {
    var blocks: [OutputBlock]
    var ok = true
    var quit = false
    /// Dot-commands are not cells (`.read` records the file's cells, one by one).
    var recordable = false
}

/// Dot-commands: one line each, controlling the shell and the notebook, like sqlite3's.
extension Session {
    public static let dotCommands = [".help", ".mode", ".timer", ".read", ".quit", ".exit", ".save", ".open", ".sessions",
                                     ".delete", ".replay", ".cells", ".rerun", ".rewind", ".edit", ".export"]

    /// The dot-commands that take a fixed number of words (none or one), with their usage:
    /// more is an error, as in sqlite3, not silently ignored. (`.read`, `.save`, `.open`, `.delete`
    /// and `.export` say how to quote a name with spaces; `.help` and `.replay` take several.)
    static let dotUsage: [String: (most: Int, usage: String)] = [
        ".quit": (0, ".quit"), ".exit": (0, ".exit"), ".q": (0, ".q"), ".sessions": (0, ".sessions"), ".cells": (1, ".cells [N]"),
        ".mode": (1, ".mode table|csv|json|markdown"), ".timer": (1, ".timer on|off"), ".rewind": (1, ".rewind N"),
        ".rerun": (1, ".rerun N"), ".edit": (1, ".edit N"),
    ]

    /// `~` and `~/…` as the home directory (`$HOME`), as psql's `\i` and sqlite3's `.read`
    /// take them, and as path completion offers them; any other path as it is.
    static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty else { return path }
        return home + path.dropFirst()
    }

    /// The most files `.read` may have open inside one another.
    static let maxReadDepth = 16

    /// Splits a dot-command line into words as sqlite3 does: blanks separate words, and
    /// '…' or "…" quote one (a name or path with spaces). Nil when a quote is not closed.
    static func dotWords(_ line: String) -> [String]? {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        for c in line {
            if let q = quote {
                if c == q { quote = nil } else { word.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c
                inWord = true
            } else if c.isWhitespace {
                if inWord { words.append(word); word = ""; inWord = false }
            } else {
                word.append(c)
                inWord = true
            }
        }
        if quote != nil { return nil }
        if inWord { words.append(word) }
        return words
    }

    func executeDotCommand(_ line: String) -> DotOutcome {
        func fail(_ message: String, hint: String? = nil) -> DotOutcome {
            DotOutcome(blocks: [.error(ErrorReport(message: message, hint: hint))], ok: false)
        }
        guard let words = Session.dotWords(line), let first = words.first else {
            let command = line.split(separator: " ").first.map(String.init) ?? ""
            return fail("unterminated quote in \(command)", hint: "close the quote: \(command) 'my lesson'")
        }
        let command = first.lowercased()
        let args = Array(words.dropFirst())
        /// One argument at most (a name or a path), else an error that says how to quote.
        func single(_ what: String) -> DotOutcome? {
            args.count > 1 ? fail("\(command) takes one \(what); quote a \(what) with spaces",
                                  hint: "\(command) 'my \(what)'") : nil
        }
        if let arity = Session.dotUsage[command], args.count > arity.most {
            return fail("\(command) takes \(arity.most == 0 ? "no argument" : "one argument"), found '\(args[arity.most])'",
                        hint: "usage: \(arity.usage)")
        }
        do {
            switch command {
            case ".quit", ".exit", ".q":
                return DotOutcome(blocks: [], quit: true)
            case ".help":
                // `.help create materialized view`: the topic is every word after .help.
                let topic = args.isEmpty ? nil : args.joined(separator: " ")
                guard let text = Help.text(topic: topic, settings: engine.settings) else {
                    let unknown = Help.unknown(topic ?? "")
                    return fail(unknown.message, hint: unknown.hint)
                }
                return DotOutcome(blocks: [.prose(text)])
            case ".mode":
                guard let name = args.first else { return DotOutcome(blocks: [.notice("mode: \(options.mode.rawValue)")]) }
                guard let mode = OutputMode(rawValue: name.lowercased()) else {
                    return fail("unknown mode \(name)", hint: "modes: " + OutputMode.allCases.map(\.rawValue).joined(separator: ", "))
                }
                options.mode = mode
                return DotOutcome(blocks: [.notice("mode: \(mode.rawValue)")])
            case ".timer":
                // Alone, it says how it is, as `.mode` does.
                guard let value = args.first?.lowercased() else { return DotOutcome(blocks: [.notice(timer ? "Timing is on." : "Timing is off.")]) }
                guard ["on", "off"].contains(value) else { return fail("usage: .timer on|off") }
                timer = value == "on"
                return DotOutcome(blocks: [.notice(timer ? "Timing is on." : "Timing is off.")])
            case ".read":
                if let error = single("file") { return error }
                guard let path = args.first.map(Session.expandingTilde) else { return fail("usage: .read FILE.sql") }
                return read(path)
            case ".save":
                if let error = single("name") { return error }
                guard let notebook = try requireNotebook() else { return fail("no session store is open", hint: storeHint) }
                guard notebook.isWritable else {
                    return readOnlyFailure(notebook, fallback: ErrorReport(
                        message: "cannot save: the session store \(notebook.store.path) was opened read-only, so this session is not saved",
                        hint: "start sluice again to save to it"))
                }
                // Batch mode, after `.open`: the loaded session is left as it is (`lesson-2`).
                let forked = args.first == nil && notebook.current == nil ? try loaded.map(notebook.store.unusedName) : nil
                let saved = try notebook.save(as: args.first ?? forked, session: self)
                let info = saved.info
                // Names as they are typed: quoted when they have blanks or quotes.
                let name = StoreError.quoted(info.name)
                if forked != nil, let original = loaded.map(StoreError.quoted) {
                    loaded = nil
                    return DotOutcome(blocks: [.notice("saved as \(name) (\(Session.cells(info.cellCount))) in \(notebook.store.path); \(original) is unchanged")])
                }
                loaded = nil
                if let original = saved.copyOf.map(StoreError.quoted) {
                    return DotOutcome(blocks: [.notice("saved a copy of \(original) as \(name) (\(Session.cells(info.cellCount))) in \(notebook.store.path); \(original) is unchanged, new cells go to \(name)")])
                }
                if let old = saved.renamedFrom.map(StoreError.quoted) {
                    return DotOutcome(blocks: [.notice("saved as \(name) (\(Session.cells(info.cellCount))) in \(notebook.store.path), renamed from \(old)")])
                }
                return DotOutcome(blocks: [.notice("saved as \(name) (\(Session.cells(info.cellCount))) in \(notebook.store.path)")])
            case ".sessions":
                switch try storeToRead() {
                case .open(let store): return DotOutcome(blocks: [.table(try Session.sessionsTable(store))])
                case .absent(let path, let why): return DotOutcome(blocks: [.notice("no sessions saved yet: the store \(path) \(why)")])
                case .none: return fail("no session store is open", hint: storeHint)
                }
            case ".open":
                if let error = single("name") { return error }
                guard let name = args.first else { return fail("usage: .open NAME") }
                return try open(name)
            case ".delete":
                if let error = single("name") { return error }
                guard let name = args.first else { return fail("usage: .delete NAME") }
                return try delete(name)
            case ".replay":
                let flags = args.filter { $0.hasPrefix("--") }
                let names = args.filter { !$0.hasPrefix("--") }
                if let unknown = flags.first(where: { $0 != "--step" && $0 != "--verify" }) {
                    return fail("unknown option \(unknown)", hint: "usage: .replay NAME [--step] [--verify]")
                }
                if names.count > 1 { return fail(".replay takes one name; quote a name with spaces", hint: ".replay 'my name' --verify") }
                guard let name = names.first else { return fail("usage: .replay NAME [--step] [--verify]") }
                return try replayCommand(name, step: flags.contains("--step"), verify: flags.contains("--verify"))
            case ".cells":
                guard let word = args.first else { return DotOutcome(blocks: [.table(cellsTable())]) }
                guard let n = Int(word), n >= 1, n <= history.count else {
                    return fail(history.isEmpty ? "there are no cells yet" : "usage: .cells [N] (1 to \(history.count))")
                }
                return DotOutcome(blocks: cell(n))
            case ".rewind":
                guard let n = args.first.flatMap(Int.init), n >= 0, n <= history.count else {
                    return fail(history.isEmpty ? "there are no cells yet: nothing to rewind" : "usage: .rewind N (0 to \(history.count))")
                }
                return rebuild(keeping: n, then: [], note: n == 0 ? "rewound to the start, before cell 1" : "rewound to the state after cell \(n)", unchanged: "nothing was rewound")
            case ".rerun":
                guard let n = args.first.flatMap(Int.init), n >= 1, n <= history.count else {
                    return fail(history.isEmpty ? "there are no cells yet: nothing to re-run" : "usage: .rerun N (1 to \(history.count))")
                }
                let result = execute(history[n - 1].input)
                return DotOutcome(blocks: [.notice("re-ran cell \(n) as cell \(cellCount)")] + result.blocks, ok: result.ok)
            case ".edit":
                guard let n = args.first.flatMap(Int.init), n >= 1, n <= history.count else {
                    return fail(history.isEmpty ? "there are no cells yet: nothing to edit" : "usage: .edit N (1 to \(history.count))")
                }
                return edit(cell: n)
            case ".export":
                if let error = single("file") { return error }
                guard let path = args.first.map(Session.expandingTilde) else { return fail("usage: .export FILE.md|FILE.html") }
                return try export(to: path)
            default:
                if command == ".schema", let name = args.first { return fail("unknown command .schema", hint: "DESCRIBE \(name); shows its columns and definition") }
                if let habit = Session.sqliteHabits[command] { return fail("unknown command \(command)", hint: habit) }
                let near = Suggest.nearest(command, among: Session.dotCommands)
                return fail("unknown command \(command)", hint: (near.map { "did you mean \($0)? " } ?? "") + ".help lists the commands")
            }
        } catch let error as StoreError {
            return fail(error.message, hint: error.hint)
        } catch {
            return fail("\(error)")
        }
    }

    var storeHint: String { "start sluice with --db PATH or set SLUICE_DB" }

    /// The sqlite3 and DuckDB shells' dot-commands that Sluice answers with a statement.
    static let sqliteHabits: [String: String] = [
        ".tables": "SHOW TABLES; lists the tables (SHOW SOURCES; SHOW VIEWS; SHOW SINKS; the rest)",
        ".schema": "DESCRIBE name; shows an object's columns and definition",
        ".indexes": "Sluice has no indexes; DESCRIBE name; shows a view's primary key",
        ".databases": ".sessions lists the saved sessions",
        ".show": "SHOW ALL; lists the settings; .mode and .timer say theirs",
        ".output": "there is no output file; pipe sluice's output, or .export FILE.md|FILE.html",
        ".import": "INJECT n INTO source; appends generated rows",
    ]

    /// The store `.sessions`, `.open` and `.replay` read.
    enum StoreToRead {
        case open(SessionStore)
        /// Batch mode: nothing is there yet (no file, an empty one); `why` says so.
        case absent(path: String, why: String)
        /// No store is configured.
        case none
    }

    /// The notebook's store; in batch mode before `.save` opens it for writing, the file
    /// opened read-only, as `sluice sessions` opens it: listing, or opening a session (or
    /// failing to), never creates the store or changes it.
    func storeToRead() throws -> StoreToRead {
        if hooks.batch, notebook == nil, let path = hooks.storePath {
            if let absence = StoreAbsence(path: path) { return .absent(path: path, why: absence.why) }
            return .open(try SessionStore(path: path, options: StoreOptions(readOnly: true)))
        }
        return try requireNotebook().map { .open($0.store) } ?? .none
    }

    func requireNotebook() throws -> Notebook? {
        if let notebook { return notebook }
        guard let opener = hooks.openStore else { return nil }
        let store = try opener()
        notebook = Notebook(store: store, autoRecord: false)
        return notebook
    }

    // MARK: Files

    /// "1 cell", "9 cells".
    static func cells(_ n: Int) -> String { n == 1 ? "1 cell" : "\(n) cells" }

    private func read(_ path: String) -> DotOutcome {
        let text: String
        switch ScriptFile.read(path) {
        case .success(let contents): text = contents
        case .failure(let refusal):
            let hint: String? = if case .notText = refusal { ".read takes a file of SQL statements" } else { nil }
            return DotOutcome(blocks: [.error(ErrorReport(message: refusal.message, hint: hint))], ok: false)
        }
        // A file that reads itself, directly or through others, would never end (psql and
        // sqlite3 stop such a loop too).
        let resolved = Session.resolvedPath(path)
        if let i = reading.firstIndex(where: { $0.resolved == resolved }) {
            let chain = (reading[i...].map(\.given) + [path]).joined(separator: " → ")
            return DotOutcome(blocks: [.error(ErrorReport(message: ".read of a file that is already being read: \(chain)",
                                                          hint: "a file cannot .read itself, directly or through another file"))], ok: false)
        }
        guard reading.count < Session.maxReadDepth else {
            return DotOutcome(blocks: [.error(ErrorReport(message: ".read nested too deeply (\(Session.maxReadDepth) files inside one another): \(path)"))], ok: false)
        }
        reading.append((path, resolved))
        defer { reading.removeLast() }
        // The file's cells run (and are recorded) one by one, as if typed, so a replay never
        // depends on the file; errors name it and its lines.
        var outcome = DotOutcome(blocks: [])
        for cell in ScriptRunner.cells(of: text, session: self) {
            let result = execute(cell.text, source: CellSource(file: path, line: cell.line, endsInput: cell.endsInput))
            outcome.blocks += result.blocks
            outcome.ok = outcome.ok && result.ok
            outcome.quit = result.quit
            if result.quit || (!outcome.ok && hooks.bail) || cancel.isCancelled { break }
        }
        return outcome
    }

    /// The file a path names: absolute, symbolic links resolved.
    static func resolvedPath(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        guard let resolved = realpath(absolute, nil) else { return (absolute as NSString).standardizingPath }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private func export(to path: String) throws -> DotOutcome {
        let lower = path.lowercased()
        guard lower.hasSuffix(".md") || lower.hasSuffix(".html") || lower.hasSuffix(".htm") else {
            return DotOutcome(blocks: [.error(ErrorReport(message: "cannot tell the format of \(path)", hint: "export to FILE.md or FILE.html"))], ok: false)
        }
        // As the store has it now: the notebook's copy of the row is from when it was opened.
        let stored = try notebook?.current.flatMap { current in try notebook?.store.session(named: current.name) ?? current }
        let info = stored ?? SessionInfo(id: 0, name: "unsaved session", created: "", updated: "",
                                                    engineVersion: Engine.version, seed: engine.settings.seed, settings: savedState.settings,
                                                    cellCount: history.count)
        let cells = history.enumerated().map { i, c -> CellRecord in
            var record = Notebook.record(c)
            record.seq = i + 1
            return record
        }
        if let store = notebook?.store.path ?? hooks.storePath, SessionStore.isStoreFile(path, store: store) {
            return DotOutcome(blocks: [.error(ErrorReport(message: "cannot export to \(path): it is the session store itself",
                                                          hint: "export to another file; the store was not changed"))], ok: false)
        }
        let exporter = NotebookExporter()
        let text = lower.hasSuffix(".md") ? exporter.markdown(session: info, cells: cells) : exporter.html(session: info, cells: cells)
        if let reason = TextFile.write(text, to: path) {
            return DotOutcome(blocks: [.error(ErrorReport(message: "cannot write \(path): \(reason)"))], ok: false)
        }
        return DotOutcome(blocks: [.notice("exported \(Session.cells(cells.count)) to \(path)")])
    }

    // MARK: Notebook

    /// `.sessions` and `sluice sessions`: each saved session, its times to the second (the
    /// store keeps milliseconds; the table then fits 80 columns).
    public static func sessionsTable(_ store: SessionStore) throws(StoreError) -> ResultTable {
        func seconds(_ timestamp: String) -> String {
            guard let dot = timestamp.firstIndex(of: "."), timestamp.hasSuffix("Z") else { return timestamp }
            return String(timestamp[..<dot]) + "Z"
        }
        let rows = try store.sessions().map { s -> [ResultValue] in
            [.text(s.name), .int(Int64(s.cellCount)), .text(seconds(s.created)), .text(seconds(s.updated)), .text(s.engineVersion)]
        }
        return ResultTable(columns: [ResultColumn("name"), ResultColumn("cells", alignment: .right), ResultColumn("created"),
                                     ResultColumn("updated"), ResultColumn("engine")], rows: rows, footer: nil)
    }

    /// The store to read session `name` from, or the error saying there is none.
    private func readableStore(for name: String) throws -> Result<SessionStore, ErrorReport> {
        switch try storeToRead() {
        case .open(let store): .success(store)
        case .absent(let path, let why): .failure(ErrorReport(message: "no saved session named \(StoreError.quoted(name)): the store \(path) \(why)"))
        case .none: .failure(ErrorReport(message: "no session store is open", hint: storeHint))
        }
    }

    private func open(_ name: String) throws -> DotOutcome {
        let store: SessionStore
        switch try readableStore(for: name) {
        case .success(let found): store = found
        case .failure(let error): return DotOutcome(blocks: [.error(error)], ok: false)
        }
        guard let info = try store.session(named: name) else {
            let names = (try? store.sessions().map(\.name)) ?? []
            return DotOutcome(blocks: [.error(ErrorReport(message: "no saved session named \(StoreError.quoted(name))",
                                                          hint: Suggest.nearest(name, among: names).map { "did you mean \($0)?" } ?? ".sessions lists them"))], ok: false)
        }
        let cells = try store.cells(sessionID: info.id)
        let results: [CellResult]
        switch reexecute(cells.map { (input: $0.input, stop: StopPoint($0)) }) {
        case .cancelled(let at, let total): return cancelledRebuild(at: at, of: total, "\(StoreError.quoted(info.name)) was not opened")
        case .finished(let all): results = all
        }
        let mismatches = zip(results, cells).filter { $0.recordedOutput != $1.output }.count
        let opened = "opened \(StoreError.quoted(info.name)): \(Session.cells(cells.count)) re-executed, now at \(VirtualTime.formatSeconds(engine.now)); "
        let then: String
        if hooks.batch {
            // Opening is not saving: the cells the script runs next are not added to it.
            notebook?.detach()
            loaded = info.name
            then = "in batch mode new cells are not saved (.save NAME saves the notebook; \(StoreError.quoted(info.name)) stays as it is)"
        } else {
            // (Interactive: storeToRead() opened the notebook.)
            then = attach(info, count: cells.count, notebook: notebook!)
        }
        var blocks: [OutputBlock] = [.notice(opened + then)]
        blocks += Replayer.differences(name, recordedWith: info.engineVersion, differing: mismatches, command: ".replay")
        return DotOutcome(blocks: blocks)
    }

    /// Follows the opened session (interactive), and says where new cells go.
    private func attach(_ info: SessionInfo, count: Int, notebook: Notebook) -> String {
        switch notebook.attach(info, count: count, session: self) {
        case .following:
            "new cells are added to it; .rewind, .edit and .save NAME leave it unchanged and continue in a copy"
        case .copied(let copy, let reason):
            "\(reason), so it is left to that shell and this one continues in a copy, \(StoreError.quoted(copy)) (\(Session.cells(history.count)))"
        case .readOnly:
            "the store is read-only, so new cells are not saved"
        case .notRecording(let reason):
            "new cells are not saved: \(reason) (.save NAME saves them)"
        }
    }

    private func replayCommand(_ name: String, step: Bool, verify: Bool) throws -> DotOutcome {
        var replayer: Replayer
        switch try readableStore(for: name) {
        case .success(let store): replayer = Replayer(store: store, options: .notebook)
        case .failure(let error): return DotOutcome(blocks: [.error(error)], ok: false)
        }
        // Ctrl-C stops the running cell at its next event, as it stops RUN, and the replay
        // with it; a replayed RUN draws its progress bar, as one typed at the prompt does.
        replayer.cancel = cancel
        replayer.command = ".replay"
        // Shown as the live display shows a table: at this shell's width (no colour).
        replayer.display = RenderOptions(mode: .table, color: false, width: options.width, fitsTables: options.fitsTables)
        replayer.hooks.interactive = hooks.interactive
        replayer.hooks.progress = hooks.progress
        replayer.hooks.progressDone = hooks.progressDone
        let interruptsBefore = interruptCount
        var printed: [OutputBlock] = []
        func show(_ text: String) {
            if let show = hooks.show { show([.text(text)]) } else { printed.append(.text(text)) }
        }
        let report = try replayer.replay(name, verify: verify, before: { cell, seq, total in
            // A Ctrl-C between two cells stops the replay too (each cell clears the flag as it starts).
            if interruptCount != interruptsBefore { return false }
            guard step else { return true }
            // The cell is shown before it runs; Ctrl-C or Ctrl-D at the prompt stops the replay.
            show(Replayer.heading(cell, seq: seq))
            if let pause = hooks.pause, !pause(Replayer.stepPrompt(seq, of: total)) { return false }
            return true
        }, after: { cell, seq, _ in
            show(TerminalText.visible(step ? cell.output : Replayer.heading(cell, seq: seq) + "\n" + cell.output))
            return interruptCount == interruptsBefore
        })
        return DotOutcome(blocks: printed + report.blocks, ok: report.ok)
    }
}
