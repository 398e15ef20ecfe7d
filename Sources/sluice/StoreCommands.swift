import CEditLine
import Foundation
import SluiceShell
import SluiceStore

// The subcommands that read the session store: replay, export, sessions. Each opens the
// store read-only, so a replay or an export never changes a recorded session. (`delete`,
// the one that writes, is in DeleteCommand.swift.)

/// Why the store (`--db`, else the default) holds no sessions yet, if it does not.
func absence(_ path: String?) -> StoreAbsence? {
    StoreAbsence(path: path ?? SessionStore.defaultPath)
}

/// The store, read-only unless `readOnly` is false; nil after printing why it cannot be opened
/// (a file that is not a store, or is damaged, is never changed by trying).
func openStore(_ path: String?, readOnly: Bool = true) -> SessionStore? {
    let location = path ?? SessionStore.defaultPath
    do {
        return try SessionStore(path: location, options: SluiceStore.StoreOptions(readOnly: readOnly))
    } catch {
        fputs("sluice: \(error.message)\nHINT: \(error.hint)\n", sluice_stderr())
        return nil
    }
}

private func write(_ text: String) {
    fputs(text, sluice_stdout())
    fflush(sluice_stdout())
}

/// `sluice replay SESSION [--verify] [--step]`: re-executes the session on a fresh engine and
/// prints each cell; `--verify` stops at the first cell whose output differs, with a diff;
/// without it the replay ends saying how many cells differ. `--step` shows each cell and runs
/// it on Enter.
func runReplay(session name: String, databasePath: String?, verify: Bool, step: Bool) -> Int32 {
    if let absent = absence(databasePath) {
        fputs("sluice replay: no session \(name): the store \(databasePath ?? SessionStore.defaultPath) \(absent.why)\n", sluice_stderr())
        return 1
    }
    guard let store = openStore(databasePath) else { return 2 }
    var replayer = Replayer(store: store, options: RenderOptions(mode: .table, color: false, width: 80))
    if Terminal.isTerminal(STDOUT_FILENO) {
        // On a terminal the cells are shown fitted to it, as typed there; a pipe or a file
        // gets them as recorded.
        replayer.display = RenderOptions(mode: .table, color: false, width: Terminal.width(), fitsTables: true)
    }
    if Terminal.isTerminal(STDERR_FILENO) {
        // A long RUN draws its progress bar on stderr, as at the prompt.
        replayer.hooks.interactive = true
        replayer.hooks.progress = { from, now, target, rate in ProgressBar.draw(from: from, now: now, target: target, rowsPerSecond: rate) }
        replayer.hooks.progressDone = { ProgressBar.clear() }
    }
    do {
        let report = try replayer.replay(name, verify: verify, before: { cell, seq, total in
            guard step else { return true }
            // The cell is shown, then runs on Enter (not before: "Enter runs it").
            write(Replayer.heading(cell, seq: seq) + "\n")
            write(Replayer.stepPrompt(seq, of: total) + " ")
            let line = readLine()
            // A terminal echoed the Enter that ended the line; piped input did not.
            if !Terminal.isTerminal(STDIN_FILENO) { write("\n") }
            return line.map { $0.trimmingCharacters(in: .whitespaces).lowercased() != "q" } ?? false
        }, after: { cell, seq, _ in
            if step {
                write(TerminalText.visible(cell.output))
            } else if !verify {
                write(TerminalText.visible(Replayer.heading(cell, seq: seq) + "\n" + cell.output))
            }
            return true
        })
        Terminal.write(Renderer.pieces(report.blocks, options: RenderOptions(mode: .table, color: Terminal.wantsColor(disabled: false), width: 80)))
        return report.ok ? 0 : 1
    } catch {
        fputs("sluice replay: \(error.message)\nHINT: \(error.hint)\n", sluice_stderr())
        return 2
    }
}

/// `sluice export SESSION --to FILE`: the recorded cells and charts as a Markdown or HTML notebook.
func runExport(session name: String, to file: String, databasePath: String?) -> Int32 {
    let lower = file.lowercased()
    guard lower.hasSuffix(".md") || lower.hasSuffix(".html") || lower.hasSuffix(".htm") else {
        fputs("sluice export: cannot tell the format of \(file)\nHINT: export to FILE.md or FILE.html\n", sluice_stderr())
        return 2
    }
    if let absent = absence(databasePath) {
        fputs("sluice export: no session \(name): the store \(databasePath ?? SessionStore.defaultPath) \(absent.why)\n", sluice_stderr())
        return 1
    }
    guard let store = openStore(databasePath) else { return 2 }
    // Writing the notebook over the store (or its -wal/-shm/-journal) would destroy every session.
    if store.isOwnFile(file) {
        fputs("sluice export: cannot export to \(file): it is the session store itself\nHINT: export to another file; the store was not changed.\n", sluice_stderr())
        return 2
    }
    do {
        guard let info = try store.session(named: name) else {
            let names = (try? store.sessions().map(\.name)) ?? []
            fputs("sluice export: no saved session named \(name) in \(store.path)\n", sluice_stderr())
            if !names.isEmpty { fputs("HINT: \(Replayer.hint(forUnknown: name, among: names))\n", sluice_stderr()) }
            return 1
        }
        let cells = try store.cells(sessionID: info.id)
        let exporter = NotebookExporter()
        let text = lower.hasSuffix(".md") ? exporter.markdown(session: info, cells: cells) : exporter.html(session: info, cells: cells)
        if let reason = TextFile.write(text, to: file) {
            fputs("sluice export: cannot write \(file): \(reason)\n", sluice_stderr())
            return 1
        }
        write("exported \(info.name) (\(cells.count == 1 ? "1 cell" : "\(cells.count) cells")) to \(file)\n")
        return 0
    } catch {
        fputs("sluice export: \(error.message)\nHINT: \(error.hint)\n", sluice_stderr())
        return 2
    }
}

/// `sluice sessions`: the saved sessions with their cell counts and dates.
func runSessions(databasePath: String?) -> Int32 {
    let location = databasePath ?? SessionStore.defaultPath
    if absence(databasePath) != nil {
        write("no sessions saved yet (store \(location))\n")
        return 0
    }
    guard let store = openStore(databasePath) else { return 2 }
    do {
        if try store.sessions().isEmpty {
            write("no sessions saved yet (store \(location))\n")
            return 0
        }
        let table = try Session.sessionsTable(store)
        write(Renderer.render([.table(table)], options: RenderOptions(mode: .table, color: false, width: Terminal.width())))
        return 0
    } catch {
        fputs("sluice sessions: \(error.message)\nHINT: \(error.hint)\n", sluice_stderr())
        return 2
    }
}
