import CXEKernels
import Glibc
import Testing
import XETensor
@testable import XELosses

/// The fused C kernels against straightforward reference loops on random data: lengths that
/// are odd, around the 512-element blocks, and above the size where work is split over threads.
struct KernelTests {
    static let lengths = [1, 3, 7, 511, 512, 513, 1025, 65537, 200_003]

    /// A reproducible generator (SplitMix64).
    struct Random {
        var state: UInt64
        mutating func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
    }

    func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
        a == b || abs(a - b) <= tolerance * max(abs(a), abs(b), 1e-300)
    }

    /// Σ in extended care (Kahan), for the references.
    func sum(_ xs: [Double]) -> Double {
        var s = 0.0, c = 0.0
        for x in xs {
            let y = x - c, t = s + y
            c = (t - s) - y
            s = t
        }
        return s
    }

    @Test(arguments: KernelTests.lengths)
    func bceMatchesTheReference(_ n: Int) {
        var r = Random(state: UInt64(n))
        for soft in [false, true] {
            var y = (0..<n).map { _ in r.next() < 0.5 ? 0.0 : 1.0 }
            if soft { y[n / 2] = 0.3 }
            var p = (0..<n).map { _ in r.next() }
            p[0] = 0
            if n > 2 { p[n - 1] = 1 }
            let eps = 1e-7
            let reference = sum(zip(y, p).map { t, q in
                let c = min(max(q, eps), 1 - eps)
                return -(t * log(c) + (1 - t) * log(1 - c))
            })
            let (s, g, _) = FusedKernels.bce(Tensor(vector: y), Tensor(vector: p), eps: eps, gradientScale: 0.5)
            #expect(close(s, reference), "n=\(n) soft=\(soft): \(s) vs \(reference)")
            // The gradient alone (for the root of a grad) is the same gradient.
            let alone = FusedKernels.bce(Tensor(vector: y), Tensor(vector: p), eps: eps, gradientScale: 0.5, value: false)
            #expect(alone.gradient == g && alone.sum == 0, "n=\(n) soft=\(soft)")
            for i in 0..<n {
                let c = min(max(p[i], eps), 1 - eps)
                let d = p[i] < eps || p[i] > 1 - eps ? 0 : -0.5 * (y[i] / c - (1 - y[i]) / (1 - c))
                if !close(g![i], d) {
                    Issue.record("n=\(n) grad[\(i)] = \(g![i]), expected \(d)")
                    break
                }
            }
        }
    }

    @Test(arguments: KernelTests.lengths)
    func bceLogitsMatchesTheReference(_ n: Int) {
        var r = Random(state: UInt64(n) + 99)
        let y = (0..<n).map { _ in r.next() < 0.3 ? 0.0 : (r.next() < 0.8 ? 1.0 : r.next()) }
        var z = (0..<n).map { _ in (r.next() - 0.5) * 80 }
        z[0] = 1000
        if n > 2 { z[1] = -1000 }
        let losses = zip(y, z).map { t, x in max(x, 0) - x * t + log1p(exp(-abs(x))) }
        let (s, g, _) = FusedKernels.bceLogits(Tensor(vector: y), Tensor(vector: z), gradientScale: 2)
        #expect(close(s, sum(losses)), "n=\(n): \(s) vs \(sum(losses))")
        let alone = FusedKernels.bceLogits(Tensor(vector: y), Tensor(vector: z), gradientScale: 2, value: false)
        #expect(alone.gradient == g && alone.sum == 0, "n=\(n)")
        for i in 0..<n {
            let e = exp(-abs(z[i]))
            let sigma = z[i] >= 0 ? 1 / (1 + e) : e / (1 + e)
            if !close(g![i], 2 * (sigma - y[i])) {
                Issue.record("n=\(n) grad[\(i)] = \(g![i]), expected \(2 * (sigma - y[i]))")
                break
            }
        }
    }

    /// Rows of 4 classes whose maximum is +inf (the limit rule's), with -inf logits, or that hold
    /// a NaN, among ordinary ones, in the rows summed in pairs: the sum of the per-row losses.
    @Test func cceLogitsMeanTakesInfiniteRowsByTheirLimits() {
        let z: [Double] = [1, .infinity, 0, 2, 0.5, 1, 2, 3, -.infinity, 1, -.infinity, 2, 1, 2, 3, 4, 4, 3, .infinity, 1]
        let labels: [Double] = [1, 3, 1, 2, 2]
        let Z = Tensor(shape: [5, 4], storage: z), L = Tensor(vector: labels)
        let each = FusedKernels.cceLogits(Z, labels: L, y: nil, perSample: true, gradientScale: nil)
        let alone = FusedKernels.cceLogits(Z, labels: L, y: nil, perSample: false, gradientScale: nil)
        #expect(each.sum.isFinite && each.sum > 2 && close(alone.sum, each.sum, 1e-14), "\(alone.sum) alone, \(each.sum) from \(each.losses!)")
        var withNaN = z
        withNaN[5] = .nan
        let nanRows = FusedKernels.cceLogits(Tensor(shape: [5, 4], storage: withNaN), labels: L, y: nil, perSample: false, gradientScale: nil)
        #expect(nanRows.sum.isNaN)
    }

    @Test(arguments: [(1, 1), (5, 3), (7, 10), (513, 7), (3, 1500), (2001, 100), (7, 4), (9, 256), (5, 260), (33, 8)])
    func cceLogitsAndSoftmaxMatchTheReference(_ rows: Int, _ classes: Int) throws {
        var r = Random(state: UInt64(rows * 1000 + classes))
        let z = (0..<(rows * classes)).map { _ in (r.next() - 0.5) * 20 }
        let labels = (0..<rows).map { _ in Double(Int(r.next() * Double(classes))) }
        var dense = [Double](repeating: 0, count: rows * classes)
        for i in 0..<rows {
            var total = 0.0
            for c in 0..<classes { dense[i * classes + c] = r.next(); total += dense[i * classes + c] }
            for c in 0..<classes { dense[i * classes + c] /= total }
        }
        var softmax = [Double](repeating: 0, count: rows * classes)
        var shift = [Double](repeating: 0, count: rows), logS = shift
        for i in 0..<rows {
            let row = z[(i * classes)..<((i + 1) * classes)]
            let m = row.max()!
            let s = row.map { exp($0 - m) }.reduce(0, +)
            (shift[i], logS[i]) = (m, log(s))
            for c in 0..<classes { softmax[i * classes + c] = exp(z[i * classes + c] - m) / s }
        }
        let Z = Tensor(shape: [rows, classes], storage: z)
        let fromKernel = try Z.softmax(axis: -1)
        #expect(zip(fromKernel.storage, softmax).allSatisfy { close($0, $1) })
        for useLabels in [true, false] {
            let targets = useLabels ? Tensor(vector: labels) : Tensor(shape: [rows, classes], storage: dense)
            let result = FusedKernels.cceLogits(Z, labels: useLabels ? targets : nil, y: useLabels ? nil : targets,
                                                perSample: true, gradientScale: 0.25)
            for i in 0..<rows {
                var l = 0.0
                for c in 0..<classes {
                    let t = useLabels ? (Double(c) == labels[i] ? 1 : 0) : dense[i * classes + c]
                    l -= t * ((z[i * classes + c] - shift[i]) - logS[i])  // log_softmax = (z - m) - log s
                    let w = useLabels ? 1 : dense[(i * classes)..<((i + 1) * classes)].reduce(0, +)
                    let g = 0.25 * (w * softmax[i * classes + c] - t)
                    if !close(result.gradient![i * classes + c], g, 1e-11) {
                        Issue.record("grad[\(i), \(c)] = \(result.gradient![i * classes + c]), expected \(g)")
                        return
                    }
                }
                #expect(close(result.losses![i], l, 1e-11), "loss[\(i)]")
            }
            #expect(close(result.sum, sum(result.losses!)))
            // The mean alone (no loss kept per row: the exponentials only summed, rows taken
            // in pairs) gives the same sum.
            let alone = FusedKernels.cceLogits(Z, labels: useLabels ? targets : nil, y: useLabels ? nil : targets, perSample: false,
                                               gradientScale: nil)
            #expect(close(alone.sum, result.sum, 1e-13), "\(alone.sum) alone, \(result.sum) with the losses")
        }
    }

    @Test(arguments: KernelTests.lengths)
    func rangeChecksFindTheFirstBadElement(_ n: Int) {
        var x = [Double](repeating: 0.5, count: n)
        #expect(xe_first_outside(x, Int64(n), 0, 1) == -1)
        for bad in [n - 1, n / 2, 0] {
            x[bad] = bad % 2 == 0 ? .nan : 1.5
            #expect(xe_first_outside(x, Int64(n), 0, 1) == Int64(bad), "n=\(n) bad=\(bad)")
        }
    }
}
