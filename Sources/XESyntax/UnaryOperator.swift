/// A prefix operator.
public enum UnaryOperator: String, Sendable {
    case negate = "-", plus = "+", not = "not"
}
