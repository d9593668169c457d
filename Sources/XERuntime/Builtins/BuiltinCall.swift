import XESyntax
import XETensor

/// The bound arguments of one built-in call, with checked accessors.
struct BuiltinCall {
    let name: String
    let bound: [Value?]
    let rest: [Value]
    /// Keyword arguments of any name, for a built-in that takes them.
    var named: [(name: String, value: Value)] = []
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
        try Value.integer(try number(i, what), what: "\(name)(): \(what)", at: location)
    }

    /// An optional axis (nil when not given).
    func axis(_ i: Int) throws -> Int? {
        guard let v = bound[i] else { return nil }
        return try Value.integer(v, what: "\(name)(): axis", at: location)
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
        let dims = try t.storage.map { try Value.integer($0, what: "\(name)(): a dimension", at: location) }
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
