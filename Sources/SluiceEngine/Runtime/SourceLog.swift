import DequeModule
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One partition of a source's log: Kafka's log start offset, log end offset and segments.
struct PartitionLog {
    var startOffset: Int64 = 0
    var endOffset: Int64 = 0
    /// Closed and active segments: base offset and the time of the newest append.
    var segments = Deque<(base: Int64, created: Int64, lastAppend: Int64)>()
}

/// A source: an external partitioned log (Kafka-like) plus the generator that appends to it.
/// Rows are not stored: a row's values are a pure function of (seed, partition, offset), so
/// every consumer of the log reads the same rows and memory does not grow with the backlog.
final class SourceLog {
    let id: Int
    var spec: SourceSpec
    var partitions: [PartitionLog]
    let seed: UInt64
    private(set) var keySampler: KeySampler
    /// Interned ids of the strings a VARCHAR column draws from, per column.
    var stringChoices: [[Int64]] = []
    /// The interned `column-k` of each key k of a VARCHAR key column; empty for other types.
    private(set) var keyStrings: [Int64] = []
    var rng: SeededRandom
    /// Fractional rows carried between generator ticks (constant and shaped patterns).
    var carry = 0.0
    /// When the load pattern's clock started: the source's creation, or its last new pattern.
    var patternStart: Int64 = 0
    var nextPartition = 0
    var generated: Int64 = 0
    var deletedByRetention: Int64 = 0
    var consumers: [Consumer] = []
    /// Scratch for `readRows`: each row's running hash.
    private var rowHashes = RawBuffer<UInt64>(capacity: 512)

    init(id: Int, spec: SourceSpec, seed: UInt64, strings: inout StringPool) {
        self.id = id
        self.spec = spec
        self.seed = seed
        self.partitions = Array(repeating: PartitionLog(), count: max(1, spec.partitions))
        self.keySampler = KeySampler(keys: spec.keys, distribution: spec.keyDistribution)
        self.rng = SeededRandom(seed: seed, stream: 0x50_0000 + UInt64(id))
        for column in spec.schema.columns {
            if column.type == .varchar {
                let cardinality = spec.isTable ? 8 : 100
                stringChoices.append((0..<cardinality).map { strings.intern("\(column.name)-\($0)") })
            } else {
                stringChoices.append([])
            }
        }
        internKeyStrings(&strings)
    }

    func updateSampler() { keySampler = KeySampler(keys: spec.keys, distribution: spec.keyDistribution) }

    /// Interns the values of a VARCHAR key column not interned yet, up to `spec.keyValues`
    /// (the same `column-k` names its other string columns draw from).
    func internKeyStrings(_ strings: inout StringPool) {
        let key = spec.schema.columns[spec.keyColumn]
        guard key.type == .varchar else { return }
        for k in keyStrings.count..<max(keyStrings.count, spec.keyValues) {
            keyStrings.append(strings.intern("\(key.name)-\(k)"))
        }
    }

    var endOffsets: [Int64] { partitions.map(\.endOffset) }

    // MARK: Appending

    /// Appends `count` rows spread over the partitions (round-robin), or all into `partition`.
    func append(_ count: Int64, now: Int64, partition: Int? = nil) {
        guard count > 0 else { return }
        if let p = partition {
            appendTo(p, count, now: now)
        } else {
            let n = Int64(partitions.count)
            let each = count / n
            var rest = count % n
            for k in 0..<partitions.count {
                let p = (nextPartition + k) % partitions.count
                var c = each
                if rest > 0 { c += 1; rest -= 1 }
                appendTo(p, c, now: now)
            }
            nextPartition = (nextPartition + Int(count % n)) % partitions.count
        }
        generated += count
    }

    private func appendTo(_ p: Int, _ count: Int64, now: Int64) {
        guard count > 0 else { return }
        let offset = partitions[p].endOffset
        if let last = partitions[p].segments.last, now - last.created < spec.segment {
            partitions[p].segments[partitions[p].segments.count - 1].lastAppend = now
        } else {
            partitions[p].segments.append((offset, now, now))
        }
        partitions[p].endOffset += count
    }

    /// Deletes whole segments whose newest row is older than `retention` (Kafka's time-based
    /// retention); consumers behind the new log start offset lose those rows. The active
    /// segment goes too once its newest row is that old: Kafka rolls a new, empty one first
    /// (`UnifiedLog.deleteSegments`), which here is the next append's.
    func applyRetention(now: Int64) {
        guard let retention = spec.retention else { return }
        for p in partitions.indices {
            while let first = partitions[p].segments.first, now - first.lastAppend > retention {
                partitions[p].segments.removeFirst()
                let newStart = partitions[p].segments.first?.base ?? partitions[p].endOffset
                let deleted = newStart - partitions[p].startOffset
                partitions[p].startOffset = newStart
                deletedByRetention += deleted
                // Out of range: the group resets (Kafka's auto.offset.reset); the rows it jumps
                // over are lost to it (`resetPastLogStart`).
                for consumer in consumers where consumer.offsets[p] < newStart { consumer.resetPastLogStart(p) }
            }
        }
    }

    /// Whether the generator ever appends: a rate, or a ramp towards one.
    /// Whether the generator may still append rows at `now` or later: a ramp down to 0
    /// appends none once it has ended.
    func generates(at now: Int64) -> Bool {
        guard !dropped else { return false }
        if case .ramp(let target, let over) = spec.pattern {
            return target > 0 || (spec.rate > 0 && now - patternStart < over)
        }
        return spec.rate > 0
    }
    /// DROP SOURCE took it out of the catalog: its generator stops and retention no longer
    /// runs (the engine keeps the log only so that ids stay put).
    var dropped = false

    /// Rows the generator adds between `from` and `to` under the load pattern: the integral
    /// of its rate over that time, whole rows carried over (Poisson: a draw with that mean).
    /// The pattern's clock starts at `patternStart`, when the source was created or its
    /// pattern last changed: a ramp created at minute 5 starts at `rate`, not at `to`.
    func rowsDue(from: Int64, to: Int64) -> Int64 {
        guard generates(at: from), to > from else { return 0 }
        let expected = expectedRows(from: max(0, from - patternStart), to: max(0, to - patternStart))
        if case .poisson = spec.pattern { return Int64(rng.poisson(mean: expected)) }
        carry += expected
        // A sum of doubles lands a hair under a whole row it should reach (1499.9999…): a
        // millionth of a row's tolerance rounds it up, and the carry (a hair below 0) stays exact.
        let whole = (carry + 1e-6).rounded(.down)
        carry -= whole
        return Int64(whole)
    }

    /// ∫ rate(t) dt over [a, b] nanoseconds of the pattern's clock.
    private func expectedRows(from a: Int64, to b: Int64) -> Double {
        let rate = spec.rate
        let seconds = Double(b - a) / 1e9
        switch spec.pattern {
        case .constant, .poisson:
            return rate * seconds
        case .burst(let on, let off):
            // The time spent in on-phases up to t, exactly, in whole nanoseconds.
            let period = on + off
            func onTime(_ t: Int64) -> Int64 { period > 0 ? t / period * on + min(t % period, on) : t }
            return rate * Double(onTime(b) - onTime(a)) / 1e9
        case .sine(let period):
            // rate × (1 + sin(2πt/p)) integrates to rate × (t − p/2π · cos(2πt/p)).
            let p = Double(max(1, period)) / 1e9, w = 2 * Double.pi / p
            let ta = Double(a) / 1e9, tb = Double(b) / 1e9
            return rate * (seconds - (cos(w * tb) - cos(w * ta)) / w)
        case .ramp(let target, let over):
            // Linear from `rate` to `target` over `over`, then flat at `target`.
            let span = Double(max(1, over)) / 1e9, slope = (target - rate) / span
            func area(_ t: Double) -> Double {
                t <= span ? rate * t + slope * t * t / 2 : rate * span + slope * span * span / 2 + target * (t - span)
            }
            return area(Double(b) / 1e9) - area(Double(a) / 1e9)
        }
    }

    // MARK: Row contents

    @inline(__always)
    private static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Appends the rows at `offset..<offset+count` of partition `p` to `chunk`. Row `o`'s
    /// hash mixes (seed, source, partition, offset); each column's value comes from that hash
    /// and the column's own salt through one 128-bit multiply (`columnBits`), so columns are
    /// independent of one another. The work goes column by column over all rows.
    func readRows(partition p: Int, offset: Int64, count: Int, into chunk: inout Chunk) {
        guard count > 0 else { return }
        let (generators, choices) = columnGenerators()
        let keyCount = Int64(spec.keys)
        let tableKeys = spec.isTable && spec.keys > 0 && spec.keys < spec.tableRows
        let sampler = keySampler
        let base = seed ^ (UInt64(id) << 48) ^ (UInt64(p) << 40)
        rowHashes.removeAll()
        rowHashes.append(repeating: 0, count: count)
        let hashes = rowHashes.pointer
        for i in 0..<count { hashes[i] = Self.mix(base ^ UInt64(bitPattern: offset + Int64(i))) }
        let width = generators.count
        // Every word of the new rows is written below: no need to zero them first.
        chunk.appendRows(count, withOps: false) { first, _ in
            choices.withUnsafeBufferPointer { choices in
                for (c, column) in generators.enumerated() {
                    let salt = Self.salt(column: c)
                    @inline(__always) func bits(_ i: Int) -> UInt64 { Self.columnBits(hashes[i], salt: salt) }
                    switch column.kind {
                    case .streamKey:
                        for i in 0..<count { first[i &* width &+ c] = Int64(sampler.draw(bits: bits(i))) }
                    case .tableKey:
                        for i in 0..<count {
                            let o = offset + Int64(i)
                            first[i &* width &+ c] = tableKeys ? o % keyCount : o
                        }
                    case .integer:
                        for i in 0..<count { first[i &* width &+ c] = Int64(Self.below(1000, bits(i))) }
                    case .double:
                        for i in 0..<count { first[i &* width &+ c] = ScalarExpr.bits(Double(Self.below(10_000, bits(i))) / 100) }
                    case .string:
                        for i in 0..<count {
                            first[i &* width &+ c] = choices[column.choices &+ Int(Self.below(UInt64(column.choiceCount), bits(i)))]
                        }
                    case .boolean:
                        for i in 0..<count { first[i &* width &+ c] = Int64(bits(i) >> 63) }
                    }
                }
            }
            encodeKeys(first, count: count, width: width)
        }
    }

    /// Turns the key indices `readRows` wrote into values of the key column's type. Key k is
    /// the value k for INT, BIGINT and BOOLEAN (false and true), so the usual integer key costs
    /// nothing here; a DOUBLE key is `Double(k)`, a VARCHAR key the interned `column-k`.
    private func encodeKeys(_ rows: UnsafeMutablePointer<Int64>, count: Int, width: Int) {
        let c = spec.keyColumn
        switch spec.schema.columns[c].type {
        case .int, .bigint, .boolean:
            return
        case .double:
            for i in 0..<count { rows[i &* width &+ c] = ScalarExpr.bits(Double(rows[i &* width &+ c])) }
        case .varchar:
            keyStrings.withUnsafeBufferPointer { strings in
                for i in 0..<count { rows[i &* width &+ c] = strings[Int(rows[i &* width &+ c])] }
            }
        }
    }

    /// Column `c`'s salt: a different multiple of an odd constant for every column.
    @inline(__always)
    private static func salt(column c: Int) -> UInt64 { UInt64(c &+ 1) &* 0xA076_1D64_78BD_642F }

    /// A column's 64 random bits from its row's hash: wyhash's `mum` (the two halves of a
    /// 128-bit product, xored), which spreads a well-mixed input in one multiply.
    @inline(__always)
    private static func columnBits(_ rowHash: UInt64, salt: UInt64) -> UInt64 {
        let product = (rowHash ^ salt).multipliedFullWidth(by: 0xE703_7ED1_A0B4_28DB)
        return product.high ^ product.low
    }

    /// Uniform in `0..<n` from 64 random bits (Lemire's multiply-shift, no division).
    @inline(__always)
    private static func below(_ n: UInt64, _ bits: UInt64) -> UInt64 { bits.multipliedFullWidth(by: n).high }

    /// How a column's value is drawn from the row's hash; strings pick among
    /// `choiceCount` interned ids starting at `choices`.
    private struct ColumnGenerator {
        enum Kind { case streamKey, tableKey, integer, double, string, boolean }
        var kind: Kind
        var choices = 0
        var choiceCount = 0
    }

    private func columnGenerators() -> ([ColumnGenerator], [Int64]) {
        var choices: [Int64] = []
        let generators = spec.schema.columns.enumerated().map { c, column -> ColumnGenerator in
            if c == spec.keyColumn { return ColumnGenerator(kind: spec.isTable ? .tableKey : .streamKey) }
            switch column.type {
            case .int, .bigint: return ColumnGenerator(kind: .integer)
            case .double: return ColumnGenerator(kind: .double)
            case .boolean: return ColumnGenerator(kind: .boolean)
            case .varchar:
                defer { choices.append(contentsOf: stringChoices[c]) }
                return ColumnGenerator(kind: .string, choices: choices.count, choiceCount: stringChoices[c].count)
            }
        }
        return (generators, choices)
    }
}

/// A consumer group reading one source for one job: Kafka's committed position per partition,
/// pause state, and what it lost to retention.
final class Consumer {
    /// Not retained: the source keeps its consumers, so a strong reference back would be a
    /// cycle that outlives the engine. Safe because the engine keeps every source it ever
    /// created (`sources` never shrinks; dropped ones move to the ledger's retired list too).
    unowned(unsafe) let source: SourceLog
    let job: String
    /// Unique for the engine's lifetime: names its time series.
    let serial: Int
    /// Its lag series' slot in the metrics store; -1 until the first sample.
    var seriesSlot = -1
    var offsets: [Int64]
    /// Where the group started, per partition (it starts at the log start, `earliest`).
    var baseOffsets: [Int64]
    var paused: [Bool]
    /// Rows retention deleted before the group read them.
    var expired: [Int64]
    /// Rows still in the log that `auto.offset.reset = latest` jumped over, when retention
    /// moved the log start past the group's position: lost to it, but not deleted.
    var skipped: [Int64]
    var consumed: [Int64]
    /// The largest lag of any partition since the metrics window started (`records-lag-max`).
    var lagMax: Int64 = 0
    /// Group rebalances: a member left (`max.poll.interval.ms`) or rejoined.
    var rebalances: Int64 = 0
    /// Fetches that returned rows, and the time the broker held them for `fetch.min.bytes`.
    var fetches: Int64 = 0
    var fetchedRows: Int64 = 0
    var fetchWaitNs: Int64 = 0
    /// The group's total lag when the metrics window started (or when the group was made,
    /// if later): how much the lag grew over the window is measured from it.
    var lagAtWindowStart: Int64 = 0

    /// `auto.offset.reset`: where the group starts, and where retention past it moves it.
    let reset: OffsetReset

    init(source: SourceLog, job: String, serial: Int, reset: OffsetReset = .earliest) {
        self.source = source
        self.job = job
        self.serial = serial
        self.reset = reset
        let starts = source.partitions.map { reset == .earliest ? $0.startOffset : $0.endOffset }
        offsets = starts
        baseOffsets = starts
        paused = Array(repeating: false, count: source.partitions.count)
        expired = Array(repeating: 0, count: source.partitions.count)
        skipped = expired
        consumed = Array(repeating: 0, count: source.partitions.count)
        lagAtWindowStart = totalLag
    }

    /// The source gained partitions: the group reads them from their start.
    func grow(to count: Int) {
        while offsets.count < count {
            let start = source.partitions[offsets.count].startOffset
            offsets.append(start)
            baseOffsets.append(start)
            paused.append(false)
            expired.append(0)
            skipped.append(0)
            consumed.append(0)
        }
    }

    func lag(_ p: Int) -> Int64 { source.partitions[p].endOffset - offsets[p] }

    /// Partition `p`'s position is below the log start (retention deleted rows the group had
    /// not read): Kafka's `auto.offset.reset` moves it to the log start (`earliest`) or the
    /// log end (`latest`). The deleted rows count as expired; with `latest`, the retained
    /// rows it jumps over as skipped.
    func resetPastLogStart(_ p: Int) {
        let log = source.partitions[p]
        guard offsets[p] < log.startOffset else { return }
        expired[p] += log.startOffset - offsets[p]
        if reset == .latest { skipped[p] += log.endOffset - log.startOffset }
        offsets[p] = reset == .earliest ? log.startOffset : log.endOffset
    }

    /// Kafka's `records-lag-max` sample for partition `p`: its lag (log end − position) as
    /// a poll that fetched it leaves it (`FetchCollector`: recorded as fetched records are
    /// collected). The window keeps the largest.
    func noteLag(_ p: Int) { lagMax = max(lagMax, lag(p)) }
    var totalLag: Int64 { (0..<offsets.count).reduce(0) { $0 + lag($1) } }
    var generated: Int64 { (0..<offsets.count).reduce(0) { $0 + source.partitions[$1].endOffset - baseOffsets[$1] } }
}
