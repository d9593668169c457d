import CXEKernels
import Testing
@testable import XETensor

/// The tiled multi-core matrix product against the plain triple loop, on shapes that miss
/// every tile size (4 × 8 registers, 256 × 128 panels) and on both sides of the size where it
/// takes over; and its early stop.
struct MatmulKernelTests {
    /// Values in [-1, 1) from a linear congruential sequence: reproducible, no zeros pattern.
    static func values(_ count: Int, seed: UInt64) -> [Double] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 52) - 1
        }
    }

    @Test(arguments: [[1, 1, 1], [3, 5, 7], [41, 41, 41], [4, 300, 8], [257, 513, 129], [5, 3000, 1], [1, 700, 999], [130, 64, 131]])
    func kernelMatchesThePlainLoop(_ dims: [Int]) throws {
        let (m, k, n) = (dims[0], dims[1], dims[2])
        let a = Self.values(m * k, seed: UInt64(m)), b = Self.values(k * n, seed: UInt64(n) + 99)
        let product = try Tensor.matmul(Tensor(shape: [m, k], storage: a), Tensor(shape: [k, n], storage: b))
        #expect(product.shape == [m, n])
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0, size = 0.0
                for p in 0..<k {
                    s += a[i * k + p] * b[p * n + j]
                    size += abs(a[i * k + p] * b[p * n + j])
                }
                let got = product.storage[i * n + j]
                if abs(got - s) > 1e-14 * size {
                    Issue.record("\(m)×\(k)×\(n): c[\(i)][\(j)] = \(got), expected \(s)")
                    return
                }
            }
        }
    }

    @Test func aStopRequestEndsTheProductEarly() {
        let (m, k, n) = (300, 600, 200)
        let a = [Double](repeating: 1, count: m * k), b = [Double](repeating: 1, count: k * n)
        var c = [Double](repeating: 0, count: m * n)
        let stopped = xe_matmul(a, b, &c, Int64(m), Int64(k), Int64(n)) { 1 }
        #expect(stopped == -1)
        let done = xe_matmul(a, b, &c, Int64(m), Int64(k), Int64(n)) { 0 }
        #expect(done == 0)
        #expect(c.allSatisfy { $0 == Double(k) })
    }
}
