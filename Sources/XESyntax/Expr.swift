/// An expression of the xe language. Every case carries the place it starts.
public indirect enum Expr: Sendable {
    case number(Double, SourceLocation)
    /// `true` or `false`: the number 1 or 0, except that a list literal made only of them is a
    /// boolean mask (NumPy's `[True, False]`).
    case boolean(Bool, SourceLocation)
    case string(String, SourceLocation)
    case name(String, SourceLocation)
    /// A tensor literal `[a, b, c]`; nested literals make higher ranks.
    case array([Expr], SourceLocation)
    /// A tuple `(a, b)`.
    case tuple([Expr], SourceLocation)
    case unary(UnaryOperator, Expr, SourceLocation)
    case binary(BinaryOperator, Expr, Expr, SourceLocation)
    /// `and` / `or`, which short-circuit on scalars.
    case logical(LogicalOperator, Expr, Expr, SourceLocation)
    case call(Expr, [Argument], SourceLocation)
    case index(Expr, [Subscript], SourceLocation)
    case lambda(FunctionDecl, SourceLocation)
    /// `{ s1; s2; e }`: the value of its last statement.
    case block([Stmt], SourceLocation)
    /// `if c { ... } else { ... }`; the else branch may be absent.
    case ifElse(Expr, Expr, Expr?, SourceLocation)

    /// Where the expression starts.
    public var location: SourceLocation {
        switch self {
        case .number(_, let l), .boolean(_, let l), .string(_, let l), .name(_, let l), .array(_, let l), .tuple(_, let l),
             .unary(_, _, let l), .binary(_, _, _, let l), .logical(_, _, _, let l), .call(_, _, let l),
             .index(_, _, let l), .lambda(_, let l), .block(_, let l), .ifElse(_, _, _, let l):
            return l
        }
    }
}
