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
/// events were scheduled, never by address or hash.
struct EventQueue {
    private var heap: ContiguousArray<Event> = []
    private var sequence: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }
    var nextTime: Int64? { heap.first?.time }

    mutating func schedule(_ kind: EventKind, at time: Int64, target: Int, generation: UInt32 = 0) {
        sequence &+= 1
        heap.append(Event(time: time, sequence: sequence, kind: kind, target: Int32(target), generation: generation))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) >> 1
            if heap[child] < heap[parent] {
                heap.swapAt(child, parent)
                child = parent
            } else { break }
        }
    }

    mutating func pop() -> Event? {
        guard !heap.isEmpty else { return nil }
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            let n = heap.count
            while true {
                let left = 2 * parent + 1
                if left >= n { break }
                var smallest = left
                let right = left + 1
                if right < n && heap[right] < heap[left] { smallest = right }
                if heap[smallest] < heap[parent] {
                    heap.swapAt(smallest, parent)
                    parent = smallest
                } else { break }
            }
        }
        return top
    }
}
