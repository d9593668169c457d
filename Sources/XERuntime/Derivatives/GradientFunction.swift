import XESyntax
import XETensor

/// `grad(f)`, `jacobian(f)` or `hessian(f)` (with `argnum=k`): a function giving that
/// derivative of `f` with respect to its k-th argument.
final class GradientFunction: Callable, @unchecked Sendable {
    let derivative: Derivative
    let function: any Callable
    let argnum: Int

    init(_ derivative: Derivative, of function: any Callable, argnum: Int) {
        self.derivative = derivative
        self.function = function
        self.argnum = argnum
    }

    var name: String { "\(derivative.rawValue)(\(function.name))" }
    var signature: String { "\(derivative.rawValue)(\(function.signature)\(argnum == 0 ? "" : ", argnum=\(argnum)"))" }
    var help: String { "\(signature)\n  the \(derivative == .grad ? "gradient" : derivative.rawValue) of \(function.name) with respect to argument \(argnum)" }

    /// The derivative of `f` at the arguments, with respect to argument `argnum`.
    func call(_ arguments: Arguments, in interpreter: Interpreter, at location: SourceLocation) throws -> Value {
        guard argnum < arguments.positional.count else {
            throw XEError.argument("\(name) differentiates argument \(argnum), but only \(arguments.positional.count) positional argument\(arguments.positional.count == 1 ? " was" : "s were") given", at: location)
        }
        let point = arguments.positional[argnum]
        return try derivative.evaluate(at: [point], naming: { _ in "\(name): argument \(argnum)" }, at: location) { tracked in
            var args = arguments
            args.positional[argnum] = tracked[0]
            return try interpreter.call(.function(function), args, at: location)
        }[0]
    }
}
