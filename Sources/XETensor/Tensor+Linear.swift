import CXEKernels
import CXEShim

extension Tensor {
    /// The matrix product as `numpy.matmul` (`@`): matrix·matrix, matrix·vector, vector·matrix
    /// and vector·vector (the dot product, a scalar); for rank 3 and up, a stack of matrices over
    /// the leading axes, which broadcast together (a vector operand is a row on the left, a
    /// column on the right, its axis removed from the result). Each element sums in the plain
    /// order: c_ij = Σ_p a_ip b_pj with p ascending.
    public static func matmul(_ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor {
        guard a.rank >= 1, b.rank >= 1 else {
            throw .invalid("@ needs vectors, matrices or stacks of them, not a scalar (shapes \(describe(shape: a.shape)) and \(describe(shape: b.shape))); use * to multiply by a scalar")
        }
        // As matrices: a vector on the left is a row, on the right a column.
        let aShape = a.rank == 1 ? [1] + a.shape : a.shape
        let bShape = b.rank == 1 ? b.shape + [1] : b.shape
        let (m, k) = (aShape[aShape.count - 2], aShape[aShape.count - 1])
        let (kb, n) = (bShape[bShape.count - 2], bShape[bShape.count - 1])
        guard k == kb else { throw .shapeMismatch(operation: "the matrix product @ (inner lengths \(k) and \(kb) differ)", a.shape, b.shape) }
        let batchA = Array(aShape.dropLast(2)), batchB = Array(bShape.dropLast(2))
        let batch: [Int]
        do {
            batch = try broadcastShape(batchA, batchB, operation: "@")
        } catch {
            throw .invalid("the matrix product @ of shapes \(describe(shape: a.shape)) and \(describe(shape: b.shape)): the stacks' leading axes \(describe(shape: batchA)) and \(describe(shape: batchB)) do not broadcast together")
        }
        var outShape = batch
        if a.rank >= 2 { outShape.append(m) }
        if b.rank >= 2 { outShape.append(n) }
        let total = try elementCount(batch + [m, n])
        let count = total == 0 ? 0 : total / (m * n)
        if batchB.isEmpty {
            // One matrix on the right: the stack on the left is one tall matrix.
            return try Tensor(shape: outShape, storage: product(a.storage, b.storage, m: count * m, k: k, n: n))
        }
        let readA = broadcastStrides(batchA, to: batch), readB = broadcastStrides(batchB, to: batch)
        var status: Int32 = 0
        let out = Tensor.uninitialized(total) { po in
            a.storage.withUnsafeBufferPointer { pa in
                b.storage.withUnsafeBufferPointer { pb in
                    // Matrix by matrix of the stack: their offsets follow the broadcast strides.
                    for i in 0..<count where status == 0 {
                        let offsetA = batchOffset(i, batch: batch, strides: readA) * m * k
                        let offsetB = batchOffset(i, batch: batch, strides: readB) * k * n
                        status = multiply(pa.baseAddress.map { $0 + offsetA }, pb.baseAddress.map { $0 + offsetB }, po + i * m * n, m: m, k: k, n: n)
                    }
                }
            }
        }
        guard status == 0 else { throw .interrupted }
        return Tensor(shape: outShape, storage: out)
    }

    /// The offset (in matrices) of the `i`th matrix of a stack of shape `batch` read with
    /// `strides`.
    private static func batchOffset(_ i: Int, batch: [Int], strides: [Int]) -> Int {
        var rest = i, offset = 0
        for axis in stride(from: batch.count - 1, through: 0, by: -1) {
            offset += rest % batch[axis] * strides[axis]
            rest /= batch[axis]
        }
        return offset
    }

    /// The product of an m × k and a k × n matrix, row-major.
    private static func product(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) throws(TensorError) -> [Double] {
        var status: Int32 = 0
        let out = Tensor.uninitialized(m * n) { po in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    status = multiply(pa.baseAddress, pb.baseAddress, po, m: m, k: k, n: n)
                }
            }
        }
        guard status == 0 else { throw .interrupted }
        return out
    }

    /// c = a b for an m × k and a k × n matrix, c overwritten: products of at least
    /// `kernelMatmulWork` multiply-adds go to `xe_matmul` (tiled for the caches, SIMD, rows split
    /// over the cores, stopped by Ctrl-C between panels: -1 then), smaller ones to a plain loop
    /// in the same summation order (no thread start-up).
    private static func multiply(_ pa: UnsafePointer<Double>?, _ pb: UnsafePointer<Double>?, _ po: UnsafeMutablePointer<Double>,
                                 m: Int, k: Int, n: Int) -> Int32 {
        if Double(m) * Double(k) * Double(n) >= Self.kernelMatmulWork {
            return xe_matmul(pa, pb, po, Int64(m), Int64(k), Int64(n)) { xe_interrupted() }
        }
        if n == 1 {
            for i in 0..<m {
                var s = 0.0
                for p in 0..<k { s += pa![i * k + p] * pb![p] }
                po[i] = s
            }
            return 0
        }
        po.update(repeating: 0, count: m * n)
        for i in 0..<m {
            for p in 0..<k {
                let x = pa![i * k + p]
                let row = p * n
                let outRow = i * n
                for j in 0..<n { po[outRow + j] += x * pb![row + j] }
            }
        }
        return 0
    }

    /// Products of at least this many multiply-adds go to the tiled, multi-core C kernel.
    static let kernelMatmulWork = 65_536.0

    /// The last two axes swapped (a stack of matrices transposed; a matrix's transpose).
    public func swappingLastAxes() throws(TensorError) -> Tensor {
        guard rank >= 2 else { return self }
        var order = Array(0..<rank)
        order.swapAt(rank - 1, rank - 2)
        return try transposed(order)
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
        if rank == 2 && normalized == [1, 0] {
            var t = transposedMatrix()
            t.isBoolean = isBoolean
            return t
        }
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
        var result = Tensor(shape: newShape, storage: out)
        result.isBoolean = isBoolean  // a mask's axes permuted is a mask
        return result
    }
}
