/// One position inside `x[...]`.
public enum Subscript: Sendable {
    case index(Expr)
    case slice(start: Expr?, stop: Expr?, step: Expr?)
}
