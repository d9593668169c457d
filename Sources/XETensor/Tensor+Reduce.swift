extension Tensor {
    /// Pairwise summation as NumPy does it: blocks of 8 partial sums up to 128 elements,
    /// halves above, for an error of O(log n) ulp instead of O(n).
    @inlinable
    public static func pairwiseSum(_ p: UnsafeBufferPointer<Double>, _ start: Int, _ n: Int) -> Double {
        if n < 8 {
            var s = 0.0
            for i in start..<(start + n) { s += p[i] }
            return s
        }
        if n <= 128 {
            var r0 = p[start], r1 = p[start + 1], r2 = p[start + 2], r3 = p[start + 3]
            var r4 = p[start + 4], r5 = p[start + 5], r6 = p[start + 6], r7 = p[start + 7]
            var i = 8
            let end = n - n % 8
            while i < end {
                r0 += p[start + i]; r1 += p[start + i + 1]; r2 += p[start + i + 2]; r3 += p[start + i + 3]
                r4 += p[start + i + 4]; r5 += p[start + i + 5]; r6 += p[start + i + 6]; r7 += p[start + i + 7]
                i += 8
            }
            var s = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while i < n {
                s += p[start + i]
                i += 1
            }
            return s
        }
        var half = n / 2
        half -= half % 8
        return pairwiseSum(p, start, half) + pairwiseSum(p, start + half, n - half)
    }

    /// The sum of all elements, pairwise.
    public func sumAll() -> Double {
        storage.withUnsafeBufferPointer { Tensor.pairwiseSum($0, 0, $0.count) }
    }

    /// Splits the shape around `axis` into (outer, length, inner) counts.
    static func split(_ shape: [Int], at axis: Int) -> (outer: Int, length: Int, inner: Int) {
        var outer = 1
        var inner = 1
        for i in 0..<axis { outer &*= shape[i] }
        for i in (axis + 1)..<shape.count { inner &*= shape[i] }
        return (outer, shape[axis], inner)
    }

    /// Reduces over `axis` (nil: every element), keeping the axis with length 1 if `keepdims`.
    public func reduce(_ kind: Reduction, axis: Int?, keepdims: Bool = false) throws(TensorError) -> Tensor {
        guard let axis else {
            let value = try reduceRun(kind, count: count, start: 0, stride: 1)
            return Tensor(shape: keepdims ? [Int](repeating: 1, count: rank) : [], storage: [value])
        }
        let a = try Tensor.normalize(axis: axis, rank: rank)
        let (outer, length, inner) = Tensor.split(shape, at: a)
        var outShape = shape
        if keepdims { outShape[a] = 1 } else { outShape.remove(at: a) }
        var result = [Double](repeating: 0, count: outer * inner)
        if inner == 1 {
            for o in 0..<outer {
                result[o] = try reduceRun(kind, count: length, start: o * length, stride: 1)
            }
        } else if kind == .sum || kind == .mean {
            // NumPy adds whole rows for a non-last axis: a plain running sum per element.
            if length == 0 && kind == .mean {
                result = [Double](repeating: .nan, count: outer * inner)
            } else {
                storage.withUnsafeBufferPointer { p in
                    result.withUnsafeMutableBufferPointer { out in
                        for o in 0..<outer {
                            for k in 0..<length {
                                let base = (o * length + k) * inner
                                for i in 0..<inner { out[o * inner + i] += p[base + i] }
                            }
                        }
                        if kind == .mean {
                            let n = Double(length)
                            for i in 0..<out.count { out[i] /= n }
                        }
                    }
                }
            }
        } else {
            guard length > 0 else { throw .invalid("\(kind.rawValue) of an empty tensor has no value") }
            // Whole rows at a time, as for sums: a running best per element and where it was.
            let wantMax = kind == .max || kind == .argmax
            let wantPosition = kind == .argmax || kind == .argmin
            var positions = [Double](repeating: 0, count: wantPosition ? outer * inner : 0)
            storage.withUnsafeBufferPointer { p in
                result.withUnsafeMutableBufferPointer { out in
                    positions.withUnsafeMutableBufferPointer { at in
                        for o in 0..<outer {
                            let row = o * inner
                            for i in 0..<inner { out[row + i] = p[o * length * inner + i] }
                            for k in 1..<length {
                                let base = (o * length + k) * inner
                                for i in 0..<inner {
                                    let v = p[base + i], best = out[row + i]
                                    // The first NaN wins and stays, as in NumPy.
                                    if (wantMax ? v > best : v < best) || (v.isNaN && !best.isNaN) {
                                        out[row + i] = v
                                        if wantPosition { at[row + i] = Double(k) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if wantPosition { result = positions }
        }
        return Tensor(shape: outShape, storage: result)
    }

    /// The first element that is `better` than every earlier one, and its position, over `n`
    /// elements from `start`, `stride` apart; the first NaN wins (NumPy's max and argmax).
    @inline(__always)
    static func extreme(_ p: UnsafeBufferPointer<Double>, _ start: Int, _ n: Int, _ stride: Int,
                        _ better: (Double, Double) -> Bool) -> (Double, Int) {
        var best = p[start]
        var bestIndex = 0
        if best.isNaN { return (best, 0) }
        var k = 1
        var i = start + stride
        while k < n {
            let v = p[i]
            if better(v, best) {
                best = v
                bestIndex = k
            } else if v.isNaN {
                return (v, k)
            }
            k += 1
            i += stride
        }
        return (best, bestIndex)
    }

    /// Reduces `count` elements starting at `start`, `stride` apart.
    func reduceRun(_ kind: Reduction, count n: Int, start: Int, stride: Int) throws(TensorError) -> Double {
        switch kind {
        case .sum, .mean:
            let s: Double
            if stride == 1 {
                s = storage.withUnsafeBufferPointer { Tensor.pairwiseSum($0, start, n) }
            } else {
                var acc = 0.0
                for k in 0..<n { acc += storage[start + k * stride] }
                s = acc
            }
            return kind == .sum ? s : s / Double(n)
        case .max, .min, .argmax, .argmin:
            guard n > 0 else {
                throw .invalid("\(kind.rawValue) of an empty tensor has no value")
            }
            let wantMax = kind == .max || kind == .argmax
            let (best, bestIndex) = storage.withUnsafeBufferPointer { p in
                wantMax ? Tensor.extreme(p, start, n, stride, >) : Tensor.extreme(p, start, n, stride, <)
            }
            return (kind == .max || kind == .min) ? best : Double(bestIndex)
        }
    }
}
