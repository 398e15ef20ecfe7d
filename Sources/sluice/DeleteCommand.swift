import CEditLine
import Foundation
import SluiceShell
import SluiceStore

/// `sluice delete SESSION`: deletes a saved session with its cells and charts, in one
/// transaction. The name is looked up through a read-only connection first, so that an
/// unknown name leaves the file as it was; only then is the store opened for writing. A
/// missing or empty file is not created, and one that is not a Sluice store, is damaged or
/// cannot be written is left unchanged (the store checks it before SQLite touches it). A
/// session that a running shell records into is not deleted (SessionStore+Sessions.swift).
func runDelete(session name: String, databasePath: String?) -> Int32 {
    let location = databasePath ?? SessionStore.defaultPath
    if let absent = absence(databasePath) {
        fputs("sluice delete: no session \(StoreError.quoted(name)): the store \(location) \(absent.why)\n", sluice_stderr())
        return 1
    }
    func unknown(_ names: [String]) -> Int32 {
        fputs("sluice delete: no saved session named \(StoreError.quoted(name)) in \(location)\nHINT: \(Replayer.hint(forUnknown: name, among: names))\n", sluice_stderr())
        return 1
    }
    var names: [String] = []
    do {
        guard let reader = openStore(databasePath) else { return 2 }
        names = try reader.sessions().map(\.name)
        try reader.close()
        guard names.contains(name) else { return unknown(names) }
        guard let store = openStore(databasePath, readOnly: false) else { return 2 }
        let deleted = try store.deleteSession(named: name)
        let cells = deleted.cellCount == 1 ? "1 cell" : "\(deleted.cellCount) cells"
        fputs("deleted \(StoreError.quoted(deleted.name)) (\(cells)) from \(store.path)\n", sluice_stdout())
        return 0
    } catch .sessionNotFound {
        // Deleted by another process between the two opens.
        return unknown(names.filter { $0 != name })
    } catch {
        fputs("sluice delete: \(error.message)\nHINT: \(error.hint)\n", sluice_stderr())
        // A session another shell records into is refused, as an unknown name is: the store is fine.
        if case .deletingRecordedSession = error { return 1 }
        return 2
    }
}
