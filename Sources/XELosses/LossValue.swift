import XETensor

/// An argument of a loss: a tensor (possibly tracked for `grad`) or a string option.
public enum LossValue: Sendable {
    case tensor(DTensor)
    case string(String)

    /// A constant scalar.
    public static func number(_ x: Double) -> LossValue { .tensor(DTensor(scalar: x)) }

    /// How the value reads in a signature: `1e-15`, `"mean"`.
    public var display: String {
        switch self {
        case .tensor(let t): return t.value.description
        case .string(let s): return "\"\(s)\""
        }
    }
}
