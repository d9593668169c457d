// The syntax half of xe's operator table: each operator's symbol, how tightly it binds and
// which way it groups. The parser's one precedence-climbing function (`Parser.subexpression`)
// is driven by it, as Lua's `subexpr` is by `priority[]`. The meaning of each operator (its
// scalar function, tensor kernel and derivative) is the other half, in XETensor's
// `BinaryOperator+Meaning.swift`.
//
//  loosest  or                        left
//           and                       left
//           not x                     (prefix; its operand: comparisons and tighter)
//           == != < <= > >=           do not chain
//           + -                       left
//           * / @                     left
//           -x +x                     (prefix; its operand: powers and tighter)
//  tightest ^ (also written **)       right

/// An infix operator on values.
public enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", matmul = "@", power = "^"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">"
    case greaterEqual = ">="

    /// How tightly the operator binds.
    public var precedence: Precedence {
        switch self {
        case .add, .subtract: return .additive
        case .multiply, .divide, .matmul: return .multiplicative
        case .power: return .power
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return .comparison
        }
    }

    /// The operator of a compound assignment (`x += e` is `x = x + e`), or nil.
    public init?(assigning op: Operator) {
        switch op {
        case .plusAssign: self = .add
        case .minusAssign: self = .subtract
        case .starAssign: self = .multiply
        case .slashAssign: self = .divide
        default: return nil
        }
    }
}

/// A short-circuiting operator.
public enum LogicalOperator: String, Sendable {
    case and, or

    /// How tightly the operator binds.
    public var precedence: Precedence { self == .and ? .and : .or }
}

/// A prefix operator.
public enum UnaryOperator: String, Sendable {
    case negate = "-", plus = "+", not = "not"

    /// The loosest infix operator its operand takes unparenthesised: `not a < b` is
    /// `not (a < b)`, `-a^2` is `-(a^2)`, `-a * b` is `(-a) * b`. Where a tighter operand is
    /// required (`a < not b`), the operator cannot start one.
    public var operand: Precedence { self == .not ? .comparison : .power }

    /// The prefix operator `token` spells, or nil.
    init?(_ token: Token) {
        switch token {
        case .op(.minus): self = .negate
        case .op(.plus): self = .plus
        case .keyword(.not): self = .not
        default: return nil
        }
    }
}

/// How tightly an infix operator binds, loosest first (Lua's `priority[]`, clox's
/// `Precedence`); each level also says which way its operators group.
public enum Precedence: Int, Sendable, Comparable {
    /// Below every operator: the limit a whole expression is parsed with.
    case lowest
    case or, and, comparison, additive, multiplicative, power

    /// `a - b - c` is `(a - b) - c`; `a ^ b ^ c` is `a ^ (b ^ c)`; `a < b < c` is refused.
    public enum Associativity: Sendable { case left, right, none }

    public var associativity: Associativity {
        switch self {
        case .power: return .right
        case .comparison: return .none
        default: return .left
        }
    }

    /// The level just below this one.
    public var looser: Precedence { Precedence(rawValue: rawValue - 1) ?? .lowest }

    public static func < (a: Precedence, b: Precedence) -> Bool { a.rawValue < b.rawValue }
}

/// An infix operator as the parser meets it: arithmetic and comparisons, or `and` and `or`.
enum InfixOperator {
    case binary(BinaryOperator)
    case logical(LogicalOperator)

    /// The infix operator `token` spells, or nil.
    init?(_ token: Token) {
        switch token {
        case .op(let op):
            guard let binary = BinaryOperator(rawValue: op.rawValue) else { return nil }
            self = .binary(binary)
        case .keyword(.and): self = .logical(.and)
        case .keyword(.or): self = .logical(.or)
        default: return nil
        }
    }

    var precedence: Precedence {
        switch self {
        case .binary(let op): return op.precedence
        case .logical(let op): return op.precedence
        }
    }

    /// The expression `left op right`.
    func node(_ left: Expr, _ right: Expr, at location: SourceLocation) -> Expr {
        switch self {
        case .binary(let op): return .binary(op, left, right, location)
        case .logical(let op): return .logical(op, left, right, location)
        }
    }
}
