import Testing
import SluiceShell

/// psql's words at the interactive prompt, as dot-commands (the line editor asks before a
/// line starts a statement; TerminalTests checks it in a real terminal).
@Suite struct InteractiveShortcutTests {
    @Test func psqlWordsMapToDotCommands() {
        #expect(InteractiveShortcut.dotCommand(for: "help") == ".help")
        #expect(InteractiveShortcut.dotCommand(for: "  HELP ") == ".help")
        #expect(InteractiveShortcut.dotCommand(for: "help;") == ".help")
        #expect(InteractiveShortcut.dotCommand(for: "\\?") == ".help")
        #expect(InteractiveShortcut.dotCommand(for: "\\h") == ".help")
        #expect(InteractiveShortcut.dotCommand(for: "\\h credit") == ".help credit")
        #expect(InteractiveShortcut.dotCommand(for: "\\h CREATE  TABLE") == ".help CREATE TABLE", "psql's \\h takes a statement's words")
        #expect(InteractiveShortcut.dotCommand(for: "quit") == ".quit")
        #expect(InteractiveShortcut.dotCommand(for: "exit") == ".quit")
        #expect(InteractiveShortcut.dotCommand(for: "\texit ; ") == ".quit")
        #expect(InteractiveShortcut.dotCommand(for: "\\q") == ".quit")
    }

    @Test func anythingElseIsAStatement() {
        for line in ["help me", "quit now", "SHOW seed", "", "helpx", "\\x", "-- quit", "help flow_control"] {
            #expect(InteractiveShortcut.dotCommand(for: line) == nil, "\(line)")
        }
    }
}
