/// A growable array of plain values that owns its memory directly: no copy-on-write, no
/// reference counting, no uniqueness check on a write. Noncopyable, so it has exactly one
/// owner (an operator's per-group state, a scratch list), and frees its memory with it.
struct RawBuffer<Element: BitwiseCopyable>: ~Copyable {
    private var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int
    /// The alignment of the memory in bytes (a whole cache line, say, for records that must
    /// not straddle two).
    private let alignment: Int

    init(capacity: Int = 16, alignment: Int = MemoryLayout<Element>.alignment) {
        self.capacity = Swift.max(1, capacity)
        self.alignment = Swift.max(alignment, MemoryLayout<Element>.alignment)
        base = Self.allocate(self.capacity, alignment: self.alignment)
    }

    deinit { base.deallocate() }

    var isEmpty: Bool { count == 0 }

    @inline(__always)
    subscript(_ i: Int) -> Element {
        get { base[i] }
        set { base[i] = newValue }
    }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow(to: count + 1) }
        base[count] = element
        count &+= 1
    }

    mutating func append(repeating element: Element, count n: Int) {
        guard n > 0 else { return }
        if count + n > capacity { grow(to: count + n) }
        (base + count).initialize(repeating: element, count: n)
        count &+= n
    }

    mutating func append(contentsOf elements: some Collection<Element>) {
        if count + elements.count > capacity { grow(to: count + elements.count) }
        for e in elements {
            base[count] = e
            count &+= 1
        }
    }

    /// Forgets the last element.
    mutating func removeLast() {
        precondition(count > 0, "removeLast on an empty buffer")
        count &-= 1
    }

    /// Forgets every element, keeping the memory.
    mutating func removeAll() { count = 0 }

    /// Forgets every element and makes room for `n` whose values are unspecified (whatever
    /// the memory held), for a caller that writes each before reading it; returns the first
    /// one's address. Skips the fill of `append(repeating:count:)` for scratch lists that a
    /// loop overwrites in full.
    mutating func reset(count n: Int) -> UnsafeMutablePointer<Element> {
        precondition(n >= 0, "a negative count")
        count = 0
        if n > capacity { grow(to: n) }
        count = n
        return base
    }

    /// The elements `range`, copied out.
    func array(_ range: Range<Int>) -> [Element] { Array(UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)) }

    /// The first element's address, for loops that neither append nor outlive the buffer.
    var pointer: UnsafeMutablePointer<Element> { base }

    private mutating func grow(to needed: Int) {
        let newCapacity = Swift.max(needed, capacity * 2)
        let newBase = Self.allocate(newCapacity, alignment: alignment)
        newBase.moveInitialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    private static func allocate(_ capacity: Int, alignment: Int) -> UnsafeMutablePointer<Element> {
        UnsafeMutableRawPointer.allocate(byteCount: capacity * MemoryLayout<Element>.stride, alignment: alignment)
            .bindMemory(to: Element.self, capacity: capacity)
    }
}
