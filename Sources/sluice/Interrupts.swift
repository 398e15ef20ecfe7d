import CEditLine
import Foundation
import Synchronization

/// Ctrl-C, wired so that nothing unsafe happens inside the signal handler.
///
/// The SIGINT handler (installed with `sigaction`, no `SA_RESTART`) only stores `true` in
/// an atomic flag and writes one byte to a pipe. Then:
/// - at the prompt, the line editor's input function sees `poll`/`read` return EINTR (or
///   its 100 ms poll time out), finds the flag set and ends `readline`: the shell clears
///   the line and shows a fresh prompt;
/// - while a cell executes, a watcher thread (SIGINT blocked there) wakes on the pipe and
///   calls `backend.interrupt()`, which sets the engine's own atomic flag; the engine stops
///   at the next event and `execute` returns normally.
enum Interrupts {
    /// Set by the handler; taken (reset) by whoever acts on it.
    static let pending = Atomic<Bool>(false)
    /// How many Ctrl-Cs have arrived so far (batch mode stops after an interrupted cell).
    static let received = Atomic<Int>(0)
    /// The write end of the self-pipe, -1 until installed.
    private static let pipeWrite = Atomic<Int32>(-1)
    /// The backend executing right now, if any: the watcher interrupts it.
    private static let executing = Mutex<UncheckedBox<ShellBackend>?>(nil)

    /// Installs the handler and starts the watcher. Call once, before any input.
    static func install() {
        _ = pending.load(ordering: .relaxed)           // initialise the globals before a signal can
        _ = received.load(ordering: .relaxed)
        executing.withLock { _ in }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        pipeWrite.store(fds[1], ordering: .sequentiallyConsistent)
        let readEnd = fds[0]
        Thread.detachNewThread {
            _ = sluice_block_sigint_in_this_thread()
            var buffer = [UInt8](repeating: 0, count: 64)
            while true {
                let n = read(readEnd, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                executing.withLock { box in
                    guard let backend = box?.value else { return }
                    pending.store(false, ordering: .sequentiallyConsistent)
                    backend.interrupt()
                }
            }
        }
        _ = sluice_install_sigint(handleSIGINT)
    }

    /// Runs `body` (a cell's execution) with Ctrl-C routed to `backend.interrupt()`.
    static func whileExecuting<T>(_ backend: ShellBackend, _ body: () -> T) -> T {
        pending.store(false, ordering: .sequentiallyConsistent)
        executing.withLock { $0 = UncheckedBox(value: backend) }
        defer {
            executing.withLock { $0 = nil }
            pending.store(false, ordering: .sequentiallyConsistent)
        }
        return body()
    }

    /// Takes a pending Ctrl-C: true (once) if one arrived since the last call.
    static func take() -> Bool {
        pending.exchange(false, ordering: .sequentiallyConsistent)
    }

    /// The number of Ctrl-Cs received so far.
    static var count: Int { received.load(ordering: .sequentiallyConsistent) }

    /// Whether a Ctrl-C is waiting, without taking it.
    static var isPending: Bool { pending.load(ordering: .sequentiallyConsistent) }

    /// Reads one line from the terminal while a cell runs (`.replay --step`): nil at end of
    /// input or when Ctrl-C arrives. Not stdio's `readLine`: after a Ctrl-C (EINTR) or Ctrl-D
    /// stdin keeps its error or end-of-file flag, and a loop around it spins forever.
    /// The answer is echoed, though a running cell's keys otherwise are not (`Terminal.withoutEcho`).
    static func readAnswer() -> String? {
        Terminal.withEcho(true) {
            let before = count
            var bytes: [UInt8] = []
            while let byte = readByte(until: { count != before }) {
                if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
                bytes.append(byte)
            }
            return nil
        }
    }

    /// One byte of standard input, waiting in slices of 100 ms so that `stop` (a Ctrl-C) is
    /// seen; nil at end of input, on an error, or once `stop` holds.
    static func readByte(until stop: () -> Bool) -> UInt8? {
        while true {
            if stop() { return nil }
            var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 100)
            if ready < 0 && errno != EINTR { return nil }
            if ready <= 0 { continue }
            var byte: UInt8 = 0
            let n = read(STDIN_FILENO, &byte, 1)
            if n == 1 { return byte }
            if n == 0 { return nil }
            if errno != EINTR && errno != EAGAIN { return nil }
        }
    }

    /// Async-signal-safe: an atomic store and a `write(2)`.
    private static let handleSIGINT: @convention(c) (Int32) -> Void = { _ in
        Interrupts.pending.store(true, ordering: .sequentiallyConsistent)
        Interrupts.received.add(1, ordering: .sequentiallyConsistent)
        var byte: UInt8 = 1
        _ = write(Interrupts.pipeWrite.load(ordering: .sequentiallyConsistent), &byte, 1)
    }
}

/// Moves a non-Sendable reference across the lock; the protocol documents which of its
/// methods may be called from another thread.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
}
