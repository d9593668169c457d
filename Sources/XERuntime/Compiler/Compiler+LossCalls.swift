import XELosses
import XESyntax
import XETensor

extension Compiler {
    /// The call of a loss written inside `explain(...)` or `conventions(...)`: a closure that
    /// evaluates the callee, checks it is a loss, and evaluates the call's arguments once.
    func compileLossCall(_ callee: Expr, _ arguments: [Argument], at location: SourceLocation, in form: String) throws -> (Frame) throws -> (LossCallable, Arguments) {
        let function = try compile(callee)
        let codes = try arguments.map { (label: $0.label, code: try compile($0.value)) }
        return { f in
            guard case .function(let fn) = try function(f), let loss = fn as? LossCallable else {
                throw XEError.type("\(form) works on a call of a loss, such as \(form)(bce(y, p)); this call is not of a loss (see :losses)", at: location)
            }
            var positional: [Value] = []
            var keywords: [(name: String, value: Value)] = []
            for (label, code) in codes {
                if let label { keywords.append((label, try code(f))) } else { positional.append(try code(f)) }
            }
            return (loss, Arguments(positional, keywords: keywords))
        }
    }

    /// `conventions(loss(args...))`: evaluates the loss's arguments once and prints the value
    /// of the call under each framework's rules, with the rule that makes each differ.
    func compileConventions(_ callee: Expr, _ arguments: [Argument], at location: SourceLocation, text: String) throws -> Code {
        let interpreter = self.interpreter
        let call = try compileLossCall(callee, arguments, at: location, in: "conventions")
        return { f in
            let (loss, given) = try call(f)
            let bound = try loss.bind(given, resolving: false)
            do {
                interpreter.output(try ConventionTable.text(loss.loss, bound, call: text) + "\n")
            } catch let e as TensorError {
                throw XEError.wrap(e, at: location)
            }
            return .none
        }
    }
}
