/// Where a materialized view's rows come from when they are the output of an aggregate or a
/// join: that operator, found from the view backwards through the view's own chain and then
/// through no-shuffle (`simple`) edges from fragments of the same parallelism. Actor `i` of
/// the view then holds exactly what the operator's state on actor `i` of its fragment yields,
/// passed through the stateless operators on the way: a rescale rebuilds the view from there.
struct ViewDerivation: Equatable {
    /// The fragment of the aggregate or join, and its position in that fragment's chain.
    let stateFragment: Int
    let statePosition: Int
    /// The fragments from the aggregate's or join's to the view's, both included.
    let path: [Int]
    /// The materialize operator's position in the view fragment's chain.
    let viewPosition: Int
}

extension ViewDerivation {
    /// The derivation of fragment `f`'s view, or nil when it has none or holds rows that no
    /// aggregate or join produced. Positions count the chain as actors run it (sources and
    /// sinks are not operators of the chain).
    init?(viewIn f: Int, of spec: JobSpec) {
        guard let view = Self.chain(spec.fragments[f]).lastIndex(where: { if case .materialize = $0 { true } else { false } }) else {
            return nil
        }
        var path = [f]
        var fragment = f, end = view
        while true {
            if let s = Self.chain(spec.fragments[fragment])[..<end].lastIndex(where: Self.isStateful) {
                self.stateFragment = fragment
                self.statePosition = s
                self.path = path.reversed()
                self.viewPosition = view
                return
            }
            // Only a no-shuffle edge keeps actor i's rows on actor i downstream.
            let inputs = spec.fragments[fragment].inputs
            guard inputs.count == 1, case .simple = inputs[0].distribution, case .fragment(let upstream) = inputs[0].from,
                  spec.fragments[upstream].parallelism == spec.fragments[fragment].parallelism else { return nil }
            fragment = upstream
            end = Self.chain(spec.fragments[upstream]).count
            path.append(upstream)
        }
    }

    /// The fragment's operators as its actors run them (as `Engine.makeOperators` builds them).
    static func chain(_ fragment: FragmentSpec) -> [OperatorSpec] {
        fragment.operators.filter {
            switch $0 {
            case .source, .sink: false
            default: true
            }
        }
    }

    private static func isStateful(_ op: OperatorSpec) -> Bool {
        switch op {
        case .hashAgg, .hashJoin: true
        default: false
        }
    }
}
