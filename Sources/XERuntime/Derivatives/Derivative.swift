import XESyntax
import XETensor

/// The three derivatives xe takes, each in two forms: `grad(e, x)` / `grad(f)`,
/// `jacobian(e, x)` / `jacobian(f)`, `hessian(e, x)` / `hessian(f)`. They nest to any order.
///
/// The one way a derivative is taken, whichever the form: the points become tracked variables
/// (`variable(for:)`), the expression or the call is evaluated with them, recording a node per
/// operation (`XETensor`'s `Node`), and backward sweeps give the derivative (`evaluate`). The
/// forms are `Compiler.compileDerivative` (`grad(e, x)`: the variables are names in the frame)
/// and `GradientFunction` (`grad(f)`: the variable is an argument); the built-ins are in
/// `Derivative+Builtins.swift`.
enum Derivative: String, Sendable {
    /// ∂e/∂x for a scalar e: x's shape.
    case grad
    /// J[i, j] = ∂e_i/∂x_j: e's shape followed by x's.
    case jacobian
    /// H[i, j] = ∂²e/∂x_i∂x_j for a scalar e: x's shape twice.
    case hessian

    /// The derivative at `points` of what `body` computes from them: each point becomes a
    /// tracked variable, `body` is evaluated with those (in the order of `points`), and its
    /// result is differentiated with respect to each. `grad` and `jacobian` give one value per
    /// point; `hessian` one block per pair. `naming(i)` names point i in the error for a value
    /// that cannot be differentiated against (a string, a function).
    func evaluate(at points: [Value], naming: (Int) -> String, at location: SourceLocation,
                  _ body: ([Value]) throws -> Value) throws -> [Value] {
        var leaves: [Node] = []
        for (i, point) in points.enumerated() {
            guard let leaf = Derivative.variable(for: point) else {
                throw XEError.type("\(naming(i)) is \(point.kindDescription); gradients are taken with respect to numbers and tensors", at: location)
            }
            leaves.append(leaf)
        }
        return try evaluate(leaves, at: location) { try body(leaves.map { .tracked($0) }) }
    }

    /// The variable a differentiation tracks for `value`: a fresh leaf, or, when an enclosing
    /// differentiation already tracks the value, a node following it (so the outer derivative
    /// flows through the inner one); nil for a value that is not numeric.
    static func variable(for value: Value) -> Node? {
        if case .tracked(let outer) = value { return Node(variableFollowing: outer) }
        return value.tensorValue.map { Node(leaf: $0) }
    }

    /// Evaluates `body` with `leaves` as the tracked variables, and takes the derivative of its
    /// result with respect to each.
    private func evaluate(_ leaves: [Node], at location: SourceLocation, _ body: () throws -> Value) throws -> [Value] {
        // Sweeps record their graph when an enclosing differentiation differentiates again.
        let enclosing = DTensor.differentiationDepth > 0
        do {
            switch self {
            case .grad:
                return try DTensor.differentiating {
                    try Derivative.gradients(of: try body(), withRespectTo: leaves, at: location, by: "grad")
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
                    let gradients = try Derivative.gradients(of: try body(), withRespectTo: leaves, at: location, by: "hessian")
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

    /// The gradients of a scalar result with respect to leaves, as values. Inside an enclosing
    /// differentiation the sweep records its graph, so the gradients can be differentiated again.
    private static func gradients(of result: Value, withRespectTo leaves: [Node], at location: SourceLocation, by name: String) throws -> [Value] {
        guard let out = result.dtensor else {
            throw XEError.type("\(name) needs a numeric expression, but it gave \(result.kindDescription)", at: location)
        }
        guard out.value.count == 1 else {
            throw XEError.type("\(name) needs a scalar expression, but it gave a tensor of shape \(Tensor.describe(shape: out.value.shape)); reduce it first, e.g. \(name)(sum(...), x) or \(name)(mean(...), x)\(name == "grad" ? ", or take jacobian(..., x)" : "")", at: location)
        }
        guard let node = out.node else {
            return leaves.map { Value(Tensor(shape: $0.value.shape, storage: [Double](repeating: 0, count: $0.value.count))) }
        }
        do {
            return try node.gradients(withRespectTo: leaves, createGraph: DTensor.createsGraph).map { Value($0) }
        } catch {
            throw XEError.wrap(error, at: location)
        }
    }
}
