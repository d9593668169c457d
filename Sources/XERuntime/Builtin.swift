import XESyntax
import XETensor

/// A function built into xe, with its parameters and help text.
final class Builtin: Callable, @unchecked Sendable {
    let name: String
    let parameters: [ParameterSpec]
    /// Whether it takes any number of further positional arguments (`print`, `plot`).
    let variadic: Bool
    /// One line for listings.
    let summary: String
    /// The formula and an example.
    let details: String
    let body: (BuiltinCall) throws -> Value

    init(_ name: String, _ parameters: [ParameterSpec], variadic: Bool = false, summary: String, details: String = "",
         body: @escaping (BuiltinCall) throws -> Value) {
        self.name = name
        self.parameters = parameters
        self.variadic = variadic
        self.summary = summary
        self.details = details
        self.body = body
    }

    var signature: String {
        var list = parameters.filter { !$0.keywordOnly }.map(Builtin.display)
        if variadic { list.append("...") }
        list += parameters.filter(\.keywordOnly).map(Builtin.display)
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

    var help: String {
        var text = "\(signature)\n  \(summary)"
        if !details.isEmpty {
            text += "\n" + details.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
        }
        return text
    }

    func call(_ arguments: Arguments, in interpreter: Interpreter, at location: SourceLocation) throws -> Value {
        let (bound, rest) = try arguments.bind(to: parameters, function: name, signature: signature, variadic: variadic)
        let call = BuiltinCall(name: name, bound: bound, rest: rest, interpreter: interpreter, location: location)
        do {
            return try body(call)
        } catch let e as TensorError {
            throw XEError.wrap(e, at: location)
        }
    }
}

/// The bound arguments of one built-in call, with checked accessors.
struct BuiltinCall {
    let name: String
    let bound: [Value?]
    let rest: [Value]
    let interpreter: Interpreter
    let location: SourceLocation

    func value(_ i: Int) -> Value? { bound[i] }

    func tensor(_ i: Int, _ what: String = "argument") throws -> DTensor {
        guard let v = bound[i] else { throw XEError.argument("\(name)() needs its argument \(i + 1)", at: location) }
        guard let t = v.dtensor else {
            throw XEError.type("\(name)(): the \(what) must be a number or tensor, not \(v.kindDescription)", at: location)
        }
        return t
    }

    func number(_ i: Int, _ what: String) throws -> Double {
        let t = try tensor(i, what).value
        guard t.count == 1 else {
            throw XEError.type("\(name)(): \(what) must be a single number, not a tensor of shape \(Tensor.describe(shape: t.shape))", at: location)
        }
        return t.storage[0]
    }

    func integer(_ i: Int, _ what: String) throws -> Int {
        try Interpreter.integer(try number(i, what), what: "\(name)(): \(what)", at: location)
    }

    /// An optional axis (nil when not given).
    func axis(_ i: Int) throws -> Int? {
        guard let v = bound[i] else { return nil }
        return try Interpreter.integer(v, what: "\(name)(): axis", at: location)
    }

    func flag(_ i: Int) throws -> Bool {
        guard bound[i] != nil else { return false }
        return try number(i, "the flag") != 0
    }

    func string(_ i: Int, _ what: String) throws -> String {
        guard case .string(let s)? = bound[i] else {
            throw XEError.type("\(name)(): \(what) must be a string, not \(bound[i]?.kindDescription ?? "nothing")", at: location)
        }
        return s
    }

    func function(_ i: Int) throws -> any Callable {
        guard case .function(let f)? = bound[i] else {
            throw XEError.type("\(name)(): expected a function, not \(bound[i]?.kindDescription ?? "nothing"); write a lambda such as () -> bce(y, p)", at: location)
        }
        return f
    }

    /// A shape: a vector such as [2, 3], or one number for a vector.
    func shape(_ i: Int) throws -> [Int] {
        guard let v = bound[i] else { return [] }
        guard let t = v.tensorValue, t.rank <= 1 else {
            throw XEError.type("\(name)(): a shape is a vector such as [2, 3] or a single number, not \(v.kindDescription)", at: location)
        }
        let dims = try t.storage.map { try Interpreter.integer($0, what: "\(name)(): a dimension", at: location) }
        for d in dims where d < 0 {
            throw XEError.type("\(name)(): dimensions cannot be negative (got \(d))", at: location)
        }
        do {
            _ = try Tensor.elementCount(dims)
        } catch {
            throw XEError.wrap(error, at: location)
        }
        return dims
    }
}
