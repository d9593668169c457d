import Glibc
import Testing
@testable import XETensor

/// The elementwise C kernel (`Tensor.applying`) against the scalar functions of `UnaryFunction`
/// to a few ulp (libmvec's vector exp is within 2 ulp of glibc's scalar one), on values from
/// tiny to huge, the special values, and lengths around the threading split.
struct UnaryKernelTests {
    static let specials: [Double] = [0, -0.0, .infinity, -.infinity, .nan, -1, -1 + 1e-16, Double.leastNonzeroMagnitude, -Double.leastNonzeroMagnitude,
                                     0.625, -0.625, 0.6249999, 709.7, 710, -745, -746, 354, 1e308, -1e308]

    /// Values spread over many magnitudes, both signs, then the specials.
    static func values(_ count: Int) -> [Double] {
        var state: UInt64 = 12345
        var xs: [Double] = []
        for i in 0..<count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let unit = Double(state >> 11) / Double(1 << 53) * 2 - 1
            let scale = [1e-300, 1e-12, 1e-4, 0.3, 1, 4, 40, 800, 1e12][i % 9]
            xs.append(unit * scale)
        }
        return xs + specials
    }

    @Test(arguments: UnaryFunction.allCases)
    func kernelMatchesTheScalarFunction(_ f: UnaryFunction) {
        for n in [2, 7, 70_001] {
            let xs = Self.values(n)
            let ys = Tensor(vector: xs).applying(f).storage
            for (x, y) in zip(xs, ys) {
                let r = f.apply(x)
                let agrees = y == r || (y.isNaN && r.isNaN) || abs(y - r) <= 1e-15 * abs(r)
                if !agrees {
                    Issue.record("\(f)(\(x)) = \(y), the scalar function gives \(r)")
                    return
                }
            }
        }
    }

    @Test func aSingleNumberUsesTheScalarFunction() {
        for f in UnaryFunction.allCases {
            #expect(Tensor(vector: [0.7]).applying(f).storage == [f.apply(0.7)])
        }
    }
}
