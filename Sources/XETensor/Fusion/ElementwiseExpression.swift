/// An expression of elementwise operations over leaf tensors (numbered from 0), evaluated in
/// one fused pass by `DTensor.fused`: the meaning is that of the same operations applied one
/// at a time (`DTensor.binary`, `negate`, `apply`, `clip`, `extremum`).
public indirect enum ElementwiseExpression: Sendable, Equatable {
    case leaf(Int)
    /// Arithmetic (`+ - * / ^`) and comparisons; `and`/`or` are not fused.
    case binary(ArithmeticOperator, ElementwiseExpression, ElementwiseExpression)
    case negate(ElementwiseExpression)
    /// `not x`: 1 where x is 0, else 0.
    case not(ElementwiseExpression)
    case apply(UnaryFunction, ElementwiseExpression)
    case clip(ElementwiseExpression, ElementwiseExpression, ElementwiseExpression)
    case extremum(ElementwiseExpression, ElementwiseExpression, maximum: Bool)

    /// The number of operations (leaves not counted).
    public var operationCount: Int {
        switch self {
        case .leaf: return 0
        case .binary(_, let a, let b), .extremum(let a, let b, _): return 1 + a.operationCount + b.operationCount
        case .negate(let a), .not(let a), .apply(_, let a): return 1 + a.operationCount
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
