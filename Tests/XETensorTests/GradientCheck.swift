import FiniteDifferences
import Testing
@testable import XETensor

/// Fixed weights that contract a result to a scalar, so every element's derivative counts.
func contract(_ out: DTensor) throws -> DTensor {
    if out.value.count == 1 { return try out.sum() }
    let weights = Tensor(shape: out.value.shape, storage: (0..<out.value.count).map { 0.5 + Double($0 % 7) * 0.25 })
    return try (out * DTensor(weights)).sum()
}

/// The k-th derivative of `f` at `x`, contracted to a scalar after each order, built exactly as
/// nested `grad`s are: a variable following `x` when `x` is tracked, a sweep that records its
/// graph inside an enclosing differentiation.
func contractedDerivative(_ k: Int, at x: DTensor, _ f: (DTensor) throws -> DTensor) throws -> DTensor {
    if k == 0 { return try contract(try f(x)) }
    return try contract(try derivative(of: { try contractedDerivative(k - 1, at: $0, f) }, at: x))
}

/// The gradient of the scalar `g` at `x`, as one differentiation.
func derivative(of g: (DTensor) throws -> DTensor, at x: DTensor) throws -> DTensor {
    let leaf = x.node.map { Node(variableFollowing: $0) } ?? Node(leaf: x.value)
    return try DTensor.differentiating {
        let out = try g(DTensor(leaf))
        guard let node = out.node else { return DTensor(Tensor(shape: x.shape, storage: [Double](repeating: 0, count: x.value.count))) }
        return try node.gradients(withRespectTo: [leaf], createGraph: DTensor.createsGraph)[0]
    }
}

/// Compares every derivative of `f` at `x` up to `orders` with central finite differences of
/// the derivative one order lower: order 1 the reverse-mode gradient against differences of the
/// contracted value, order k the gradient of the contracted (k−1)-th derivative against its
/// differences. The one checker of every order.
func checkGradient(_ label: String = "", at x: Tensor, orders: Int = 3, tolerance: Double = 1e-6,
                   _ f: (DTensor) throws -> DTensor) throws {
    try withoutActuallyEscaping(f) { f in try checkOrders(label, at: x, orders: orders, tolerance: tolerance, f) }
}

private func checkOrders(_ label: String, at x: Tensor, orders: Int, tolerance: Double,
                         _ f: @escaping (DTensor) throws -> DTensor) throws {
    for k in 1...orders {
        let lower = { (t: DTensor) throws -> DTensor in try contractedDerivative(k - 1, at: t, f) }
        let analytic = try derivative(of: lower, at: DTensor(x)).value
        #expect(analytic.shape == x.shape, "\(label) order \(k): gradient shape")
        // A larger step than first derivatives want: orders 2 and 3 are differences of
        // derivatives that are themselves computed, not exact.
        let numeric = try FiniteDifferences.gradient(at: x.storage, step: 1e-5) {
            try lower(DTensor(Tensor(shape: x.shape, storage: $0))).value.storage[0]
        }
        for (i, (a, d)) in zip(analytic.storage, numeric).enumerated() {
            #expect(FiniteDifferences.agree(a, d, tolerance: tolerance), "\(label) order \(k) [\(i)]: analytic \(a), numeric \(d)")
        }
    }
}
