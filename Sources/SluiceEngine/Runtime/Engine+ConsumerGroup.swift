/// A job's source actors are the members of one Kafka consumer group per source, and the
/// log is their broker:
/// - `max.poll.interval.ms`: a member that goes that long without calling `poll()` (busy on
///   what the last poll returned, or blocked by backpressure) leaves the group, and its
///   partitions are rebalanced to the other members; it rejoins at its next `poll()`, which
///   rebalances again, as does a rescale (new members). Time inside `poll()` (the source's
///   `poll_cost`) is polling. Pause state does not survive a rebalance (KafkaConsumer javadoc).
/// - `fetch.min.bytes` / `fetch.max.wait.ms`: the broker holds a fetch until enough bytes
///   are ready, or until the wait is over, then returns what there is.
///
/// A rebalance here is instantaneous, and the group commits its position at every poll: a
/// member that loses a partition gives back the rows it fetched from it and has not emitted
/// (the new owner fetches them again), so a rebalance neither loses nor repeats a row.
extension Engine {
    // MARK: Polling

    /// Called when a source actor is about to `poll()`: rejoins the group if it had left,
    /// then tells whether the broker answers the fetch now (false: it holds the fetch, and
    /// the actor waits inside `poll()`).
    func fetchReturns(_ actor: Actor, _ consumer: Consumer) -> Bool {
        if !actor.inGroup { rejoin(actor, consumer) }
        // A member with no partitions sends no fetch (it waits for a rebalance to give it some).
        guard !actor.partitions.isEmpty else { return false }
        let rowBytes = consumer.source.spec.schema.rowWidth
        let minBytes = settings.fetchMinBytes
        let wait = Int64(settings.fetchMaxWaitMs) * VirtualTime.millisecond
        // One row satisfies fetch.min.bytes (the default, 1): the fetch returns as soon as
        // there is data, and a poll with nothing to return simply waits for some.
        guard minBytes > rowBytes, wait > 0 else { return true }
        let needed = Int64((minBytes + rowBytes - 1) / rowBytes)
        var ready: Int64 = 0
        for p in actor.partitions where !consumer.paused[p] {
            ready += max(0, consumer.source.partitions[p].endOffset - consumer.offsets[p])
            if ready >= needed { return true }
        }
        if actor.fetchWaitSince < 0 {
            actor.fetchWaitSince = now
            trace(.kafka, "\(actor.name): the broker holds the fetch: \(ready * Int64(rowBytes)) bytes ready, "
                  + "fetch.min.bytes \(minBytes), fetch.max.wait.ms \(settings.fetchMaxWaitMs)")
        }
        // An empty fetch returns at the end of its wait and is sent again at once, so the
        // holds follow a grid of `wait` from the first; a hold ending now returns what is ready.
        let elapsed = now - actor.fetchWaitSince
        if ready > 0 && elapsed > 0 && elapsed % wait == 0 { return true }
        guard ready > 0 else { return false }
        let expiry = actor.fetchWaitSince + (elapsed / wait + 1) * wait
        if actor.fetchExpiryAt != expiry {
            actor.fetchExpiryAt = expiry
            events.scheduleTimer(.fetchExpiry, at: expiry, target: actor.id)
        }
        return false
    }

    /// A poll returned rows: the fetch is answered, and the member's `max.poll.interval.ms`
    /// runs from now.
    func polled(_ actor: Actor, _ consumer: Consumer, rows: Int) {
        consumer.fetches += 1
        consumer.fetchedRows += Int64(rows)
        if actor.fetchWaitSince >= 0 {
            let wait = max(1, Int64(settings.fetchMaxWaitMs) * VirtualTime.millisecond)
            let elapsed = now - actor.fetchWaitSince
            // The latency of the fetch that returned: from the start of its own hold.
            consumer.fetchWaitNs += elapsed == 0 ? 0 : elapsed - (elapsed - 1) / wait * wait
            if settings.fetchMaxWaitMs > 0 && elapsed > 0 && elapsed % wait == 0 {
                trace(.kafka, "\(actor.name): fetch.max.wait.ms is over: the broker returns \(rows) row\(rows == 1 ? "" : "s")")
            }
            actor.fetchWaitSince = -1
            actor.fetchExpiryAt = -1
        }
        actor.lastPollAt = now
        let deadline = now + Int64(settings.maxPollIntervalMs) * VirtualTime.millisecond
        // One deadline check per member at a time: a later poll only moves the deadline on,
        // and the check, when it comes, looks again (a shorter setting schedules an earlier one).
        if actor.pollDeadlineAt < 0 || actor.pollDeadlineAt > deadline {
            actor.pollDeadlineAt = deadline
            events.scheduleTimer(.pollDeadline, at: deadline, target: actor.id)
        }
    }

    // MARK: Timers

    /// Handles a consumer timer that needs no time to pass, before the clock moves to it: a
    /// fetch answered before its wait ran out, a member that was inside `poll()` at its
    /// deadline, or one that polled since (its check moves on to the new deadline). STEP,
    /// RUN and STEP BARRIER then neither count it nor move the clock to it.
    func absorbsTimer(_ event: Event) -> Bool {
        if event.kind == .checkpointTimeout { return absorbsCheckpointTimer(event) }
        if event.kind == .alignedCheckpointTimeout { return absorbsAlignedTimer(event) }
        return withActor(Int(event.target)) { actor in
            switch event.kind {
            case .fetchExpiry:
                guard actor.alive, actor.fetchExpiryAt == event.time else { return true }
                // The wait was changed since (SET fetch_max_wait_ms): the hold ends on the new
                // grid, and this check moves there.
                let wait = Int64(settings.fetchMaxWaitMs) * VirtualTime.millisecond
                let elapsed = event.time - actor.fetchWaitSince
                guard actor.fetchWaitSince >= 0, wait > 0, elapsed % wait != 0 else { return false }
                actor.fetchExpiryAt = actor.fetchWaitSince + (elapsed / wait + 1) * wait
                events.scheduleTimer(.fetchExpiry, at: actor.fetchExpiryAt, target: actor.id)
                return true
            case .pollDeadline:
                guard actor.alive, actor.pollDeadlineAt == event.time, actor.consumer != nil else { return true }
                // Waiting inside poll() is polling: its next poll that returns rows checks again.
                guard actor.inGroup, !isInsidePoll(actor) else {
                    actor.pollDeadlineAt = -1
                    return true
                }
                let deadline = actor.lastPollAt + Int64(settings.maxPollIntervalMs) * VirtualTime.millisecond
                guard deadline > event.time else { return false }
                actor.pollDeadlineAt = deadline
                events.scheduleTimer(.pollDeadline, at: deadline, target: actor.id)
                return true
            default:
                return false
            }
        }
    }

    /// A consumer timer with something to do (`absorbsTimer` took the others). Out of line:
    /// the event loop's hot path is an actor finishing its work.
    @inline(never)
    func consumerTimerFired(_ event: Event) -> String {
        withActor(Int(event.target)) { actor in
            event.kind == .pollDeadline ? pollDeadlinePassed(actor) : fetchExpired(actor)
        }
    }

    /// `SET max_poll_interval_ms`, `fetch_max_wait_ms` or `fetch_min_bytes` mid-run: every
    /// member's deadline check and held fetch follow the new values at once (a blocked member
    /// does not poll, so it would otherwise keep the old deadline).
    func consumerSettingsChanged() {
        let interval = Int64(settings.maxPollIntervalMs) * VirtualTime.millisecond
        let wait = Int64(settings.fetchMaxWaitMs) * VirtualTime.millisecond
        for actor in actors where actor.alive && actor.consumer != nil {
            if actor.inGroup && actor.pollDeadlineAt >= 0 {
                let deadline = max(now, actor.lastPollAt + interval)
                if deadline < actor.pollDeadlineAt {
                    actor.pollDeadlineAt = deadline
                    events.scheduleTimer(.pollDeadline, at: deadline, target: actor.id)
                }
            }
            if actor.fetchWaitSince >= 0 {
                // The hold ends on the new grid (or now, if that has passed, or without a wait).
                let elapsed = now - actor.fetchWaitSince
                let expiry = wait > 0 ? actor.fetchWaitSince + (elapsed / wait + (elapsed % wait == 0 && elapsed > 0 ? 0 : 1)) * wait : now
                if expiry != actor.fetchExpiryAt {
                    actor.fetchExpiryAt = expiry
                    events.scheduleTimer(.fetchExpiry, at: expiry, target: actor.id)
                }
                if actor.status == .idle { makeReady(actor) }
            }
        }
    }

    /// `fetch.max.wait.ms` ran out for a held fetch: the actor polls what is ready.
    private func fetchExpired(_ actor: Actor) -> String {
        actor.fetchExpiryAt = -1
        if actor.status == .idle { makeReady(actor) }
        return "\(actor.name): fetch.max.wait.ms is over"
    }

    /// A member went `max.poll.interval.ms` without calling `poll()`.
    private func pollDeadlinePassed(_ actor: Actor) -> String {
        actor.pollDeadlineAt = -1
        let consumer = actor.consumer!
        leave(actor, consumer)
        return "\(actor.name) left consumer group \(consumer.job) (max.poll.interval.ms)"
    }

    /// Nothing fetched left, not working, nothing waiting to go out: the member is in `poll()`.
    private func isInsidePoll(_ actor: Actor) -> Bool {
        actor.fetchedRemaining == 0 && actor.status != .busy && actor.outputHolds == 0
    }

    // MARK: Membership

    /// `ALTER SOURCE … SET (partitions = n)`: the topic gains partitions (Kafka can only add
    /// them), and every consumer group rebalances to take the new ones.
    func addPartitions(_ log: SourceLog, upTo count: Int) {
        let before = log.partitions.count
        log.partitions.append(contentsOf: repeatElement(PartitionLog(), count: count - before))
        log.spec.partitions = count
        for consumer in log.consumers {
            consumer.grow(to: count)
            trace(.kafka, "\(log.spec.name): partitions \(Self.list(Array(before..<count))) added; group \(consumer.job) rebalances to take them")
            rebalance(consumer)
        }
    }

    private func leave(_ actor: Actor, _ consumer: Consumer) {
        let since = now - actor.lastPollAt
        actor.inGroup = false
        let returned = giveBack(actor, consumer, partitions: Set(actor.partitions))
        let held = actor.partitions
        actor.partitions = []
        actor.nextPartition = 0
        trace(.kafka, "\(actor.name): no poll() for \(VirtualTime.format(since)), over max.poll.interval.ms "
              + "\(settings.maxPollIntervalMs): leaves group \(consumer.job)"
              + (held.isEmpty ? "" : ", partitions \(Self.list(held)) revoked")
              + (returned > 0 ? ", \(returned) fetched row\(returned == 1 ? "" : "s") not emitted go back to the log" : ""))
        rebalance(consumer)
    }

    private func rejoin(_ actor: Actor, _ consumer: Consumer) {
        actor.inGroup = true
        trace(.kafka, "\(actor.name): polls again and rejoins group \(consumer.job)")
        rebalance(consumer)
    }

    /// Assigns the source's partitions to the group's members (partition p to member
    /// p mod n, in actor order, as at the start). A member losing a partition gives back what
    /// it fetched from it; pauses are lifted; members with new partitions wake.
    func rebalance(_ consumer: Consumer) {
        consumer.rebalances += 1
        let members = actors.filter { $0.alive && $0.inGroup && $0.consumer === consumer }
        var assignment: [[Int]] = members.map { _ in [] }
        if !members.isEmpty {
            for p in 0..<consumer.offsets.count { assignment[p % members.count].append(p) }
        }
        let resumed = consumer.paused.indices.filter { consumer.paused[$0] }
        for p in resumed { consumer.paused[p] = false }
        for (m, member) in members.enumerated() where member.partitions != assignment[m] {
            let lost = Set(member.partitions).subtracting(assignment[m])
            if !lost.isEmpty { giveBack(member, consumer, partitions: lost) }
            member.partitions = assignment[m]
            member.nextPartition = 0
        }
        let owners = zip(members, assignment).map { "\($0.name) \(Self.list($1))" }
        trace(.kafka, "group \(consumer.job) rebalances: " + (owners.isEmpty ? "no members, every partition unassigned" : owners.joined(separator: ", "))
              + (resumed.isEmpty ? "" : "; partition\(resumed.count == 1 ? "" : "s") \(Self.list(resumed)) resumed (a pause does not survive a rebalance)"))
        for member in members where member.status == .idle { makeReady(member) }
    }

    /// Returns the rows `actor` fetched from `partitions` and has not emitted to the log (its
    /// position there moves back), and how many there were.
    @discardableResult
    private func giveBack(_ actor: Actor, _ consumer: Consumer, partitions: Set<Int>) -> Int {
        guard let fetched = actor.fetched, actor.fetchedFrom.contains(where: { partitions.contains($0.partition) }) else { return 0 }
        var kept = Chunk(width: fetched.width)
        var keptFrom: [(partition: Int, rows: Int)] = []
        var start = 0, returned = 0
        for (p, rows) in actor.fetchedFrom {
            if partitions.contains(p) {
                consumer.offsets[p] -= Int64(rows)
                consumer.consumed[p] -= Int64(rows)
                returned += rows
                // Retention may have deleted them since: the group resets (auto.offset.reset).
                consumer.resetPastLogStart(p)
            } else {
                kept.append(contentsOf: fetched.rows(start..<(start + rows)))
                keptFrom.append((p, rows))
            }
            start += rows
        }
        actor.fetched = kept.isEmpty ? nil : kept
        actor.fetchedFrom = keptFrom
        return returned
    }

    private static func list(_ partitions: [Int]) -> String {
        "[" + partitions.map(String.init).joined(separator: ", ") + "]"
    }
}
