import SluiceEngine

/// DIAGNOSE under `tcp`: actors held back by a shared connection rather than by their own
/// receivers (the article's cross-contamination), and a ring of connections that wait on
/// each other.
extension Session {
    /// Under tcp, actors backpressured above OK while every receiver of theirs idles (busy
    /// under half the time, not backpressured itself): what holds them is a connection that
    /// a full receiver elsewhere stalled. Under the other schemes a channel blocks only on its
    /// own receiver, and an actor like that waits on an alignment instead.
    func connectionVictims(_ measured: [ActorSnapshot], _ byName: [String: ActorSnapshot]) -> [ActorSnapshot] {
        guard engine.settings.flowControl == .tcp else { return [] }
        return measured.filter { a in
            let receivers = a.downstream.compactMap { byName[$0] }
            return Self.level(a) != .ok && !receivers.isEmpty
                && receivers.allSatisfy { $0.busyTimeMsPerSecond < 500 && Self.level($0) == .ok }
        }
    }

    /// TCP connections that wait on each other in a ring, when there are: each stalled behind
    /// a receiver whose output waits on the next.
    func diagnoseStalledRing(_ actors: [ActorSnapshot]) -> [OutputBlock]? {
        guard let cycle = engine.stalledConnectionCycle() else { return nil }
        let ring = cycle.map { "node \($0)" }.joined(separator: " → ")
        // No actor working: nothing will free a buffer on either side.
        let stuck = !actors.contains { $0.status == "busy" }
        return [.notice("the TCP connections \(ring) are all stalled: each waits for a receiver whose output waits on the next "
                        + (stuck ? "(no actor is working: a deadlock that tcp flow control cannot leave)" : "(a cycle that may still clear)")),
                .text("What to try:\n  - credit-based flow control stalls one channel, never a connection: SET flow_control = credit\n"
                      + "  - more buffers per gate delay the cycle: SET floating_buffers_per_gate = 32\n"
                      + "  - SHOW QUEUES shows the STALLED connections and their channels")]
    }

    /// One line naming them beside the finding.
    func connectionVictimsNote(_ victims: [ActorSnapshot]) -> OutputBlock {
        let named = victims.prefix(3).map { v in
            let receivers = v.downstream.count == 1 ? "\(v.downstream[0]) idles" : "\(v.downstream.joined(separator: ", ")) idle"
            return "\(v.name) (\(Int(v.backPressuredTimeMsPerSecond.rounded())) ms/s backpressured, while \(receivers))"
        }
        let more = victims.count > 3 ? " and \(victims.count - 3) more" : ""
        return .notice("also held back by a shared TCP connection, not by \(victims.count == 1 ? "its" : "their") own receivers: "
                       + named.joined(separator: "; ") + more
                       + ". Under tcp a full receiver stalls every channel of its connection (SHOW QUEUES: STALLED); "
                       + "SET flow_control = credit stalls only the full channel")
    }
}
