import Testing
@testable import XETensor

/// Compares the reverse-mode gradient of `f` at `x` with central finite differences. A
/// non-scalar result is first contracted with fixed weights, so every output's gradient counts.
func checkGradient(_ label: String = "", at x: Tensor, tolerance: Double = 1e-6,
                   _ f: (DTensor) throws -> DTensor) throws {
    func scalar(_ out: DTensor) throws -> DTensor {
        if out.value.count == 1 { return try out.sum() }
        let weights = Tensor(shape: out.value.shape, storage: (0..<out.value.count).map { 0.5 + Double($0 % 7) * 0.25 })
        return try (out * DTensor(weights)).sum()
    }
    let leaf = Node(leaf: x)
    let out = try scalar(try f(DTensor(leaf)))
    let analytic = try out.node.map { try $0.gradients(withRespectTo: [leaf])[0] }
        ?? Tensor(shape: x.shape, storage: [Double](repeating: 0, count: x.count))
    #expect(analytic.shape == x.shape, "\(label): gradient shape")
    let h = 1e-6
    for i in 0..<x.count {
        var plus = x, minus = x
        plus.storage[i] += h
        minus.storage[i] -= h
        let fp = try scalar(try f(DTensor(plus))).value.storage[0]
        let fm = try scalar(try f(DTensor(minus))).value.storage[0]
        let numeric = (fp - fm) / (2 * h)
        let a = analytic.storage[i]
        #expect(abs(a - numeric) <= tolerance * max(1, abs(numeric)), "\(label) [\(i)]: analytic \(a), numeric \(numeric)")
    }
}
