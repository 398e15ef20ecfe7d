/// The engine's FIFO queues (a channel's messages, the actors ready to run): a ring buffer
/// that moves elements in and out instead of copying them (no reference-count traffic for a
/// chunk inside a message) and, being a reference type with one owner, never checks for a
/// shared copy on write (a `Deque` does, on every push and pop).
///
/// Reads go through `RandomAccessCollection` (index 0 is the front) or `front`; changes through
/// `append`, `removeFirst`, `popFirst`, `insert(_:at:)`, `remove(at:)`, `removeAll` and the
/// subscript's in-place modify.
final class RingQueue<Element>: RandomAccessCollection {
    private var storage: UnsafeMutablePointer<Element>
    private var capacity: Int
    private var head = 0
    private(set) var count = 0

    init(capacity: Int = 8) {
        var size = 4
        while size < capacity { size <<= 1 }
        self.capacity = size
        storage = .allocate(capacity: size)
    }

    deinit {
        removeAll()
        storage.deallocate()
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }
    var isEmpty: Bool { count == 0 }

    @inline(__always)
    private func slot(_ i: Int) -> UnsafeMutablePointer<Element> { storage + ((head &+ i) & (capacity &- 1)) }

    subscript(_ i: Int) -> Element {
        _read {
            precondition(i >= 0 && i < count, "queue index out of range")
            yield slot(i).pointee
        }
        _modify {
            precondition(i >= 0 && i < count, "queue index out of range")
            yield &slot(i).pointee
        }
    }

    /// The front element (index 0), reached without the ring arithmetic of `slot`: `head`
    /// always lies inside the storage.
    var front: Element {
        _read {
            precondition(count > 0, "front of an empty queue")
            yield storage[head]
        }
        _modify {
            precondition(count > 0, "front of an empty queue")
            yield &storage[head]
        }
    }

    @inline(__always)
    func append(_ element: consuming Element) {
        if count == capacity { grow() }
        slot(count).initialize(to: element)
        count &+= 1
    }

    @inline(__always)
    @discardableResult
    func removeFirst() -> Element {
        precondition(count > 0, "removeFirst on an empty queue")
        let element = (storage + head).move()
        head = (head &+ 1) & (capacity &- 1)
        count &-= 1
        return element
    }

    @inline(__always)
    func popFirst() -> Element? { count > 0 ? removeFirst() : nil }

    /// Puts `element` at position `i` (0 = the front), shifting the ones behind it back.
    func insert(_ element: consuming Element, at i: Int) {
        precondition(i >= 0 && i <= count, "insert position out of range")
        if count == capacity { grow() }
        var k = count
        while k > i {
            slot(k).initialize(to: slot(k - 1).move())
            k -= 1
        }
        slot(i).initialize(to: element)
        count &+= 1
    }

    @discardableResult
    func remove(at i: Int) -> Element {
        precondition(i >= 0 && i < count, "queue index out of range")
        let element = slot(i).move()
        for k in i..<(count - 1) { slot(k).initialize(to: slot(k + 1).move()) }
        count &-= 1
        return element
    }

    func removeAll() {
        for i in 0..<count { slot(i).deinitialize(count: 1) }
        head = 0
        count = 0
    }

    private func grow() {
        let size = capacity * 2
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: size)
        for i in 0..<count { (bigger + i).initialize(to: slot(i).move()) }
        storage.deallocate()
        storage = bigger
        capacity = size
        head = 0
    }
}
