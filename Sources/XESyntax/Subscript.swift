/// One position inside `x[...]`.
public enum Subscript: Sendable {
    case index(Expr)
    case slice(start: Expr?, stop: Expr?, step: Expr?)
    /// `...`: every axis that the other subscripts leave, whole (NumPy's Ellipsis).
    case ellipsis
}
