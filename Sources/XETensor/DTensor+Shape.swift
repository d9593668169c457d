extension DTensor {
    /// The same elements in another shape.
    public static func reshape(_ a: DTensor, _ shape: [Int]) throws(TensorError) -> DTensor {
        let old = a.value.shape
        return record(try a.value.reshaped(shape), [a]) { (g) throws(TensorError) -> [Tensor?] in [try g.reshaped(old)] }
    }

    /// The axes permuted (reversed by default).
    public static func transpose(_ a: DTensor, _ axes: [Int]? = nil) throws(TensorError) -> DTensor {
        let rank = a.value.rank
        let order = try (axes ?? Array((0..<rank).reversed())).map { (v) throws(TensorError) -> Int in
            try Tensor.normalize(axis: v, rank: rank)
        }
        let value = try a.value.transposed(axes)
        var inverse = [Int](repeating: 0, count: order.count)
        for (i, o) in order.enumerated() where o < inverse.count { inverse[o] = i }
        return record(value, [a]) { (g) throws(TensorError) -> [Tensor?] in [try g.transposed(inverse)] }
    }

    /// The selected elements; the gradient is scattered back (repeated positions add up).
    public static func gather(_ a: DTensor, _ plan: IndexPlan) -> DTensor {
        let shape = a.value.shape
        return record(a.value.gather(plan), [a]) { (g) throws(TensorError) -> [Tensor?] in
            var full = try Tensor(shape: shape, repeating: 0)
            full.scatterAdd(plan, g)
            return [full]
        }
    }

    /// `a` with the selected elements replaced by `v` (broadcast): the value of `a` after
    /// `a[...] = v`. The gradient goes to `v` for the replaced elements and to `a` for the rest.
    public static func assigning(_ a: DTensor, _ plan: IndexPlan, _ v: DTensor) throws(TensorError) -> DTensor {
        var value = a.value
        try value.assign(plan, v.value)
        let vShape = v.value.shape
        return record(value, [a, v]) { (g) throws(TensorError) -> [Tensor?] in
            var ga = g
            try ga.assign(plan, Tensor(scalar: 0))
            var written = g.gather(plan)
            // A write that a later one overwrites (a repeated position) left nothing behind.
            if let overwritten = plan.overwritten {
                for (k, lost) in overwritten.enumerated() where lost { written.storage[k] = 0 }
            }
            let gv = written.reduced(toShape: vShape)
            return [ga, gv]
        }
    }

    /// Stacks equally shaped tensors along a new first axis (a literal `[a, b, c]`).
    public static func stack(_ items: [DTensor]) throws(TensorError) -> DTensor {
        guard let first = items.first else { return DTensor(Tensor(shape: [0], storage: [])) }
        let itemShape = first.value.shape
        var storage: [Double] = []
        let itemCount = first.value.count
        _ = try Tensor.elementCount([items.count] + itemShape)
        storage.reserveCapacity(items.count * itemCount)
        for item in items {
            guard item.value.shape == itemShape else {
                throw .invalid("ragged list: an element of shape \(Tensor.describe(shape: item.value.shape)) next to one of shape \(Tensor.describe(shape: itemShape)); every element of a list must have the same shape")
            }
            storage.append(contentsOf: item.value.storage)
        }
        let value = Tensor(shape: [items.count] + itemShape, storage: storage)
        return record(value, items) { (g) throws(TensorError) -> [Tensor?] in
            (0..<items.count).map { i in
                Tensor(shape: itemShape, storage: Array(g.storage[(i * itemCount)..<((i + 1) * itemCount)]))
            }
        }
    }
}
