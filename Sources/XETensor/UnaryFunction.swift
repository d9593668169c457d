import Glibc

/// An elementwise function of one tensor.
public enum UnaryFunction: String, Sendable, CaseIterable {
    case log, exp, sqrt, abs, sigmoid, log1p, tanh, relu

    /// f(x).
    @inlinable
    public func apply(_ x: Double) -> Double {
        switch self {
        case .log: return Glibc.log(x)
        case .exp: return Glibc.exp(x)
        case .sqrt: return Glibc.sqrt(x)
        case .abs: return Swift.abs(x)
        case .sigmoid: return UnaryFunction.sigmoid(x)
        case .log1p: return Glibc.log1p(x)
        case .tanh: return Glibc.tanh(x)
        case .relu: return x > 0 ? x : (x.isNaN ? x : 0)
        }
    }

    /// σ(x) = 1 / (1 + e^-x), computed without overflow for either sign.
    @inlinable
    public static func sigmoid(_ x: Double) -> Double {
        if x >= 0 { return 1 / (1 + Glibc.exp(-x)) }
        let e = Glibc.exp(x)
        return e / (1 + e)
    }

    /// f'(x) given x and y = f(x).
    @inlinable
    public func derivative(_ x: Double, _ y: Double) -> Double {
        switch self {
        case .log: return 1 / x
        case .exp: return y
        case .sqrt: return 0.5 / y
        case .abs: return x > 0 ? 1 : (x < 0 ? -1 : 0)
        case .sigmoid: return y * (1 - y)
        case .log1p: return 1 / (1 + x)
        case .tanh: return (1 + y) * (1 - y)
        case .relu: return x > 0 ? 1 : 0
        }
    }

    /// f'(x) as differentiable operations on x and y = f(x), for derivatives of higher order:
    /// log' = 1/x, exp' = y, sqrt' = 1/(2y), abs' = sign x, σ' = y(1−y), log1p' = 1/(1+x),
    /// tanh' = (1 + y)(1 − y) (that is 1 − y², without the cancellation of y² near |y| = 1; JAX's
    /// form), relu' = [x > 0]. The same derivative as `derivative(_:_:)`.
    public func derivative(of x: DTensor, result y: DTensor) throws(TensorError) -> DTensor {
        switch self {
        case .log: return try 1 / x
        case .exp: return y
        case .sqrt: return try 0.5 / y
        case .abs: return DTensor(x.value.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) })
        case .sigmoid: return try y * (1 - y)
        case .log1p: return try 1 / (1 + x)
        case .tanh: return try (1 + y) * (1 - y)
        case .relu: return DTensor(x.value.map { $0 > 0 ? 1 : 0 })
        }
    }
}
