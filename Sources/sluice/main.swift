// sluice — the executable: arguments (Commands.swift), the line editor (LineEditor,
// CompletionBridge, HistoryFile), the REPL and batch runner, and signals (Interrupts).
// Everything else is the `ShellBackend` (ShellBackend.swift): the session in SluiceShell.
Sluice.main()
