import SluiceSQL

/// `.edit N`: cell N's text in `$EDITOR`, then cells N… re-executed on a fresh engine with
/// the new text (Session+Rebuild.swift). Text that cannot be a cell is refused before
/// anything runs, and kept for the next `.edit N` to correct.
extension Session {
    func edit(cell n: Int) -> DotOutcome {
        func fail(_ message: String) -> DotOutcome { DotOutcome(blocks: [.error(ErrorReport(message: message))], ok: false) }
        guard let edit = hooks.edit else { return fail(".edit needs an interactive terminal and $EDITOR") }
        // A refused edit of this cell comes back to be corrected.
        let draft = editDraft.flatMap { $0.cell == n ? $0.text : nil }
        guard let edited = edit(draft ?? history[n - 1].input) else { return fail("the edit was abandoned; nothing changed") }
        // An editor that saves CRLF line ends gives the cell LF ones, as a script's are.
        let text = ScriptFile.lines(of: edited).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if var refusal = Session.refusal(ofEdit: text, cell: n) {
            editDraft = (n, text)
            refusal.hint = (refusal.hint.map { $0 + ($0.hasSuffix("?") ? " " : "; ") } ?? "") + "your text is kept: .edit \(n) opens it again"
            return DotOutcome(blocks: [.error(refusal)], ok: false)
        }
        editDraft = nil
        if text == history[n - 1].input.trimmingCharacters(in: .whitespacesAndNewlines) {
            return DotOutcome(blocks: [.notice("cell \(n) unchanged; nothing re-run")])
        }
        // Later cells that were cancelled stop after as much virtual time as they ran then.
        let later: [Replayed] = history[n...].map { (input: $0.input, stop: $0.stopPoint) }
        return rebuild(keeping: n - 1, then: [(input: text, stop: nil)] + later,
                       note: "cell \(n) edited; re-executed " + (later.isEmpty ? "it" : "cells \(n) to \(n + later.count)") + " on a fresh engine",
                       unchanged: "cell \(n) was not changed")
    }

    /// Why the text `.edit N` came back with cannot be cell N, or nil when it can: a cell is
    /// one or more statements, never a dot-command (which would run as a command and leave
    /// the cell out), only comments (which run nothing and record no cell), nor text that
    /// does not parse (which would replace the cell with an error and lose the rest).
    static func refusal(ofEdit text: String, cell n: Int) -> ErrorReport? {
        if text.hasPrefix(".") {
            let command = text.split(whereSeparator: \.isWhitespace).first.map(String.init) ?? text
            return ErrorReport(message: "a cell is a statement; dot-commands are not cells: \(command)",
                               hint: "cell \(n) is unchanged; type \(command) at the prompt to run it")
        }
        if parseScript(text, endsInput: true).isEmpty {
            return ErrorReport(message: "the edited cell \(n) holds no statement, only comments",
                               hint: "cell \(n) is unchanged; .rewind \(n - 1) goes back to before it")
        }
        // Text that does not parse is refused, as at the prompt (where a statement ends with
        // its ';'), before anything re-runs.
        for statement in parseScript(text) {
            if case .failure(let error) = statement.result {
                return ErrorReport(message: error.message, context: error.context(in: text),
                                   hint: "cell \(n) is unchanged" + (error.hint.map { "; \($0)" } ?? ""))
            }
        }
        return nil
    }
}
