/// An operator on two plain numbers, as `Interpreter.binary` computes it for scalars
/// (comparisons give 1 or 0). The compiler's closures are generic over it, so each is
/// specialised with the operation inlined: about 10% faster scalar loops than a switch on the
/// operator at run time. The conforming types are in `ScalarOperations.swift`.
protocol ScalarOperation {
    static func apply(_ u: Double, _ v: Double) -> Double
}
