/// A short-circuiting operator.
public enum LogicalOperator: String, Sendable {
    case and, or
}
