/// Central finite differences: the one numeric derivative every derivative in the tests is
/// checked against, whatever computes it (a tensor operation, a loss, a `grad` written in xe, a
/// plugin).
public enum FiniteDifferences {
    /// The step h of first derivatives: small enough for the O(h²) error, large enough that
    /// rounding (about ε·|f| / h) stays below 1e-9.
    public static let step = 1e-6

    /// The derivative of `f` along each element of `x`: column i is
    /// (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h, as long as `f`'s result.
    public static func columns(at x: [Double], step h: Double = step,
                               _ f: ([Double]) throws -> [Double]) rethrows -> [[Double]] {
        try x.indices.map { i in
            var plus = x, minus = x
            plus[i] += h
            minus[i] -= h
            return zip(try f(plus), try f(minus)).map { ($0 - $1) / (2 * h) }
        }
    }

    /// The gradient of the scalar `f` at `x`: element i is (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h.
    public static func gradient(at x: [Double], step h: Double = step,
                                _ f: ([Double]) throws -> Double) rethrows -> [Double] {
        try columns(at: x, step: h) { [try f($0)] }.map { $0[0] }
    }

    /// The derivative of the scalar function `f` at the number `x`.
    public static func derivative(at x: Double, step h: Double = step,
                                  _ f: (Double) throws -> Double) rethrows -> Double {
        try gradient(at: [x], step: h) { try f($0[0]) }[0]
    }

    /// Whether a derivative agrees with its differences: |a − d| ≤ tolerance · max(1, |d|),
    /// relative for large values and absolute for small ones. Where either is not finite they
    /// agree only when equal (the same infinity) or both NaN: an infinite d would otherwise
    /// admit any a.
    public static func agree(_ a: Double, _ d: Double, tolerance: Double) -> Bool {
        guard a.isFinite && d.isFinite else { return a == d || (a.isNaN && d.isNaN) }
        return abs(a - d) <= tolerance * max(1, abs(d))
    }

    /// Whether every element agrees (`agree(_:_:tolerance:)`), and the counts are the same.
    public static func agree(_ a: [Double], _ d: [Double], tolerance: Double) -> Bool {
        a.count == d.count && zip(a, d).allSatisfy { agree($0, $1, tolerance: tolerance) }
    }
}
