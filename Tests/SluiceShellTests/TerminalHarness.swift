import Foundation
import Testing

/// Drives the built `sluice` binary in a real pseudo-terminal through tmux, like a user.
/// Each harness has its own tmux server (`-L`), its own temporary HOME and history file.
final class TerminalHarness {
    /// `<package>/.build/debug/sluice`, found from this file's path.
    static let binary: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }          // Tests/SluiceShellTests/<file>
        return url.appendingPathComponent(".build/debug/sluice").path
    }()

    static let tmux: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux", "/opt/homebrew/bin/tmux"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Why the terminal tests cannot run here, or nil when they can.
    static var unavailableReason: String? {
        if tmux == nil { return "tmux is not installed (make test installs it)" }
        if !FileManager.default.isExecutableFile(atPath: binary) { return "\(binary) is not built (swift build --product sluice)" }
        return nil
    }

    let directory: URL
    var historyPath: String { directory.appendingPathComponent("history").path }
    private let socket: String

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sluice-terminal-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        socket = "sluice-test-\(getpid())-\(UUID().uuidString.prefix(8))"
    }

    deinit {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(at: directory)
        let sockets = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        try? FileManager.default.removeItem(atPath: "\(sockets)/tmux-\(getuid())/\(socket)")
    }

    /// Starts `sluice` in a terminal of `width`×`height` (100×30 unless told) with a private
    /// history file and session store; when it exits the pane shows `exited=<status>`.
    func start(width: Int = 100, height: Int = 30) throws {
        try tmux(["-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "\(width)", "-y", "\(height)", command])
    }

    /// `sluice` in a clean environment, then its exit status, kept on screen.
    private var command: String {
        "env -i HOME='\(directory.path)' PATH=/usr/bin:/bin TERM=xterm NO_COLOR=1 "
            + "SLUICE_HISTORY='\(historyPath)' SLUICE_DB='\(directory.path)/sessions.sqlite' "
            + "'\(TerminalHarness.binary)'; echo exited=$?; sleep 60"
    }

    /// Resizes the terminal, as a user dragging the window's edge: the program gets SIGWINCH.
    func resize(width: Int) throws {
        try tmux(["resize-window", "-t", "t", "-x", "\(width)"])
    }

    /// Ends whatever runs in the terminal and starts `sluice` again in it (cleared), same
    /// HOME and history file. The session stays: killing the only one ended the tmux server,
    /// and a new session could race the server's exit (a restart that never came, under load).
    func restart() throws {
        try tmux(["respawn-pane", "-k", "-t", "t", command])
    }

    /// Stops `sluice` and continues it as a job-control shell does for Ctrl-Z and `fg`: the
    /// shell, getting the terminal back in between, puts it in its own cooked mode (echo,
    /// line editing), which it does not undo on `fg`.
    func stopAndContinue() throws {
        let pane = try tmux(["display-message", "-p", "-t", "t", "#{pane_pid} #{pane_tty}"], capture: true)
            .split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard pane.count == 2 else { throw POSIXError(.ESRCH) }
        // The pane runs `sh -c "env … sluice; echo …"`: sluice is the shell's child.
        let child = try TerminalHarness.spawn("/usr/bin/pgrep", ["-P", pane[0]]).output
        guard let pid = Int32(child.split(separator: "\n").first ?? "") else { throw POSIXError(.ESRCH) }
        kill(pid, SIGSTOP)
        _ = try TerminalHarness.spawn("/bin/stty", ["-F", pane[1], "sane"])
        kill(pid, SIGCONT)
    }

    /// Types text literally (a `;` is sent as a key of its own: tmux would read it as a separator).
    func type(_ text: String) throws {
        for (i, part) in text.split(separator: ";", omittingEmptySubsequences: false).enumerated() {
            if i > 0 { try tmux(["send-keys", "-t", "t", "-H", "3b"]) }
            if !part.isEmpty { try tmux(["send-keys", "-t", "t", "-l", String(part)]) }
        }
    }

    /// Pastes text as a terminal does: all of it at once.
    func paste(_ text: String) throws {
        try tmux(["set-buffer", "-b", "paste", text])
        try tmux(["paste-buffer", "-b", "paste", "-t", "t"])
    }

    /// Presses keys by tmux name: `Enter`, `Tab`, `Up`, `C-c`, `C-d`.
    func press(_ keys: String...) throws {
        try tmux(["send-keys", "-t", "t"] + keys)
    }

    /// The visible screen, trailing blank lines removed.
    func screen() throws -> String {
        var text = try tmux(["capture-pane", "-p", "-t", "t"], capture: true)
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// Waits up to `timeout` seconds for the screen to satisfy `condition`; returns the
    /// last screen, and records an issue (with the screen) if it never did.
    @discardableResult
    func waitFor(_ what: String, timeout: Double = 20, sourceLocation: SourceLocation = #_sourceLocation,
                 _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        repeat {
            last = try screen()
            if condition(last) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        Issue.record("timed out waiting for \(what); screen:\n\(last)", sourceLocation: sourceLocation)
        return last
    }

    /// Waits for `text` to appear on screen (tmux drops trailing spaces: leave them out).
    @discardableResult
    func waitFor(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try waitFor("\"\(text)\"", sourceLocation: sourceLocation) { $0.contains(text) }
    }

    /// The screen's last line.
    func lastLine() throws -> String {
        String(try screen().split(separator: "\n", omittingEmptySubsequences: false).last ?? "")
    }

    /// Runs a tmux command and returns what it printed when `capture` is set.
    @discardableResult
    private func tmux(_ arguments: [String], capture: Bool = false) throws -> String {
        try TerminalHarness.spawn(TerminalHarness.tmux!, ["-L", socket] + arguments, capture: capture).output
    }

    /// Runs a program to completion: stdin from `input` (or /dev/null), stdout captured
    /// when `capture` (with stderr when `mergingStderr`, else stderr discarded). Spawned with posix_spawn and reaped with waitpid
    /// (a tmux server forked by the first command must not inherit a pipe we wait on),
    /// with no signal blocked or ignored, whatever this test process does.
    static func spawn(_ path: String, _ arguments: [String], environment: [String]? = nil, input: String? = nil,
                      capture: Bool = true, mergingStderr: Bool = false) throws -> (status: Int32, output: String) {
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { $0.map { strdup($0) } + [nil] }
        defer { for p in argv + (envp ?? []) { free(p) } }
        var out: [Int32] = [-1, -1], inp: [Int32] = [-1, -1]
        guard pipe(&out) == 0, pipe(&inp) == 0 else { throw POSIXError(.EIO) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if input != nil {
            posix_spawn_file_actions_adddup2(&actions, inp[0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        if capture {
            posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        if capture && mergingStderr {
            posix_spawn_file_actions_adddup2(&actions, out[1], 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        for fd in out + inp { posix_spawn_file_actions_addclose(&actions, fd) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), defaults = sigset_t()
        sigemptyset(&empty)
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned: Int32
        if var envp {
            spawned = posix_spawn(&pid, path, &actions, &attributes, argv, &envp)
        } else {
            spawned = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        }
        close(out[1])
        close(inp[0])
        defer { close(out[0]) }
        guard spawned == 0 else { close(inp[1]); throw POSIXError(.ENOEXEC) }
        if let input {
            let bytes = Array(input.utf8)
            _ = bytes.withUnsafeBytes { write(inp[1], $0.baseAddress, $0.count) }
        }
        close(inp[1])
        var output = [UInt8]()
        if capture {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(out[0], &buffer, buffer.count)
                if n > 0 { output += buffer[..<n] } else if n < 0 && errno == EINTR { continue } else { break }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (exitStatus, String(decoding: output, as: UTF8.self))
    }
}
