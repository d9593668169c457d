import CXEKernels
import Glibc
import XESyntax

// The meaning half of xe's operator table; the syntax half (symbol, precedence, grouping) is
// XESyntax's `Operators.swift`. For each operator: its function on two numbers (`apply`, which
// the compiler's scalar closures and the tensor kernel both inline), its kernel on tensors
// (`Tensor.elementwise`), its opcode in a fused program, and its derivative (`DTensor.binary`),
// the forward pass and the backward rules side by side as in micrograd.

extension BinaryOperator {
    /// Whether the operator works element by element: all but `@`, the matrix product.
    public var isElementwise: Bool { self != .matmul }

    /// Whether the result is truth values (1 or 0, a boolean mask) rather than numbers with a
    /// gradient: the comparisons.
    public var givesTruthValues: Bool { precedence == .comparison }

    /// `a op b` on two numbers: IEEE arithmetic; a comparison gives 1 or 0. `@` has no form on
    /// numbers (it needs vectors or matrices, and callers test `isElementwise`): NaN.
    @inlinable
    public func apply(_ a: Double, _ b: Double) -> Double {
        switch self {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide: return a / b
        case .power: return Glibc.pow(a, b)
        case .equal: return a == b ? 1 : 0
        case .notEqual: return a != b ? 1 : 0
        case .less: return a < b ? 1 : 0
        case .lessEqual: return a <= b ? 1 : 0
        case .greater: return a > b ? 1 : 0
        case .greaterEqual: return a >= b ? 1 : 0
        case .matmul: return .nan
        }
    }

    /// The operation of the fused C kernel (`xe_fused`), or nil for `@`.
    var fusedOpcode: xe_fused_op? {
        switch self {
        case .add: XE_OP_ADD
        case .subtract: XE_OP_SUB
        case .multiply: XE_OP_MUL
        case .divide: XE_OP_DIV
        case .power: XE_OP_POW
        case .equal: XE_OP_EQ
        case .notEqual: XE_OP_NE
        case .less: XE_OP_LT
        case .lessEqual: XE_OP_LE
        case .greater: XE_OP_GT
        case .greaterEqual: XE_OP_GE
        case .matmul: nil
        }
    }
}

extension LogicalOperator {
    /// `a and b`, `a or b` on two numbers (as truth values): 1 or 0.
    @inlinable
    public func apply(_ a: Double, _ b: Double) -> Double {
        switch self {
        case .and: return (a != 0 && b != 0) ? 1 : 0
        case .or: return (a != 0 || b != 0) ? 1 : 0
        }
    }
}

extension UnaryOperator {
    /// `-x`, `+x`, `not x` on a number (`not` gives 1 or 0).
    @inlinable
    public func apply(_ x: Double) -> Double {
        switch self {
        case .negate: return -x
        case .plus: return x
        case .not: return x == 0 ? 1 : 0
        }
    }
}

extension Tensor {
    /// `a op b` elementwise with broadcasting, for every operator but `@` (`Tensor.matmul`):
    /// one loop per operator, with its `apply` inlined (`BinaryOperator.specialise`).
    /// `x^2` and `x^1` with a one-element exponent are a product and a copy, not a `pow`.
    public static func elementwise(_ op: BinaryOperator, _ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor {
        let name = "'\(op.rawValue)'"
        if op == .power, let e = b.scalarValue, b.rank <= a.rank {
            if e == 2 { return try zip(a, b, operation: name) { x, _ in x * x } }
            if e == 1 { return try zip(a, b, operation: name) { x, _ in x } }
        }
        guard let result = try op.specialise(ElementwiseKernel(a: a, b: b, name: name)) else {
            throw .invalid("\(name) is not an elementwise operation")
        }
        return result
    }

    /// The loop of `elementwise` for one operator.
    struct ElementwiseKernel: OperatorSpecialised {
        let a: Tensor, b: Tensor, name: String

        func run<O: FixedOperator>(_: O.Type) throws(TensorError) -> Tensor {
            try Tensor.zip(a, b, operation: name) { O.op.apply($0, $1) }
        }
    }
}

/// An elementwise operator known at compile time, as a type: code generic over it (the tensor
/// loop of `Tensor.elementwise`, the compiler's closures for numbers) is specialised with
/// `BinaryOperator.apply` folded to the operator's one instruction, where a switch on the
/// operator at run time would cost about 10% of a scalar loop.
public protocol FixedOperator {
    static var op: BinaryOperator { get }
}

/// The elementwise operators, one type each.
public enum FixedOperators {
    public enum Add: FixedOperator { @inlinable public static var op: BinaryOperator { .add } }
    public enum Subtract: FixedOperator { @inlinable public static var op: BinaryOperator { .subtract } }
    public enum Multiply: FixedOperator { @inlinable public static var op: BinaryOperator { .multiply } }
    public enum Divide: FixedOperator { @inlinable public static var op: BinaryOperator { .divide } }
    public enum Power: FixedOperator { @inlinable public static var op: BinaryOperator { .power } }
    public enum Equal: FixedOperator { @inlinable public static var op: BinaryOperator { .equal } }
    public enum NotEqual: FixedOperator { @inlinable public static var op: BinaryOperator { .notEqual } }
    public enum Less: FixedOperator { @inlinable public static var op: BinaryOperator { .less } }
    public enum LessEqual: FixedOperator { @inlinable public static var op: BinaryOperator { .lessEqual } }
    public enum Greater: FixedOperator { @inlinable public static var op: BinaryOperator { .greater } }
    public enum GreaterEqual: FixedOperator { @inlinable public static var op: BinaryOperator { .greaterEqual } }
}

/// Work to be done with an elementwise operator fixed at compile time (a generic function
/// cannot be passed as a value in Swift, so the work is a type with one generic method).
public protocol OperatorSpecialised {
    associatedtype Result
    associatedtype Failure: Error
    func run<O: FixedOperator>(_: O.Type) throws(Failure) -> Result
}

extension BinaryOperator {
    /// `work` run with this operator as a `FixedOperator` type; nil for `@`, which is not
    /// elementwise. The one place that turns an operator value into its type.
    @inlinable
    public func specialise<W: OperatorSpecialised>(_ work: W) throws(W.Failure) -> W.Result? {
        switch self {
        case .add: return try work.run(FixedOperators.Add.self)
        case .subtract: return try work.run(FixedOperators.Subtract.self)
        case .multiply: return try work.run(FixedOperators.Multiply.self)
        case .divide: return try work.run(FixedOperators.Divide.self)
        case .power: return try work.run(FixedOperators.Power.self)
        case .equal: return try work.run(FixedOperators.Equal.self)
        case .notEqual: return try work.run(FixedOperators.NotEqual.self)
        case .less: return try work.run(FixedOperators.Less.self)
        case .lessEqual: return try work.run(FixedOperators.LessEqual.self)
        case .greater: return try work.run(FixedOperators.Greater.self)
        case .greaterEqual: return try work.run(FixedOperators.GreaterEqual.self)
        case .matmul: return nil
        }
    }
}

extension DTensor {
    /// `a op b` with broadcasting: the value from `Tensor.elementwise` (or `matmul`), then the
    /// vector–Jacobian product of each operator. Comparisons give truth values and no gradient.
    ///
    /// ∂(a±b) = ±g; ∂(a·b)/∂a = g·b; ∂(a/b)/∂a = g/b, ∂(a/b)/∂b = −g·a/b²;
    /// ∂(a^b)/∂a = g·b·a^(b−1) (0 where b = 0); ∂(a^b)/∂b = g·a^b·log a (0 where a = 0, as PyTorch).
    public static func binary(_ op: BinaryOperator, _ a: DTensor, _ b: DTensor) throws(TensorError) -> DTensor {
        if op == .matmul { return try matmul(a, b) }
        var value = try Tensor.elementwise(op, a.value, b.value)
        if op.givesTruthValues { value.isBoolean = true }
        guard !op.givesTruthValues, a.isTracked || b.isTracked else { return DTensor(value) }
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
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .matmul:
                return [nil, nil]
            }
        }
    }

    /// The first derivatives of `/` and `^` in one fused loop per operand, for a sweep that
    /// records nothing: the same numbers as the differentiable rules in `binary` (the gradient
    /// tests check both), without their temporaries.
    static func firstOrder(_ op: BinaryOperator, _ g: Tensor, _ x: Tensor, _ y: Tensor,
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

    /// `a and b`, `a or b` elementwise: truth values, no gradient.
    public static func logical(_ op: LogicalOperator, _ a: DTensor, _ b: DTensor) throws(TensorError) -> DTensor {
        var value = try Tensor.zip(a.value, b.value, operation: "'\(op.rawValue)'") { op.apply($0, $1) }
        value.isBoolean = true
        return DTensor(value)
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

    /// `-a`, `+a`, `not a`: `not` gives truth values and no gradient.
    public static func unary(_ op: UnaryOperator, _ a: DTensor) -> DTensor {
        switch op {
        case .negate: return negate(a)
        case .plus: return a
        case .not: return DTensor(a.value.map(op.apply).asBoolean)
        }
    }
}
