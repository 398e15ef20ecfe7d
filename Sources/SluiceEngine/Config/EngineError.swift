/// Everything the engine refuses. Each case names the object and the value; a thrown error
/// leaves the engine exactly as it was.
public enum EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidSetting(name: String, value: String, reason: String)
    case invalidOption(object: String, option: String, value: String, reason: String)
    case duplicateName(kind: String, name: String)
    case unknownObject(kind: String, name: String)
    case hasDependents(kind: String, name: String, dependents: [String])
    case cycle(name: String)
    case noSources
    case noBarrierInFlight
    case invalidPartition(source: String, partition: Int, partitions: Int)
    case invalidPlan(String)

    public var description: String {
        switch self {
        case .invalidSetting(let name, let value, let reason):
            "invalid value \(value) for \(name): \(reason)"
        case .invalidOption(let object, let option, let value, let reason):
            "invalid \(option) = \(value) for \(object): \(reason)"
        case .duplicateName(let kind, let name):
            "\(kind) \(name) already exists"
        case .unknownObject(let kind, let name):
            "\(kind) \(name) does not exist"
        case .hasDependents(let kind, let name, let dependents):
            "cannot drop \(kind) \(name): \(dependents.joined(separator: ", ")) \(dependents.count == 1 ? "depends" : "depend") on it"
        case .cycle(let name):
            "\(name) would make the dataflow graph cyclic"
        case .noSources:
            "no materialized view or sink reads a source: there is nothing to inject a barrier into"
        case .noBarrierInFlight:
            "no barrier is in flight"
        case .invalidPartition(let source, let partition, let partitions):
            "source \(source) has no partition \(partition) ("
                + (partitions == 1 ? "it has one partition, 0)" : "it has \(partitions) partitions, 0 to \(partitions - 1))")
        case .invalidPlan(let text):
            text
        }
    }
}
