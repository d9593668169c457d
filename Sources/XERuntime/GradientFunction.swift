import XESyntax
import XETensor

/// `grad(f)` or `grad(f, argnum=k)`: a function giving the gradient of `f` with respect to
/// its k-th argument.
final class GradientFunction: Callable, @unchecked Sendable {
    let function: any Callable
    let argnum: Int

    init(function: any Callable, argnum: Int) {
        self.function = function
        self.argnum = argnum
    }

    var name: String { "grad(\(function.name))" }
    var signature: String { "grad(\(function.signature)\(argnum == 0 ? "" : ", argnum=\(argnum)"))" }
    var help: String { "\(signature)\n  the gradient of \(function.name) with respect to argument \(argnum)" }

    func call(_ arguments: Arguments, in interpreter: Interpreter, at location: SourceLocation) throws -> Value {
        guard argnum < arguments.positional.count else {
            throw XEError.argument("\(name) differentiates argument \(argnum), but only \(arguments.positional.count) positional argument\(arguments.positional.count == 1 ? " was" : "s were") given", at: location)
        }
        var args = arguments
        let x = args.positional[argnum]
        guard let t = x.tensorValue else {
            throw XEError.type("\(name): argument \(argnum) is \(x.kindDescription); gradients are taken with respect to numbers and tensors", at: location)
        }
        let leaf = Node(leaf: t)
        args.positional[argnum] = .tracked(leaf)
        let result = try interpreter.call(.function(function), args, at: location)
        return try interpreter.gradients(of: result, withRespectTo: [leaf], at: location)[0]
    }
}
