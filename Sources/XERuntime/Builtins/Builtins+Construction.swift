import XESyntax
import XETensor

extension Builtins {
    /// The start, stop and step of `range` (from `rangeArguments`) when all three are whole
    /// numbers (counted without a vector by `for i in range(...)`); nil when one has a fraction
    /// or is beyond 9·10^15 (then `fractionalRange` computes it in floating point).
    static func wholeBounds(_ numbers: [Double]) -> (Int, Int, Int)? {
        guard numbers.allSatisfy({ $0 == $0.rounded() && Swift.abs($0) <= 9.0e15 }) else { return nil }
        // Whole and at most 9e15 in size (finite, as rangeArguments checked): exact as Int.
        return (Int(numbers[0]), Int(numbers[1]), Int(numbers[2]))
    }

    /// range's arguments as start, stop, step (range(n) is range(0, n, 1)): finite numbers, a
    /// step that is not zero.
    static func rangeArguments(_ values: [Value], at location: SourceLocation) throws -> [Double] {
        let given = try values.map { value -> Double in
            guard let t = value.tensorValue, t.count == 1 else {
                throw XEError.type("range(): an argument must be a number, not \(value.kindDescription)", at: location)
            }
            guard t.storage[0].isFinite else {
                throw XEError.argument("range(): an argument must be finite, not \(Tensor.format(t.storage[0]))", at: location)
            }
            return t.storage[0]
        }
        let numbers = given.count == 1 ? [0, given[0], 1] : (given.count == 2 ? given + [1] : given)
        guard numbers[2] != 0 else { throw XEError.argument("range(): step cannot be zero", at: location) }
        return numbers
    }

    /// `range` with a fractional start, stop or step, as NumPy's `arange`: n = ⌈(b - a)/step⌉
    /// values a, a + step, then a + i·δ with δ = (a + step) - a.
    static func fractionalRange(_ numbers: [Double], at location: SourceLocation) throws -> Tensor {
        let (start, stop, step) = (numbers[0], numbers[1], numbers[2])
        let length = ((stop - start) / step).rounded(.up)
        guard length.isFinite, length <= Double(Tensor.maxElements) else {
            throw XEError(.tensor(.tooLarge(elements: Tensor.format(length))), at: location)
        }
        let count = length > 0 ? Int(length) : 0
        var out = [Double](repeating: 0, count: count)
        let delta = (start + step) - start
        for i in 0..<count { out[i] = i == 1 ? start + step : start + Double(i) * delta }
        return Tensor(vector: out)
    }

    static let range = Builtin(
        "range", [ParameterSpec("a", required: true), ParameterSpec("b"), ParameterSpec("step")],
        summary: "numbers from a (default 0) up to but not including b, by step (default 1)",
        details: """
            Forms: range(n) = [0, 1, ..., n-1]; range(a, b); range(a, b, step)
            Fractions work as NumPy's arange: ⌈(b - a)/step⌉ values a + i·step.
            Example: range(2, 10, 3)  →  [2, 5, 8];  range(0, 1, 0.25)  →  [0, 0.25, 0.5, 0.75]
            """
    ) { call in
        // range(n, step=k) starts at 0, as NumPy's arange(n, step=k): a alone is the stop.
        let (a, b, step) = (call.bound[0] ?? .number(0), call.bound[1], call.bound[2])
        let numbers = try rangeArguments((b.map { [a, $0] } ?? [.number(0), a]) + (step.map { [$0] } ?? []), at: call.location)
        guard let (start, stop, step) = wholeBounds(numbers) else {
            return .tensor(try fractionalRange(numbers, at: call.location))
        }
        let span = step > 0 ? stop - start : start - stop
        let count = span <= 0 ? 0 : (span - 1) / abs(step) + 1
        guard count <= Tensor.maxElements else { throw XEError(.tensor(.tooLarge(elements: "\(count)")), at: call.location) }
        var out = [Double]()
        out.reserveCapacity(count)
        var v = start
        for _ in 0..<count {
            out.append(Double(v))
            v &+= step
        }
        return .tensor(Tensor(vector: out))
    }

    static func filled(_ name: String, _ value: Double, _ example: String) -> Builtin {
        Builtin(name, [ParameterSpec("shape", required: true)], summary: "a tensor of \(Tensor.format(value))s of the given shape",
                details: "A shape is a vector such as [2, 3], or one number for a vector.\nExample: \(example)") { call in
            Value(try Tensor(shape: try call.shape(0), repeating: value))
        }
    }

    static func random(_ name: String, _ summary: String, _ draw: @escaping (inout RandomSource) -> Double) -> Builtin {
        Builtin(name, [ParameterSpec("shape", default: .tensor(Tensor(vector: [])))], summary: summary + "; seed(n) makes it reproducible",
                details: "Example: seed(0); \(name)([2, 2])") { call in
            let shape = try call.shape(0)
            let n = shape.reduce(1, *)
            var out = [Double](repeating: 0, count: n)
            for i in 0..<n { out[i] = draw(&call.interpreter.random) }
            return Value(Tensor(shape: shape, storage: out))
        }
    }

    static let construction: [Builtin] = [
        filled("zeros", 0, "zeros([2, 3])"),
        filled("ones", 1, "ones(3)  →  [1, 1, 1]"),
        Builtin("fill", [ParameterSpec("shape", required: true), ParameterSpec("v", required: true)], summary: "a tensor of the given shape with every element v",
                details: "Example: fill([2, 2], 0.5)  →  [[0.5, 0.5], [0.5, 0.5]]") { call in
            Value(try Tensor(shape: try call.shape(0), repeating: try call.number(1, "the fill value")))
        },
        Builtin("linspace", [ParameterSpec("a", required: true), ParameterSpec("b", required: true), ParameterSpec("n", default: .number(50))],
                summary: "n evenly spaced numbers from a to b, both included (NumPy's linspace)",
                details: "Formula: a + i·(b - a)/(n - 1), i = 0..n-1, the last exactly b\nExample: linspace(0, 1, 5)  →  [0, 0.25, 0.5, 0.75, 1]") { call in
            let a = try call.number(0, "the start"), b = try call.number(1, "the end")
            let n = try call.integer(2, "n")
            guard n >= 0 else { throw XEError.argument("linspace(): n cannot be negative (got \(n))", at: call.location) }
            guard n <= Tensor.maxElements else { throw XEError(.tensor(.tooLarge(elements: "\(n)")), at: call.location) }
            if n == 1 { return .tensor(Tensor(vector: [a])) }
            let step = (b - a) / Double(n - 1)
            var out = (0..<n).map { Double($0) * step + a }
            if n > 1 { out[n - 1] = b }
            return .tensor(Tensor(vector: out))
        },
        range,
        Builtin("eye", [ParameterSpec("n", required: true)], summary: "the n×n identity matrix", details: "Example: eye(2)  →  [[1, 0], [0, 1]]") { call in
            let n = try call.integer(0, "n")
            guard n >= 0 else { throw XEError.argument("eye(): n cannot be negative (got \(n))", at: call.location) }
            var t = try Tensor(shape: [n, n], repeating: 0)
            for i in 0..<n { t.storage[i * n + i] = 1 }
            return .tensor(t)
        },
        random("rand", "uniform random numbers in [0, 1)") { $0.uniform() },
        random("randn", "standard normal random numbers") { $0.normal() },
        Builtin("seed", [ParameterSpec("n", required: true)], summary: "seeds rand and randn, so a run can be repeated exactly",
                details: "Example: seed(42); rand(3)") { call in
            let n = try call.integer(0, "the seed")
            call.interpreter.random.reseed(UInt64(bitPattern: Int64(n)))
            return .none
        },
    ]
}
