import SluiceEngine
import SluiceStore
import SluiceSQL

/// Re-executes a saved session on a fresh engine, cell by cell, and (with `verify`) compares
/// every cell's output with the recording. The engine is deterministic, so a session
/// recorded by the same engine version replays byte for byte; without `verify` the replay
/// ends saying how many cells differ, as `.open` does.
public struct Replayer {
    public let store: SessionStore
    public let options: RenderOptions
    /// How the replayed cells reach the world: RUN's progress bar where a terminal shows one.
    /// A replay is never paced to the wall clock (WATCH … SPEED prints the same unpaced).
    public var hooks = SessionHooks()
    /// Ctrl-C: the shell's flag, so that it stops the replayed cell at the next event, as it
    /// stops RUN; nil where nothing cancels (a test, the command line's default SIGINT).
    public var cancel: CancellationFlag?
    /// How the user replays a session, for the hint that says how to see the differences.
    public var command = "sluice replay"
    /// How the replayed cells are shown (`after`'s cell output): on a terminal, fitted to its
    /// width as a cell typed there is; nil shows them as recorded. Comparing with the
    /// recording always uses the recorded form.
    public var display: RenderOptions?

    public init(store: SessionStore, options: RenderOptions = RenderOptions()) {
        self.store = store
        self.options = RenderOptions(mode: options.mode, color: false, width: options.width, fitsTables: options.fitsTables)
    }

    public struct Report {
        public var blocks: [OutputBlock]
        public var ok: Bool
        public var cells: Int
    }

    /// How a replay shows cell `seq` before (or, replayed at once, with) its output: `[3] RUN 1s;`.
    /// Control characters a session file holds show as `�`: a lesson does not drive the terminal.
    public static func heading(_ cell: CellRecord, seq: Int) -> String {
        "[\(seq)] " + TerminalText.visible(cell.input.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The question a step-by-step replay asks before it runs cell `seq` of `total`.
    public static func stepPrompt(_ seq: Int, of total: Int) -> String {
        "-- cell \(seq) of \(total): Enter runs it, q stops"
    }

    /// The hint for a session name the store does not hold: the nearest name, else them all.
    public static func hint(forUnknown name: String, among names: [String]) -> String {
        if names.isEmpty { return "the store has no sessions" }
        return Suggest.nearest(name, among: names).map { "did you mean \($0)?" } ?? "sessions: " + names.joined(separator: ", ")
    }

    /// What `.open` and a replay without `--verify` say once they have re-executed a session:
    /// that another engine version recorded it, and how many cells printed something else
    /// than the recording (`command NAME --verify` shows the first). Nothing when neither.
    public static func differences(_ name: String, recordedWith version: String, differing: Int, command: String) -> [OutputBlock] {
        var blocks: [OutputBlock] = []
        if version != Engine.version { blocks.append(.notice("recorded with engine \(version); this is \(Engine.version)")) }
        if differing > 0 {
            let cells = differing == 1 ? "1 cell produced" : "\(differing) cells produced"
            blocks.append(.notice("\(cells) different output than recorded (\(command) \(StoreError.quoted(name)) --verify shows them)"))
        }
        return blocks
    }

    /// Replays session `name`. `before` sees each recorded cell before it runs (a step replay
    /// shows it and waits for Enter), `after` sees it once it has run, with the output it
    /// printed now; either returns false to stop there.
    public func replay(_ name: String, verify: Bool,
                       before: (_ cell: CellRecord, _ seq: Int, _ total: Int) -> Bool = { _, _, _ in true },
                       after: (_ cell: CellRecord, _ seq: Int, _ total: Int) -> Bool = { _, _, _ in true }) throws(StoreError) -> Report {
        guard let info = try store.session(named: name) else {
            let names = (try? store.sessions().map(\.name)) ?? []
            return Report(blocks: [.error(ErrorReport(message: "no saved session named \(StoreError.quoted(name)) in \(store.path)",
                                                      hint: Replayer.hint(forUnknown: name, among: names)))],
                          ok: false, cells: 0)
        }
        let cells = try store.cells(sessionID: info.id)
        var blocks: [OutputBlock] = []
        if verify && info.engineVersion != Engine.version {
            blocks.append(.notice("note: \(StoreError.quoted(name)) was recorded with engine \(info.engineVersion); this is engine \(Engine.version), so outputs may differ"))
        }
        let session = Session(options: options, cancel: cancel ?? CancellationFlag())
        session.hooks = hooks
        session.hooks.sleep = { _ in }
        var differing = 0
        var ran = 0
        var cut = false
        for (i, cell) in cells.enumerated() {
            guard before(cell, i + 1, cells.count) else { break }
            // A cell that was cancelled stops where Ctrl-C stopped it, and prints what it printed then.
            let result = session.execute(cell.input, stoppingAt: StopPoint(cell))
            var shown = cell
            shown.output = display.map { Renderer.render(result.blocks, options: $0) } ?? result.recordedOutput
            ran = i + 1
            // Ctrl-C now, in a cell that ran to its end when it was recorded.
            cut = session.history.last?.cancelled == true && StopPoint(cell) == nil
            guard after(shown, i + 1, cells.count) else { break }
            guard result.recordedOutput != cell.output else { continue }
            differing += 1
            if verify {
                blocks.append(.error(ErrorReport(message: "cell \(i + 1) of \(StoreError.quoted(name)) differs from the recording",
                                                 context: UnifiedDiff.make(old: cell.output, new: result.recordedOutput,
                                                                           oldLabel: "recorded cell \(i + 1)", newLabel: "replayed cell \(i + 1)"),
                                                 hint: nil)))
                return Report(blocks: blocks, ok: false, cells: i + 1)
            }
        }
        if ran < cells.count || cut {
            blocks.append(.notice(cut ? "stopped in cell \(ran) of \(cells.count) (Ctrl-C)"
                                  : ran == 0 ? "stopped before cell 1 of \(cells.count)" : "stopped after cell \(ran) of \(cells.count)"))
        }
        if verify {
            if ran == cells.count {
                blocks.append(.notice(cells.count == 1 ? "verified: the 1 cell of \(StoreError.quoted(name)) matches the recording" : "verified: all \(cells.count) cells of \(StoreError.quoted(name)) match the recording"))
            }
        } else {
            blocks += Replayer.differences(name, recordedWith: info.engineVersion, differing: differing, command: command)
        }
        return Report(blocks: blocks, ok: true, cells: ran)
    }
}

/// A unified diff of two texts by line, from the standard library's `CollectionDifference`.
enum UnifiedDiff {
    static func make(old: String, new: String, oldLabel: String, newLabel: String, context: Int = 3) -> String {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let diff = b.difference(from: a)
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in diff {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        // Walk both sides in step, emitting context, removals and insertions.
        var lines: [(String, Int, Int)] = []   // (text with prefix, index in a, index in b)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count && removed.contains(i) { lines.append(("-" + a[i], i, j)); i += 1 }
            else if j < b.count && inserted.contains(j) { lines.append(("+" + b[j], i, j)); j += 1 }
            else if i < a.count && j < b.count { lines.append((" " + a[i], i, j)); i += 1; j += 1 }
            else { break }
        }
        let changed = lines.indices.filter { !lines[$0].0.hasPrefix(" ") }
        guard let first = changed.first, let last = changed.last else { return "(no difference)" }
        let from = max(0, first - context), to = min(lines.count - 1, last + context)
        let hunk = lines[from...to]
        let oldCount = hunk.filter { !$0.0.hasPrefix("+") }.count
        let newCount = hunk.filter { !$0.0.hasPrefix("-") }.count
        var out = ["--- \(oldLabel)", "+++ \(newLabel)",
                   "@@ -\(lines[from].1 + 1),\(oldCount) +\(lines[from].2 + 1),\(newCount) @@"]
        out += lines[from...to].map(\.0)
        return out.joined(separator: "\n")
    }
}
