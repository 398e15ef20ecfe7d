/// A set of an actor's input indices, one bit each: the inputs that may hold messages, or
/// those that brought the barrier being aligned. Finding the next member is a scan of words,
/// not a look at each channel: an actor with hundreds of inputs, most of them empty, takes
/// its next input in a few steps.
struct InputSet {
    private var words: [UInt64] = []

    init() {}

    /// Whether input `i` is a member (false for any index never inserted).
    @inline(__always)
    func contains(_ i: Int) -> Bool {
        let w = i &>> 6
        return i >= 0 && w < words.count && words[w] & (1 &<< UInt64(i & 63)) != 0
    }

    @inline(__always)
    mutating func insert(_ i: Int) {
        let w = i &>> 6
        if w >= words.count { words.append(contentsOf: repeatElement(0, count: w + 1 - words.count)) }
        words[w] |= 1 &<< UInt64(i & 63)
    }

    @inline(__always)
    mutating func remove(_ i: Int) {
        let w = i &>> 6
        guard w < words.count else { return }
        words[w] &= ~(1 &<< UInt64(i & 63))
    }

    /// Empties the set, keeping its storage.
    mutating func removeAll() {
        for w in words.indices { words[w] = 0 }
    }

    var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The smallest member in `lower..<upper` that is not in `excluded`, if any.
    func first(in lower: Int, _ upper: Int, excluding excluded: InputSet? = nil) -> Int? {
        guard lower < upper, lower >= 0 else { return nil }
        let last = min(words.count, (upper &+ 63) &>> 6)
        var w = lower &>> 6
        // The first word without the bits below `lower`.
        var word = w < last ? words[w] & (~0 &<< UInt64(lower & 63)) : 0
        while true {
            if let excluded, w < excluded.words.count { word &= ~excluded.words[w] }
            if word != 0 {
                let i = w &<< 6 | word.trailingZeroBitCount
                return i < upper ? i : nil
            }
            w += 1
            guard w < last else { return nil }
            word = words[w]
        }
    }
}
