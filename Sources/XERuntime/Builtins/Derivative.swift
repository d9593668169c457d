import XESyntax
import XETensor

/// The three derivatives xe takes, each in two forms: `grad(e, x)` / `grad(f)`,
/// `jacobian(e, x)` / `jacobian(f)`, `hessian(e, x)` / `hessian(f)`. They nest to any order.
enum Derivative: String, Sendable {
    /// ∂e/∂x for a scalar e: x's shape.
    case grad
    /// J[i, j] = ∂e_i/∂x_j: e's shape followed by x's.
    case jacobian
    /// H[i, j] = ∂²e/∂x_i∂x_j for a scalar e: x's shape twice.
    case hessian

    /// Evaluates `body` (the expression, or the call of the function) with `leaves` as the
    /// tracked variables, and takes the derivative of its result with respect to each.
    /// `grad` and `jacobian` give one value per variable; `hessian` one block per pair.
    func evaluate(_ leaves: [Node], at location: SourceLocation, in interpreter: Interpreter, _ body: () throws -> Value) throws -> [Value] {
        // Sweeps record their graph when an enclosing differentiation differentiates again.
        let enclosing = DTensor.differentiationDepth > 0
        do {
            switch self {
            case .grad:
                return try DTensor.differentiating {
                    try interpreter.gradients(of: try body(), withRespectTo: leaves, at: location)
                }
            case .jacobian:
                return try DTensor.differentiating {
                    let result = try body()
                    guard let out = result.dtensor else {
                        throw XEError.type("jacobian needs a numeric expression, but it gave \(result.kindDescription)", at: location)
                    }
                    return try leaves.map { Value(try DTensor.jacobian(of: out, withRespectTo: $0, createGraph: enclosing)) }
                }
            case .hessian:
                return try DTensor.differentiating(levels: 2) {
                    let gradients = try interpreter.gradients(of: try body(), withRespectTo: leaves, at: location, by: "hessian")
                    return try gradients.map { g in
                        let rows = try leaves.map { Value(try DTensor.jacobian(of: g.dtensor!, withRespectTo: $0, createGraph: enclosing)) }
                        return rows.count == 1 ? rows[0] : .tuple(rows)
                    }
                }
            }
        } catch let error as TensorError {
            throw XEError.wrap(error, at: location)
        }
    }
}
