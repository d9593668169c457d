import CXEKernels

/// The softmax family over one axis, all through the row kernels of `CXEKernels`, so that each
/// has one definition: with m the row's maximum and s = Σ exp(x - m),
/// logsumexp = m + log s, log_softmax = (x - m) - log s, softmax = exp(x - m) / s. A row whose
/// maximum is +inf takes the limit (README, "Infinities"); a NaN makes the row NaN.
extension Tensor {
    /// The tensor with `axis` moved last (the other axes in order), and the permutation that
    /// moved it; nil permutation when it already is last.
    private func movingLast(_ axis: Int) throws(TensorError) -> (Tensor, [Int]?) {
        if axis == rank - 1 { return (self, nil) }
        var order = Array(0..<rank)
        order.remove(at: axis)
        order.append(axis)
        return (try transposed(order), order)
    }

    /// The inverse of the permutation `order`.
    private static func inverse(_ order: [Int]) -> [Int] {
        var inverse = [Int](repeating: 0, count: order.count)
        for (i, o) in order.enumerated() { inverse[o] = i }
        return inverse
    }

    /// The rows of `x` (its last axis) through `kernel`, which writes one row's result for
    /// each row; `x` is moved back by `order`.
    private static func rowwise(_ x: Tensor, _ order: [Int]?,
                                _ kernel: (UnsafePointer<Double>?, Int64, Int64, UnsafeMutablePointer<Double>) -> Void) throws(TensorError) -> Tensor {
        let classes = x.shape[x.rank - 1]
        let rows = classes == 0 ? 0 : x.count / classes
        let out = Tensor.uninitialized(x.count) { o in
            x.storage.withUnsafeBufferPointer { kernel($0.baseAddress, Int64(rows), Int64(classes), o) }
        }
        let result = Tensor(shape: x.shape, storage: out)
        guard let order else { return result }
        return try result.transposed(inverse(order))
    }

    /// log Σ exp(x) along `axis`, computed stably as m + log Σ exp(x - m) with m the maximum.
    public func logSumExp(axis: Int, keepdims: Bool = false) throws(TensorError) -> Tensor {
        if rank == 0 { return self }
        let a = try Tensor.normalize(axis: axis, rank: rank)
        var outShape = shape
        if keepdims { outShape[a] = 1 } else { outShape.remove(at: a) }
        let (x, _) = try movingLast(a)
        let classes = x.shape[rank - 1]
        let rows = x.shape.dropLast().reduce(1, *)
        // The other axes keep their order: the row results are already in the result's order.
        let out = Tensor.uninitialized(rows) { o in
            x.storage.withUnsafeBufferPointer { xe_logsumexp_rows($0.baseAddress, Int64(rows), Int64(classes), o, nil) }
        }
        return Tensor(shape: outShape, storage: out)
    }

    /// softmax(x)_i = exp(x_i - m) / Σ_j exp(x_j - m) along `axis`.
    public func softmax(axis: Int) throws(TensorError) -> Tensor {
        if rank == 0 { return Tensor(scalar: storage[0].isNaN ? .nan : 1) }
        let (x, order) = try movingLast(try Tensor.normalize(axis: axis, rank: rank))
        return try Tensor.rowwise(x, order) { xe_softmax_rows($0, $1, $2, $3) }
    }

    /// log_softmax(x)_i = (x_i - m) - log Σ_j exp(x_j - m) along `axis`.
    public func logSoftmax(axis: Int) throws(TensorError) -> Tensor {
        if rank == 0 { return Tensor(scalar: storage[0].isNaN ? .nan : 0) }
        let (x, order) = try movingLast(try Tensor.normalize(axis: axis, rank: rank))
        return try Tensor.rowwise(x, order) { xe_logsumexp_rows($0, $1, $2, nil, $3) }
    }
}
