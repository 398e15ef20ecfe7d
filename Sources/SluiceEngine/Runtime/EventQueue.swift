/// What a timed event does.
enum EventKind: UInt8 {
    /// An actor finished the chunk (or sink write) it was working on.
    case actorDone
    /// The generators append the rows due since the last tick.
    case generatorTick
    /// Periodic barrier injection (`barrier_interval_ms`).
    case barrierTick
    /// A source actor's `max.poll.interval.ms` check: has it called `poll()` since?
    case pollDeadline
    /// A fetch held for `fetch.min.bytes` reaches `fetch.max.wait.ms` and returns.
    case fetchExpiry
    /// The oldest checkpoint in flight reaches `checkpoint_timeout_ms` and expires.
    case checkpointTimeout
    /// The oldest aligned checkpoint reaches `aligned_checkpoint_timeout_ms` and turns unaligned.
    case alignedCheckpointTimeout

    /// A timer (a Kafka consumer's, the checkpoint timeout), which may turn out to have
    /// nothing to do.
    var isTimer: Bool { rawValue >= EventKind.pollDeadline.rawValue }
}

struct Event {
    let time: Int64
    let sequence: UInt64
    let kind: EventKind
    let target: Int32
    /// Stale events (an actor rescaled away, a rescheduled tick) are skipped by generation.
    let generation: UInt32

    @inline(__always)
    static func < (a: Event, b: Event) -> Bool {
        a.time != b.time ? a.time < b.time : a.sequence < b.sequence
    }
}

/// The pending events, popped in (time, sequence) order: ties break by the order in which
/// events were scheduled, never by address or hash. Keys are unique, so the pop order is
/// the same whatever the layout.
///
/// Few events (one per busy actor, plus the ticks) sit in an unordered list: a schedule
/// appends, and a pop scans (time, sequence) for the earliest, then moves the last event
/// into the gap. A heap branches on coin tosses (which of two drawn times is earlier) at
/// every level of both its sifts, and mispredicts half of them. Measured on chains of
/// stations: with 4 actors the list gives 8 % more rows per second than the heap; with 17
/// and 41 actors it beats the heap by 20–25 %; with about 100 events pending the heap wins
/// by 9 %. With 4 actors, filling the gap with the last event gives 3 % more than keeping
/// the list in scheduling order (closing the gap is a `memmove` of random length), and the
/// scan's branches beat an arithmetic pick of the earliest (the CPU predicts them well
/// enough; the arithmetic lengthens the chain). So past `heapAbove` events the list becomes
/// a binary min-heap (sifting a hole instead of swapping), and a list again at `listAtMost`.
/// Stored in a `RawBuffer` (events are plain values).
///
/// Timers (`isTimer`: a consumer's deadline minutes away, a fetch wait, a checkpoint's
/// timeout) sit in a list of their own, whose earliest time is kept at hand: the event loop
/// takes events due before it, and once none is, the timers due then join the events (keeping their sequence, so the
/// order is still (time, sequence) over all). Until then a timer costs the events' scan
/// nothing. (Measured: a check for due timers inside the pop, or returning a timer from a
/// merged pop, cost record-at-a-time 3 to 5 % of its speed.)
struct EventQueue: ~Copyable {
    private var events = RawBuffer<Event>(capacity: 64)
    private var timers = RawBuffer<Event>(capacity: 8)
    /// The earliest timer's time (`Int64.max` when there is none).
    private var timerTime = Int64.max
    private var sequence: UInt64 = 0
    /// Whether `events` is heap-ordered (always, above `heapAbove`), or a list in scheduling order.
    private var isHeap = false
    /// A list grows into a heap past `heapAbove` events and a heap shrinks back into a list
    /// at `listAtMost`: the gap keeps a queue whose size hovers near one bound from
    /// converting back and forth.
    static let heapAbove = 48
    static let listAtMost = 24

    var isEmpty: Bool { events.isEmpty && timers.isEmpty }
    var count: Int { events.count + timers.count }
    var nextTime: Int64? {
        let next = events.isEmpty ? Int64.max : events[earliest()].time
        return isEmpty ? nil : min(next, timerTime)
    }

    mutating func schedule(_ kind: EventKind, at time: Int64, target: Int, generation: UInt32 = 0) {
        assert(!kind.isTimer, "timers go through scheduleTimer")
        sequence &+= 1
        insert(Event(time: time, sequence: sequence, kind: kind, target: Int32(target), generation: generation))
    }

    @inline(__always)
    private mutating func insert(_ event: Event) {
        events.append(event)
        let n = events.count
        guard n > Self.heapAbove || isHeap else { return }  // a list needs no order
        if isHeap {
            siftUp(event, from: n &- 1)
        } else {
            heapify()
        }
    }

    /// Schedules a timer, in the same (time, sequence) order as every event.
    mutating func scheduleTimer(_ kind: EventKind, at time: Int64, target: Int) {
        assert(kind.isTimer)
        sequence &+= 1
        timers.append(Event(time: time, sequence: sequence, kind: kind, target: Int32(target), generation: 0))
        timerTime = min(timerTime, time)
    }

    /// Removes and returns the earliest event.
    mutating func pop() -> Event? {
        if !timers.isEmpty && timerTime <= (events.isEmpty ? Int64.max : events[earliest()].time) { admitTimers(dueBy: timerTime) }
        guard !events.isEmpty else { return nil }
        return remove(at: earliest())
    }

    /// Removes and returns the earliest event if it is due by `deadline` (one search for both).
    /// Timers are not looked at: the caller stops short of `nextTimer` and admits them
    /// (`admitTimers`) when nothing comes before.
    @inline(__always)
    mutating func pop(dueBy deadline: Int64) -> Event? {
        guard !events.isEmpty else { return nil }
        let i = earliest()
        return events[i].time <= deadline ? remove(at: i) : nil
    }

    /// The earliest timer's time, `Int64.max` when there is none.
    var nextTimer: Int64 { timerTime }

    /// Whether every pending event is of `kind` (none pending: true).
    func holdsOnly(_ kind: EventKind) -> Bool {
        for i in 0..<events.count where events[i].kind != kind { return false }
        for i in 0..<timers.count where timers[i].kind != kind { return false }
        return true
    }

    /// Moves the timers due by `deadline` among the events, where the one scan orders both by
    /// (time, sequence); the others stay apart. False when none was due.
    @discardableResult
    @inline(never)
    mutating func admitTimers(dueBy deadline: Int64) -> Bool {
        guard timerTime <= deadline else { return false }
        defer { assert(timerTime > deadline) }
        let t = timers.pointer
        var i = 0
        timerTime = Int64.max
        while i < timers.count {
            if t[i].time <= deadline {
                insert(t[i])
                t[i] = t[timers.count &- 1]
                timers.removeLast()
            } else {
                timerTime = min(timerTime, t[i].time)
                i += 1
            }
        }
        return true
    }

    /// Index of the earliest event: the heap's root, or a scan of the list.
    @inline(__always)
    private func earliest() -> Int {
        if isHeap { return 0 }
        // The list is in no particular order: (time, sequence) decides.
        let e = events.pointer
        var best = 0, bestTime = e[0].time, bestSequence = e[0].sequence
        for i in 1..<events.count {
            let time = e[i].time, sequence = e[i].sequence
            let earlier = time < bestTime || (time == bestTime && sequence < bestSequence)
            best = earlier ? i : best
            bestTime = earlier ? time : bestTime
            bestSequence = earlier ? sequence : bestSequence
        }
        return best
    }

    @inline(__always)
    private mutating func remove(at i: Int) -> Event {
        let e = events.pointer
        let top = e[i]
        if !isHeap {
            // The last event fills the gap.
            e[i] = e[events.count &- 1]
            events.removeLast()
            return top
        }
        let last = e[events.count &- 1]
        events.removeLast()
        let n = events.count
        if n > Self.listAtMost {
            siftDown(last, from: 0, count: n)
        } else {
            // Back to a list, which any order will do.
            if n > 0 { e[0] = last }
            isHeap = false
        }
        return top
    }

    private mutating func siftUp(_ event: Event, from start: Int) {
        let h = events.pointer
        var child = start
        while child > 0 {
            let parent = (child &- 1) >> 1
            guard event < h[parent] else { break }
            h[child] = h[parent]
            child = parent
        }
        h[child] = event
    }

    private mutating func siftDown(_ event: Event, from start: Int, count n: Int) {
        let h = events.pointer
        var hole = start
        while true {
            var child = 2 &* hole &+ 1
            if child >= n { break }
            if child &+ 1 < n && h[child &+ 1] < h[child] { child &+= 1 }
            guard h[child] < event else { break }
            h[hole] = h[child]
            hole = child
        }
        h[hole] = event
    }

    /// Floyd's bottom-up construction: the list grew past `heapAbove`.
    private mutating func heapify() {
        let n = events.count
        var i = n / 2
        while i > 0 {
            i -= 1
            siftDown(events[i], from: i, count: n)
        }
        isHeap = true
    }
}
