import CXEKernels
import CXEShim

extension Tensor {
    /// The matrix product as NumPy's `@`: matrix·matrix, matrix·vector, vector·matrix and
    /// vector·vector (the dot product, a scalar).
    public static func matmul(_ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor {
        guard a.rank >= 1, b.rank >= 1 else {
            throw .invalid("@ needs vectors or matrices, not a scalar (shapes \(describe(shape: a.shape)) and \(describe(shape: b.shape))); use * to multiply by a scalar")
        }
        guard a.rank <= 2, b.rank <= 2 else {
            throw .invalid("@ supports vectors and matrices; shapes \(describe(shape: a.shape)) and \(describe(shape: b.shape)) have rank above 2")
        }
        let m = a.rank == 2 ? a.shape[0] : 1
        let k = a.shape[a.rank - 1]
        let kb = b.shape[0]
        let n = b.rank == 2 ? b.shape[1] : 1
        guard k == kb else { throw .shapeMismatch(operation: "the matrix product @ (inner lengths \(k) and \(kb) differ)", a.shape, b.shape) }
        var outShape: [Int] = []
        if a.rank == 2 { outShape.append(m) }
        if b.rank == 2 { outShape.append(n) }
        _ = try elementCount([m, n])
        if Double(m) * Double(k) * Double(n) >= Self.kernelMatmulWork {
            return try kernelMatmul(a, b, m: m, k: k, n: n, shape: outShape)
        }
        var out = [Double](repeating: 0, count: m * n)
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in
                    if n == 1 {
                        for i in 0..<m {
                            var s = 0.0
                            for p in 0..<k { s += pa[i * k + p] * pb[p] }
                            po[i] = s
                        }
                    } else {
                        for i in 0..<m {
                            for p in 0..<k {
                                let x = pa[i * k + p]
                                let row = p * n
                                let outRow = i * n
                                for j in 0..<n { po[outRow + j] += x * pb[row + j] }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: outShape, storage: out)
    }

    /// Products of at least this many multiply-adds go to the tiled, multi-core C kernel;
    /// smaller ones stay in the plain loop above (same summation order, no thread start-up).
    static let kernelMatmulWork = 65_536.0

    /// `a @ b` through `xe_matmul`: tiled for the caches, SIMD, rows split over the cores, and
    /// stopped by Ctrl-C between panels.
    private static func kernelMatmul(_ a: Tensor, _ b: Tensor, m: Int, k: Int, n: Int, shape: [Int]) throws(TensorError) -> Tensor {
        var status: Int32 = 0
        // xe_matmul zeroes the output itself: no zero-filled array first.
        let out = Tensor.uninitialized(m * n) { po in
            status = a.storage.withUnsafeBufferPointer { pa in
                b.storage.withUnsafeBufferPointer { pb in
                    xe_matmul(pa.baseAddress, pb.baseAddress, po, Int64(m), Int64(k), Int64(n)) { xe_interrupted() }
                }
            }
        }
        guard status == 0 else { throw .interrupted }
        return Tensor(shape: shape, storage: out)
    }

    /// The transpose of a matrix, in 32 × 32 tiles so that reads and writes both stay in cache.
    private func transposedMatrix() -> Tensor {
        let (m, n) = (shape[0], shape[1])
        let tile = 32
        let out = Tensor.uninitialized(count) { po in
            storage.withUnsafeBufferPointer { p in
                for ib in stride(from: 0, to: m, by: tile) {
                    let iEnd = Swift.min(ib + tile, m)
                    for jb in stride(from: 0, to: n, by: tile) {
                        let jEnd = Swift.min(jb + tile, n)
                        for i in ib..<iEnd {
                            for j in jb..<jEnd { po[j * m + i] = p[i * n + j] }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n, m], storage: out)
    }

    /// The axes permuted; by default reversed (the transpose of a matrix).
    public func transposed(_ axes: [Int]? = nil) throws(TensorError) -> Tensor {
        let order = axes ?? Array((0..<rank).reversed())
        guard order.count == rank else {
            throw .invalid("transpose needs \(rank) axes for a tensor of shape \(Tensor.describe(shape: shape)), got \(order.count)")
        }
        var normalized: [Int] = []
        for axis in order { normalized.append(try Tensor.normalize(axis: axis, rank: rank)) }
        guard Set(normalized).count == rank else { throw .invalid("transpose axes \(order) repeat an axis") }
        if rank < 2 { return self }
        if rank == 2 && normalized == [1, 0] { return transposedMatrix() }
        let newShape = normalized.map { shape[$0] }
        let oldStrides = Tensor.strides(of: shape)
        let readStrides = normalized.map { oldStrides[$0] }
        let last = readStrides[rank - 1]
        let out = Tensor.uninitialized(count) { po in
            storage.withUnsafeBufferPointer { p in
                Tensor.forEachRow(shape: newShape, strides: readStrides) { o, start, inner in
                    for j in 0..<inner { po[o + j] = p[start + j * last] }
                }
            }
        }
        return Tensor(shape: newShape, storage: out)
    }
}
