/// The global variables, each in a slot fixed when its name is first compiled.
final class Globals {
    var values: [Value?] = []
    /// Built-ins and losses found for a name with no global value, cached per slot.
    var fallback: [Value?] = []
    var names: [String] = []
    private var index: [String: Int] = [:]

    /// The slot of `name`, allocated on first use.
    func slot(for name: String) -> Int {
        if let i = index[name] { return i }
        let i = names.count
        names.append(name)
        values.append(nil)
        fallback.append(nil)
        index[name] = i
        return i
    }

    func value(of name: String) -> Value? {
        index[name].flatMap { values[$0] }
    }

    func set(_ name: String, _ value: Value) {
        values[slot(for: name)] = value
    }

    /// Forgets every cached built-in or loss (after a loss is registered or replaced).
    func clearFallbacks() {
        for i in fallback.indices { fallback[i] = nil }
    }

    /// The names that hold a value, in the order they were first used.
    var definedNames: [String] {
        names.indices.filter { values[$0] != nil }.map { names[$0] }
    }

    /// Removes every variable.
    func reset() {
        for i in values.indices { values[i] = nil }
        clearFallbacks()
    }
}
