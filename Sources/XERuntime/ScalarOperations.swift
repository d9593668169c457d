// The operators with an inline scalar fast path: one caseless enum each, as namespaces for
// `ScalarOperation.apply` (kept together: each is one line).

enum AddOperation: ScalarOperation {
    @inline(__always) static func apply(_ u: Double, _ v: Double) -> Double { u + v }
}

enum SubtractOperation: ScalarOperation {
    @inline(__always) static func apply(_ u: Double, _ v: Double) -> Double { u - v }
}

enum MultiplyOperation: ScalarOperation {
    @inline(__always) static func apply(_ u: Double, _ v: Double) -> Double { u * v }
}

enum DivideOperation: ScalarOperation {
    @inline(__always) static func apply(_ u: Double, _ v: Double) -> Double { u / v }
}

enum LessOperation: ScalarOperation {
    @inline(__always) static func apply(_ u: Double, _ v: Double) -> Double { u < v ? 1 : 0 }
}

enum LessEqualOperation: ScalarOperation {
    @inline(__always) static func apply(_ u: Double, _ v: Double) -> Double { u <= v ? 1 : 0 }
}

enum GreaterOperation: ScalarOperation {
    @inline(__always) static func apply(_ u: Double, _ v: Double) -> Double { u > v ? 1 : 0 }
}

enum GreaterEqualOperation: ScalarOperation {
    @inline(__always) static func apply(_ u: Double, _ v: Double) -> Double { u >= v ? 1 : 0 }
}

enum EqualOperation: ScalarOperation {
    @inline(__always) static func apply(_ u: Double, _ v: Double) -> Double { u == v ? 1 : 0 }
}

enum NotEqualOperation: ScalarOperation {
    @inline(__always) static func apply(_ u: Double, _ v: Double) -> Double { u != v ? 1 : 0 }
}
