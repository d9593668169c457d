import Foundation
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

    /// The softmax family of one row written out plainly: m the maximum, s = Σ exp(x - m);
    /// lse = m + log s, log_softmax = (x - m) - log s; rows whose maximum is infinite by the
    /// limit rule (0 for the only entry at m, NaN for several, -inf below); NaN rows NaN.
    static func referenceRow(_ x: [Double]) -> (lse: Double, logSoftmax: [Double]) {
        if x.contains(where: \.isNaN) { return (.nan, x.map { _ in .nan }) }
        guard let m = x.max() else { return (-.infinity, []) }
        if m.isInfinite {
            let atMax = x.filter { $0 == m }.count
            return (m, x.map { $0 == m ? (atMax == 1 ? 0 : .nan) : -.infinity })
        }
        var s = 0.0
        for v in x { s += Foundation.exp(v - m) }
        let logS = Foundation.log(s)
        return (m + logS, x.map { ($0 - m) - logS })
    }

    @Test func softmaxFamilyKernelsMatchTheRowFormulas() throws {
        var rows: [[Double]] = [[1e9, 1e9 + 1], [1e6, 1e6 + 1, 1e6 - 3], [100, .infinity], [750, .infinity], [1, .infinity, .infinity],
                                [-.infinity, -.infinity], [-.infinity], [.infinity], [.nan, .infinity], [-.infinity, 2, .nan], [0, 0]]
        for shape in [[7, 5], [3, 1], [2, 1500], [40, 3]] {
            let t = Self.sample(shape, specials: true)
            for r in 0..<shape[0] { rows.append(Array(t.storage[(r * shape[1])..<((r + 1) * shape[1])])) }
        }
        for row in rows {
            let t = Tensor(shape: [1, row.count], storage: row)
            let (lse, logSoftmax) = Self.referenceRow(row)
            let fastLSE = try t.logSumExp(axis: -1).storage[0]
            #expect(same(fastLSE, lse) || abs(fastLSE - lse) <= 1e-15 * abs(lse), "logsumexp of \(row)")
            let fast = try t.logSoftmax(axis: -1).storage, soft = try t.softmax(axis: -1).storage
            for c in 0..<row.count {
                #expect(same(fast[c], logSoftmax[c]) || abs(fast[c] - logSoftmax[c]) <= 1e-15 * Swift.max(1, abs(logSoftmax[c])), "log_softmax[\(c)] of \(row)")
                let e = Foundation.exp(logSoftmax[c])
                #expect(same(soft[c], e) || abs(soft[c] - e) <= 1e-15, "softmax[\(c)] of \(row)")
            }
            // Along the first axis: the same numbers (the kernel runs on the moved axis; libmvec's
            // vector exp and the scalar one may differ in the last bit, by the buffer's alignment).
            let column = try t.transposed()
            let near = { (a: Double, b: Double) in self.same(a, b) || abs(a - b) <= 4e-16 * Swift.max(1, abs(b)) }
            #expect(try column.logSoftmax(axis: 0).storage.elementsEqual(fast, by: near))
            #expect(try column.softmax(axis: 0).storage.elementsEqual(soft, by: near))
            #expect(near(try column.logSumExp(axis: 0).storage[0], fastLSE))
        }
        #expect(try Tensor(shape: [2], storage: [1e9, 1e9 + 1]).logSoftmax(axis: 0).storage == [-1.3132616875182228, -0.31326168751822286])
    }
}
