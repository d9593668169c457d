import Glibc

/// xoshiro256** seeded by splitmix64: fast, and reproducible after `seed(n)`.
struct RandomSource {
    var state: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    var spareNormal: Double?

    init(seed: UInt64) {
        reseed(seed)
    }

    mutating func reseed(_ seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitmix(), splitmix(), splitmix(), splitmix())
        spareNormal = nil
    }

    mutating func next() -> UInt64 {
        let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = (state.3 << 45) | (state.3 >> 19)
        return result
    }

    /// Uniform in [0, 1), 53 random bits.
    mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Standard normal, by the Box–Muller transform.
    mutating func normal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        var u = uniform()
        while u == 0 { u = uniform() }
        let v = uniform()
        let r = (-2 * Glibc.log(u)).squareRoot()
        spareNormal = r * Glibc.sin(2 * Double.pi * v)
        return r * Glibc.cos(2 * Double.pi * v)
    }
}
