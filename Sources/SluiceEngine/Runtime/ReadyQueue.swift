/// The actors ready to run at the current instant, in the order they became ready: a ring
/// buffer of actor ids. (A `Deque` checks for a shared copy on every push and pop; this
/// queue has one owner, the engine, and never is shared.)
struct ReadyQueue: ~Copyable {
    private var storage: UnsafeMutablePointer<Int>
    private var capacity: Int
    private var head = 0
    private(set) var count = 0

    init(capacity: Int = 16) {
        var size = 4
        while size < capacity { size <<= 1 }
        self.capacity = size
        storage = .allocate(capacity: size)
    }

    deinit { storage.deallocate() }

    var isEmpty: Bool { count == 0 }

    @inline(__always)
    mutating func append(_ id: Int) {
        if count == capacity { grow() }
        storage[(head &+ count) & (capacity &- 1)] = id
        count &+= 1
    }

    @inline(__always)
    mutating func popFirst() -> Int? {
        guard count > 0 else { return nil }
        let id = storage[head]
        head = (head &+ 1) & (capacity &- 1)
        count &-= 1
        return id
    }

    private mutating func grow() {
        let size = capacity * 2
        let bigger = UnsafeMutablePointer<Int>.allocate(capacity: size)
        for i in 0..<count { bigger[i] = storage[(head &+ i) & (capacity &- 1)] }
        storage.deallocate()
        storage = bigger
        capacity = size
        head = 0
    }
}
