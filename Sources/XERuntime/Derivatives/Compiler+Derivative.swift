import XESyntax

extension Compiler {
    /// `grad(expr, x, y, ...)` (and `jacobian`, `hessian`): evaluates `expr` with each variable
    /// replaced by a tracked leaf, then sweeps backwards (`Derivative.evaluate`). The variables
    /// get their values back afterwards. Nested in another differentiation, a variable the
    /// outer one tracks gets a leaf that follows it, and the sweep records its graph, so the
    /// result can be differentiated again.
    func compileDerivative(_ derivative: Derivative, _ arguments: [Argument], at location: SourceLocation) throws -> Code {
        let form = derivative.rawValue
        var names: [String] = []
        var reads: [Code] = []
        var stores: [(Frame, Value) -> Void] = []
        for argument in arguments.dropFirst() {
            guard case .name(let name, let at) = argument.value else {
                throw XEError.argument("\(form)(expr, x): x must be the name of a variable, not an expression; assign it to a variable first (e.g. w = ...; \(form)(loss, w))", at: argument.location)
            }
            // Only the last store of a name would be tracked: the first would get a silent zero.
            guard !names.contains(name) else {
                throw XEError.argument("\(form)(expr, x, ...): '\(name)' is named twice; name each variable once", at: argument.location)
            }
            names.append(name)
            reads.append(read(name, at: at))
            stores.append(store(name))
        }
        let expression = try derivative == .grad ? compileGradientRoot(arguments[0].value) : compile(arguments[0].value)
        return { f in
            let originals = try reads.map { try $0(f) }
            let results = try derivative.evaluate(at: originals, naming: { "\(form): '\(names[$0])'" }, at: location) { tracked in
                for (store, value) in zip(stores, tracked) { store(f, value) }
                defer { for (store, value) in zip(stores, originals) { store(f, value) } }
                return try expression(f)
            }
            return results.count == 1 ? results[0] : .tuple(results)
        }
    }

    /// The expression a first-order `grad` differentiates, compiled knowing that its value is
    /// not read (only its graph): a fused region computes the gradient alone, and a call of a
    /// function or loss is told so (`compileOrdinaryCall(gradientRoot:)`). Nested in another
    /// differentiation the fused paths are not taken and the value is computed as usual.
    func compileGradientRoot(_ expr: Expr) throws -> Code {
        if let fused = try compileFused(expr, valueNeeded: false) { return fused }
        guard case .call(let callee, let arguments, let location) = expr else { return try compile(expr) }
        if case .name(let name, _) = callee, case .global = resolve(name),
           Derivative(rawValue: name) != nil || name == "explain" || name == "conventions" {
            return try compile(expr)
        }
        return try compileOrdinaryCall(callee, arguments, at: location, gradientRoot: true)
    }
}
