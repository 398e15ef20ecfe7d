import Foundation
import SluiceSQL
import SluiceStore

/// `.delete NAME`: removes a saved session from the store, as `sluice delete NAME` does from
/// the command line.
extension Session {
    /// Deletes the saved session `name` with its cells and charts. Refused, changing nothing,
    /// for an unknown name (with the nearest one), for the session this shell records its cells
    /// in, and for a store opened read-only; a store that does not exist is not created.
    func delete(_ name: String) throws -> DotOutcome {
        func fail(_ message: String, hint: String?) -> DotOutcome {
            DotOutcome(blocks: [.error(ErrorReport(message: message, hint: hint))], ok: false)
        }
        if notebook == nil, let path = hooks.storePath, !FileManager.default.fileExists(atPath: path) {
            return fail("no saved session named \(StoreError.quoted(name)): the store \(path) does not exist", hint: nil)
        }
        guard let notebook = try requireNotebook() else { return fail("no session store is open", hint: storeHint) }
        guard let info = try notebook.store.session(named: name) else {
            let names = try notebook.store.sessions().map(\.name)
            return fail("no saved session named \(StoreError.quoted(name))",
                        hint: Suggest.nearest(name, among: names).map { "did you mean \($0)?" } ?? ".sessions lists them")
        }
        // Read-only first: a shell that cannot write records nothing, in this session or any.
        guard notebook.isWritable else {
            return readOnlyFailure(notebook, fallback: ErrorReport(
                message: "cannot delete \(StoreError.quoted(name)): the session store \(notebook.store.path) was opened read-only",
                hint: "start sluice again to delete from it"))
        }
        let typed = StoreError.quoted(name)
        if notebook.current?.id == info.id {
            return fail("cannot delete \(typed): this shell is recording its cells in it",
                        hint: ".rewind 0 starts afresh without it, then .delete \(typed) deletes it; or quit and run sluice delete \(typed)")
        }
        let deleted = try notebook.store.deleteSession(named: name, by: notebook.writer)
        return DotOutcome(blocks: [.notice("deleted \(StoreError.quoted(deleted.name)) (\(Session.cells(deleted.cellCount))) from \(notebook.store.path)")])
    }

    /// Why a store opened read-only cannot take a write (`.save`, `.delete`): what opening it
    /// for writing says now (a file or directory that is not writable), else `fallback`.
    func readOnlyFailure(_ notebook: Notebook, fallback: ErrorReport) -> DotOutcome {
        do {
            _ = try SessionStore(path: notebook.store.path)
        } catch {
            return DotOutcome(blocks: [.error(ErrorReport(message: error.message, hint: error.hint))], ok: false)
        }
        return DotOutcome(blocks: [.error(fallback)], ok: false)
    }
}
