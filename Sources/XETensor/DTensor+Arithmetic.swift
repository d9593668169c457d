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

    /// Shorthands for gradient rules, which only combine tensors of compatible shapes.
    static func mul(_ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor { try zip(a, b, operation: "'*'", *) }
    static func div(_ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor { try zip(a, b, operation: "'/'", /) }
    static func add(_ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor { try zip(a, b, operation: "'+'", +) }
    static func sub(_ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor { try zip(a, b, operation: "'-'", -) }
}

extension DTensor {
    /// `a op b` with broadcasting; the arithmetic operators carry gradients, comparisons and
    /// logic do not.
    public static func binary(_ op: ArithmeticOperator, _ a: DTensor, _ b: DTensor) throws(TensorError) -> DTensor {
        var value = try Tensor.elementwise(op, a.value, b.value)
        if !op.isDifferentiable { value.isBoolean = true }  // comparisons and logic: truth values
        guard op.isDifferentiable, a.isTracked || b.isTracked else { return DTensor(value) }
        let x = a.value, y = b.value
        let needA = a.isTracked, needB = b.isTracked
        return record(value, [a, b]) { (g) throws(TensorError) -> [Tensor?] in
            switch op {
            case .add:
                return [needA ? g.reduced(toShape: x.shape) : nil, needB ? g.reduced(toShape: y.shape) : nil]
            case .subtract:
                return [needA ? g.reduced(toShape: x.shape) : nil, needB ? g.map { -$0 }.reduced(toShape: y.shape) : nil]
            case .multiply:
                return [
                    needA ? try Tensor.mul(g, y).reduced(toShape: x.shape) : nil,
                    needB ? try Tensor.mul(g, x).reduced(toShape: y.shape) : nil,
                ]
            case .divide:
                // d(x/y)/dx = 1/y, d(x/y)/dy = -x/y²
                return [
                    needA ? try Tensor.div(g, y).reduced(toShape: x.shape) : nil,
                    needB ? try Tensor.mul(g, Tensor.zip(x, y, operation: "'/'") { -$0 / ($1 * $1) }).reduced(toShape: y.shape) : nil,
                ]
            case .power:
                // d(x^y)/dx = y·x^(y-1); d(x^y)/dy = x^y·log x (0 where x = 0, as PyTorch)
                var gx: Tensor?
                var gy: Tensor?
                if needA {
                    let d = try Tensor.zip(x, y, operation: "'^'") { base, e in
                        e == 0 ? 0 : (e == 2 ? 2 * base : (e == 1 ? 1 : e * Glibc.pow(base, e - 1)))
                    }
                    gx = try Tensor.mul(g, d).reduced(toShape: x.shape)
                }
                if needB {
                    let d = try Tensor.zip(x, y, operation: "'^'") { base, e in
                        base == 0 ? 0 : Glibc.pow(base, e) * Glibc.log(base)
                    }
                    gy = try Tensor.mul(g, d).reduced(toShape: y.shape)
                }
                return [gx, gy]
            default:
                return [nil, nil]
            }
        }
    }

    /// `-a`.
    public static func negate(_ a: DTensor) -> DTensor {
        record(a.value.map { -$0 }, [a]) { g in [g.map { -$0 }] }
    }

    /// The matrix product `a @ b` (`numpy.matmul`: vectors, matrices and stacks of them).
    /// With a vector made a row (left) or column (right) and the result shaped to match:
    /// ∂/∂a = g·bᵀ and ∂/∂b = aᵀ·g per matrix of the stack, summed over the leading axes that
    /// were broadcast.
    public static func matmul(_ a: DTensor, _ b: DTensor) throws(TensorError) -> DTensor {
        let value = try Tensor.matmul(a.value, b.value)
        let x = a.value, y = b.value
        let needA = a.isTracked, needB = b.isTracked
        return record(value, [a, b]) { (g) throws(TensorError) -> [Tensor?] in
            let x1 = x.rank == 1 ? try x.reshaped([1] + x.shape) : x
            let y1 = y.rank == 1 ? try y.reshaped(y.shape + [1]) : y
            var gShape = g.shape
            if x.rank == 1 { gShape.insert(1, at: gShape.count - (y.rank == 1 ? 0 : 1)) }
            if y.rank == 1 { gShape.append(1) }
            let g1 = try g.reshaped(gShape)
            let gx = needA ? try Tensor.matmul(g1, y1.swappingLastAxes()).reduced(toShape: x1.shape).reshaped(x.shape) : nil
            let gy = needB ? try Tensor.matmul(x1.swappingLastAxes(), g1).reduced(toShape: y1.shape).reshaped(y.shape) : nil
            return [gx, gy]
        }
    }
}
