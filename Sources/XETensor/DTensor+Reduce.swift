extension Tensor {
    /// The shape with `axis` kept as length 1 (or every axis, for a full reduction).
    static func keptShape(_ shape: [Int], axis: Int?) -> [Int] {
        guard let axis else { return [Int](repeating: 1, count: shape.count) }
        var s = shape
        s[axis] = 1
        return s
    }

    /// A reduced gradient spread back over the axis it was reduced over.
    static func expand(_ g: Tensor, to shape: [Int], axis: Int?) throws(TensorError) -> Tensor {
        try g.reshaped(keptShape(shape, axis: axis)).broadcast(to: shape)
    }
}

extension DTensor {
    /// sum, mean, max, min, argmax or argmin over `axis` (nil: all elements).
    ///
    /// Gradients: ∂sum/∂x = 1, ∂mean/∂x = 1/n, max and min split the gradient evenly between
    /// tied elements; argmax and argmin have none.
    public static func reduce(_ kind: Reduction, _ a: DTensor, axis: Int?, keepdims: Bool = false) throws(TensorError) -> DTensor {
        let x = a.value
        let normalized: Int? = try axis.map { (v) throws(TensorError) -> Int in try Tensor.normalize(axis: v, rank: x.rank) }
        let value = try x.reduce(kind, axis: normalized, keepdims: keepdims)
        switch kind {
        case .argmax, .argmin:
            return DTensor(value)
        case .sum, .mean:
            let n = normalized.map { x.shape[$0] } ?? x.count
            return record(value, [a]) { (g) throws(TensorError) -> [Tensor?] in
                var spread = try Tensor.expand(g, to: x.shape, axis: normalized)
                if kind == .mean {
                    let scale = 1 / Double(n)
                    spread = spread.map { $0 * scale }
                }
                return [spread]
            }
        case .max, .min:
            return record(value, [a]) { (g) throws(TensorError) -> [Tensor?] in
                let kept = try value.reshaped(Tensor.keptShape(x.shape, axis: normalized))
                let mask = try Tensor.zip(x, kept, operation: kind.rawValue) { $0 == $1 ? 1 : 0 }
                let ties = try mask.reduce(.sum, axis: normalized, keepdims: true)
                let share = try Tensor.div(mask, ties)
                return [try Tensor.mul(share, Tensor.expand(g, to: x.shape, axis: normalized))]
            }
        }
    }

    /// softmax over `axis`; ∂: y ⊙ (g − Σ g ⊙ y).
    public static func softmax(_ a: DTensor, axis: Int) throws(TensorError) -> DTensor {
        let y = try a.value.softmax(axis: axis)
        let ax = a.value.rank == 0 ? nil : try Tensor.normalize(axis: axis, rank: a.value.rank)
        return record(y, [a]) { (g) throws(TensorError) -> [Tensor?] in
            guard let ax else { return [g.map { _ in 0 }] }
            let gy = try Tensor.mul(g, y)
            let s = try gy.reduce(.sum, axis: ax, keepdims: true)
            return [try Tensor.mul(y, Tensor.sub(g, s))]
        }
    }

    /// log_softmax over `axis`; ∂: g − softmax(x) · Σ g.
    public static func logSoftmax(_ a: DTensor, axis: Int) throws(TensorError) -> DTensor {
        let y = try a.value.logSoftmax(axis: axis)
        let ax = a.value.rank == 0 ? nil : try Tensor.normalize(axis: axis, rank: a.value.rank)
        return record(y, [a]) { (g) throws(TensorError) -> [Tensor?] in
            guard let ax else { return [g.map { _ in 0 }] }
            let p = y.map { Glibc.exp($0) }
            let s = try g.reduce(.sum, axis: ax, keepdims: true)
            return [try Tensor.sub(g, Tensor.mul(p, s))]
        }
    }

    /// logsumexp over `axis`; ∂: g · softmax(x).
    public static func logSumExp(_ a: DTensor, axis: Int, keepdims: Bool = false) throws(TensorError) -> DTensor {
        let x = a.value
        let y = try x.logSumExp(axis: axis, keepdims: keepdims)
        if x.rank == 0 { return a }
        let ax = try Tensor.normalize(axis: axis, rank: x.rank)
        return record(y, [a]) { (g) throws(TensorError) -> [Tensor?] in
            let p = try x.softmax(axis: ax)
            return [try Tensor.mul(p, Tensor.expand(g, to: x.shape, axis: ax))]
        }
    }
}

import Glibc
