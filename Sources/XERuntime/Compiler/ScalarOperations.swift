/// The operators with an inline scalar fast path: one caseless enum each, nested here, as
/// namespaces for `ScalarOperation.apply` (each is one line).
enum ScalarOperations {
    enum Add: ScalarOperation {
        @inline(__always) static func apply(_ u: Double, _ v: Double) -> Double { u + v }
    }

    enum Subtract: ScalarOperation {
        @inline(__always) static func apply(_ u: Double, _ v: Double) -> Double { u - v }
    }

    enum Multiply: ScalarOperation {
        @inline(__always) static func apply(_ u: Double, _ v: Double) -> Double { u * v }
    }

    enum Divide: ScalarOperation {
        @inline(__always) static func apply(_ u: Double, _ v: Double) -> Double { u / v }
    }

    enum Less: ScalarOperation {
        @inline(__always) static func apply(_ u: Double, _ v: Double) -> Double { u < v ? 1 : 0 }
    }

    enum LessEqual: ScalarOperation {
        @inline(__always) static func apply(_ u: Double, _ v: Double) -> Double { u <= v ? 1 : 0 }
    }

    enum Greater: ScalarOperation {
        @inline(__always) static func apply(_ u: Double, _ v: Double) -> Double { u > v ? 1 : 0 }
    }

    enum GreaterEqual: ScalarOperation {
        @inline(__always) static func apply(_ u: Double, _ v: Double) -> Double { u >= v ? 1 : 0 }
    }

    enum Equal: ScalarOperation {
        @inline(__always) static func apply(_ u: Double, _ v: Double) -> Double { u == v ? 1 : 0 }
    }

    enum NotEqual: ScalarOperation {
        @inline(__always) static func apply(_ u: Double, _ v: Double) -> Double { u != v ? 1 : 0 }
    }
}
