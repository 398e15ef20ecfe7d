/// Time series for PLOT and exports: values per 100 ms sample over virtual time.
public struct MetricSeries: Sendable, Hashable {
    public let name: String
    public let unit: String
    /// (virtual seconds, value) pairs in time order.
    public let points: [Point]
    /// Separate events (a checkpoint's expiry), drawn as marks, not joined into a line.
    public var isEvents = false
    public struct Point: Sendable, Hashable {
        public let t: Double
        public let value: Double
    }
}

/// What PLOT can draw.
public enum SeriesMetric: String, Sendable, CaseIterable {
    case queue, busy, idle, backpressure, throughput, lag
    case barrierLatency = "barrier_latency"

    public var unit: String {
        switch self {
        case .queue: "rows"
        case .busy, .idle, .backpressure: "ms/s"
        case .throughput: "rows/s"
        case .lag: "rows"
        case .barrierLatency: "ms"
        }
    }
    /// Whether the metric needs a target name.
    public var needsTarget: Bool { self != .barrierLatency }
}

extension Engine {
    /// The most actors one series of `series` covers: the first ones a name designates, in
    /// actor order. More lines than that cannot be told apart on a terminal chart.
    public static let maxPlottedActors = 8

    /// The actors a name designates: an actor, a fragment (`job.role`) or a job: all its
    /// actors, in order from its sources, or with `lastFragment` only those of its last
    /// fragment (the view or the sink itself, what a chart of a job draws).
    public func actorsMatching(_ name: String, lastFragment: Bool = false) -> [String] {
        let alive = actors.filter(\.alive)
        if let exact = alive.first(where: { $0.name == name }) { return [exact.name] }
        let fragment = alive.filter { $0.fragment == name }
        if !fragment.isEmpty { return fragment.map(\.name) }
        guard let job = jobs[name] else { return [] }
        let ids = lastFragment ? job.lastActors : job.fragmentActors.joined().sorted()
        return ids.filter { actors[$0].alive }.map { actors[$0].name }
    }

    /// Series for `metric` over the target, restricted to the last `last` nanoseconds.
    public func series(_ metric: SeriesMetric, target: String?, last: Int64?) throws(EngineError) -> [MetricSeries] {
        drainReady()
        let from = last.map { now - $0 } ?? Int64.min
        let period = Double(MetricsStore.period)
        func points(_ key: String, rate: Double?) -> [MetricSeries.Point] {
            guard let s = metrics.series(key), s.count > 0 else { return [] }
            var out: [MetricSeries.Point] = []
            for sample in s.firstSample...s.lastSample {
                let t = Int64(sample + 1) * MetricsStore.period
                guard t >= from, let v = s.value(at: sample) else { continue }
                if let rate {
                    guard let prev = sample > s.firstSample ? s.value(at: sample - 1) : nil else { continue }
                    out.append(.init(t: Double(t) / 1e9, value: (v - prev) * rate))
                } else {
                    out.append(.init(t: Double(t) / 1e9, value: v))
                }
            }
            return out
        }
        switch metric {
        case .barrierLatency:
            let pts = metrics.barriers.filter { $0.time >= from }.map { MetricSeries.Point(t: Double($0.time) / 1e9, value: Double($0.latency) / 1e6) }
            // A checkpoint that expired shows at its age then: a latency it never got to.
            let gone = expiredCheckpoints.filter { $0.expiredAt >= from }
                .map { MetricSeries.Point(t: Double($0.expiredAt) / 1e9, value: Double($0.expiredAt - $0.injectedAt) / 1e6) }
            return [MetricSeries(name: "barrier latency", unit: metric.unit, points: pts)]
                + (gone.isEmpty ? [] : [MetricSeries(name: "expired (checkpoint_timeout_ms)", unit: metric.unit, points: gone, isEvents: true)])
        case .lag:
            guard let target, let id = sourceIndex[target] else {
                throw .unknownObject(kind: "source", name: target ?? "")
            }
            let log = sources[id]
            return log.consumers.map { c in
                MetricSeries(name: "lag(\(target)) for \(c.job)", unit: metric.unit, points: points("lag/\(c.serial)", rate: nil))
            }
        default:
            guard let target else { throw .unknownObject(kind: "actor", name: "") }
            let names = actorsMatching(target, lastFragment: true)
            guard !names.isEmpty else { throw .unknownObject(kind: "actor, fragment or job", name: target) }
            // Series are kept per actor id: a dropped actor and a new one of the same name stay apart.
            let ids = names.compactMap { name in actors.first { $0.alive && $0.name == name }?.id }
            return ids.prefix(Engine.maxPlottedActors).map { id in
                let pts: [MetricSeries.Point]
                switch metric {
                case .queue: pts = points("depth/\(id)", rate: 1 / period)
                case .busy: pts = points("busy/\(id)", rate: 1000 / period)
                case .idle: pts = points("idle/\(id)", rate: 1000 / period)
                case .backpressure: pts = points("bp/\(id)", rate: 1000 / period)
                case .throughput: pts = points("out/\(id)", rate: 1e9 / period)
                case .lag, .barrierLatency: pts = []
                }
                return MetricSeries(name: "\(metric.rawValue)(\(actors[id].name))", unit: metric.unit, points: pts)
            }
        }
    }
}
