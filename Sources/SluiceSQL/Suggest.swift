/// "Did you mean …?" suggestions for misspelt keywords, object, column and variable names.
public enum Suggest {
    /// The candidate nearest to `word`, or nil when none is close enough.
    ///
    /// Distance is Damerau–Levenshtein (optimal string alignment: insertions, deletions,
    /// substitutions and swaps of two adjacent characters), compared case-insensitively.
    /// A candidate qualifies when its distance is at most `max(2, word.count / 3)` and
    /// smaller than the word's own length (so `x` never "suggests" `id`). Ties go to the
    /// alphabetically first candidate, so the answer never depends on the input order.
    /// The candidate is returned as spelled in `among`.
    public static func nearest(_ word: String, among candidates: [String]) -> String? {
        let target = Array(word.lowercased().unicodeScalars)
        guard !target.isEmpty else { return nil }
        let threshold = max(2, target.count / 3)
        var best: (distance: Int, name: String)?
        for candidate in candidates {
            let other = Array(candidate.lowercased().unicodeScalars)
            // The lengths alone already put it out of reach: no need for the full distance.
            if abs(other.count - target.count) > threshold { continue }
            let d = distance(target, other)
            guard d <= threshold, d < target.count else { continue }
            if let current = best, (current.distance, current.name) <= (d, candidate) { continue }
            best = (d, candidate)
        }
        return best?.name
    }

    /// `did you mean NAME?` for the object or column name nearest `word`, the name written as
    /// SQL (double-quoted when a bare word cannot hold it), or nil when none is near.
    public static func didYouMean(_ word: String, among names: [String]) -> String? {
        nearest(word, among: names).map { "did you mean \(Identifier($0).sql)?" }
    }

    /// The Damerau–Levenshtein (optimal string alignment) distance, case-insensitive.
    public static func distance(_ a: String, _ b: String) -> Int {
        distance(Array(a.lowercased().unicodeScalars), Array(b.lowercased().unicodeScalars))
    }

    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        // Three rolling rows: two back (for transpositions), previous, current.
        var twoBack = [Int](repeating: 0, count: width)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: width)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, twoBack[j - 2] + 1)
                }
                current[j] = value
            }
            (twoBack, previous, current) = (previous, current, twoBack)
        }
        return previous[b.count]
    }
}
