import CEditLine
import Foundation
import SluiceEngine
import SluiceShell
import SluiceSQL
import SluiceStore

/// The real backend: a `Session` behind the line editor and the batch runner.
final class SessionBackend: ShellBackend {
    let session: Session
    private let settings: ShellSettings
    private let context: SessionCompletionContext

    init(settings: ShellSettings) {
        self.settings = settings
        session = Session(options: settings.renderOptions)
        context = SessionCompletionContext(session: session)
        session.hooks.interactive = settings.interactive
        session.hooks.bail = settings.bail
        session.hooks.batch = !settings.interactive
        let path = settings.databasePath
        session.hooks.openStore = { try SessionBackend.openStore(path) }
        session.hooks.storePath = path ?? SessionStore.defaultPath
        if settings.interactive {
            session.hooks.progress = { from, now, target, rate in ProgressBar.draw(from: from, now: now, target: target, rowsPerSecond: rate) }
            session.hooks.progressDone = { ProgressBar.clear() }
            session.hooks.reexecuting = { cell, total in ProgressBar.drawRebuild(cell: cell, of: total) }
            session.hooks.frame = { frame in
                // Redraw in place: home the cursor, clear the screen, draw the frame.
                fputs("\u{1B}[H\u{1B}[2J" + frame, sluice_stdout())
                fflush(sluice_stdout())
            }
            session.hooks.edit = { text in Editor.edit(text) }
            session.hooks.show = { [weak session] blocks in
                guard let session else { return }
                Terminal.write(Renderer.pieces(blocks, options: session.options))
            }
            session.hooks.pause = { prompt in
                fputs("\(prompt) ", sluice_stdout())
                fflush(sluice_stdout())
                // Ctrl-C or Ctrl-D stops the replay, as they stop RUN and WATCH.
                guard let line = Interrupts.readAnswer() else {
                    fputs("\n", sluice_stdout())
                    return false
                }
                return line.trimmingCharacters(in: .whitespaces).lowercased() != "q"
            }
            // Record every cell as it runs when the store can be opened; otherwise run without saving.
            do {
                let store = try SessionBackend.openStore(path)
                session.notebook = Notebook(store: store, autoRecord: true)
                if store.options.readOnly {
                    fputs("warning: the session store \(store.path) is read-only: cells are not saved (.sessions, .open and .replay work)\n", sluice_stderr())
                }
            } catch {
                fputs("note: cells are not saved: \(error.message)\nHINT: \(error.hint)\n", sluice_stderr())
            }
        }
    }

    /// Opens the store read-write, or read-only when it cannot be written (a shared, chmod 444
    /// lesson file): listing, opening and replaying then work, and nothing is saved.
    static func openStore(_ path: String?) throws(StoreError) -> SessionStore {
        let location = path ?? SessionStore.defaultPath
        let writable: StoreError
        do {
            return try SessionStore(path: location, options: SluiceStore.StoreOptions(createDirectory: path == nil))
        } catch {
            writable = error
        }
        guard case .readOnly = writable else { throw writable }
        return try SessionStore(path: location, options: SluiceStore.StoreOptions(readOnly: true))
    }

    /// The line editor colours it (and hides the escapes from libedit's width count).
    var prompt: String { session.prompt }

    var continuationPrompt: String {
        String(repeating: " ", count: max(0, session.prompt.count - 5)) + "...> "
    }

    func completeness(of buffer: String) -> BufferCompleteness {
        switch session.completeness(of: buffer) {
        case .complete: .complete
        case .incomplete: .incomplete
        case .error: .error
        }
    }

    /// The terminal may have been resized since the last cell: charts, graphs, tables and
    /// errors fit the width it has now (the recording is drawn at the notebook's fixed width).
    private func fitTerminal() {
        guard settings.interactive else { return }
        session.options.width = Terminal.width()
        session.options.fitsTables = isatty(STDOUT_FILENO) != 0
    }

    func execute(_ buffer: String, interactive: Bool, source: CellSource?) -> (output: [RenderedPiece], ok: Bool, quit: Bool) {
        fitTerminal()
        let result = session.execute(buffer, source: source)
        // Colours are for tables on a terminal; other modes show what the session rendered.
        let pieces = settings.color && session.options.mode == .table ? Renderer.pieces(result.blocks, options: session.options) : result.pieces
        // csv results of this cell and of those before it are a blank line apart.
        let separated = RenderedPiece.separatingResults(pieces, mode: session.options.mode, after: resultsWritten)
        resultsWritten = separated.results
        return (separated.pieces, result.ok, result.quit)
    }

    /// csv or json results were written to stdout.
    private var resultsWritten = false

    func render(_ error: ErrorReport) -> [RenderedPiece] {
        fitTerminal()
        return Renderer.pieces([.error(error)], options: session.options)
    }

    func interrupt() { session.interrupt() }

    func close() { session.close() }

    var completionContext: CompletionContext { context }

    var writesDataOnly: Bool { session.options.mode.isData }
}

/// Names the completion engine offers, read from the live session.
final class SessionCompletionContext: CompletionContext {
    private let session: Session
    init(session: Session) { self.session = session }

    private var engine: Engine { session.engine }
    var sources: [String] { engine.sourceSnapshots().filter { !$0.isTable }.map(\.name) }
    var tables: [String] { engine.sourceSnapshots().filter(\.isTable).map(\.name) }
    var views: [String] { engine.jobSnapshots().filter { $0.kind == .materializedView }.map(\.name) }
    var sinks: [String] { engine.jobSnapshots().filter { $0.kind == .sink }.map(\.name) }
    var actors: [String] { engine.actorSnapshots().map(\.name) }
    func columns(of relation: String) -> [String] {
        engine.sourceSpec(relation)?.schema.names ?? engine.jobSpec(relation)?.outputSchema.names ?? []
    }
    var variables: [String] { SessionVariables.names }
    func values(of variable: String) -> [String] { SessionVariables.named(variable)?.choices ?? [] }
    var sessions: [String] { ((try? session.notebook?.store.sessions()) ?? nil)?.map(\.name) ?? [] }
    var recordingSession: String? { session.notebook?.current?.name }
}

/// `.edit N`: the cell's text in `$VISUAL`, else `$EDITOR`, else vi, as git and crontab pick
/// one (an empty variable counts as unset).
enum Editor {
    static var command: String {
        let environment = ProcessInfo.processInfo.environment
        let named = ["VISUAL", "EDITOR"].lazy.compactMap { environment[$0] }
            .first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        return named ?? "vi"
    }

    static func edit(_ text: String) -> String? {
        let path = NSTemporaryDirectory() + "sluice-cell-\(getpid()).sql"
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else { return nil }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let editor = command
        // The editor sees what is typed: a running cell's keys otherwise are not echoed.
        let status = Terminal.withEcho(true) { system("\(editor) '\(path)'") }
        guard status == 0, let data = FileManager.default.contents(atPath: path) else { return nil }
        let edited = String(decoding: data, as: UTF8.self)
        return edited.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : edited
    }
}
