import XELosses
import XESyntax
import XETensor

/// What an interactive session asks of the interpreter beyond running code: values at a width,
/// the parameters of a name (keyword completion), the source of a definition (`?f`), a search of
/// every help text (`apropos`, `:help word`), and forgetting the losses a session defined.
extension Interpreter {
    /// A value as the REPL shows it, tensor rows wrapped at element boundaries to `width`
    /// columns and numbers in `style`.
    public func format(_ value: Value, width: Int?, style: NumberStyle) -> String {
        switch value {
        case .number(let x): return Tensor.format(x, style: style)
        case .tensor(let t): return t.description(width: width, style: style)
        case .tracked(let n): return n.value.description(width: width, style: style)
        case .tuple(let items):
            return "(" + items.map { format($0, width: width, style: style) }.joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
        default: return format(value)
        }
    }

    /// The parameter names of the function, loss or user function called `name` (empty when
    /// `name` is not callable).
    public func parameterNames(of name: String) -> [String] {
        if let value = globals.value(of: name) {
            guard case .function(let f) = value else { return [] }
            return parameterNames(of: f)
        }
        if let b = Builtins.table[name] { return b.parameters.map(\.name) }
        if let loss = losses.lookup(name) { return loss.parameters.map(\.name) }
        return []
    }

    func parameterNames(of f: any Callable) -> [String] {
        if let u = f as? UserFunction { return u.template.parameters }
        if let b = f as? Builtin { return b.parameters.map(\.name) }
        if let l = f as? LossCallable { return l.loss.parameters.map(\.name) }
        return []
    }

    /// The source text of a user function or script loss, from the line it was defined on to
    /// the end of its definition.
    func definitionSource(of template: FunctionTemplate) -> String? {
        let location = template.location
        guard let lines = sources[location.file], location.line >= 1, location.line <= lines.count else { return nil }
        // The first prefix of the lines from the definition on that parses completely.
        var text = ""
        for line in lines[(location.line - 1)...] {
            text += text.isEmpty ? String(line) : "\n" + line
            if !Parser.parseProgram(text).isIncomplete { break }
        }
        return text
    }

    /// The help texts that mention `word` (any case): built-ins, losses, syntax topics and the
    /// REPL's commands, each as its name and one-line summary.
    public func apropos(_ word: String) -> [(name: String, summary: String)] {
        let needle = word.lowercased()
        guard !needle.isEmpty else { return [] }
        var found: [(name: String, summary: String)] = []
        func consider(_ name: String, _ summary: String, _ help: String) {
            if name.lowercased().contains(needle) || help.lowercased().contains(needle) { found.append((name, summary)) }
        }
        for entry in losses.entries { consider(entry.loss.name, entry.loss.summary, entry.loss.help) }
        for (_, builtins) in Builtins.groups {
            for b in builtins { consider(b.name, b.summary, b.help) }
        }
        for topic in SyntaxHelp.topics { consider(topic.name, topic.summary, topic.text) }
        for command in Interpreter.commandHelp { consider(command.name, command.summary, command.text) }
        return found
    }

    /// `apropos`'s listing: one line per help text that mentions `word`, or a line saying none does.
    public func aproposText(_ word: String) -> String {
        let found = apropos(word)
        guard !found.isEmpty else { return "no help text mentions '\(word)'" }
        let width = min(16, (found.map(\.name.count).max() ?? 0) + 2)
        return found.map { pad($0.name, width) + $0.summary }.joined(separator: "\n")
    }

    /// The candidate `name` is most likely a typo of, if any (the language's own rule).
    public static func likelyTypo(_ name: String, of candidates: [String]) -> String? {
        Suggestions.closest(to: name, among: candidates)
    }

    /// The REPL's commands, for `apropos` (set by the REPL).
    public nonisolated(unsafe) static var commandHelp: [(name: String, summary: String, text: String)] = []

    /// Forgets the losses defined in the REPL (not those of scripts, plugins or built-ins); their
    /// names.
    public func forgetSessionLosses() -> [String] {
        let removed = losses.remove { $0.origin == "the REPL" || $0.origin.hasPrefix("REPL[") }
        if !removed.isEmpty { globals.clearFallbacks() }
        return removed
    }
}
