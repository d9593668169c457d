import Glibc
import XETensor

extension Builtins {
    /// The built-in of a function applied elementwise, its help from its formula, derivative and an example.
    static func elementwise(_ f: UnaryFunction, _ summary: String, formula: String, derivative: String, example: String) -> Builtin {
        Builtin(f.rawValue, [x()], summary: summary, details: "Formula: \(formula); d/dx = \(derivative)\nExample: \(example)") { call in
            let t = try call.tensor(0)
            if !t.isTracked, t.value.isScalar { return .number(f.apply(t.value.storage[0])) }
            return Value(DTensor.apply(f, t))
        }
    }

    static let math: [Builtin] = [
        elementwise(.log, "natural logarithm, elementwise", formula: "log(x); log(0) = -inf, log(-1) = nan", derivative: "1/x", example: "log([1, e])  →  [0, 1]"),
        elementwise(.exp, "exponential, elementwise", formula: "exp(x) = e^x", derivative: "e^x", example: "exp(0)  →  1"),
        elementwise(.sqrt, "square root, elementwise", formula: "sqrt(x) = x^(1/2)", derivative: "1/(2·sqrt(x))", example: "sqrt([4, 9])  →  [2, 3]"),
        elementwise(.abs, "absolute value, elementwise", formula: "|x|", derivative: "sign(x), 0 at x = 0", example: "abs([-2, 3])  →  [2, 3]"),
        elementwise(.sigmoid, "logistic sigmoid, elementwise, stable for any x", formula: "σ(x) = 1/(1 + e^-x)", derivative: "σ(x)·(1 - σ(x))", example: "sigmoid(0)  →  0.5"),
        elementwise(.log1p, "log(1 + x), accurate for small x", formula: "log1p(x) = log(1 + x)", derivative: "1/(1 + x)", example: "log1p(1e-10)  →  9.9999999995e-11"),
        elementwise(.tanh, "hyperbolic tangent, elementwise", formula: "tanh(x)", derivative: "1 - tanh(x)²", example: "tanh(0)  →  0"),
        elementwise(.relu, "rectified linear unit, elementwise", formula: "relu(x) = max(x, 0)", derivative: "1 for x > 0, else 0", example: "relu([-1, 2])  →  [0, 2]"),
        Builtin("clip", [x(), ParameterSpec("lo", required: true), ParameterSpec("hi", required: true)],
                summary: "limits x to [lo, hi], elementwise",
                details: "Formula: clip(x, lo, hi) = min(max(x, lo), hi); the gradient passes where lo ≤ x ≤ hi\nExample: clip([-1, 0.5, 2], 0, 1)  →  [0, 0.5, 1]") { call in
            Value(try DTensor.clip(try call.tensor(0), try call.tensor(1, "lower bound"), try call.tensor(2, "upper bound")))
        },
        Builtin("maximum", [x("a"), x("b")], summary: "the larger of a and b, elementwise (broadcasting)",
                details: "Formula: maximum(a, b); at ties the gradient is split evenly\nExample: maximum([1, 5], 3)  →  [3, 5]") { call in
            Value(try DTensor.extremum(try call.tensor(0), try call.tensor(1), maximum: true))
        },
        Builtin("minimum", [x("a"), x("b")], summary: "the smaller of a and b, elementwise (broadcasting)",
                details: "Formula: minimum(a, b); at ties the gradient is split evenly\nExample: minimum([1, 5], 3)  →  [1, 3]") { call in
            Value(try DTensor.extremum(try call.tensor(0), try call.tensor(1), maximum: false))
        },
        Builtin("solve", [x("A"), x("b")], summary: "the solution x of A·x = b (A square), e.g. a Newton step solve(H, g)",
                details: """
                Formula: x = A⁻¹·b by Gaussian elimination with partial pivoting; b is a vector (n) or a matrix (n, k).
                Derivatives: ∂/∂b = A⁻ᵀ·g, ∂/∂A = -(A⁻ᵀ·g)·xᵀ. A singular A is an error.
                Example: solve([[2, 0], [0, 4]], [2, 2])  →  [1, 0.5]
                """) { call in
            Value(try DTensor.solve(try call.tensor(0, "matrix A"), try call.tensor(1, "right-hand side b")))
        },
        Builtin("entropy", [x("p"), ParameterSpec("base", default: .number(2.718281828459045))],
                summary: "Shannon entropy over the last axis, with 0·log 0 = 0",
                details: "Formula: H(p) = -Σ_i p_i·log(p_i) / log(base)\nExample: entropy([0.5, 0.5], base=2)  →  1") { call in
            let p = try call.tensor(0, "distribution p")
            let base = try call.number(1, "base")
            guard base > 0, base != 1 else { throw XEError.argument("entropy(): base must be positive and not 1, not \(Tensor.format(base))", at: call.location) }
            let h = try (-DTensor.xLogY(p, p)).sum(axis: p.value.rank == 0 ? nil : -1)
            return Value(base == Glibc.exp(1.0) ? h : try h / DTensor(scalar: Glibc.log(base)))
        },
    ]
}
