import XESyntax
import XETensor

/// The operations of the language on values, as the compiled closures call them: they need no
/// session state (no interpreter), only the operator table (`BinaryOperator.apply`) and the
/// tensor operations (`DTensor.binary`, `unary`, `logical`, indexing).
extension Value {
    /// The tensor in a value, or an error naming what was found instead.
    static func operand(_ value: Value, for operation: String, at location: SourceLocation) throws -> DTensor {
        guard let t = value.dtensor else {
            throw XEError.type("\(operation) needs numbers or tensors, not \(value.kindDescription)", at: location)
        }
        return t
    }

    /// Runs a tensor operation, giving its errors a location.
    @inline(__always)
    static func located<T>(_ location: SourceLocation, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as TensorError {
            throw XEError.wrap(e, at: location)
        }
    }

    /// `a op b` for any values: two numbers by the operator table (`BinaryOperator.apply`),
    /// strings joined by `+` and compared by `==` and `!=`, tensors by `DTensor.binary`.
    static func binary(_ op: BinaryOperator, _ a: Value, _ b: Value, at location: SourceLocation) throws -> Value {
        if case .number(let x) = a, case .number(let y) = b, op.isElementwise {
            return .number(op.apply(x, y))
        }
        if op == .add, case .string(let x) = a, case .string(let y) = b {
            // The same bound as a literal's, so that doubling a string in a loop ends in an error
            // rather than in the machine's memory running out.
            guard x.utf8.count + y.utf8.count <= Lexer.maxStringLength else {
                throw XEError.argument("the joined string would be longer than \(Lexer.maxStringLength) bytes, the limit for a string", at: location)
            }
            return .string(x + y)
        }
        if op == .equal || op == .notEqual, case .string(let x) = a, case .string(let y) = b {
            return .number((x == y) == (op == .equal) ? 1 : 0)
        }
        let name = "'\(op.rawValue)'"
        let x = try operand(a, for: name, at: location)
        let y = try operand(b, for: name, at: location)
        return try located(location) { Value(try DTensor.binary(op, x, y)) }
    }

    /// `-a`, `+a`, `not a`.
    static func unary(_ op: UnaryOperator, _ a: Value, at location: SourceLocation) throws -> Value {
        if case .number(let x) = a { return .number(op.apply(x)) }
        let t = try operand(a, for: "'\(op.rawValue)'", at: location)
        return op == .plus ? a : Value(DTensor.unary(op, t))
    }

    /// `a and b`, `a or b` elementwise on tensors.
    static func logical(_ op: LogicalOperator, _ a: Value, _ b: Value, at location: SourceLocation) throws -> Value {
        let x = try operand(a, for: "'\(op.rawValue)'", at: location)
        let y = try operand(b, for: "'\(op.rawValue)'", at: location)
        return try located(location) { Value(try DTensor.logical(op, x, y)) }
    }

    /// A tensor literal from its evaluated items.
    static func array(_ items: [Value], at location: SourceLocation) throws -> Value {
        var numbers: [Double] = []
        numbers.reserveCapacity(items.count)
        for item in items {
            guard case .number(let x) = item else { break }
            numbers.append(x)
        }
        if numbers.count == items.count { return .tensor(Tensor(vector: numbers)) }
        let tensors = try items.map { item -> DTensor in
            guard let t = item.dtensor else {
                throw XEError.type("a list holds numbers or tensors, not \(item.kindDescription)", at: location)
            }
            return t
        }
        return try located(location) { Value(try DTensor.stack(tensors)) }
    }

    /// A whole number from a value, refusing fractions, NaN, infinities and huge values.
    static func integer(_ value: Value, what: String, at location: SourceLocation) throws -> Int {
        guard let t = value.tensorValue, t.count == 1 else {
            throw XEError.type("\(what) must be a whole number, not \(value.kindDescription)", at: location)
        }
        return try integer(t.storage[0], what: what, at: location)
    }

    static func integer(_ x: Double, what: String, at location: SourceLocation) throws -> Int {
        guard x.isFinite, x == x.rounded() else {
            throw XEError.type("\(what) must be a whole number, not \(Tensor.format(x))", at: location)
        }
        guard Swift.abs(x) <= 9.0e15 else {
            throw XEError.type("\(what) is \(Tensor.format(x)), too large (at most 9e15 in size)", at: location)
        }
        return Int(x)
    }

    /// One subscript value as an index: a whole number, an array of them (positions along one
    /// axis), or a boolean mask (a comparison's result: the positions where it is true).
    static func tensorIndex(_ value: Value, at location: SourceLocation) throws -> TensorIndex {
        if case .number(let x) = value { return .at(try integer(x, what: "an index", at: location)) }
        guard let t = value.tensorValue else {
            throw XEError.type("an index must be a whole number, not \(value.kindDescription)", at: location)
        }
        if t.isBoolean, !t.isScalar { return .mask(t.storage.map { $0 != 0 }, shape: t.shape) }
        if t.isScalar { return .at(try integer(t.storage[0], what: "an index", at: location)) }
        return .positions(try t.storage.map { try integer($0, what: "an index", at: location) }, shape: t.shape)
    }

    /// `x[...]`.
    static func index(_ base: Value, _ indices: [TensorIndex], at location: SourceLocation) throws -> Value {
        switch base {
        case .tensor(let t):
            if indices.count == t.rank, t.rank <= 2 {
                // The common case x[i] or X[i, j]: no plan needed.
                var offset = 0
                var ok = true
                for (axis, index) in indices.enumerated() {
                    guard case .at(let i) = index else {
                        ok = false
                        break
                    }
                    let n = t.shape[axis]
                    let p = i < 0 ? i + n : i
                    guard p >= 0, p < n else { throw XEError(.tensor(.indexOutOfRange(index: i, axis: axis, size: n)), at: location) }
                    offset = offset * n + p
                }
                if ok { return .number(t.storage[offset]) }
            }
            return try located(location) { Value(t.gather(try IndexPlan(shape: t.shape, indices: indices))) }
        case .number:
            throw XEError.type("a number cannot be indexed", at: location)
        case .tracked(let node):
            return try located(location) {
                Value(DTensor.gather(DTensor(node), try IndexPlan(shape: node.value.shape, indices: indices)))
            }
        case .tuple(let items):
            guard indices.count == 1, case .at(let i) = indices[0] else {
                throw XEError.type("a tuple takes one whole-number index", at: location)
            }
            let p = i < 0 ? i + items.count : i
            guard p >= 0, p < items.count else {
                throw XEError(.tensor(.indexOutOfRange(index: i, axis: 0, size: items.count)), at: location)
            }
            return items[p]
        default:
            throw XEError.type("\(base.kindDescription) cannot be indexed", at: location)
        }
    }

    /// `x[...] = v`, changing `base` in place when it is a plain tensor.
    static func assignIndex(_ base: inout Value, _ indices: [TensorIndex], _ newValue: Value, at location: SourceLocation) throws {
        guard let v = newValue.dtensor else {
            throw XEError.type("only numbers and tensors can be stored in a tensor, not \(newValue.kindDescription)", at: location)
        }
        switch base {
        case .tensor(var t) where !v.isTracked:
            base = .none
            do {
                let plan = try IndexPlan(shape: t.shape, indices: indices)
                try t.assign(plan, v.value)
            } catch {
                base = .tensor(t)
                throw XEError.wrap(error, at: location)
            }
            base = .tensor(t)
        case .tensor, .tracked, .number:
            let t = base.dtensor!
            base = try located(location) {
                Value(try DTensor.assigning(t, try IndexPlan(shape: t.shape, indices: indices), v))
            }
        default:
            throw XEError.type("\(base.kindDescription) does not support element assignment", at: location)
        }
    }

    /// The items a `for` loop visits: a vector's elements, a matrix's rows, a tuple's items.
    static func iterate(_ value: Value, at location: SourceLocation) throws -> [Value] {
        switch value {
        case .tuple(let items):
            return items
        case .tensor(let t):
            guard t.rank >= 1 else { throw XEError.type("cannot iterate over a number; use range(n) to count", at: location) }
            if t.rank == 1 { return t.storage.map(Value.number) }
            let rowShape = Array(t.shape.dropFirst())
            let n = t.count / max(t.shape[0], 1)
            return (0..<t.shape[0]).map { i in .tensor(Tensor(shape: rowShape, storage: Array(t.storage[(i * n)..<((i + 1) * n)]))) }
        case .tracked(let node):
            guard node.value.rank >= 1 else { throw XEError.type("cannot iterate over a number", at: location) }
            return try (0..<node.value.shape[0]).map { i in
                try located(location) {
                    Value(DTensor.gather(DTensor(node), try IndexPlan(shape: node.value.shape, indices: [.at(i)])))
                }
            }
        default:
            throw XEError.type("cannot iterate over \(value.kindDescription)", at: location)
        }
    }
}
