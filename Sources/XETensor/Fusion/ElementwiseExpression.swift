import XESyntax

/// An expression of elementwise operations over leaf tensors (numbered from 0), evaluated in
/// one fused pass by `DTensor.fused`: the meaning is that of the same operations applied one
/// at a time (`DTensor.binary`, `negate`, `apply`, `clip`, `extremum`, `softplus`,
/// `weighting`).
public indirect enum ElementwiseExpression: Sendable, Equatable {
    case leaf(Int)
    /// Arithmetic (`+ - * / ^`) and comparisons; `@` is not fused.
    case binary(BinaryOperator, ElementwiseExpression, ElementwiseExpression)
    case negate(ElementwiseExpression)
    /// `not x`: 1 where x is 0, else 0.
    case not(ElementwiseExpression)
    case apply(UnaryFunction, ElementwiseExpression)
    case clip(ElementwiseExpression, ElementwiseExpression, ElementwiseExpression)
    case extremum(ElementwiseExpression, ElementwiseExpression, maximum: Bool)
    /// `DTensor.softplus`: log(1 + eˣ), stable; ∂ = σ(x).
    case softplus(ElementwiseExpression)
    /// `DTensor.weighting(w, x)`: w·x with 0·x = 0 even where x is infinite.
    case weighting(ElementwiseExpression, ElementwiseExpression)

    /// The expression evaluated an operation at a time over `leaves` — the meaning the fused
    /// pass keeps — differentiable to any order.
    public func evaluated(_ leaves: [DTensor]) throws(TensorError) -> DTensor {
        switch self {
        case .leaf(let k): return leaves[k]
        case .binary(let op, let a, let b): return try DTensor.binary(op, a.evaluated(leaves), b.evaluated(leaves))
        case .negate(let a): return DTensor.negate(try a.evaluated(leaves))
        case .not(let a): return DTensor.unary(.not, try a.evaluated(leaves))
        case .apply(let f, let a): return DTensor.apply(f, try a.evaluated(leaves))
        case .clip(let a, let b, let c): return try DTensor.clip(a.evaluated(leaves), b.evaluated(leaves), c.evaluated(leaves))
        case .extremum(let a, let b, let maximum): return try DTensor.extremum(a.evaluated(leaves), b.evaluated(leaves), maximum: maximum)
        case .softplus(let a): return DTensor.softplus(try a.evaluated(leaves))
        case .weighting(let w, let a): return try DTensor.weighting(w.evaluated(leaves), a.evaluated(leaves))
        }
    }

    /// The same expression with leaf k read as leaf k + `offset`.
    public func offsettingLeaves(by offset: Int) -> ElementwiseExpression {
        switch self {
        case .leaf(let k): return .leaf(k + offset)
        case .binary(let op, let a, let b): return .binary(op, a.offsettingLeaves(by: offset), b.offsettingLeaves(by: offset))
        case .negate(let a): return .negate(a.offsettingLeaves(by: offset))
        case .not(let a): return .not(a.offsettingLeaves(by: offset))
        case .apply(let f, let a): return .apply(f, a.offsettingLeaves(by: offset))
        case .clip(let a, let b, let c): return .clip(a.offsettingLeaves(by: offset), b.offsettingLeaves(by: offset), c.offsettingLeaves(by: offset))
        case .extremum(let a, let b, let maximum): return .extremum(a.offsettingLeaves(by: offset), b.offsettingLeaves(by: offset), maximum: maximum)
        case .softplus(let a): return .softplus(a.offsettingLeaves(by: offset))
        case .weighting(let w, let a): return .weighting(w.offsettingLeaves(by: offset), a.offsettingLeaves(by: offset))
        }
    }

    /// The number of operations (leaves not counted).
    public var operationCount: Int {
        switch self {
        case .leaf: return 0
        case .binary(_, let a, let b), .extremum(let a, let b, _), .weighting(let a, let b): return 1 + a.operationCount + b.operationCount
        case .negate(let a), .not(let a), .apply(_, let a), .softplus(let a): return 1 + a.operationCount
        case .clip(let a, let b, let c): return 1 + a.operationCount + b.operationCount + c.operationCount
        }
    }
}

/// What a fused expression feeds: its elementwise result, or its sum or mean over every
/// element (`axis` nil) or along `axis` (the first or the last of the result's axes, or one
/// with only axes of length 1 before or after it; negative counts from the end).
public enum FusedReduction: Sendable, Equatable {
    case none
    case reduce(mean: Bool, axis: Int?, keepdims: Bool)
}

/// A range check of SPEC §4 on leaf `leaf` of a fused expression: every element in [lo, hi],
/// NaN refused (`DTensor.fused(checks:)`), made on each block as the pass reads it.
public struct FusedRangeCheck: Sendable, Equatable {
    public var leaf: Int
    public var lo: Double
    public var hi: Double

    public init(leaf: Int, lo: Double, hi: Double) {
        self.leaf = leaf
        self.lo = lo
        self.hi = hi
    }
}
