import SluiceEngine

/// How SHOW ACTORS, SHOW METRICS and DIAGNOSE say which stretch of virtual time their
/// per-second numbers cover, and how they show a number measured over none.
///
/// The window starts at RESET METRICS (or 0); an actor made inside it (a rescale makes a
/// job's actors anew) measures from its creation. Over an empty window a rate or a share of
/// time is not zero but unknown, so it is shown `-` (`ResultValue.missing`: null in json),
/// and the text says why instead of naming a window that does not apply.
struct MetricsWindowText {
    /// Virtual time now.
    let now: Int64
    /// The engine's metrics window: now minus the last RESET METRICS.
    let window: Int64

    init(_ engine: Engine) {
        now = engine.now
        window = engine.metricsWindow
    }

    /// `over the last 1s`, or for an empty window, that nothing is measured yet.
    var phrase: String {
        window > 0 ? "over the last \(VirtualTime.format(window))"
            : "over the last 0s: nothing is measured until virtual time passes"
    }

    /// `phrase`, naming the actors that started inside the window and what theirs covers:
    /// `over the last 1s (v.agg.0, v.agg.1: started at 1.000s, nothing measured yet)`.
    func phrase(for actors: [ActorSnapshot]) -> String {
        phrase(forWindows: actors.map { ($0.name, $0.window) })
    }

    /// `phrase` for things measured over windows of their own (sinks, consumer groups).
    func phrase(forWindows measured: [(name: String, window: Int64)]) -> String {
        guard window > 0 else { return phrase }
        var groups: [(window: Int64, names: [String])] = []
        for a in measured where a.window < window {
            if let i = groups.firstIndex(where: { $0.window == a.window }) { groups[i].names.append(a.name) }
            else { groups.append((a.window, [a.name])) }
        }
        guard !groups.isEmpty else { return phrase }
        let notes = groups.map { group in
            let they = group.names.count == 1 ? "it" : "they"
            return group.names.joined(separator: ", ") + ": " + since(group.window, they: they)
        }
        return phrase + " (" + notes.joined(separator: "; ") + ")"
    }

    /// What one actor's numbers cover, for a title of its own: `phrase`, or `over the 200ms
    /// since it started at 1.000s`, or `since it started at 1.000s: nothing measured yet`.
    func phrase(for actor: ActorSnapshot) -> String {
        guard window > 0 && actor.window < window else { return phrase }
        let start = VirtualTime.formatSeconds(now - actor.window)
        return actor.window > 0 ? "over the \(VirtualTime.format(actor.window)) since it started at \(start)"
            : "since it started at \(start): nothing measured yet"
    }

    /// `over the 200ms since they started at 1.000s`, or `they started at 1.000s, nothing measured yet`.
    private func since(_ own: Int64, they: String) -> String {
        let start = VirtualTime.formatSeconds(now - own)
        return own > 0 ? "over the \(VirtualTime.format(own)) since \(they) started at \(start)"
            : "\(they) started at \(start), nothing measured yet"
    }

    /// A number measured over `window` nanoseconds: `-` when that is none.
    static func measured(_ value: Double, decimals: Int, over window: Int64) -> ResultValue {
        window > 0 ? .double(value, decimals: decimals) : .missing
    }

    /// An actor's busy time as Flink derives it, 1000 less its idle and backpressured time,
    /// here less those as a table shows them (`decimals`): the three shown add up to 1000,
    /// where three values rounded each on its own could show 999 or 1001.
    static func shownBusy(_ a: ActorSnapshot, decimals: Int) -> Double {
        let scale = (0..<max(0, decimals)).reduce(1.0) { v, _ in v * 10 }
        func shown(_ v: Double) -> Double { (v * scale).rounded(.toNearestOrEven) / scale }
        return max(0, 1000 - shown(a.idleTimeMsPerSecond) - shown(a.backPressuredTimeMsPerSecond))
    }
}
