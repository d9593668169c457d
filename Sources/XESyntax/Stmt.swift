/// A statement of the xe language.
public indirect enum Stmt: Sendable {
    case expression(Expr)
    /// `target = value`.
    case assign(AssignTarget, Expr, SourceLocation)
    /// `target += value` and the like.
    case compoundAssign(BinaryOperator, AssignTarget, Expr, SourceLocation)
    /// `f(x, k=2) = body`.
    case function(FunctionDecl, SourceLocation)
    /// `loss name(y, p, k=1) = body`: defines and registers a loss.
    case loss(FunctionDecl, SourceLocation)
    /// `for name in iterable { body }`.
    case forLoop(String, Expr, Expr, SourceLocation)
    /// `while condition { body }`.
    case whileLoop(Expr, Expr, SourceLocation)
    case returnValue(Expr?, SourceLocation)
    case breakLoop(SourceLocation)
    case continueLoop(SourceLocation)
    /// `import "file.xe"` or `import "plugin.so"`.
    case importFile(String, SourceLocation)

    /// Where the statement starts.
    public var location: SourceLocation {
        switch self {
        case .expression(let e): return e.location
        case .assign(_, _, let l), .compoundAssign(_, _, _, let l), .function(_, let l), .loss(_, let l),
             .forLoop(_, _, _, let l), .whileLoop(_, _, let l), .returnValue(_, let l), .breakLoop(let l),
             .continueLoop(let l), .importFile(_, let l):
            return l
        }
    }
}

/// What an assignment writes to.
public indirect enum AssignTarget: Sendable {
    case name(String, SourceLocation)
    /// `x[i] = v`: the indexed expression must itself be assignable.
    case index(AssignTarget, [Subscript], SourceLocation)
    /// `a, b = pair`.
    case tuple([AssignTarget], SourceLocation)
}
