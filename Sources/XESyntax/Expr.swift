/// An expression of the xe language. Every case carries the place it starts.
public indirect enum Expr: Sendable {
    case number(Double, SourceLocation)
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
        case .number(_, let l), .string(_, let l), .name(_, let l), .array(_, let l), .tuple(_, let l),
             .unary(_, _, let l), .binary(_, _, _, let l), .logical(_, _, _, let l), .call(_, _, let l),
             .index(_, _, let l), .lambda(_, let l), .block(_, let l), .ifElse(_, _, _, let l):
            return l
        }
    }
}

/// A prefix operator.
public enum UnaryOperator: String, Sendable {
    case negate = "-", plus = "+", not = "not"
}

/// An infix operator on values.
public enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", matmul = "@", power = "^"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">"
    case greaterEqual = ">="
}

/// A short-circuiting operator.
public enum LogicalOperator: String, Sendable {
    case and, or
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

/// One position inside `x[...]`.
public enum Subscript: Sendable {
    case index(Expr)
    case slice(start: Expr?, stop: Expr?, step: Expr?)
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
