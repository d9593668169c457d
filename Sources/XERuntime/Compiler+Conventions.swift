import XELosses
import XESyntax
import XETensor

extension Compiler {
    /// `conventions(loss(args...))`: evaluates the loss's arguments once and prints the value
    /// of the call under each framework's rules, with the rule that makes each differ.
    func compileConventions(_ callee: Expr, _ arguments: [Argument], at location: SourceLocation, text: String) throws -> Code {
        let interpreter = self.interpreter
        let function = try compile(callee)
        let codes = try arguments.map { (label: $0.label, code: try compile($0.value)) }
        return { f in
            guard case .function(let fn) = try function(f), let loss = fn as? LossCallable else {
                throw XEError.type("conventions works on a call of a loss, such as conventions(bce(y, p)); this call is not of a loss (see :losses)", at: location)
            }
            var positional: [Value] = []
            var keywords: [(name: String, value: Value)] = []
            for (label, code) in codes {
                if let label { keywords.append((label, try code(f))) } else { positional.append(try code(f)) }
            }
            let bound = try loss.bind(Arguments(positional, keywords: keywords), resolving: false)
            do {
                interpreter.output(try ConventionTable.text(loss.loss, bound, call: text) + "\n")
            } catch let e as TensorError {
                throw XEError.wrap(e, at: location)
            }
            return .none
        }
    }
}
