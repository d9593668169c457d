/// Operator spellings of the differentiable operations, for writing formulas in Swift
/// (losses and plugins): `-(y * log(p) + (1 - y) * log(1 - p))`.
extension DTensor: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    public init(floatLiteral value: Double) { self.init(scalar: value) }
    public init(integerLiteral value: Int) { self.init(scalar: Double(value)) }

    public static func + (a: DTensor, b: DTensor) throws(TensorError) -> DTensor { try binary(.add, a, b) }
    public static func - (a: DTensor, b: DTensor) throws(TensorError) -> DTensor { try binary(.subtract, a, b) }
    public static func * (a: DTensor, b: DTensor) throws(TensorError) -> DTensor { try binary(.multiply, a, b) }
    public static func / (a: DTensor, b: DTensor) throws(TensorError) -> DTensor { try binary(.divide, a, b) }
    public static prefix func - (a: DTensor) -> DTensor { negate(a) }

    /// Elementwise `a^b`.
    public func pow(_ exponent: DTensor) throws(TensorError) -> DTensor { try DTensor.binary(.power, self, exponent) }
    public var log: DTensor { DTensor.apply(.log, self) }
    public var exp: DTensor { DTensor.apply(.exp, self) }
    public var log1p: DTensor { DTensor.apply(.log1p, self) }
    public var abs: DTensor { DTensor.apply(.abs, self) }
    public var sigmoid: DTensor { DTensor.apply(.sigmoid, self) }

    /// The sum over `axis` (nil: all elements).
    public func sum(axis: Int? = nil) throws(TensorError) -> DTensor { try DTensor.reduce(.sum, self, axis: axis) }
    /// The mean over `axis` (nil: all elements).
    public func mean(axis: Int? = nil) throws(TensorError) -> DTensor { try DTensor.reduce(.mean, self, axis: axis) }
}
