import XESyntax
import XETensor

/// Short source text for an expression, for signatures: `2`, `"mean"`, `1e-15`.
enum ExprPrinter {
    static func text(_ expr: Expr) -> String {
        switch expr {
        case .number(let x, _): return Tensor.format(x)
        case .boolean(let b, _): return b ? "true" : "false"
        case .string(let s, _): return "\"\(s)\""
        case .name(let n, _): return n
        case .unary(let op, let a, _): return (op == .not ? "not " : op.rawValue) + text(a)
        case .array(let items, _) where items.count <= 6: return "[" + items.map(text).joined(separator: ", ") + "]"
        case .binary(let op, let a, let b, _): return text(a) + " \(op.rawValue) " + text(b)
        case .call(let f, let arguments, _):
            return text(f) + "(" + arguments.map { ($0.label.map { "\($0)=" } ?? "") + text($0.value) }.joined(separator: ", ") + ")"
        default: return "…"
        }
    }
}
