import XESyntax
import XETensor

/// A function built into xe, with its parameters and help text.
final class Builtin: Callable, @unchecked Sendable {
    let name: String
    let parameters: [ParameterSpec]
    /// Whether it takes any number of further positional arguments (`print`, `plot`).
    let variadic: Bool
    /// Whether it takes keyword arguments of any name (`save("f.npz", logits=Z)`).
    let namedRest: Bool
    /// One line for listings, then the formula and an example.
    let documentation: HelpText
    let body: (BuiltinCall) throws -> Value

    init(_ name: String, _ parameters: [ParameterSpec], variadic: Bool = false, namedRest: Bool = false, summary: String, details: String = "",
         body: @escaping (BuiltinCall) throws -> Value) {
        self.name = name
        self.parameters = parameters
        self.variadic = variadic
        self.namedRest = namedRest
        self.documentation = HelpText(summary: summary, details: details)
        self.body = body
    }

    /// One line for listings.
    var summary: String { documentation.summary }

    var signature: String {
        var list = parameters.filter { !$0.keywordOnly }.map(Builtin.display)
        if variadic { list.append("...") }
        list += parameters.filter(\.keywordOnly).map(Builtin.display)
        if namedRest { list.append("name=x, ...") }
        return "\(name)(" + list.joined(separator: ", ") + ")"
    }

    /// `x`, `axis=none`, `reduction="mean"`.
    static func display(_ p: ParameterSpec) -> String {
        if p.required { return p.name }
        guard let d = p.defaultValue else { return "\(p.name)=none" }
        if case .string(let s) = d { return "\(p.name)=\"\(s)\"" }
        if case .number(let x) = d { return "\(p.name)=\(Tensor.format(x))" }
        return p.name
    }

    var help: String { documentation.text(under: signature) }

    func call(_ arguments: Arguments, in interpreter: Interpreter, at location: SourceLocation) throws -> Value {
        var arguments = arguments
        var named: [(name: String, value: Value)] = []
        if namedRest {
            named = arguments.keywords.filter { k in !parameters.contains { $0.name == k.name } }
            arguments.keywords.removeAll { k in !parameters.contains { $0.name == k.name } }
        }
        let (bound, rest) = try arguments.bind(to: parameters, function: name, signature: signature, variadic: variadic)
        let call = BuiltinCall(name: name, bound: bound, rest: rest, named: named, interpreter: interpreter, location: location)
        do {
            return try body(call)
        } catch let e as TensorError {
            throw XEError.wrap(e, at: location)
        }
    }
}
