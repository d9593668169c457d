import Foundation
import Testing

/// Each vector path of the kernels gives the others' results: AVX-512 where the CPU has it,
/// AVX2 with FMA (`XE_SIMD=avx2`) and the portable path (libm through libmvec, what a CPU
/// without either runs; `XE_SIMD=portable`): the same special values exactly and the same sums
/// to a few ulp. On a CPU without AVX-512 the first two are the same path.
@Suite struct PortableKernelTests {
    static let program = """
        x = range(-200000, 200000) / 1000
        p = range(1, 200001) / 200001
        y = x > 0.5
        print(sum(exp(x / 100)), sum(log(p)), sum(log1p(p)), sum(tanh(x / 50)^2), sum(sigmoid(x)))
        print(bce_logits(y, x), sum(abs(grad(bce_logits(y, x), x))), sum(bce_logits(y, x, reduction="none")^2))
        Z = reshape(x, [4000, 100])
        print(sum(softmax(Z)^2), sum(logsumexp(Z, axis=1)), cce_logits(zeros(4000), Z), sum(log_softmax(Z)))
        loss my_focal(y, p, gamma=2) = mean(-(y * (1-p)^gamma * log(p) + (1-y) * p^gamma * log(1-p)))
        print(my_focal(y[0:200000], p), sum(grad(my_focal(y[0:200000], p), p)))
        print(log([0, -1, inf, nan, 5e-324, 1, 2.2250738585072014e-308, 1e308]))
        print(exp([1000, -1000, -745.1, 709.7, nan, -inf, inf, 0, -708.5]))
        print(log1p([-1, -2, 1e-300, inf, nan, -0.5, 1e300]))
        print(tanh([0, -0.0, 355, -355, 1e-300, nan, inf, -inf, 0.625]))
        """

    /// The numbers of an output, line by line.
    static func numbers(_ output: String) -> [[Double]] {
        output.split(separator: "\n").map { line in
            line.split(whereSeparator: { " ,[]".contains($0) }).map { Double(String($0)) ?? .signalingNaN }
        }
    }

    @Test(arguments: ["avx2", "portable"]) func pathAgreesWithTheWidest(path: String) throws {
        let fast = try XE.run(["-e", Self.program])
        let portable = try XE.run(["-e", Self.program], environment: ["XE_SIMD": path])
        #expect(fast.status == 0 && portable.status == 0, "\(fast.stderr)\(portable.stderr)")
        let a = Self.numbers(fast.stdout), b = Self.numbers(portable.stdout)
        #expect(a.count == 8 && a.map(\.count) == b.map(\.count), "\(fast.stdout)\n\(portable.stdout)")
        for (row, (u, v)) in zip(a, b).enumerated() {
            for (x, y) in zip(u, v) {
                let same = x == y || (x.isNaN && y.isNaN && !x.isSignalingNaN && !y.isSignalingNaN)
                    || (x.isFinite && y.isFinite && abs(x - y) <= 1e-13 * max(abs(x), abs(y)))
                // The special values (rows 5 on) must be exact: only sums may differ in the last digits.
                #expect(row < 4 ? same : (x == y || (x.isNaN && y.isNaN)), "line \(row + 1): \(x) against \(y)")
            }
        }
    }
}
