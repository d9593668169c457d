import XETensor

extension Builtins {
    static let shapes: [Builtin] = [
        Builtin("shape", [x()], summary: "the length of each axis, as a vector",
                details: "Example: shape([[1, 2, 3], [4, 5, 6]])  →  [2, 3]") { call in
            .tensor(Tensor(vector: try call.tensor(0).value.shape.map(Double.init)))
        },
        Builtin("len", [x()], summary: "the length of the first axis (of a tensor), or of a string or tuple",
                details: "Example: len([[1, 2, 3], [4, 5, 6]])  →  2") { call in
            switch call.value(0) {
            case .string(let s)?: return .number(Double(s.count))
            case .tuple(let items)?: return .number(Double(items.count))
            default:
                let t = try call.tensor(0).value
                guard let n = t.shape.first else {
                    throw XEError.type("len() of a number: a scalar has no length (use shape(x) to see a shape)", at: call.location)
                }
                return .number(Double(n))
            }
        },
        Builtin("size", [x()], summary: "the number of elements", details: "Example: size(zeros([2, 3]))  →  6") { call in
            .number(Double(try call.tensor(0).value.count))
        },
        Builtin("reshape", [x(), ParameterSpec("shape", required: true)], summary: "the same elements in another shape; one length may be -1 (inferred)",
                details: "Example: reshape(range(6), [2, 3])  →  [[0, 1, 2], [3, 4, 5]]") { call in
            let t = try call.tensor(0)
            guard let spec = call.value(1)?.tensorValue, spec.rank <= 1 else {
                throw XEError.type("reshape(): the shape must be a vector such as [2, 3]", at: call.location)
            }
            var dims = try spec.storage.map { try Value.integer($0, what: "reshape(): a dimension", at: call.location) }
            let unknown = dims.indices.filter { dims[$0] == -1 }
            if unknown.count > 1 { throw XEError.argument("reshape(): only one dimension may be -1", at: call.location) }
            if let u = unknown.first {
                let known = dims.enumerated().filter { $0.offset != u }.map(\.element)
                let product = known.reduce(1) { $0 &* max($1, 0) }
                guard product > 0, t.value.count % product == 0, known.allSatisfy({ $0 >= 0 }) else {
                    throw XEError.argument("reshape(): cannot infer -1: \(t.value.count) elements do not divide into \(Tensor.describe(shape: dims))", at: call.location)
                }
                dims[u] = t.value.count / product
            }
            return Value(try DTensor.reshape(t, dims))
        },
        Builtin("transpose", [x(), ParameterSpec("axes")], summary: "the axes reversed (a matrix's transpose), or permuted by axes=",
                details: "Example: transpose([[1, 2], [3, 4]])  →  [[1, 3], [2, 4]]") { call in
            let t = try call.tensor(0)
            var axes: [Int]?
            if let a = call.value(1)?.tensorValue {
                axes = try a.storage.map { try Value.integer($0, what: "transpose(): an axis", at: call.location) }
            }
            return Value(try DTensor.transpose(t, axes))
        },
        Builtin("onehot", [ParameterSpec("labels", required: true), ParameterSpec("classes", required: true), ParameterSpec("axis", default: .number(-1))],
                summary: "one-hot rows from integer class labels (the class axis last, or at axis=)",
                details: "Formula: onehot(labels, C)[i, c] = 1 if labels[i] = c else 0\naxis=k puts the class axis at k (axis=1: PyTorch's (N, C, d1, ...) layout).\nExample: onehot([2, 0], 3)  →  [[0, 0, 1], [1, 0, 0]]") { call in
            let labels = try call.tensor(0, "labels").value
            let classes = try call.integer(1, "the number of classes")
            guard classes > 0 else { throw XEError.argument("onehot(): the number of classes must be positive, not \(classes)", at: call.location) }
            let rank = labels.rank + 1
            let requested = try call.integer(2, "axis")
            guard requested >= -rank, requested < rank else {
                throw XEError.argument("onehot(): axis \(requested) is out of range for a result of rank \(rank)", at: call.location)
            }
            let axis = requested < 0 ? requested + rank : requested
            let shape = labels.shape + [classes]
            do { _ = try Tensor.elementCount(shape) } catch { throw XEError.wrap(error, at: call.location) }
            var out = [Double](repeating: 0, count: labels.count * classes)
            for (i, v) in labels.storage.enumerated() {
                guard v == v.rounded(), v >= 0, v < Double(classes) else {
                    throw XEError.argument("onehot(): label \(Tensor.format(v)) at position \(i) is not an integer in 0..\(classes - 1)", at: call.location)
                }
                out[i * classes + Int(v)] = 1
            }
            let last = Tensor(shape: shape, storage: out)
            guard axis != rank - 1 else { return .tensor(last) }
            var order = Array(0..<(rank - 1))
            order.insert(rank - 1, at: axis)
            do { return .tensor(try last.transposed(order)) } catch { throw XEError.wrap(error, at: call.location) }
        },
    ]
}
