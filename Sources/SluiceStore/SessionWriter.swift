// A shell that records into a session, described well enough that another process can
// tell whether it is still running: its machine (and that machine's boot), its process id
// and when that process started (so that a reused pid is not mistaken for it).
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One recording shell: what a claim on a session (the `writer` table) records about it.
public struct SessionWriter: Sendable, Equatable, CustomStringConvertible {
    /// Random, one per notebook: two notebooks in one process are two writers.
    public var token: String
    /// The machine's host name.
    public var host: String
    /// The kernel's boot id (Linux), so that a claim made before the machine restarted is
    /// known to be stale; empty where there is none.
    public var bootID: String
    /// The process id.
    public var pid: Int32
    /// When the process started, in clock ticks after boot (Linux's `/proc/PID/stat`),
    /// so that another process given the same pid is not taken for it; empty where unknown.
    public var processStart: String

    /// A writer from all its fields (tests make writers that are gone).
    public init(token: String, host: String, bootID: String, pid: Int32, processStart: String) {
        self.token = token
        self.host = host
        self.bootID = bootID
        self.pid = pid
        self.processStart = processStart
    }

    /// This process, with a new token.
    public static func thisProcess() -> SessionWriter {
        let pid = getpid()
        return SessionWriter(token: UUID().uuidString, host: hostName, bootID: bootID,
                             pid: pid, processStart: processStart(of: pid) ?? "")
    }

    /// `pid 4242 on lab-3`, for messages.
    public var description: String { "pid \(pid) on \(host)" }

    // MARK: Liveness

    /// Whether this writer is known to be gone, as seen from this machine: it ran here, and
    /// the machine has restarted since, or its process no longer exists, or the pid now
    /// belongs to a process that started at another time. A writer on another machine cannot
    /// be checked from here; it is gone once `seenAgo` (seconds since it last claimed or
    /// wrote) passes `remoteLifetime`.
    func isGone(seenAgo: Double) -> Bool {
        guard host == Self.hostName else { return seenAgo > Self.remoteLifetime }
        if !bootID.isEmpty && !Self.bootID.isEmpty && bootID != Self.bootID { return true }
        // (kill(0, 0) would ask about this process group: no shell has pid 0 or below.)
        if pid <= 0 || (kill(pid, 0) != 0 && errno == ESRCH) { return true }
        guard !processStart.isEmpty, let now = Self.processStart(of: pid) else { return false }
        return now != processStart
    }

    /// How long a claim from another machine holds without a write: an hour.
    public static let remoteLifetime: Double = 3600

    // MARK: This machine

    static let hostName: String = {
        var buffer = [UInt8](repeating: 0, count: 256)
        guard buffer.withUnsafeMutableBytes({ gethostname($0.baseAddress!.assumingMemoryBound(to: CChar.self), 255) }) == 0
        else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }()

    static let bootID: String = {
        let text = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)) ?? ""
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }()

    /// Field 22 of `/proc/PID/stat` (the start time), read after the command name, which
    /// is in parentheses and may itself hold spaces or parentheses; nil without `/proc`.
    static func processStart(of pid: Int32) -> String? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (the state), so field 22 is fields[19].
        return fields.count > 19 ? String(fields[19]) : nil
    }
}
