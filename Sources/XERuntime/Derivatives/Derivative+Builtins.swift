extension Builtins {
    /// `grad`, `jacobian` and `hessian` called as functions: `grad(f)` gives the derivative of
    /// the function f. `grad(expr, x)`, which takes its first argument unevaluated, is compiled
    /// (`Compiler.compileDerivative`); these entries give both forms their help.
    static let derivatives: [Builtin] = [
        Builtin("grad", [ParameterSpec("f", required: true), ParameterSpec("argnum", default: .number(0))],
                summary: "grad(expr, x, ...): the gradient of a scalar expression; grad(f): the gradient function of f",
                details: """
                Forms: grad(expr, x) has x's shape; grad(expr, x, y) is a tuple (gx, gy);
                grad(f) is a function giving ∂f/∂(first argument); grad(f, argnum=k) for argument k.
                The gradient of a mean over n carries the 1/n. Kinks as PyTorch: clip passes where
                lo ≤ x ≤ hi, abs'(0) = 0, max and min split ties evenly.
                Nests to any order: grad(grad(x^3, x), x) is 6x; grad(grad(f)) is f''. An inner grad's
                variable is its own, even when an outer grad differentiates the same name.
                Example: x = [1, 2, 3]; grad(sum(x^2), x)  →  [2, 4, 6]
                """) { call in try derivativeFunction(.grad, call) },
        Builtin("jacobian", [ParameterSpec("f", required: true), ParameterSpec("argnum", default: .number(0))],
                summary: "jacobian(expr, x): J[i, j] = ∂expr_i/∂x_j, shape of expr then shape of x; jacobian(f): a function",
                details: """
                Formula: J[i..., j...] = ∂e[i...]/∂x[j...]; its shape is e's shape followed by x's.
                A scalar e gives the gradient; jacobian(e, x, y) is a tuple. One backward sweep per
                element of e. jacobian(f) / jacobian(f, argnum=k) is a function, as grad(f).
                Example: z = [1, 2]; jacobian(softmax(z), z)  →  diag(s) - s sᵀ
                  [[0.196611933241482, -0.196611933241482], [-0.196611933241482, 0.196611933241482]]
                """) { call in try derivativeFunction(.jacobian, call) },
        Builtin("hessian", [ParameterSpec("f", required: true), ParameterSpec("argnum", default: .number(0))],
                summary: "hessian(expr, x): H[i, j] = ∂²expr/∂x_i∂x_j of a scalar expr, shape of x twice; hessian(f): a function",
                details: """
                Formula: H[i..., j...] = ∂²e/∂x[i...]∂x[j...] = jacobian(grad(e, x), x); symmetric for a
                smooth e. hessian(e, x, y) is a tuple of tuples of blocks ((Hxx, Hxy), (Hyx, Hyy)).
                hessian(f) / hessian(f, argnum=k) is a function. A native plugin loss gives its first
                derivative only, so hessian of it is an error.
                Example: z = [0.5, -1]; hessian(bce_logits([1, 0], z), z)  →  diag(σ(z)(1 - σ(z)) / 2)
                  [[0.117501856100797, 0], [0, 0.0983059666207412]]
                """) { call in try derivativeFunction(.hessian, call) },
    ]

    /// `grad(f)`, `jacobian(f)`, `hessian(f)`, with `argnum=k`.
    static func derivativeFunction(_ derivative: Derivative, _ call: BuiltinCall) throws -> Value {
        let f = try call.function(0)
        let k = try call.integer(1, "argnum")
        guard k >= 0 else { throw XEError.argument("\(derivative.rawValue)(): argnum cannot be negative", at: call.location) }
        return .function(GradientFunction(derivative, of: f, argnum: k))
    }
}
