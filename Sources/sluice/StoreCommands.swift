import CEditLine
import Foundation

// The subcommands that need the session store. They are wired to SluiceShell's replay,
// export and store by the session's author; until then they say so and exit 2.

/// TODO(session): replay `session` from the store; with `verify`, return 1 and print a
/// diff when a cell's output differs from the recording; with `step`, wait for Enter.
func runReplay(session: String, databasePath: String?, verify: Bool, step: Bool) -> Int32 {
    notAvailable("replay")
}

/// TODO(session): write `session` as a notebook to `file` (.md or .html).
func runExport(session: String, to file: String, databasePath: String?) -> Int32 {
    notAvailable("export")
}

/// TODO(session): list the saved sessions (name, cells, last virtual time, saved at).
func runSessions(databasePath: String?) -> Int32 {
    notAvailable("sessions")
}

private func notAvailable(_ command: String) -> Int32 {
    fputs("sluice \(command): not available yet\n", sluice_stderr())
    return 2
}
