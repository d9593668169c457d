import Glibc

extension DTensor {
    /// f(a) elementwise.
    public static func apply(_ f: UnaryFunction, _ a: DTensor) -> DTensor {
        let x = a.value
        let y = x.applying(f)
        return record(y, [a]) { (g) throws(TensorError) -> [Tensor?] in
            var d = [Double](repeating: 0, count: x.count)
            for i in 0..<x.count { d[i] = g.storage[i] * f.derivative(x.storage[i], y.storage[i]) }
            return [Tensor(shape: x.shape, storage: d)]
        }
    }

    /// clip(x, lo, hi) = min(max(x, lo), hi); the gradient passes where lo ≤ x ≤ hi (PyTorch's
    /// convention), and to lo or hi where they bind.
    public static func clip(_ a: DTensor, _ lo: DTensor, _ hi: DTensor) throws(TensorError) -> DTensor {
        let x = a.value, l = lo.value, h = hi.value
        let lower = try Tensor.zip(x, l, operation: "clip") { v, low in v.isNaN ? v : Swift.max(v, low) }
        let value = try Tensor.zip(lower, h, operation: "clip") { v, high in v.isNaN ? v : Swift.min(v, high) }
        return record(value, [a, lo, hi]) { (g) throws(TensorError) -> [Tensor?] in
            let gx = try Tensor.zip(g, Tensor.zip(Tensor.zip(x, l, operation: "clip") { $0 >= $1 ? 1 : 0 },
                                                  Tensor.zip(x, h, operation: "clip") { $0 <= $1 ? 1 : 0 }, operation: "clip", *),
                                    operation: "clip", *)
            let gl = try Tensor.mul(g, Tensor.zip(x, l, operation: "clip") { $0 < $1 ? 1 : 0 })
            let gh = try Tensor.mul(g, Tensor.zip(value, h, operation: "clip") { v, high in v >= high ? 1 : 0 })
            let ghMasked = try Tensor.mul(gh, Tensor.zip(x, h, operation: "clip") { $0 > $1 ? 1 : 0 })
            return [gx.reduced(toShape: x.shape), gl.reduced(toShape: l.shape), ghMasked.reduced(toShape: h.shape)]
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
        return record(value, [a, b]) { (g) throws(TensorError) -> [Tensor?] in
            let share = try Tensor.zip(x, y, operation: name) { p, q in
                p == q ? 0.5 : ((maximum ? p > q : p < q) ? 1 : 0)
            }
            let gx = try Tensor.mul(g, share).reduced(toShape: x.shape)
            let gy = try Tensor.mul(g, share.map { 1 - $0 }).reduced(toShape: y.shape)
            return [gx, gy]
        }
    }
}
