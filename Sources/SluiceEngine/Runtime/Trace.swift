import Synchronization

/// Categories of flow-control events `TRACE` can show.
public enum TraceCategory: String, Sendable, CaseIterable, Hashable {
    case credit, permits, barriers, blocking, kafka
}

/// One flow-control event, in virtual-time order.
public struct TraceEvent: Sendable, Hashable {
    public let time: Int64
    public let category: TraceCategory
    public let text: String
}

/// Lets another thread (a SIGINT handler's watcher) stop a running `run`/`advance` at the
/// next event. The engine checks it between events and leaves everything consistent.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func cancel() { flag.store(true, ordering: .relaxed) }
    public func reset() { flag.store(false, ordering: .relaxed) }
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// Why a run stopped.
public enum RunOutcome: Sendable, Equatable {
    /// Reached the requested virtual time (or finished the requested work).
    case completed
    /// Stopped by the cancellation flag at virtual time `now`.
    case cancelled
    /// Nothing can happen any more before the bound (a stalled graph), with the reason.
    case stalled(String)
}
