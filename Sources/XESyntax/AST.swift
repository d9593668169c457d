// The syntax tree the parser builds: expressions, statements and the parts they share.

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

/// One position inside `x[...]`.
public enum Subscript: Sendable {
    case index(Expr)
    case slice(start: Expr?, stop: Expr?, step: Expr?)
    /// `...`: every axis that the other subscripts leave, whole (NumPy's Ellipsis).
    case ellipsis
}

/// An argument in a call: positional when `label` is nil.
public struct Argument: Sendable {
    public var label: String?
    public var value: Expr
    public var location: SourceLocation

    public init(label: String?, value: Expr, location: SourceLocation) {
        self.label = label
        self.value = value
        self.location = location
    }
}

/// A function, lambda or loss: its parameters and body.
public struct FunctionDecl: Sendable {
    /// The name, or nil for a lambda.
    public var name: String?
    public var parameters: [Parameter]
    public var body: Expr
    /// The comment lines right above the definition, if any (a loss's help text).
    public var doc: String?

    public init(name: String?, parameters: [Parameter], body: Expr, doc: String? = nil) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.doc = doc
    }
}

/// A parameter of a function, lambda or loss, with an optional default.
public struct Parameter: Sendable {
    public var name: String
    public var defaultValue: Expr?
    public var location: SourceLocation

    public init(name: String, defaultValue: Expr?, location: SourceLocation) {
        self.name = name
        self.defaultValue = defaultValue
        self.location = location
    }
}
