import CXEKernels
import Glibc

extension Tensor {
    /// Applies `body` to each run of elements along `axis`: the run's start and stride.
    func forEachRun(along axis: Int, _ body: (Int, Int, Int) -> Void) {
        let (outer, length, inner) = Tensor.split(shape, at: axis)
        for o in 0..<outer {
            for i in 0..<inner {
                body(o * length * inner + i, inner, length)
            }
        }
    }

    /// log Σ exp(x) along `axis`, computed stably as m + log Σ exp(x - m) with m the maximum.
    public func logSumExp(axis: Int, keepdims: Bool = false) throws(TensorError) -> Tensor {
        if rank == 0 { return self }
        let a = try Tensor.normalize(axis: axis, rank: rank)
        var outShape = shape
        if keepdims { outShape[a] = 1 } else { outShape.remove(at: a) }
        if a == rank - 1, let classes = shape.last, classes > 0 {
            // Rows are contiguous: the vectorised, multi-core kernel.
            let rows = count / classes
            let out = Tensor.uninitialized(rows) { o in
                storage.withUnsafeBufferPointer { xe_logsumexp_rows($0.baseAddress, Int64(rows), Int64(classes), o, nil) }
            }
            return Tensor(shape: outShape, storage: out)
        }
        var result: [Double] = []
        result.reserveCapacity(count / Swift.max(shape[a], 1))
        storage.withUnsafeBufferPointer { p in
            forEachRun(along: a) { start, stride, n in
                result.append(Tensor.logSumExpRun(p, start, stride, n))
            }
        }
        return Tensor(shape: outShape, storage: result)
    }

    @inline(__always)
    static func logSumExpRun(_ p: UnsafeBufferPointer<Double>, _ start: Int, _ stride: Int, _ n: Int) -> Double {
        if n == 0 { return -.infinity }
        var m = -Double.infinity
        for k in 0..<n {
            let v = p[start + k * stride]
            if v.isNaN { return .nan }
            if v > m { m = v }
        }
        if m.isInfinite { return m == .infinity ? .infinity : -.infinity }
        var s = 0.0
        for k in 0..<n { s += exp(p[start + k * stride] - m) }
        return m + log(s)
    }

    /// softmax(x)_i = exp(x_i - m) / Σ_j exp(x_j - m) along `axis`.
    public func softmax(axis: Int) throws(TensorError) -> Tensor {
        if rank == 0 { return Tensor(scalar: storage[0].isNaN ? .nan : 1) }
        let a = try Tensor.normalize(axis: axis, rank: rank)
        if a == rank - 1, let classes = shape.last, classes > 0 {
            // Rows are contiguous: the fused, vectorised, multi-core kernel.
            let out = Tensor.uninitialized(count) { o in
                storage.withUnsafeBufferPointer { xe_softmax_rows($0.baseAddress, Int64(count / classes), Int64(classes), o) }
            }
            return Tensor(shape: shape, storage: out)
        }
        var out = storage
        storage.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { po in
                forEachRun(along: a) { start, stride, n in
                    var m = -Double.infinity
                    for k in 0..<n { m = Swift.max(m, p[start + k * stride]) }
                    if m == .infinity || m == -.infinity { m = 0 }
                    var s = 0.0
                    for k in 0..<n {
                        let e = exp(p[start + k * stride] - m)
                        po[start + k * stride] = e
                        s += e
                    }
                    for k in 0..<n { po[start + k * stride] /= s }
                }
            }
        }
        return Tensor(shape: shape, storage: out)
    }

    /// log_softmax(x)_i = x_i - logsumexp(x) along `axis`.
    public func logSoftmax(axis: Int) throws(TensorError) -> Tensor {
        if rank == 0 { return Tensor(scalar: storage[0].isNaN ? .nan : 0) }
        let a = try Tensor.normalize(axis: axis, rank: rank)
        if a == rank - 1, let classes = shape.last, classes > 0 {
            let out = Tensor.uninitialized(count) { o in
                storage.withUnsafeBufferPointer { xe_logsumexp_rows($0.baseAddress, Int64(count / classes), Int64(classes), nil, o) }
            }
            return Tensor(shape: shape, storage: out)
        }
        var out = storage
        storage.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { po in
                forEachRun(along: a) { start, stride, n in
                    let lse = Tensor.logSumExpRun(p, start, stride, n)
                    for k in 0..<n { po[start + k * stride] = p[start + k * stride] - lse }
                }
            }
        }
        return Tensor(shape: shape, storage: out)
    }
}
