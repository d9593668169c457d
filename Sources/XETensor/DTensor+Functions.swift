import Glibc

extension DTensor {
    /// f(a) elementwise; ∂ = g·f'(a), with f' from `UnaryFunction.derivative`.
    ///
    /// A first-order sweep multiplies by f'(x) in one fused loop; a sweep that records its graph
    /// uses `UnaryFunction.derivative(of:result:)`, the same derivative as differentiable
    /// operations (the tests check that the two agree).
    public static func apply(_ f: UnaryFunction, _ a: DTensor) -> DTensor {
        let x = a.value
        let y = x.applying(f)
        return record(y, [a]) { (g, result) throws(TensorError) -> [DTensor?] in
            if DTensor.isRecordingSweep { return [try g * f.derivative(of: a, result: result)] }
            var d = [Double](repeating: 0, count: x.count)
            for i in 0..<x.count { d[i] = g.value.storage[i] * f.derivative(x.storage[i], y.storage[i]) }
            return [DTensor(Tensor(shape: x.shape, storage: d))]
        }
    }

    /// A 0/1 mask of `predicate` on the values of a and b (broadcast): a constant, as the
    /// derivative of a piecewise-constant function is 0 almost everywhere.
    static func mask(_ a: Tensor, _ b: Tensor, _ name: String, _ predicate: @escaping (Double, Double) -> Bool) throws(TensorError) -> DTensor {
        DTensor(try Tensor.zip(a, b, operation: name) { predicate($0, $1) ? 1 : 0 })
    }

    /// clip(x, lo, hi) = min(max(x, lo), hi); the gradient passes where lo ≤ x ≤ hi (PyTorch's
    /// convention), and to lo or hi where they bind.
    public static func clip(_ a: DTensor, _ lo: DTensor, _ hi: DTensor) throws(TensorError) -> DTensor {
        let x = a.value, l = lo.value, h = hi.value
        let lower = try Tensor.zip(x, l, operation: "clip") { v, low in v.isNaN ? v : Swift.max(v, low) }
        let value = try Tensor.zip(lower, h, operation: "clip") { v, high in v.isNaN ? v : Swift.min(v, high) }
        return record(value, [a, lo, hi]) { (g, _) throws(TensorError) -> [DTensor?] in
            let inside = try mask(x, l, "clip") { $0 >= $1 } * mask(x, h, "clip") { $0 <= $1 }
            let below = try mask(x, l, "clip") { $0 < $1 }
            let above = try mask(value, h, "clip") { $0 >= $1 } * mask(x, h, "clip") { $0 > $1 }
            return [try (g * inside).sum(toShape: x.shape), try (g * below).sum(toShape: l.shape), try (g * above).sum(toShape: h.shape)]
        }
    }

    /// maximum(a, b) or minimum(a, b) elementwise, NaN-propagating; at ties the gradient is
    /// split evenly (PyTorch's convention).
    public static func extremum(_ a: DTensor, _ b: DTensor, maximum: Bool) throws(TensorError) -> DTensor {
        let x = a.value, y = b.value
        let name = maximum ? "maximum" : "minimum"
        let value = try Tensor.zip(x, y, operation: name) { p, q in
            if p.isNaN || q.isNaN { return .nan }
            return maximum ? Swift.max(p, q) : Swift.min(p, q)
        }
        return record(value, [a, b]) { (g, _) throws(TensorError) -> [DTensor?] in
            let share = try Tensor.zip(x, y, operation: name) { p, q in
                p == q ? 0.5 : ((maximum ? p > q : p < q) ? 1 : 0)
            }
            return [try (g * DTensor(share)).sum(toShape: x.shape), try (g * DTensor(share.map { 1 - $0 })).sum(toShape: y.shape)]
        }
    }
}
