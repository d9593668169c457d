import XELosses
import XETensor

/// A value of the xe language.
public enum Value: Sendable {
    /// A plain scalar, kept unboxed so scalar loops allocate nothing.
    case number(Double)
    /// A constant tensor of any rank.
    case tensor(Tensor)
    /// A tensor that depends on a variable being differentiated by `grad`.
    case tracked(Node)
    case string(String)
    case function(any Callable)
    case tuple([Value])
    /// The value of statements that have none (assignments, `print`, loops).
    case none

    /// A value from a possibly tracked tensor: tracked stays tracked, a one-element rank-0
    /// tensor becomes a plain number.
    init(_ t: DTensor) {
        if let node = t.node {
            self = .tracked(node)
        } else if t.value.isScalar {
            self = .number(t.value.storage[0])
        } else {
            self = .tensor(t.value)
        }
    }

    init(_ t: Tensor) {
        self = t.isScalar ? .number(t.storage[0]) : .tensor(t)
    }

    /// The kind of value, for messages: "a number", "a tensor of shape (2, 3)".
    public var kindDescription: String {
        switch self {
        case .number: return "a number"
        case .tensor(let t): return "a tensor of shape \(Tensor.describe(shape: t.shape))"
        case .tracked(let n): return "a tensor of shape \(Tensor.describe(shape: n.value.shape))"
        case .string: return "a string"
        case .function(let f): return "the function \(f.name)"
        case .tuple(let items): return "a tuple of \(items.count)"
        case .none: return "nothing"
        }
    }

    /// The tensor, tracked or not, or nil for a non-numeric value.
    public var dtensor: DTensor? {
        switch self {
        case .number(let x): return DTensor(scalar: x)
        case .tensor(let t): return DTensor(t)
        case .tracked(let n): return DTensor(n)
        default: return nil
        }
    }

    /// The plain tensor value (a tracked tensor's current value).
    public var tensorValue: Tensor? { dtensor?.value }
}
