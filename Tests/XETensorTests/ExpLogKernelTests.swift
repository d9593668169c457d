import CXEKernels
import Glibc
import Testing

/// xe's own vector exp, log and log1p (`exp_log.c`, through `xe_unary`) against glibc's scalar
/// functions (which NumPy calls on this machine) on millions of inputs: within 1 ulp of them
/// everywhere, equal to them on nearly every input, and exactly theirs on the special values
/// (±0, ±inf, NaN, negatives, subnormals, the overflow and underflow thresholds). tanh, which
/// glibc computes to 2 ulp, within 4 ulp of glibc's. The functions for values that are only
/// summed (`xe_unary_summed`) within 1 ulp (log1p 2) and exact on the special values.
struct ExpLogKernelTests {
    /// A reproducible stream of 64-bit words (xorshift64).
    struct Words: RandomNumberGenerator {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        /// Uniform in [lo, hi).
        mutating func uniform(_ lo: Double, _ hi: Double) -> Double {
            lo + Double(next() >> 11) * 0x1p-53 * (hi - lo)
        }
        /// `count` draws uniform in [lo, hi).
        mutating func uniform(_ count: Int, _ lo: Double, _ hi: Double) -> [Double] {
            (0..<count).map { _ in uniform(lo, hi) }
        }
        /// `count` draws uniform in (-1, 1) scaled by 1, 2^-1, …, 2^-59 in turn: every magnitude
        /// from 2^-60 to 1.
        mutating func scales(_ count: Int) -> [Double] {
            (0..<count).map { i in uniform(-1, 1) * Glibc.scalbn(1.0, Int32(-(i % 60))) }
        }
    }

    /// |a - b| in units in the last place of b; 0 for the same NaN, zero or infinity, infinite
    /// for any other difference in those (a NaN for a number, -0 for +0, inf for a number).
    static func ulps(_ a: Double, _ b: Double) -> Double {
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN ? 0 : .infinity }
        if a == b { return a.sign == b.sign ? 0 : .infinity }
        if a.isInfinite || b.isInfinite { return .infinity }
        return abs(a - b) / b.ulp
    }

    /// The kernel's values of f over xs (`summed`: xe_unary_summed's).
    static func kernel(_ f: xe_function, _ xs: [Double], summed: Bool = false) -> [Double] {
        var ys = [Double](repeating: 0, count: xs.count)
        xs.withUnsafeBufferPointer { x in
            ys.withUnsafeMutableBufferPointer { y in
                if summed {
                    xe_unary_summed(f, x.baseAddress, y.baseAddress, Int64(x.count))
                } else {
                    xe_unary(f, x.baseAddress, y.baseAddress, Int64(x.count))
                }
            }
        }
        return ys
    }

    /// The largest error in ulp of the kernel against `reference` over xs, and how many differ.
    static func compare(_ f: xe_function, _ xs: [Double], _ reference: (Double) -> Double, summed: Bool = false)
        -> (worst: Double, at: Double, differing: Int) {
        let ys = kernel(f, xs, summed: summed)
        var worst = 0.0, at = 0.0, differing = 0
        for (x, y) in zip(xs, ys) {
            let e = ulps(y, reference(x))
            if e > 0 { differing += 1 }
            if e > worst { (worst, at) = (e, x) }
        }
        return (worst, at, differing)
    }

    static let specials: [Double] = [
        0, -0.0, .infinity, -.infinity, .nan, -.nan, 1, -1, 2, 0.5, -0.5, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
        .leastNormalMagnitude, .leastNormalMagnitude.nextDown, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
        1.nextUp, 1.nextDown, -1.nextDown, 0x1p-60, -0x1p-60, 0x1p53, 0x1p54, 1e300, 1e-300, 0.703125, 1.40625,
        709.782712893384, 709.782712893384.nextUp, 710, -745.1332191019411, -745.1332191019412, -708.3964185322641,
        -708.4, -745, -746, 1e-20, -1e-20,
    ]

    /// Checks f against reference on every input set: at most 1 ulp, the specials exact, and
    /// fewer than `differing` (a fraction) of the inputs off by anything.
    static func check(_ name: String, _ f: xe_function, _ reference: (Double) -> Double, _ sets: [(String, [Double])], differing limit: Double,
                      ulps bound: Double = 1, summed: Bool = false) {
        for (set, xs) in sets {
            let (worst, at, differing) = compare(f, xs, reference, summed: summed)
            print("\(name) on \(set): max \(worst) ulp (at \(at)), \(differing) of \(xs.count) differ from glibc")
            #expect(worst <= bound, "\(name)(\(at)) is \(worst) ulp from glibc's")
            #expect(Double(differing) <= limit * Double(xs.count), "\(name) on \(set): \(differing) of \(xs.count) differ")
        }
        let (worst, at, _) = compare(f, specials, reference, summed: summed)
        #expect(worst <= bound, "\(name)(\(at)) is \(worst) ulp from glibc's")
        for x in specials where x.isNaN || x.isInfinite || x == 0 || reference(x).isNaN || reference(x).isInfinite || reference(x) == 0 {
            let y = kernel(f, [x], summed: summed)[0], r = reference(x)
            #expect(y.isNaN ? r.isNaN : (y == r && y.sign == r.sign), "\(name)(\(x)) = \(y), glibc gives \(r)")
        }
    }

    static let count = 1 << 20

    @Test func logIsWithinOneUlpOfGlibc() {
        var w = Words()
        let bits = (0..<Self.count).map { _ in Double(bitPattern: w.next() >> 1) }
        let unit = w.uniform(Self.count, 0, 1)
        let nearOne = (0..<Self.count).map { _ in 1 + w.uniform(-1, 1) * 0x1p-6 }
        let subnormal = (0..<Self.count / 8).map { _ in Double(bitPattern: w.next() >> 12) }
        Self.check("log", XE_FN_LOG, Glibc.log, [("all positive bit patterns", bits), ("(0, 1)", unit), ("1 ± 2^-6", nearOne), ("subnormals", subnormal)],
                   differing: 0.005)
    }

    @Test func expIsWithinOneUlpOfGlibc() {
        var w = Words()
        let wide = w.uniform(Self.count, -750, 750)
        let small = w.uniform(Self.count, -2, 2)
        let subnormalResults = w.uniform(Self.count / 8, -745.2, -708)
        let tiny = (0..<Self.count / 8).map { _ in w.uniform(-1, 1) * 0x1p-30 }
        Self.check("exp", XE_FN_EXP, Glibc.exp, [("[-750, 750]", wide), ("[-2, 2]", small), ("subnormal results", subnormalResults), ("tiny", tiny)],
                   differing: 0.015)
    }

    @Test func log1pIsWithinOneUlpOfGlibc() {
        var w = Words()
        let range = w.uniform(Self.count, -1, 4)
        let tiny = (0..<Self.count / 4).map { _ in w.uniform(-1, 1) * 0x1p-30 }
        let scales = w.scales(Self.count / 4)
        let large = (0..<Self.count / 8).map { _ in Double(bitPattern: (w.next() >> 2) | 0x4000_0000_0000_0000) }
        // glibc's log1p is the older fdlibm one (within 1 ulp, not 0.52): more inputs differ.
        Self.check("log1p", XE_FN_LOG1P, Glibc.log1p, [("[-1, 4]", range), ("tiny", tiny), ("2^-60 to 1", scales), ("large", large)],
                   differing: 0.1)
    }

    @Test func tanhIsWithinFourUlpOfGlibc() {
        var w = Words()
        let small = w.uniform(Self.count, -0.7, 0.7)
        let wide = w.uniform(Self.count, -25, 25)
        let scales = w.scales(Self.count / 4)
        Self.check("tanh", XE_FN_TANH, Glibc.tanh, [("[-0.7, 0.7]", small), ("[-25, 25]", wide), ("2^-60 to 1", scales)],
                   differing: 0.2, ulps: 4)
    }

    @Test func summedFunctionsAreWithinOneUlpOfGlibc() {
        var w = Words()
        let wide = w.uniform(Self.count / 4, -750, 750)
        let subnormalResults = w.uniform(Self.count / 8, -745.2, -708)
        Self.check("exp summed", XE_FN_EXP, Glibc.exp, [("[-750, 750]", wide), ("subnormal results", subnormalResults)],
                   differing: 0.1, summed: true)
        let bits = (0..<Self.count / 4).map { _ in Double(bitPattern: w.next() >> 1) }
        let unit = w.uniform(Self.count / 4, 0, 1)
        let subnormal = (0..<Self.count / 8).map { _ in Double(bitPattern: w.next() >> 12) }
        Self.check("log summed", XE_FN_LOG, Glibc.log, [("all positive bit patterns", bits), ("(0, 1)", unit), ("subnormals", subnormal)],
                   differing: 0.1, summed: true)
        let range = w.uniform(Self.count / 4, -1, 4)
        let scales = w.scales(Self.count / 4)
        Self.check("log1p summed", XE_FN_LOG1P, Glibc.log1p, [("[-1, 4]", range), ("2^-60 to 1", scales)],
                   differing: 0.3, ulps: 2, summed: true)
    }

    /// The values of xe_log1p_unit_summed (a softplus's log(1 + e^-|z|), only summed) over xs.
    static func log1pUnit(_ xs: [Double]) -> [Double] {
        var ys = [Double](repeating: 0, count: xs.count)
        xs.withUnsafeBufferPointer { x in ys.withUnsafeMutableBufferPointer { y in xe_log1p_unit_summed(x.baseAddress, y.baseAddress, Int64(x.count)) } }
        return ys
    }

    /// log1p on [0, 1] (e^-|z|) for a softplus's terms: within 1 ulp of glibc's on uniform
    /// draws, on e^-|z| for z up to 40, on every magnitude down to 2^-1100 and at √2 - 1 (where
    /// u = 1 + x is split differently); exact at 0, 1 and NaN; a span's bits are one element's.
    @Test func log1pOfTheUnitIntervalIsWithinOneUlp() {
        var w = Words()
        let sqrt2 = 0x1.6a09ep0 - 1
        let sets: [(String, [Double])] = [
            ("[0, 1]", w.uniform(Self.count, 0, 1)),
            ("e^-|z|", (0..<Self.count).map { _ in Glibc.exp(-Swift.abs(w.uniform(-40, 40))) }),
            ("2^-1100 to 1", (0..<Self.count / 4).map { i in w.uniform(0.5, 1) * Glibc.scalbn(1.0, Int32(-(i % 1100))) }),
            ("near √2 - 1", (0..<4096).map { i in sqrt2 + Double(i - 2048) * 0x1p-53 }),
        ]
        for (set, xs) in sets {
            var worst = 0.0, at = 0.0
            for (x, y) in zip(xs, Self.log1pUnit(xs)) where Self.ulps(y, Glibc.log1p(x)) > worst { (worst, at) = (Self.ulps(y, Glibc.log1p(x)), x) }
            print("log1p unit on \(set): max \(worst) ulp (at \(at))")
            #expect(worst <= 1, "log1p unit(\(at)) is \(worst) ulp from glibc's")
        }
        let specials = [0, 1, .nan, .leastNonzeroMagnitude, .leastNormalMagnitude, 1.nextDown, 0x1p-60]
        for (x, y) in zip(specials, Self.log1pUnit(specials)) where x == 0 || x == 1 || x.isNaN || x < 0x1p-54 {
            #expect(x.isNaN ? y.isNaN : y.bitPattern == Glibc.log1p(x).bitPattern, "log1p unit(\(x)) = \(y)")
        }
        let xs = w.uniform(1027, 0, 1)
        for (i, (x, y)) in zip(xs, Self.log1pUnit(xs)).enumerated() {
            #expect(y.bitPattern == Self.log1pUnit([x])[0].bitPattern, "log1p unit(\(x)) at \(i): \(y) in a span")
        }
    }

    /// σ reads e^-|x| through a span that takes -|x| as it loads x (exact and summed): the same
    /// bits as the exp span of -|x|, at every position of a span and on the specials.
    @Test func sigmoidsExpOfMinusAbsIsTheExpSpans() {
        var w = Words()
        var xs = w.uniform(1031, -800, 800) + w.uniform(1031, -5, 5) + Self.specials
        xs.shuffle(using: &w)
        let minusAbs = xs.map { -Swift.abs($0) }
        for summed in [false, true] {
            let e = Self.kernel(XE_FN_EXP, minusAbs, summed: summed), sigma = Self.kernel(XE_FN_SIGMOID, xs, summed: summed)
            for (i, x) in xs.enumerated() {
                let expected = (x >= 0 ? 1 : e[i]) / (1 + e[i])
                #expect(sigma[i].bitPattern == expected.bitPattern || (sigma[i].isNaN && expected.isNaN), "σ(\(x)) = \(sigma[i]), \(expected) from the exp span")
            }
        }
    }

    /// The summed functions run long spans in two passes over chunks of 256 elements (the
    /// first pass storing the reduction, the second finishing it; a vector with a lane off the
    /// fast path computed whole): the same bits as one element at a time (which goes through
    /// the one-pass function), for specials scattered through normal values at every position
    /// of a vector and a chunk, and lengths that are not a multiple of 4 or of a chunk.
    @Test func stagedSpansGiveTheOnePassBits() {
        var w = Words()
        for (f, lo, hi) in [(XE_FN_EXP, -20.0, 20.0), (XE_FN_LOG, 0.001, 1000.0), (XE_FN_LOG1P, -0.9, 4.0)] {
            for n in [3, 4, 255, 256, 257, 1000, 1027] {
                var xs = w.uniform(n, lo, hi)
                var k = Int(w.next() % 7)
                while k < n {
                    xs[k] = Self.specials[Int(w.next() % UInt64(Self.specials.count))]
                    k += 1 + Int(w.next() % 97)
                }
                let ys = Self.kernel(f, xs, summed: true)
                for (i, x) in xs.enumerated() {
                    let one = Self.kernel(f, [x], summed: true)[0]
                    #expect(ys[i].bitPattern == one.bitPattern || (ys[i].isNaN && one.isNaN), "f\(f.rawValue)(\(x)) at \(i) of \(n): \(ys[i]) in a span, \(one) alone")
                }
            }
        }
    }
}
