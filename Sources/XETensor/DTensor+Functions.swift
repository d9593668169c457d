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
        let result = record(y, [a]) { (g, result) throws(TensorError) -> [DTensor?] in
            if DTensor.isRecordingSweep { return [try g * f.derivative(of: a, result: result)] }
            var d = [Double](repeating: 0, count: x.count)
            for i in 0..<x.count { d[i] = g.value.storage[i] * f.derivative(x.storage[i], y.storage[i]) }
            return [DTensor(Tensor(shape: x.shape, storage: d))]
        }
        result.node?.producer = f
        return result
    }

    /// softplus(x) = log(1 + eˣ), computed as max(x, 0) + log(1 + e^−|x|) (finite for any finite
    /// x, +inf at +inf, 0 at −inf); ∂ = g·σ(x). One smooth operation, so its second derivative
    /// σ(x)(1 − σ(x)) holds at x = 0 too (the max and |x| of the stable form have kinks there
    /// whose second derivatives op by op would be lost).
    public static func softplus(_ a: DTensor) -> DTensor {
        let value = a.value.map { x in x.isNaN ? x : Swift.max(x, 0) + Glibc.log1p(Glibc.exp(-Swift.abs(x))) }
        return record(value, [a]) { (g, _) throws(TensorError) -> [DTensor?] in [try g * apply(.sigmoid, a)] }
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

    /// x·log(y) elementwise with 0·log(y) = 0 (scipy's and PyTorch's `xlogy`);
    /// ∂/∂x = log y, ∂/∂y = x/y, both 0 where x = y = 0.
    public static func xLogY(_ x: DTensor, _ y: DTensor) throws(TensorError) -> DTensor {
        let value = try Tensor.zip(x.value, y.value, operation: "x·log y") { a, b in a == 0 && !b.isNaN ? 0 : a * Glibc.log(b) }
        let xv = x.value, yv = y.value
        return record(value, [x, y]) { (g, _) throws(TensorError) -> [DTensor?] in
            // Where x = y = 0 both partials are 0: log y and x/y are taken at y = 1 there.
            let safeY = try y + mask(xv, yv, "x·log y") { a, b in a == 0 && b == 0 }
            return [try (g * safeY.log).sum(toShape: xv.shape), try (g * x / safeY).sum(toShape: yv.shape)]
        }
    }

    /// w·x elementwise with 0·x = 0 even where x is infinite: a term with zero weight drops out
    /// (a loss's limit at an infinite logit, never 0·∞ = NaN); ∂/∂w = x, ∂/∂x = w.
    public static func weighting(_ w: DTensor, _ x: DTensor) throws(TensorError) -> DTensor {
        let value = try Tensor.zip(w.value, x.value, operation: "weighting") { a, b in a == 0 && !b.isNaN ? 0 : a * b }
        let sw = w.shape, sx = x.shape
        return record(value, [w, x]) { (g, _) throws(TensorError) -> [DTensor?] in
            [try (g * x).sum(toShape: sw), try weighting(w, g).sum(toShape: sx)]
        }
    }
}
