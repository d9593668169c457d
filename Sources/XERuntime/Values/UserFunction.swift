import CXEShim
import XESyntax

/// A function or lambda defined in xe, with the frame it was defined in.
final class UserFunction: Callable, @unchecked Sendable {
    let template: FunctionTemplate
    let captured: Frame

    init(template: FunctionTemplate, captured: Frame) {
        self.template = template
        self.captured = captured
    }

    var name: String { template.name }
    var signature: String { template.signature }

    var help: String {
        var text = signature
        if let doc = template.doc { text += "\n  " + doc.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n  ") }
        let place = template.location
        text += "\n  defined at \(place)"
        return text
    }

    func call(_ arguments: Arguments, in interpreter: Interpreter, at location: SourceLocation) throws -> Value {
        let t = template
        let root = interpreter.takeGradientRoot()
        // Counted before the arguments are bound: a default may call the function again.
        interpreter.callDepth += 1
        defer { interpreter.callDepth -= 1 }
        if interpreter.callDepth > Interpreter.maxCallDepth {
            throw XEError(.limit("recursion is too deep (more than \(Interpreter.maxCallDepth) nested calls); is there a recursive function without a base case?"), at: location)
        }
        let frame = Frame(count: t.slotCount, parent: captured)
        frame.givesGradientRoot = root
        let n = t.parameters.count
        if arguments.keywords.isEmpty, arguments.positional.count == n {
            for i in 0..<n { frame.slots[i] = arguments.positional[i] }
        } else {
            guard arguments.positional.count <= n else {
                throw XEError.argument("\(t.name)() takes \(n) argument\(n == 1 ? "" : "s") but \(arguments.positional.count) were given; its parameters: \(t.signature)", at: location)
            }
            for (i, v) in arguments.positional.enumerated() { frame.slots[i] = v }
            for (name, v) in arguments.keywords {
                guard let i = t.parameters.firstIndex(of: name) else {
                    let hint = Suggestions.closest(to: name, among: t.parameters).map { " did you mean '\($0)'?" } ?? ""
                    throw XEError.argument("\(t.name)() has no parameter '\(name)';\(hint) its parameters: \(t.signature)", at: location)
                }
                guard frame.slots[i] == nil else {
                    throw XEError.argument("\(t.name)() got two values for '\(name)'; its parameters: \(t.signature)", at: location)
                }
                frame.slots[i] = v
            }
            for i in 0..<n where frame.slots[i] == nil {
                guard let d = t.defaults[i] else {
                    throw XEError.argument("\(t.name)() is missing the argument '\(t.parameters[i])'; its parameters: \(t.signature)", at: location)
                }
                frame.slots[i] = try d(frame)
            }
        }
        if xe_interrupted() != 0 { throw XEError(.interrupted, at: location) }
        do {
            return try t.body(frame)
        } catch ControlFlow.returning(let value) {
            return value
        } catch var error as XEError {
            // The message then says where the failing function was called from.
            error.passed(through: location)
            throw error
        }
    }
}
