import Foundation
import Testing
@testable import SluiceShell
import SluiceStore

/// What the notebook tests share: a session recording into a store file, and that file
/// read back as another process would read it.

/// A session (plain 80-column tables) that records into the store at `path`.
func notebookSession(_ path: String) -> Session {
    let s = session()
    s.hooks.openStore = { try SessionStore(path: path) }
    return s
}

/// The cells of the session `name` in the store at `path`, read through a read-only connection.
func storedCells(_ path: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [CellRecord] {
    let store = try SessionStore(path: path, options: StoreOptions(readOnly: true))
    return try store.cells(sessionID: try #require(try store.session(named: name), sourceLocation: sourceLocation).id)
}

/// What `sluice replay NAME --verify` reports on the store at `path`.
func verifiedReplay(_ path: String, _ name: String) throws -> String {
    Renderer.render(try Replayer(store: SessionStore(path: path, options: StoreOptions(readOnly: true))).replay(name, verify: true).blocks)
}
