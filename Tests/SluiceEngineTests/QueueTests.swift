import Testing
@testable import SluiceEngine

/// The engine's two hand-written queues: a channel's message ring buffer and the event heap.
/// Both are checked against plain Swift models under random operations.
@Suite struct QueueTests {
    /// A one-row data message whose row is `[tag]`, or a barrier of epoch `tag`.
    static func message(_ tag: Int64, barrier: Bool = false) -> Message {
        if barrier { return .barrier(BarrierMark(epoch: tag, injectedAt: 0)) }
        var chunk = Chunk(width: 1)
        chunk.append([tag])
        return .data(chunk, buffers: 1)
    }

    /// What a message stands for in the model: its row's word, or minus the barrier's epoch.
    static func tag(_ m: Message) -> Int64 { m.barrier.map { -$0.epoch } ?? m.chunk.value(0, 0) }

    @Test func messagesComeOutInOrderThroughWrapAroundAndGrowth() {
        let queue = MessageQueue(capacity: 4)
        var model: [Int64] = []
        var next: Int64 = 1
        // Interleave pushes and pops so the ring's head wraps before it grows.
        for round in 0..<50 {
            for _ in 0..<(1 + round % 5) {
                queue.append(Self.message(next))
                model.append(next)
                next += 1
            }
            for _ in 0..<(round % 4) where !model.isEmpty {
                #expect(Self.tag(queue.removeFirst()) == model.removeFirst())
            }
            #expect(queue.map(Self.tag) == model)
            #expect(queue.count == model.count)
        }
    }

    @Test func insertRemoveAndModifyInPlaceMatchAnArray() {
        var rng = SeededRandom(seed: 7)
        let queue = MessageQueue(capacity: 4)
        var model: [Int64] = []
        var next: Int64 = 1
        for step in 0..<2_000 {
            switch rng.below(6) {
            case 0, 1:
                queue.append(Self.message(next)); model.append(next)
            case 2:
                // A barrier jumping the queue, as unaligned checkpoints do.
                let at = rng.below(model.count + 1)
                queue.insert(Self.message(next, barrier: true), at: at); model.insert(-next, at: at)
            case 3 where !model.isEmpty:
                let at = rng.below(model.count)
                #expect(Self.tag(queue.remove(at: at)) == model.remove(at: at))
            case 4 where !model.isEmpty:
                #expect(Self.tag(queue.removeFirst()) == model.removeFirst())
            case 5 where !model.isEmpty && model[0] > 0:
                // Splitting the head in place keeps the rest of the queue where it is.
                queue[0].buffers = 7
                #expect(queue[0].buffers == 7)
            default:
                break
            }
            next += 1
            #expect(queue.map(Self.tag) == model, "step \(step)")
        }
        queue.removeAll()
        #expect(queue.isEmpty && queue.count == 0)
        queue.append(Self.message(1))
        #expect(queue.map(Self.tag) == [1])
    }

    @Test func aQueueReleasesTheChunksItHolds() {
        weak var storage: ChunkStorage?
        do {
            let queue = MessageQueue()
            var chunk = Chunk(width: 1)
            chunk.append([42])
            queue.append(.data(chunk, buffers: 1))
            storage = queue[0].chunk.backingStorage
            #expect(storage != nil)
        }
        #expect(storage == nil, "the queue's deinit must release the messages it still holds")
    }

    /// The event queue the slow way: every pending (time, scheduling order), and the
    /// earliest found by sorting it out each time.
    struct EventModel {
        var pending: [(time: Int64, order: Int)] = []
        var scheduled = 0

        var count: Int { pending.count }
        var nextTime: Int64? { pending.map(\.time).min() }

        /// Schedules an event (or a consumer timer, kept apart) at `time` on both the queue
        /// and the model.
        mutating func schedule(at time: Int64, on queue: inout EventQueue, timer: Bool = false) {
            if timer {
                queue.scheduleTimer(.pollDeadline, at: time, target: scheduled)
            } else {
                queue.schedule(.actorDone, at: time, target: scheduled)
            }
            pending.append((time, scheduled))
            scheduled += 1
        }

        /// The earliest pending event (ties: the earlier scheduled), taken off the model.
        mutating func removeEarliest() -> (time: Int64, order: Int) {
            let earliest = pending.enumerated().min { a, b in
                a.element.time != b.element.time ? a.element.time < b.element.time : a.element.order < b.element.order
            }!
            pending.remove(at: earliest.offset)
            return earliest.element
        }
    }

    /// The run loop's pop (`Engine.processNext`): events before the next timer, then the timers
    /// due join them.
    static func pop(_ queue: inout EventQueue, dueBy deadline: Int64) -> Event? {
        let timer = queue.nextTimer
        if let event = queue.pop(dueBy: min(deadline, timer &- 1)) { return event }
        guard timer <= deadline, queue.admitTimers(dueBy: timer) else { return nil }
        return pop(&queue, dueBy: deadline)
    }

    /// The queue is an unordered list that becomes a heap past `heapAbove` events and a list
    /// again at `listAtMost`, with consumer timers in a list of their own: growing and
    /// shrinking across both, in waves, and hovering between them, must never change the pop
    /// order.
    @Test func eventsKeepTheirOrderAcrossTheListHeapBoundary() {
        var rng = SeededRandom(seed: 12)
        var queue = EventQueue()
        var model = EventModel()
        for wave in 0..<150 {
            let peak = 1 + rng.below(3 * EventQueue.heapAbove)
            // Times overlap between waves and repeat within one, so ties are common.
            while model.count < peak { model.schedule(at: Int64(wave * 10 + rng.below(30)), on: &queue, timer: rng.below(5) == 0) }
            let floor = rng.below(EventQueue.heapAbove + 2)
            while model.count > floor {
                #expect(queue.nextTime == model.nextTime)
                let due = model.nextTime!
                let expected = model.removeEarliest()
                // Half the pops go through the deadline form the run loop uses.
                let event = rng.below(2) == 0 ? queue.pop()! : Self.pop(&queue, dueBy: due)!
                #expect(event.time == expected.time && Int(event.target) == expected.order)
                #expect(queue.count == model.count)
            }
            if let next = model.nextTime {
                #expect(Self.pop(&queue, dueBy: next - 1) == nil, "an event is not due before its time")
                #expect(queue.count == model.count)
            }
        }
    }

    @Test func eventsPopInTimeThenSchedulingOrder() {
        var rng = SeededRandom(seed: 11)
        var queue = EventQueue()
        var model = EventModel()
        for _ in 0..<3_000 {
            if rng.below(3) > 0 || model.count == 0 {
                // Few distinct times, so ties are common and must break by scheduling order.
                model.schedule(at: Int64(rng.below(40)), on: &queue, timer: rng.below(4) == 0)
            } else {
                let expected = model.removeEarliest()
                let event = queue.pop()!
                #expect(event.time == expected.time && Int(event.target) == expected.order)
            }
            #expect(queue.count == model.count)
            #expect(queue.nextTime == model.nextTime)
        }
        while let event = queue.pop() {
            #expect(Int(event.target) == model.removeEarliest().order)
        }
        #expect(model.count == 0 && queue.isEmpty)
    }
}
