extension Tensor {
    /// The shape with `axis` kept as length 1 (or every axis, for a full reduction).
    static func keptShape(_ shape: [Int], axis: Int?) -> [Int] {
        guard let axis else { return [Int](repeating: 1, count: shape.count) }
        var s = shape
        s[axis] = 1
        return s
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
            let shape = x.shape
            return record(value, [a]) { (g, _) throws(TensorError) -> [DTensor?] in
                let spread = try g.spread(to: shape, axis: normalized)
                return [kind == .mean ? try spread * DTensor(scalar: 1 / Double(n)) : spread]
            }
        case .max, .min:
            return record(value, [a]) { (g, _) throws(TensorError) -> [DTensor?] in
                let kept = try value.reshaped(Tensor.keptShape(x.shape, axis: normalized))
                let mask = try Tensor.zip(x, kept, operation: kind.rawValue) { $0 == $1 ? 1 : 0 }
                let ties = try mask.reduce(.sum, axis: normalized, keepdims: true)
                let share = try Tensor.zip(mask, ties, operation: kind.rawValue, /)
                return [try DTensor(share) * g.spread(to: x.shape, axis: normalized)]
            }
        }
    }

    /// A reduced gradient spread back over the axis it was reduced over (nil: every axis).
    func spread(to shape: [Int], axis: Int?) throws(TensorError) -> DTensor {
        try DTensor.reshape(self, Tensor.keptShape(shape, axis: axis)).broadcast(to: shape)
    }

    /// softmax over `axis`; ∂: y ⊙ (g − Σ g ⊙ y).
    public static func softmax(_ a: DTensor, axis: Int) throws(TensorError) -> DTensor {
        let y = try a.value.softmax(axis: axis)
        let ax = a.value.rank == 0 ? nil : try Tensor.normalize(axis: axis, rank: a.value.rank)
        return record(y, [a]) { (g, result) throws(TensorError) -> [DTensor?] in
            guard let ax else { return [try g * 0] }
            let s = try reduce(.sum, g * result, axis: ax, keepdims: true)
            return [try result * (g - s)]
        }
    }

    /// log_softmax over `axis`; ∂: g − softmax(x) · Σ g, with softmax(x) = exp(result).
    public static func logSoftmax(_ a: DTensor, axis: Int) throws(TensorError) -> DTensor {
        let y = try a.value.logSoftmax(axis: axis)
        let ax = a.value.rank == 0 ? nil : try Tensor.normalize(axis: axis, rank: a.value.rank)
        return record(y, [a]) { (g, result) throws(TensorError) -> [DTensor?] in
            guard let ax else { return [try g * 0] }
            let s = try reduce(.sum, g, axis: ax, keepdims: true)
            return [try g - result.exp * s]
        }
    }

    /// logsumexp over `axis`; ∂: g · softmax(x).
    public static func logSumExp(_ a: DTensor, axis: Int, keepdims: Bool = false) throws(TensorError) -> DTensor {
        let x = a.value
        let y = try x.logSumExp(axis: axis, keepdims: keepdims)
        if x.rank == 0 { return a }
        let ax = try Tensor.normalize(axis: axis, rank: x.rank)
        return record(y, [a]) { (g, _) throws(TensorError) -> [DTensor?] in
            [try softmax(a, axis: ax) * g.spread(to: x.shape, axis: ax)]
        }
    }
}
