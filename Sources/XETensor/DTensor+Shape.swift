extension DTensor {
    /// The same elements in another shape; ∂: g reshaped back.
    public static func reshape(_ a: DTensor, _ shape: [Int]) throws(TensorError) -> DTensor {
        let old = a.value.shape
        if old == shape { return a }
        return record(try a.value.reshaped(shape), [a]) { (g, _) throws(TensorError) -> [DTensor?] in [try reshape(g, old)] }
    }

    /// The axes permuted (reversed by default); ∂: g permuted back.
    public static func transpose(_ a: DTensor, _ axes: [Int]? = nil) throws(TensorError) -> DTensor {
        let rank = a.value.rank
        let order = try (axes ?? Array((0..<rank).reversed())).map { (v) throws(TensorError) -> Int in
            try Tensor.normalize(axis: v, rank: rank)
        }
        let value = try a.value.transposed(axes)
        var inverse = [Int](repeating: 0, count: order.count)
        for (i, o) in order.enumerated() where o < inverse.count { inverse[o] = i }
        return record(value, [a]) { (g, _) throws(TensorError) -> [DTensor?] in [try transpose(g, inverse)] }
    }

    /// The last two axes swapped (a matrix transposed, per matrix of a stack).
    func swappingLastAxes() throws(TensorError) -> DTensor {
        let rank = shape.count
        guard rank >= 2 else { return self }
        var order = Array(0..<rank)
        order.swapAt(rank - 1, rank - 2)
        return try DTensor.transpose(self, order)
    }

    /// This tensor broadcast to `shape`; ∂: g summed back to the original shape.
    public func broadcast(to shape: [Int]) throws(TensorError) -> DTensor {
        let old = self.shape
        if old == shape { return self }
        return DTensor.record(try value.broadcast(to: shape), [self]) { (g, _) throws(TensorError) -> [DTensor?] in
            [try g.sum(toShape: old)]
        }
    }

    /// This tensor (of a broadcast shape) summed down to `shape`, the adjoint of broadcasting;
    /// ∂: g broadcast back.
    public func sum(toShape shape: [Int]) throws(TensorError) -> DTensor {
        let old = self.shape
        if old == shape { return self }
        return DTensor.record(value.reduced(toShape: shape), [self]) { (g, _) throws(TensorError) -> [DTensor?] in
            [try g.broadcast(to: old)]
        }
    }

    /// The selected elements; the gradient is scattered back (repeated positions add up).
    public static func gather(_ a: DTensor, _ plan: IndexPlan) -> DTensor {
        let shape = a.value.shape
        return record(a.value.gather(plan), [a]) { (g, _) throws(TensorError) -> [DTensor?] in
            [try scatter(g, plan, into: shape)]
        }
    }

    /// Zeros of `shape` with `g` added at the positions of `plan` (the adjoint of `gather`);
    /// ∂: the gradient gathered.
    static func scatter(_ g: DTensor, _ plan: IndexPlan, into shape: [Int]) throws(TensorError) -> DTensor {
        var full = try Tensor(shape: shape, repeating: 0)
        full.scatterAdd(plan, g.value)
        return record(full, [g]) { (h, _) throws(TensorError) -> [DTensor?] in [gather(h, plan)] }
    }

    /// `a` with the selected elements replaced by `v` (broadcast): the value of `a` after
    /// `a[...] = v`. The gradient goes to `v` for the replaced elements and to `a` for the rest.
    public static func assigning(_ a: DTensor, _ plan: IndexPlan, _ v: DTensor) throws(TensorError) -> DTensor {
        var value = a.value
        try value.assign(plan, v.value)
        let vShape = v.value.shape
        return record(value, [a, v]) { (g, _) throws(TensorError) -> [DTensor?] in
            // A write that a later one overwrites (a repeated position) left nothing behind.
            var written = gather(g, plan)
            if let overwritten = plan.overwritten {
                written = try written * DTensor(Tensor(shape: written.shape, storage: overwritten.map { $0 ? 0 : 1 }))
            }
            return [try assigning(g, plan, 0), try written.sum(toShape: vShape)]
        }
    }

    /// Stacks equally shaped tensors along a new first axis (a literal `[a, b, c]`); ∂: g's
    /// slices along the first axis.
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
        let shape = [items.count] + itemShape
        var value = Tensor(shape: shape, storage: storage)
        value.isBoolean = items.allSatisfy { $0.value.isBoolean }  // a list of masks is a mask
        return record(value, items) { (g, _) throws(TensorError) -> [DTensor?] in
            if !g.isTracked {
                return (0..<items.count).map { i in
                    DTensor(Tensor(shape: itemShape, storage: Array(g.value.storage[(i * itemCount)..<((i + 1) * itemCount)])))
                }
            }
            return try (0..<items.count).map { (i) throws(TensorError) -> DTensor? in
                gather(g, try IndexPlan(shape: shape, indices: [.at(i)]))
            }
        }
    }
}
