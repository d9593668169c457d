import XESyntax

/// The evaluated arguments of a call: positional first, then keyword.
public struct Arguments: Sendable {
    public var positional: [Value]
    public var keywords: [(name: String, value: Value)]

    public init(_ positional: [Value], keywords: [(name: String, value: Value)] = []) {
        self.positional = positional
        self.keywords = keywords
    }
}

extension Arguments {
    /// Matches the arguments to `parameters` by position, then by name; missing optional
    /// parameters take their defaults (nil when they have none). Errors name the parameters.
    func bind(to parameters: [ParameterSpec], function: String, signature: String, variadic: Bool = false) throws -> (bound: [Value?], rest: [Value]) {
        var bound = [Value?](repeating: nil, count: parameters.count)
        var given = [Bool](repeating: false, count: parameters.count)
        var rest: [Value] = []
        let slots = parameters.indices.filter { !parameters[$0].keywordOnly }
        for (k, value) in positional.enumerated() {
            if k < slots.count {
                let i = slots[k]
                bound[i] = value
                given[i] = true
            } else if variadic {
                rest.append(value)
            } else {
                throw XEError.argument("\(function)() takes at most \(slots.count) positional argument\(slots.count == 1 ? "" : "s") but \(positional.count) were given; its parameters: \(signature)")
            }
        }
        for (name, value) in keywords {
            guard let i = parameters.firstIndex(where: { $0.name == name }) else {
                let hint = Suggestions.closest(to: name, among: parameters.map(\.name)).map { " did you mean '\($0)'?" } ?? ""
                throw XEError.argument("\(function)() has no parameter '\(name)';\(hint) its parameters: \(signature)")
            }
            if given[i] {
                throw XEError.argument("\(function)() got two values for '\(name)'; its parameters: \(signature)")
            }
            bound[i] = value
            given[i] = true
        }
        for (i, p) in parameters.enumerated() where !given[i] {
            if p.required {
                throw XEError.argument("\(function)() is missing the argument '\(p.name)'; its parameters: \(signature)")
            }
            bound[i] = p.defaultValue
        }
        return (bound, rest)
    }
}
