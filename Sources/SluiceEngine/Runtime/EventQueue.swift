/// What a timed event does.
enum EventKind: UInt8 {
    /// An actor finished the chunk (or sink write) it was working on.
    case actorDone
    /// The generators append the rows due since the last tick.
    case generatorTick
    /// Periodic barrier injection (`barrier_interval_ms`).
    case barrierTick
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

/// A binary min-heap of events ordered by (time, sequence): ties break by the order in which
/// events were scheduled, never by address or hash. Stored in a `RawBuffer` (events are
/// plain values), sifting a hole instead of swapping.
struct EventQueue: ~Copyable {
    private var heap = RawBuffer<Event>(capacity: 64)
    private var sequence: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }
    var nextTime: Int64? { heap.isEmpty ? nil : heap[0].time }

    mutating func schedule(_ kind: EventKind, at time: Int64, target: Int, generation: UInt32 = 0) {
        sequence &+= 1
        let event = Event(time: time, sequence: sequence, kind: kind, target: Int32(target), generation: generation)
        heap.append(event)
        let h = heap.pointer
        var child = heap.count - 1
        while child > 0 {
            let parent = (child &- 1) >> 1
            guard event < h[parent] else { break }
            h[child] = h[parent]
            child = parent
        }
        h[child] = event
    }

    mutating func pop() -> Event? {
        guard !heap.isEmpty else { return nil }
        let h = heap.pointer
        let top = h[0]
        let last = h[heap.count - 1]
        heap.removeLast()
        let n = heap.count
        guard n > 0 else { return top }
        var hole = 0
        while true {
            var child = 2 &* hole &+ 1
            if child >= n { break }
            if child &+ 1 < n && h[child &+ 1] < h[child] { child &+= 1 }
            guard h[child] < last else { break }
            h[hole] = h[child]
            hole = child
        }
        h[hole] = last
        return top
    }
}
