extension Tensor {
    /// The elements that `plan` selects.
    public func gather(_ plan: IndexPlan) -> Tensor {
        var out: [Double] = []
        out.reserveCapacity(plan.resultShape.reduce(1, *))
        storage.withUnsafeBufferPointer { p in
            plan.forEachOffset { out.append(p[$0]) }
        }
        return Tensor(shape: plan.resultShape, storage: out)
    }

    /// Writes `values` (broadcast to the selection's shape) into the selected elements.
    public mutating func assign(_ plan: IndexPlan, _ values: Tensor) throws(TensorError) {
        let v = try values.broadcast(to: plan.resultShape)
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
