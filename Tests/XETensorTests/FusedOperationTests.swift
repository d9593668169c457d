import Testing
@testable import XETensor

/// The fused operations a pair runs besides arithmetic — negation, relu and the 0·x = 0
/// weighting — alone and in pairs with each other, bit for bit as the operations one at a time
/// (`ElementwiseExpression.evaluated`): a zero weight drops an infinite value but keeps a NaN,
/// relu keeps a NaN and gives +0 for -0, over 1031 elements (block edges, a pair's last
/// m mod 4 elements).
struct FusedOperationTests {
    static let weights: [Double] = [0, -0.0, 0, 0, 1, 2, -3, 0.5, .nan, .infinity]
    static let values: [Double] = [.nan, .infinity, -.infinity, 5, .nan, -0.0, 0, .infinity, 1, -2]

    /// relu's and the weighting's own values, op by op and fused (one definition each, RELU4 and
    /// WEIGHT4, serves both): NaN kept, +0 for ±0 and -inf, a zero weight dropping ±inf only.
    @Test func reluAndWeightingGiveTheirValues() throws {
        let x: [Double] = [.nan, -0.0, 0, -.infinity, .infinity, -2, 3]
        let relu: [Double] = [.nan, 0, 0, 0, .infinity, 0, 3]
        let w: [Double] = [0, 0, 0, 0, 0, 2, -0.0]
        let weighted: [Double] = [.nan, 0, 0, 0, 0, -4, 0]
        let leaves = [DTensor(Tensor(vector: w)), DTensor(Tensor(vector: x))]
        for (e, expected) in [(ElementwiseExpression.apply(.relu, .leaf(1)), relu), (.weighting(.leaf(0), .leaf(1)), weighted)] {
            let fused = try DTensor.fused(e, leaves, reduction: .none)
            for got in [try e.evaluated(leaves).value.storage, try #require(fused).value.storage] {
                for (a, b) in zip(got, expected) {
                    #expect(a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN), "\(e): \(got), expected \(expected)")
                }
            }
        }
    }

    @Test(arguments: [
        ElementwiseExpression.weighting(.leaf(0), .leaf(1)),
        .weighting(.leaf(0), .negate(.leaf(1))),
        .apply(.relu, .weighting(.leaf(0), .leaf(1))),
        .negate(.apply(.relu, .leaf(1))),
        .weighting(.apply(.relu, .leaf(0)), .apply(.relu, .negate(.leaf(1)))),
        .binary(.add, .weighting(.leaf(0), .leaf(1)), .apply(.relu, .leaf(0))),
    ])
    func pairsKeepTheOperationsBits(_ e: ElementwiseExpression) throws {
        let n = 1031
        let ws: [Double] = (0..<n).map { i in Self.weights[i % Self.weights.count] }
        let xs: [Double] = (0..<n).map { i in Self.values[(i / Self.weights.count + i) % Self.values.count] }
        let w = DTensor(Tensor(vector: ws)), x = DTensor(Tensor(vector: xs))
        let result = try DTensor.fused(e, [w, x], reduction: .none)
        let fused = try #require(result)
        let stepwise = try e.evaluated([w, x])
        for (i, (a, b)) in zip(fused.value.storage, stepwise.value.storage).enumerated() {
            #expect(a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN), "\(e) at \(i): fused \(a), op by op \(b)")
        }
    }
}
