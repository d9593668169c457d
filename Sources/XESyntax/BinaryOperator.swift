/// An infix operator on values.
public enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", matmul = "@", power = "^"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">"
    case greaterEqual = ">="
}
