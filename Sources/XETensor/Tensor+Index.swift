extension Tensor {
    /// The elements that `plan` selects.
    /// `plan` has checked that its result is within the size limit. Rows of a plain slice
    /// (consecutive positions along the last axis) are copied whole.
    public func gather(_ plan: IndexPlan) -> Tensor {
        var n = 1
        for d in plan.resultShape { n &*= d }
        let contiguous = plan.lastAxisIsContiguous
        let out = Tensor.uninitialized(n) { o in
            var k = 0
            storage.withUnsafeBufferPointer { p in
                plan.forEachRow { base, last in
                    if contiguous, let first = last.first {
                        (o + k).update(from: p.baseAddress! + base + first, count: last.count)
                        k += last.count
                    } else {
                        let row = o + k  // not k itself: the loop then keeps nothing in memory
                        last.withUnsafeBufferPointer { offsets in
                            for j in 0..<offsets.count { row[j] = p[base + offsets[j]] }
                        }
                        k += last.count
                    }
                }
            }
        }
        var result = Tensor(shape: plan.resultShape, storage: out)
        result.isBoolean = isBoolean
        return result
    }

    /// Writes `values` (broadcast to the selection's shape) into the selected elements.
    public mutating func assign(_ plan: IndexPlan, _ values: Tensor) throws(TensorError) {
        let v: Tensor
        do {
            v = try values.broadcast(to: plan.resultShape)
        } catch .shapeMismatch {
            throw .invalid("cannot assign a value of shape \(Tensor.describe(shape: values.shape)) to a selection of shape \(Tensor.describe(shape: plan.resultShape)); the value must have the selection's shape or broadcast to it")
        }
        var k = 0
        storage.withUnsafeMutableBufferPointer { p in
            v.storage.withUnsafeBufferPointer { pv in
                plan.forEachOffset {
                    p[$0] = pv[k]
                    k += 1
                }
            }
        }
    }

    /// Adds `values` (of the selection's shape) into the selected elements; repeated positions
    /// add up (the adjoint of `gather`).
    public mutating func scatterAdd(_ plan: IndexPlan, _ values: Tensor) {
        var k = 0
        storage.withUnsafeMutableBufferPointer { p in
            values.storage.withUnsafeBufferPointer { pv in
                plan.forEachOffset {
                    p[$0] += pv[k]
                    k += 1
                }
            }
        }
    }
}
