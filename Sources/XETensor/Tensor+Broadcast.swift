extension Tensor {
    /// The shape two shapes broadcast to under NumPy's rules: align on the right; each pair of
    /// lengths must be equal or one of them 1.
    public static func broadcastShape(_ a: [Int], _ b: [Int], operation: String) throws(TensorError) -> [Int] {
        if a == b { return a }
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 {
                result[i] = da
            } else if da == 1 {
                result[i] = db
            } else {
                throw .shapeMismatch(operation: operation, a, b)
            }
        }
        return result
    }

    /// The strides with which `shape` is read when broadcast to `target`: 0 on broadcast axes.
    @usableFromInline
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(of: shape)
        let offset = target.count - shape.count
        var result = [Int](repeating: 0, count: target.count)
        for i in 0..<shape.count where shape[i] != 1 {
            result[i + offset] = own[i]
        }
        return result
    }

    /// Applies `op` elementwise to two tensors broadcast together. Always inlined, so that each
    /// caller's `op` is compiled into the loops rather than called per element.
    @inlinable @inline(__always)
    public static func zip(_ a: Tensor, _ b: Tensor, operation: String, _ op: (Double, Double) -> Double) throws(TensorError) -> Tensor {
        if a.shape == b.shape {
            let n = a.count
            let storage = uninitialized(n) { out in
                a.storage.withUnsafeBufferPointer { pa in
                    b.storage.withUnsafeBufferPointer { pb in
                        for i in 0..<n { out[i] = op(pa[i], pb[i]) }
                    }
                }
            }
            return Tensor(shape: a.shape, storage: storage)
        }
        let shape = try broadcastShape(a.shape, b.shape, operation: operation)
        let n = try elementCount(shape)
        if b.count == 1 && shape == a.shape {
            let s = b.storage[0]
            return Tensor(shape: shape, storage: a.map { op($0, s) }.storage)
        }
        if a.count == 1 && shape == b.shape {
            let s = a.storage[0]
            return Tensor(shape: shape, storage: b.map { op(s, $0) }.storage)
        }
        let sa = broadcastStrides(a.shape, to: shape)
        let sb = broadcastStrides(b.shape, to: shape)
        let storage = uninitialized(n) { out in
            a.storage.withUnsafeBufferPointer { pa in
                b.storage.withUnsafeBufferPointer { pb in
                    // shape has rank >= 1 and n > 0 here: a scalar only meets the cases above.
                    let inner = shape[shape.count - 1]
                    let ja = sa[shape.count - 1], jb = sb[shape.count - 1]
                    var row = RowCursor(shape: shape, stridesA: sa, stridesB: sb)
                    var o = 0
                    while o < n {
                        let ia = row.a, ib = row.b
                        // The common rows get loops the compiler vectorises: both inputs
                        // contiguous, or one of them a single value repeated along the row.
                        switch (ja, jb) {
                        case (1, 1): for j in 0..<inner { out[o + j] = op(pa[ia + j], pb[ib + j]) }
                        case (0, 1):
                            let x = pa[ia]
                            for j in 0..<inner { out[o + j] = op(x, pb[ib + j]) }
                        case (1, 0):
                            let y = pb[ib]
                            for j in 0..<inner { out[o + j] = op(pa[ia + j], y) }
                        default: for j in 0..<inner { out[o + j] = op(pa[ia + j * ja], pb[ib + j * jb]) }
                        }
                        o += inner
                        row.advance()
                    }
                }
            }
        }
        return Tensor(shape: shape, storage: storage)
    }

    /// Walks the rows (last axis) of a tensor of `shape` in order, calling `body` with the output
    /// offset of the row, the row's starting offset in an input read with `strides`, and the row
    /// length. (A scalar is one row of one element.)
    @inlinable
    static func forEachRow(shape: [Int], strides: [Int], _ body: (Int, Int, Int) -> Void) {
        guard let inner = shape.last else {
            body(0, 0, 1)
            return
        }
        var total = 1
        for n in shape { total &*= n }
        // One input: the cursor's second offset follows the same strides and goes unused.
        var row = RowCursor(shape: shape, stridesA: strides, stridesB: strides)
        var o = 0
        while o < total {
            body(o, row.a, inner)
            o += inner
            row.advance()
        }
    }

    /// Applies `f` to every element. Always inlined, so `f` is compiled into the loop.
    @inlinable @inline(__always)
    public func map(_ f: (Double) -> Double) -> Tensor {
        let n = count
        let out = Tensor.uninitialized(n) { o in
            storage.withUnsafeBufferPointer { p in
                for i in 0..<n { o[i] = f(p[i]) }
            }
        }
        return Tensor(shape: shape, storage: out)
    }

    /// This tensor broadcast to `target` (copied out in full).
    public func broadcast(to target: [Int]) throws(TensorError) -> Tensor {
        if shape == target { return self }
        let result = try Tensor.broadcastShape(shape, target, operation: "broadcasting")
        guard result == target else { throw .shapeMismatch(operation: "broadcasting", shape, target) }
        return try Tensor.zip(self, Tensor(shape: target, repeating: 0), operation: "broadcasting") { a, _ in a }
    }

    /// Sums a tensor of a broadcast shape back down to `target` (the adjoint of broadcasting),
    /// as a gradient flowing back through a broadcast must be.
    public func reduced(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let st = Tensor.broadcastStrides(target, to: shape)
        var n = 1
        for d in target { n &*= d }
        var result = [Double](repeating: 0, count: n)
        result.withUnsafeMutableBufferPointer { out in
            storage.withUnsafeBufferPointer { p in
                let jt = shape.isEmpty ? 0 : st[shape.count - 1]
                Tensor.forEachRow(shape: shape, strides: st) { o, it, inner in
                    for j in 0..<inner { out[it + j * jt] += p[o + j] }
                }
            }
        }
        return Tensor(shape: target, storage: result)
    }
}
