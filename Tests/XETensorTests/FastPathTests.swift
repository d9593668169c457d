import Testing
@testable import XETensor

/// The fast paths of reductions, indexing, transposition and logsumexp against plain loops,
/// on shapes that miss every tile and block size, NaN and infinities included.
struct FastPathTests {
    /// A tensor of `shape` with varied values, a few NaNs and infinities where asked.
    static func sample(_ shape: [Int], specials: Bool = false) -> Tensor {
        let n = shape.reduce(1, *)
        var values: [Double] = []
        for k in 0..<n {
            let spread = Double((k * 7919) % 101) - 50.5
            values.append(spread + Double(k % 7) * 0.125)
        }
        if specials && n > 10 {
            values[3] = .nan
            values[n / 2] = .infinity
            values[n - 2] = -.infinity
        }
        return Tensor(shape: shape, storage: values)
    }

    func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }

    @Test func reductionsOverEveryAxisMatchAPlainLoop() throws {
        for shape in [[5, 7, 3], [1, 9, 4], [6, 1, 2], [33, 65]] {
            let t = Self.sample(shape, specials: true)
            for axis in 0..<shape.count {
                for kind in [Reduction.max, .min, .argmax, .argmin] {
                    let got = try t.reduce(kind, axis: axis)
                    let (outer, length, inner) = Tensor.split(shape, at: axis)
                    for o in 0..<outer {
                        for i in 0..<inner {
                            // The reference: the first NaN, else the first best.
                            var best = t.storage[o * length * inner + i], at = 0
                            for k in 0..<length {
                                let v = t.storage[(o * length + k) * inner + i]
                                if best.isNaN { break }
                                if v.isNaN || (kind == .max || kind == .argmax ? v > best : v < best) { best = v; at = k }
                            }
                            let expected = kind == .max || kind == .min ? best : Double(at)
                            #expect(same(got.storage[o * inner + i], expected), "\(kind) over axis \(axis) of \(shape) at \(o),\(i)")
                        }
                    }
                }
            }
        }
    }

    @Test func matrixTransposeMatchesThePermutation() throws {
        for shape in [[1, 1], [3, 70], [33, 31], [64, 65], [0, 4]] {
            let t = Self.sample(shape)
            let u = try t.transposed()
            #expect(u.shape == [shape[1], shape[0]])
            for i in 0..<shape[0] {
                for j in 0..<shape[1] { #expect(u.storage[j * shape[0] + i] == t.storage[i * shape[1] + j]) }
            }
        }
    }

    @Test func gatherCopiesSlicesAndPicksPositions() throws {
        let t = Self.sample([4, 5, 6])
        for indices: [TensorIndex] in [
            [.range(start: nil, stop: nil, step: nil), .range(start: 1, stop: 4, step: nil)],
            [.at(2), .range(start: nil, stop: nil, step: -1), .range(start: 1, stop: 5, step: 2)],
            [.list([3, 0, 3]), .at(-1)],
            [.range(start: 1, stop: 3, step: nil), .at(0), .list([5, 0])],
        ] {
            let plan = try IndexPlan(shape: t.shape, indices: indices)
            var expected: [Double] = []
            plan.forEachOffset { expected.append(t.storage[$0]) }
            let got = t.gather(plan)
            #expect(got.shape == plan.resultShape && got.storage == expected, "\(indices)")
        }
        #expect(throws: TensorError.self) {
            try IndexPlan(shape: [2, 1 << 20], indices: [.list([Int](repeating: 0, count: 1 << 20))])
        }
    }

    @Test func logsumexpKernelMatchesTheRowLoop() throws {
        for shape in [[7, 5], [3, 1], [2, 1500], [40, 3]] {
            let t = Self.sample(shape, specials: true)
            let fast = try t.logSumExp(axis: -1)
            let logSoftmax = try t.logSoftmax(axis: -1)
            let columns = shape[1]
            t.storage.withUnsafeBufferPointer { p in
                for r in 0..<shape[0] {
                    let slow = Tensor.logSumExpRun(p, r * columns, 1, columns)
                    #expect(same(fast.storage[r], slow) || abs(fast.storage[r] - slow) <= 1e-15 * abs(slow), "row \(r) of \(shape)")
                    for c in 0..<columns {
                        let v = logSoftmax.storage[r * columns + c], w = p[r * columns + c] - fast.storage[r]
                        #expect(same(v, w), "log_softmax[\(r), \(c)] of \(shape)")
                    }
                }
            }
        }
    }
}
