import SluiceEngine
import SluiceStore

/// Rebuilding the engine from recorded cells: `.rewind N`, `.edit N` and `.open NAME`
/// re-execute cells on a fresh engine.
///
/// A rebuild is all or nothing. Ctrl-C cancels it as a whole, as psql's Ctrl-C cancels a
/// statement: the engine, the shell's cells and the saved session are left exactly as they
/// were, whichever cell was running. Only a rebuild that ran to its end replaces them, so a
/// cell recorded as finished is never re-recorded as cancelled.
extension Session {
    /// A cell to re-execute: its input, and for a cell that was cancelled, where Ctrl-C
    /// stopped it (it stops there again).
    typealias Replayed = (input: String, stop: StopPoint?)

    /// How a re-execution ended.
    enum Reexecution {
        /// Every cell ran; their results, in order.
        case finished([CellResult])
        /// Ctrl-C arrived while cell `at` (from 1) of `of` ran; nothing changed.
        case cancelled(at: Int, of: Int)
    }

    /// Re-executes `cells` on a fresh engine, recording nothing in the store. On Ctrl-C it
    /// stops after the running cell and puts back the engine and the cells it replaced.
    func reexecute(_ cells: [Replayed]) -> Reexecution {
        let before = checkpoint()
        let interruptsBefore = interruptCount
        let notebook = self.notebook
        let savedOptions = options
        let progress = hooks.reexecuting, done = hooks.progressDone
        self.notebook = nil
        defer {
            self.notebook = notebook
            options = savedOptions
        }
        resetEngine()
        var results: [CellResult] = []
        var cancelledAt: Int?
        withReplayHooks {
            for (i, cell) in cells.enumerated() {
                progress?(i + 1, cells.count)
                results.append(execute(cell.input, stoppingAt: cell.stop))
                // Counted, not read from the cancellation flag: each cell clears the flag as it
                // starts, and a Ctrl-C between two cells must cancel the rebuild too.
                if interruptCount != interruptsBefore {
                    cancelledAt = i + 1
                    break
                }
            }
        }
        if progress != nil && !cells.isEmpty { done?() }
        if let at = cancelledAt {
            restore(before)
            return .cancelled(at: at, of: cells.count)
        }
        return .finished(results)
    }

    /// What a rebuild cancelled by Ctrl-C says: where it was, and that `unchanged` holds.
    func cancelledRebuild(at cell: Int, of total: Int, _ unchanged: String) -> DotOutcome {
        DotOutcome(blocks: [.notice("cancelled by Ctrl-C while re-executing cell \(cell) of \(total): \(unchanged); "
                                    + "the session is as it was (\(Session.cells(history.count)), \(VirtualTime.formatSeconds(engine.now)))")],
                   ok: false)
    }

    /// Re-executes cells 1…n on a fresh engine, then runs `inputs` as new cells, then updates
    /// the saved session: a session started here is rewritten; one opened from the store is
    /// left as it is and the cells continue in a new session named after it (Notebook.swift).
    /// `unchanged` says what Ctrl-C leaves as it was.
    func rebuild(keeping n: Int, then inputs: [Replayed], note: String, unchanged: String) -> DotOutcome {
        let kept: [Replayed] = history.prefix(n).map { (input: $0.input, stop: $0.stopPoint) }
        let results: [CellResult]
        switch reexecute(kept + inputs) {
        case .cancelled(let at, let total): return cancelledRebuild(at: at, of: total, unchanged)
        case .finished(let all): results = Array(all.dropFirst(n))
        }
        // A refused edit's text was for a cell that is now another.
        editDraft = nil
        var blocks: [OutputBlock] = [.notice(note)]
        var ok = true
        for (i, result) in results.enumerated() {
            blocks.append(.text("[\(n + 1 + i)] " + inputs[i].input.trimmingCharacters(in: .whitespacesAndNewlines)))
            blocks += result.blocks
            ok = ok && result.ok
        }
        guard let notebook, let current = notebook.current else { return DotOutcome(blocks: blocks, ok: ok) }
        let name = StoreError.quoted(current.name)
        if history.isEmpty {
            // `.rewind 0`: nothing is left to save; the saved session keeps its cells. A shell that
            // records every cell goes on recording, in a new session from its next cell.
            notebook.detach()
            blocks.append(.notice(notebook.autoRecord ? "\(name) is unchanged; new cells go to a new session, as in a new shell"
                                                      : "\(name) is unchanged; new cells are not added to it (.save NAME saves them)"))
        } else if !notebook.isWritable {
            notebook.detach()
            blocks.append(.notice("\(name) is unchanged: the store \(notebook.store.path) is read-only"))
        } else {
            let stored = notebook.saved
            do {
                if let fork = try notebook.rewrite(with: history.map(Notebook.record), session: self) {
                    blocks.append(.notice("\(name) keeps its \(Session.cells(stored)) (a session opened from the store is never rewritten); "
                                          + "continuing in \(StoreError.quoted(fork)) (\(Session.cells(history.count)))"))
                } else if inputs.isEmpty && stored > n {
                    // `.rewind` in the shell's own session: the cells after n are gone from it.
                    let removed = n + 1 == stored ? "cell \(stored) was" : "cells \(n + 1) to \(stored) were"
                    blocks.append(.notice("\(removed) removed from \(name), which now holds \(Session.cells(n))"))
                }
            } catch {
                notebook.detach(releasing: !Notebook.isLocked(error))
                blocks.append(.error(ErrorReport(message: "could not update the saved session \(name): \(Notebook.message(error, session: current.name))",
                                                 hint: "new cells are not added to it; .save NAME saves them")))
            }
        }
        return DotOutcome(blocks: blocks, ok: ok)
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
}
