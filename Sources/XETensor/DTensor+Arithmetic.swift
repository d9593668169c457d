import Glibc

extension Tensor {
    /// `a op b` elementwise with broadcasting, specialised per operator.
    public static func elementwise(_ op: ArithmeticOperator, _ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor {
        let name = "'\(op.rawValue)'"
        switch op {
        case .add: return try zip(a, b, operation: name, +)
        case .subtract: return try zip(a, b, operation: name, -)
        case .multiply: return try zip(a, b, operation: name, *)
        case .divide: return try zip(a, b, operation: name, /)
        case .power:
            if let e = b.scalarValue, b.rank <= a.rank {
                if e == 2 { return try zip(a, b, operation: name) { x, _ in x * x } }
                if e == 1 { return try zip(a, b, operation: name) { x, _ in x } }
            }
            return try zip(a, b, operation: name) { Glibc.pow($0, $1) }
        case .equal: return try zip(a, b, operation: name) { $0 == $1 ? 1 : 0 }
        case .notEqual: return try zip(a, b, operation: name) { $0 != $1 ? 1 : 0 }
        case .less: return try zip(a, b, operation: name) { $0 < $1 ? 1 : 0 }
        case .lessEqual: return try zip(a, b, operation: name) { $0 <= $1 ? 1 : 0 }
        case .greater: return try zip(a, b, operation: name) { $0 > $1 ? 1 : 0 }
        case .greaterEqual: return try zip(a, b, operation: name) { $0 >= $1 ? 1 : 0 }
        case .and, .or: return try zip(a, b, operation: name) { op.apply($0, $1) }
        }
    }
}

extension DTensor {
    /// `a op b` with broadcasting; the arithmetic operators carry gradients, comparisons and
    /// logic do not.
    ///
    /// ∂(a±b) = ±g; ∂(a·b)/∂a = g·b; ∂(a/b)/∂a = g/b, ∂(a/b)/∂b = −g·a/b²;
    /// ∂(a^b)/∂a = g·b·a^(b−1) (0 where b = 0); ∂(a^b)/∂b = g·a^b·log a (0 where a = 0, as PyTorch).
    public static func binary(_ op: ArithmeticOperator, _ a: DTensor, _ b: DTensor) throws(TensorError) -> DTensor {
        var value = try Tensor.elementwise(op, a.value, b.value)
        if !op.isDifferentiable { value.isBoolean = true }  // comparisons and logic: truth values
        guard op.isDifferentiable, a.isTracked || b.isTracked else { return DTensor(value) }
        let needA = a.isTracked, needB = b.isTracked
        let sa = a.shape, sb = b.shape
        return record(value, [a, b]) { (g, result) throws(TensorError) -> [DTensor?] in
            switch op {
            case .add:
                return [needA ? try g.sum(toShape: sa) : nil, needB ? try g.sum(toShape: sb) : nil]
            case .subtract:
                return [needA ? try g.sum(toShape: sa) : nil, needB ? try (-g).sum(toShape: sb) : nil]
            case .multiply:
                return [needA ? try (g * b).sum(toShape: sa) : nil, needB ? try (g * a).sum(toShape: sb) : nil]
            case .divide:
                if !DTensor.isRecordingSweep { return try firstOrder(op, g.value, a.value, b.value, needA, needB) }
                return [needA ? try (g / b).sum(toShape: sa) : nil, needB ? try (-(g * a) / (b * b)).sum(toShape: sb) : nil]
            case .power:
                if !DTensor.isRecordingSweep { return try firstOrder(op, g.value, a.value, b.value, needA, needB) }
                var ga: DTensor?, gb: DTensor?
                if needA {
                    // b·a^(b−1), with the exponent 0 where b = 0 so that 0·0^(−1) is not NaN.
                    let zeroExponent = DTensor(b.value.map { $0 == 0 ? 1 : 0 })
                    let exponent = try b - 1 + zeroExponent
                    ga = try (g * b * a.pow(exponent)).sum(toShape: sa)
                }
                if needB {
                    let zeroBase = DTensor(a.value.map { $0 == 0 ? 1 : 0 })
                    gb = try (g * result * (a + zeroBase).log).sum(toShape: sb)
                }
                return [ga, gb]
            default:
                return [nil, nil]
            }
        }
    }

    /// The first derivatives of `/` and `^` in one fused loop per operand, for a sweep that
    /// records nothing: the same numbers as the differentiable rules in `binary` (the gradient
    /// tests check both), without their temporaries.
    static func firstOrder(_ op: ArithmeticOperator, _ g: Tensor, _ x: Tensor, _ y: Tensor,
                           _ needA: Bool, _ needB: Bool) throws(TensorError) -> [DTensor?] {
        let name = "'\(op.rawValue)'"
        let da: Tensor?, db: Tensor?
        if op == .divide {
            da = needA ? try Tensor.zip(x, y, operation: name) { _, q in 1 / q } : nil
            db = needB ? try Tensor.zip(x, y, operation: name) { p, q in -p / (q * q) } : nil
        } else {
            da = needA ? try Tensor.zip(x, y, operation: name) { base, e in
                e == 0 ? 0 : (e == 2 ? 2 * base : (e == 1 ? 1 : e * Glibc.pow(base, e - 1)))
            } : nil
            db = needB ? try Tensor.zip(x, y, operation: name) { base, e in base == 0 ? 0 : Glibc.pow(base, e) * Glibc.log(base) } : nil
        }
        var result: [DTensor?] = [nil, nil]
        if let da { result[0] = DTensor(try Tensor.zip(g, da, operation: name, *).reduced(toShape: x.shape)) }
        if let db { result[1] = DTensor(try Tensor.zip(g, db, operation: name, *).reduced(toShape: y.shape)) }
        return result
    }

    /// `-a`.
    public static func negate(_ a: DTensor) -> DTensor {
        record(a.value.map { -$0 }, [a]) { g, _ in [-g] }
    }

    /// The matrix product `a @ b` (`numpy.matmul`: vectors, matrices and stacks of them).
    /// With a vector made a row (left) or column (right) and the result shaped to match:
    /// ∂/∂a = g·bᵀ and ∂/∂b = aᵀ·g per matrix of the stack, summed over the leading axes that
    /// were broadcast.
    public static func matmul(_ a: DTensor, _ b: DTensor) throws(TensorError) -> DTensor {
        let value = try Tensor.matmul(a.value, b.value)
        let sa = a.shape, sb = b.shape
        let needA = a.isTracked, needB = b.isTracked
        return record(value, [a, b]) { (g, _) throws(TensorError) -> [DTensor?] in
            let a1 = sa.count == 1 ? try reshape(a, [1] + sa) : a
            let b1 = sb.count == 1 ? try reshape(b, sb + [1]) : b
            var gShape = g.shape
            if sa.count == 1 { gShape.insert(1, at: gShape.count - (sb.count == 1 ? 0 : 1)) }
            if sb.count == 1 { gShape.append(1) }
            let g1 = try reshape(g, gShape)
            let ga = needA ? try reshape(matmul(g1, b1.swappingLastAxes()).sum(toShape: a1.shape), sa) : nil
            let gb = needB ? try reshape(matmul(a1.swappingLastAxes(), g1).sum(toShape: b1.shape), sb) : nil
            return [ga, gb]
        }
    }
}
