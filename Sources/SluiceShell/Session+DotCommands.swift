import Foundation
import SluiceEngine
import SluiceSQL
import SluiceStore

/// What a dot-command produced.
struct DotOutcome {
    var blocks: [OutputBlock]
    var ok = true
    var quit = false
    /// Dot-commands are not cells, except `.read`, whose file becomes the cell.
    var recordable = false
}

/// Dot-commands: one line each, controlling the shell and the notebook, like sqlite3's.
extension Session {
    public static let dotCommands = [".help", ".mode", ".timer", ".read", ".quit", ".exit", ".save", ".open", ".sessions",
                                     ".replay", ".cells", ".rerun", ".rewind", ".edit", ".export"]

    func executeDotCommand(_ line: String) -> DotOutcome {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let command = words[0].lowercased()
        let args = Array(words.dropFirst())
        func fail(_ message: String, hint: String? = nil) -> DotOutcome {
            DotOutcome(blocks: [.error(ErrorReport(message: message, hint: hint))], ok: false)
        }
        do {
            switch command {
            case ".quit", ".exit", ".q":
                return DotOutcome(blocks: [], quit: true)
            case ".help":
                return DotOutcome(blocks: [.text(Help.text(topic: args.first))])
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
                guard let path = args.first else { return fail("usage: .read FILE.sql") }
                return read(path)
            case ".save":
                guard let notebook = try requireNotebook() else { return fail("no session store is open", hint: storeHint) }
                let info = try notebook.save(as: args.first, session: self)
                return DotOutcome(blocks: [.notice("saved as \(info.name) (\(info.cellCount) cells) in \(notebook.store.path)")])
            case ".sessions":
                guard let notebook = try requireNotebook() else { return fail("no session store is open", hint: storeHint) }
                return DotOutcome(blocks: [.table(sessionsTable(notebook.store))])
            case ".open":
                guard let name = args.first else { return fail("usage: .open NAME") }
                return try open(name)
            case ".replay":
                guard let name = args.first else { return fail("usage: .replay NAME [--step] [--verify]") }
                return try replayCommand(name, step: args.contains("--step"), verify: args.contains("--verify"))
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
                let later = history[n...].map(\.input)
                return rebuild(keeping: n - 1, then: [edited] + later, note: "cell \(n) edited; re-executed cells \(n) to \(n + later.count) on a fresh engine")
            case ".export":
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

    private func read(_ path: String) -> DotOutcome {
        guard let data = FileManager.default.contents(atPath: path) else {
            return DotOutcome(blocks: [.error(ErrorReport(message: "cannot read \(path): no such file or not readable"))], ok: false)
        }
        guard let text = String(data: data, encoding: .utf8), !text.contains("\0") else {
            return DotOutcome(blocks: [.error(ErrorReport(message: "\(path) is not a text file", hint: ".read takes a file of SQL statements"))], ok: false)
        }
        // The file's statements run as this cell, and are recorded as its input, so a replay
        // never depends on the file.
        let result = execute(text)
        return DotOutcome(blocks: result.blocks, ok: result.ok)
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
        let exporter = NotebookExporter()
        let text = lower.hasSuffix(".md") ? exporter.markdown(session: info, cells: cells) : exporter.html(session: info, cells: cells)
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            return DotOutcome(blocks: [.error(ErrorReport(message: "cannot write \(path): \(error.localizedDescription)"))], ok: false)
        }
        return DotOutcome(blocks: [.notice("exported \(cells.count) cells to \(path)")])
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

    /// Re-executes cells 1…n on a fresh engine, then runs `inputs` as new cells.
    private func rebuild(keeping n: Int, then inputs: [String], note: String) -> DotOutcome {
        let kept = history.prefix(n).map(\.input)
        let notebook = self.notebook
        let current = notebook?.current
        self.notebook = nil
        let savedOptions = options
        resetEngine()
        for input in kept { execute(input) }
        var blocks: [OutputBlock] = [.notice(note)]
        var ok = true
        for input in inputs {
            let result = execute(input)
            blocks.append(.text("[\(cellCount)] " + input.trimmingCharacters(in: .whitespacesAndNewlines)))
            blocks += result.blocks
            ok = ok && result.ok
        }
        options = savedOptions
        self.notebook = notebook
        if let notebook, let current {
            do {
                _ = try notebook.store.replaceCells(sessionID: current.id, from: 1, with: history.map(Notebook.record))
            } catch {
                blocks.append(.error(ErrorReport(message: "could not update the saved session: \(error)")))
            }
        }
        return DotOutcome(blocks: blocks, ok: ok)
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
        for cell in cells where execute(cell.input).recordedOutput != cell.output { mismatches += 1 }
        self.notebook = notebook
        notebook.attach(info)
        var blocks: [OutputBlock] = [.notice("opened \(info.name): \(cells.count) cells re-executed, now at \(VirtualTime.formatSeconds(engine.now)); new cells are added to it")]
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
            if step, let pause = hooks.pause, !pause("cell \(seq) of \(total) — Enter runs it, q stops") { return false }
            let text = "[\(seq)] " + cell.input.trimmingCharacters(in: .whitespacesAndNewlines) + "\n" + cell.output
            if let frame = hooks.frame, step { frame(text) } else { printed.append(.text(text)) }
            return true
        }
        return DotOutcome(blocks: printed + report.blocks, ok: report.ok)
    }
}
