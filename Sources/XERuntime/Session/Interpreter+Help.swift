import XESyntax
import XETensor

extension Interpreter {
    /// The help for a value or a name; the overview for nothing.
    func helpText(for value: Value?, at location: SourceLocation) throws -> String {
        switch value {
        case nil:
            return overview
        case .function(let f)?:
            return f.help + sourceListing(f)
        case .string(let name)?:
            return try helpText(named: name, at: location)
        case let v?:
            return "\(format(v))\n  \(v.kindDescription)"
        }
    }

    /// The help for a name: a built-in, a loss, a variable or a `:command`.
    public func helpText(named name: String, at location: SourceLocation? = nil) throws -> String {
        if let b = Builtins.table[name] { return b.help }
        if let loss = losses.lookup(name) { return loss.help + sourceListing(LossCallable(loss)) }
        if let v = globals.value(of: name) {
            if case .function(let f) = v { return f.help + sourceListing(f) }
            return "\(name) = \(format(v))\n  \(v.kindDescription)"
        }
        if let c = Builtins.constants[name] { return "\(name) = \(Tensor.format(c))\n  a constant" }
        if let topic = SyntaxHelp.topic(name) { return topic.text }
        throw XEError(.unknownName(name, suggestion: Suggestions.closest(to: name, among: knownNames)), at: location)
    }

    /// The source of a user function or script loss, indented under its help; empty for others.
    /// The function's own, whatever name now holds it (`g = f`, then `f` defined again).
    func sourceListing(_ f: any Callable) -> String {
        let template = (f as? UserFunction)?.template ?? ((f as? LossCallable)?.loss as? ScriptLoss)?.function.template
        guard let template, let source = definitionSource(of: template) else { return "" }
        return "\n  source:\n" + source.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    }

    /// The overview of every built-in and loss.
    public var overview: String {
        var lines = ["xe \(Interpreter.version) — losses and their gradients. help(name) or ?name for one function.", ""]
        lines.append("losses:")
        for entry in losses.entries {
            lines.append("  " + pad(entry.loss.name, 14) + entry.loss.summary)
        }
        for (group, builtins) in Builtins.groups {
            lines.append("\(group):")
            for b in builtins { lines.append("  " + pad(b.name, 14) + b.summary) }
        }
        lines.append("special forms: grad(expr, x, ...), jacobian(expr, x, ...), hessian(expr, x, ...), explain(loss(...))")
        lines.append("constants: pi, e, inf, nan; true = 1, false = 0")
        return lines.joined(separator: "\n")
    }

    func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}
