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
                                     ".replay", ".cells", ".rerun", ".rewind", ".edit", ".export"]

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
            return fail("unterminated quote in \(line.split(separator: " ").first ?? "")", hint: "close the quote: .save 'my lesson'")
        }
        let command = first.lowercased()
        let args = Array(words.dropFirst())
        /// One argument at most (a name or a path), else an error that says how to quote.
        func single(_ what: String) -> DotOutcome? {
            args.count > 1 ? fail("\(command) takes one \(what); quote a \(what) with spaces",
                                  hint: "\(command) 'my \(what)'") : nil
        }
        do {
            switch command {
            case ".quit", ".exit", ".q":
                return DotOutcome(blocks: [], quit: true)
            case ".help":
                guard let text = Help.text(topic: args.first, settings: engine.settings) else {
                    let unknown = Help.unknown(args[0])
                    return fail(unknown.message, hint: unknown.hint)
                }
                return DotOutcome(blocks: [.text(text)])
            case ".mode":
                guard let name = args.first else { return DotOutcome(blocks: [.notice("mode: \(options.mode.rawValue)")]) }
                guard let mode = OutputMode(rawValue: name.lowercased()) else {
                    return fail("unknown mode \(name)", hint: "modes: " + OutputMode.allCases.map(\.rawValue).joined(separator: ", "))
                }
                options.mode = mode
                return DotOutcome(blocks: [])
            case ".timer":
                guard let value = args.first?.lowercased(), ["on", "off"].contains(value) else { return fail("usage: .timer on|off") }
                timer = value == "on"
                return DotOutcome(blocks: [])
            case ".read":
                if let error = single("file") { return error }
                guard let path = args.first else { return fail("usage: .read FILE.sql") }
                return read(path)
            case ".save":
                if let error = single("name") { return error }
                guard let notebook = try requireNotebook() else { return fail("no session store is open", hint: storeHint) }
                guard notebook.isWritable else {
                    // Opened read-only because it could not be written: say why, as opening it for writing does.
                    do { _ = try SessionStore(path: notebook.store.path) } catch { return fail(error.message, hint: error.hint) }
                    return fail("cannot save: the session store \(notebook.store.path) was opened read-only, so this session is not saved",
                                hint: "start sluice again to save to it")
                }
                let saved = try notebook.save(as: args.first, session: self)
                let info = saved.info
                if let original = saved.copyOf {
                    return DotOutcome(blocks: [.notice("saved a copy of \(original) as \(info.name) (\(Session.cells(info.cellCount))) in \(notebook.store.path); \(original) is unchanged, new cells go to \(info.name)")])
                }
                return DotOutcome(blocks: [.notice("saved as \(info.name) (\(Session.cells(info.cellCount))) in \(notebook.store.path)")])
            case ".sessions":
                guard let notebook = try requireNotebook() else { return fail("no session store is open", hint: storeHint) }
                return DotOutcome(blocks: [.table(sessionsTable(notebook.store))])
            case ".open":
                if let error = single("name") { return error }
                guard let name = args.first else { return fail("usage: .open NAME") }
                return try open(name)
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
                return DotOutcome(blocks: [.table(cellsTable())])
            case ".rewind":
                guard let n = args.first.flatMap(Int.init), n >= 0, n <= history.count else {
                    return fail("usage: .rewind N (0 to \(history.count))")
                }
                return rebuild(keeping: n, then: [], note: "rewound to the state after cell \(n)")
            case ".rerun":
                guard let n = args.first.flatMap(Int.init), n >= 1, n <= history.count else {
                    return fail("usage: .rerun N (1 to \(history.count))")
                }
                let result = execute(history[n - 1].input)
                return DotOutcome(blocks: [.notice("re-ran cell \(n) as cell \(cellCount)")] + result.blocks, ok: result.ok)
            case ".edit":
                guard let n = args.first.flatMap(Int.init), n >= 1, n <= history.count else {
                    return fail("usage: .edit N (1 to \(history.count))")
                }
                guard let edit = hooks.edit else { return fail(".edit needs an interactive terminal and $EDITOR") }
                guard let edited = edit(history[n - 1].input) else { return fail("the edit was abandoned; nothing changed") }
                // Later cells that were cancelled stop after as much virtual time as they ran then.
                let later = history[n...].map { ($0.input, Session.elapsedIfCancelled($0)) }
                return rebuild(keeping: n - 1, then: [(edited, nil)] + later,
                               note: "cell \(n) edited; re-executed cells \(n) to \(n + later.count) on a fresh engine")
            case ".export":
                if let error = single("file") { return error }
                guard let path = args.first else { return fail("usage: .export FILE.md|FILE.html") }
                return try export(to: path)
            default:
                let near = Suggest.nearest(command, among: Session.dotCommands)
                return fail("unknown command \(command)", hint: (near.map { "did you mean \($0)? " } ?? "") + ".help lists the commands")
            }
        } catch let error as StoreError {
            return fail(error.message, hint: error.hint)
        } catch {
            return fail("\(error)")
        }
    }

    private var storeHint: String { "start sluice with --db PATH or set SLUICE_DB" }

    private func requireNotebook() throws -> Notebook? {
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
        let info = notebook?.current ?? SessionInfo(id: 0, name: "unsaved session", created: "", updated: "",
                                                    engineVersion: Engine.version, seed: engine.settings.seed, settings: "{}",
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

    private func cellsTable() -> ResultTable {
        let rows = history.enumerated().map { i, c -> [ResultValue] in
            let firstLine = c.input.split(separator: "\n").first.map(String.init) ?? ""
            return [.int(Int64(i + 1)), .text(firstLine.count > 60 ? String(firstLine.prefix(57)) + "..." : firstLine),
                    .text(c.cancelled ? "cancelled" : (c.ok ? "ok" : "error")),
                    .text(VirtualTime.formatSeconds(c.virtualTimeBefore)), .text(VirtualTime.formatSeconds(c.virtualTimeAfter))]
        }
        return ResultTable(columns: [ResultColumn("cell", alignment: .right), ResultColumn("input"), ResultColumn("status"),
                                     ResultColumn("from"), ResultColumn("to")], rows: rows, footer: nil)
    }

    private func sessionsTable(_ store: SessionStore) -> ResultTable {
        let rows = ((try? store.sessions()) ?? []).map { s -> [ResultValue] in
            [.text(s.name), .int(Int64(s.cellCount)), .text(s.created), .text(s.updated), .text(s.engineVersion)]
        }
        return ResultTable(columns: [ResultColumn("name"), ResultColumn("cells", alignment: .right), ResultColumn("created"),
                                     ResultColumn("updated"), ResultColumn("engine")], rows: rows, footer: nil)
    }

    /// Re-executes cells 1…n on a fresh engine, then runs `inputs` as new cells (each with the
    /// virtual time after which it stops, for a cell that was cancelled), then updates the
    /// saved session: a session started here is rewritten; one opened from the store is left
    /// as it is and the cells continue in a new session named after it (Notebook.swift).
    private func rebuild(keeping n: Int, then inputs: [(String, Int64?)], note: String) -> DotOutcome {
        let kept = history.prefix(n)
        let notebook = self.notebook
        let current = notebook?.current
        self.notebook = nil
        let savedOptions = options
        resetEngine()
        var blocks: [OutputBlock] = [.notice(note)]
        var ok = true
        withReplayHooks {
            for cell in kept { execute(cell.input, stoppingAfter: Session.elapsedIfCancelled(cell)) }
            for (input, stop) in inputs {
                let result = execute(input, stoppingAfter: stop)
                blocks.append(.text("[\(cellCount)] " + input.trimmingCharacters(in: .whitespacesAndNewlines)))
                blocks += result.blocks
                ok = ok && result.ok
            }
        }
        options = savedOptions
        self.notebook = notebook
        guard let notebook, let current else { return DotOutcome(blocks: blocks, ok: ok) }
        if history.isEmpty {
            // `.rewind 0`: nothing is left to save; the saved session keeps its cells.
            notebook.detach()
            blocks.append(.notice("\(current.name) is unchanged; new cells are not added to it (.save NAME saves them)"))
        } else if !notebook.isWritable {
            notebook.detach()
            blocks.append(.notice("\(current.name) is unchanged: the store \(notebook.store.path) is read-only"))
        } else {
            do {
                if let fork = try notebook.rewrite(with: history.map(Notebook.record), session: self) {
                    blocks.append(.notice("\(current.name) is unchanged (opened sessions are never rewritten); continuing in \(fork) (\(Session.cells(history.count)))"))
                }
            } catch {
                notebook.detach()
                blocks.append(.error(ErrorReport(message: "could not update the saved session \(current.name): \(error)",
                                                 hint: "new cells are not added to it; .save NAME saves them")))
            }
        }
        return DotOutcome(blocks: blocks, ok: ok)
    }

    /// How long a recorded cell ran before Ctrl-C stopped it; nil if it was not cancelled.
    static func elapsedIfCancelled(_ cell: RecordedCell) -> Int64? {
        cell.cancelled ? cell.virtualTimeAfter - cell.virtualTimeBefore : nil
    }

    static func elapsedIfCancelled(_ cell: CellRecord) -> Int64? {
        cell.status == .cancelled ? cell.virtualTimeAfter - cell.virtualTimeBefore : nil
    }

    /// Re-executing recorded cells: no live frames, no progress bar, no wall-clock pacing
    /// (none of them changes what a cell records).
    private func withReplayHooks(_ body: () -> Void) {
        let saved = hooks
        hooks.frame = nil
        hooks.progress = nil
        hooks.progressDone = nil
        hooks.sleep = { _ in }
        defer { hooks = saved }
        body()
    }

    private func open(_ name: String) throws -> DotOutcome {
        guard let notebook = try requireNotebook() else {
            return DotOutcome(blocks: [.error(ErrorReport(message: "no session store is open", hint: storeHint))], ok: false)
        }
        guard let info = try notebook.store.session(named: name) else {
            let names = (try? notebook.store.sessions().map(\.name)) ?? []
            return DotOutcome(blocks: [.error(ErrorReport(message: "no saved session named \(name)",
                                                          hint: Suggest.nearest(name, among: names).map { "did you mean \($0)?" } ?? ".sessions lists them"))], ok: false)
        }
        let cells = try notebook.store.cells(sessionID: info.id)
        self.notebook = nil
        resetEngine()
        var mismatches = 0
        withReplayHooks {
            for cell in cells where execute(cell.input, stoppingAfter: Session.elapsedIfCancelled(cell)).recordedOutput != cell.output {
                mismatches += 1
            }
        }
        self.notebook = notebook
        notebook.attach(info)
        let added = notebook.isWritable
            ? "new cells are added to it; .rewind, .edit and .save NAME leave it unchanged and continue in a copy"
            : "the store is read-only, so new cells are not saved"
        var blocks: [OutputBlock] = [.notice("opened \(info.name): \(Session.cells(cells.count)) re-executed, now at \(VirtualTime.formatSeconds(engine.now)); \(added)")]
        if info.engineVersion != Engine.version {
            blocks.append(.notice("recorded with engine \(info.engineVersion); this is \(Engine.version)"))
        }
        if mismatches > 0 { blocks.append(.notice("\(mismatches) cell(s) produced different output than recorded (.replay \(name) --verify shows them)")) }
        return DotOutcome(blocks: blocks)
    }

    private func replayCommand(_ name: String, step: Bool, verify: Bool) throws -> DotOutcome {
        guard let notebook = try requireNotebook() else {
            return DotOutcome(blocks: [.error(ErrorReport(message: "no session store is open", hint: storeHint))], ok: false)
        }
        let replayer = Replayer(store: notebook.store, options: .notebook)
        var printed: [OutputBlock] = []
        let report = try replayer.replay(name, verify: verify) { cell, seq, total in
            // Ctrl-C (or Ctrl-D) at the step prompt, or during a cell, stops the replay.
            if cancel.isCancelled { return false }
            if step, let pause = hooks.pause, !pause("cell \(seq) of \(total) — Enter runs it, q stops") { return false }
            let text = "[\(seq)] " + cell.input.trimmingCharacters(in: .whitespacesAndNewlines) + "\n" + cell.output
            if let frame = hooks.frame, step { frame(text) } else { printed.append(.text(text)) }
            return true
        }
        return DotOutcome(blocks: printed + report.blocks, ok: report.ok)
    }
}
