import XESyntax
import XETensor

/// Short source text for an expression, for signatures: `2`, `"mean"`, `1e-15`, `(a + b) * c`.
enum ExprPrinter {
    static func text(_ expr: Expr) -> String {
        switch expr {
        case .number(let x, _): return Tensor.format(x)
        case .boolean(let b, _): return b ? "true" : "false"
        case .string(let s, _): return "\"\(s)\""
        case .name(let n, _): return n
        case .unary(let op, let a, _): return (op == .not ? "not " : op.rawValue) + operand(a, above: op.operand.looser)
        case .array(let items, _) where items.count <= 6: return "[" + items.map(text).joined(separator: ", ") + "]"
        case .binary(let op, let a, let b, _): return infix(op.rawValue, op.precedence, a, b)
        case .logical(let op, let a, let b, _): return infix(op.rawValue, op.precedence, a, b)
        case .call(let f, let arguments, _):
            return operand(f, above: .power) + "(" + arguments.map { ($0.label.map { "\($0)=" } ?? "") + text($0.value) }.joined(separator: ", ") + ")"
        default: return "…"
        }
    }

    /// `a op b` for an operator at `level`, each operand in parentheses where the parser
    /// (`Parser.subexpression`) would otherwise group it differently.
    static func infix(_ symbol: String, _ level: Precedence, _ a: Expr, _ b: Expr) -> String {
        let leftLimit = level.associativity == .left ? level.looser : level
        let rightLimit = level.associativity == .right ? level.looser : level
        return operand(a, above: leftLimit, before: level) + " \(symbol) " + operand(b, above: rightLimit)
    }

    /// `e` as an operand that the parser reads taking only operators tighter than `limit`, and
    /// followed by an infix operator at `next`: in parentheses if it holds a looser operator, or
    /// is a prefix operator that could not start there or would take `next` into its operand.
    static func operand(_ e: Expr, above limit: Precedence, before next: Precedence? = nil) -> String {
        let grouped: Bool
        switch e {
        case .binary(let op, _, _, _): grouped = op.precedence <= limit
        case .logical(let op, _, _, _): grouped = op.precedence <= limit
        case .unary(let op, _, _): grouped = limit >= op.operand || next.map { $0 >= op.operand } == true
        default: grouped = false
        }
        return grouped ? "(" + text(e) + ")" : text(e)
    }
}
