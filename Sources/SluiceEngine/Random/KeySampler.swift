#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Draws keys in `0..<keys` uniformly or Zipf-skewed, in O(1) per draw (Walker's alias method).
public struct KeySampler: Sendable {
    public let keys: Int
    private let probability: [Double]
    private let alias: [Int32]
    private let isUniform: Bool

    public init(keys: Int, distribution: KeyDistribution) {
        self.keys = max(1, keys)
        switch distribution {
        case .uniform:
            isUniform = true; probability = []; alias = []
        case .zipf(let s):
            isUniform = false
            let n = self.keys
            var weights = (0..<n).map { 1.0 / pow(Double($0 + 1), s) }
            let total = weights.reduce(0, +)
            for i in 0..<n { weights[i] = weights[i] / total * Double(n) }
            var prob = [Double](repeating: 1, count: n)
            var alias = [Int32](repeating: 0, count: n)
            var small: [Int] = [], large: [Int] = []
            for i in 0..<n { if weights[i] < 1 { small.append(i) } else { large.append(i) } }
            while let l = small.popLast(), let g = large.last {
                prob[l] = weights[l]
                alias[l] = Int32(g)
                weights[g] = (weights[g] + weights[l]) - 1
                if weights[g] < 1 { large.removeLast(); small.append(g) }
            }
            for i in large { prob[i] = 1 }
            for i in small { prob[i] = 1 }
            self.probability = prob
            self.alias = alias
        }
    }

    /// A key from 64 random bits: their multiply-shift onto `0..<keys` (Lemire's), and for a
    /// skewed draw the alias coin from the same bits remixed.
    @inline(__always)
    public func draw(bits: UInt64) -> Int {
        let column = Int(bits.multipliedFullWidth(by: UInt64(keys)).high)
        if isUniform { return column }
        let coin = SeededRandom.firstOutput(seed: bits)
        return Double(coin >> 11) * 0x1.0p-53 < probability[column] ? column : Int(alias[column])
    }

    @inline(__always)
    public func draw(_ rng: inout SeededRandom) -> Int {
        let column = rng.below(keys)
        if isUniform { return column }
        return rng.unit() < probability[column] ? column : Int(alias[column])
    }
}
