import Testing
@testable import SluiceEngine

/// `CostDraws` computes single-row exponential draws a batch ahead; whatever the mix of
/// draws, its values must be `SeededRandom.totalCost`'s, in the same order.
@Suite struct CostDrawsTests {
    @Test(arguments: [1 as UInt64, 7, 99])
    func drawsAreTheGeneratorsWhateverTheMix(seed: UInt64) {
        var plain = SeededRandom(seed: seed)
        var batched = CostDraws(SeededRandom(seed: seed))
        var choices = SeededRandom(seed: seed &+ 1_000)
        let specs: [CostSpec] = [.exponential(mean: 1_000_000), .exponential(mean: 666_667), .exponential(mean: 0),
                                 .fixed(250), .uniform(low: 10, high: 900)]
        for step in 0..<20_000 {
            // Long runs of single-row exp draws (the batched case) broken by everything else:
            // another mean mid-batch, chunks (gamma), uniforms, fixed costs, zero means.
            let spec = choices.below(4) > 0 ? specs[0] : specs[choices.below(specs.count)]
            let rows = choices.below(5) > 0 ? 1 : [0, 2, 17, 256][choices.below(4)]
            let expected = plain.totalCost(spec, rows: rows)
            let actual = batched.totalCost(spec, rows: rows)
            #expect(actual == expected, "step \(step): \(spec) × \(rows)")
            if actual != expected { return }
        }
    }
}
