import Testing
import XESyntax
@testable import XERuntime

/// The source text shown for an expression (a default value in a signature, a lambda's legend,
/// the heading of `conventions`) parses back to the same tree.
struct ExprPrinterTests {
    /// The tree fully parenthesised, locations left out.
    func shape(_ e: Expr) -> String {
        switch e {
        case .number(let x, _): return "\(x)"
        case .name(let n, _): return n
        case .unary(let op, let a, _): return "(\(op.rawValue) \(shape(a)))"
        case .binary(let op, let a, let b, _): return "(\(shape(a)) \(op.rawValue) \(shape(b)))"
        case .logical(let op, let a, let b, _): return "(\(shape(a)) \(op.rawValue) \(shape(b)))"
        case .call(let f, let arguments, _): return shape(f) + "(" + arguments.map { shape($0.value) }.joined(separator: ", ") + ")"
        default: return "?"
        }
    }

    func parsed(_ source: String) throws -> Expr {
        guard case .expression(let e)? = try Parser.parse(source).first else { throw SyntaxError.invalidToken("not an expression", at: SourceLocation(file: "", line: 1, column: 1)) }
        return e
    }

    @Test func parenthesesAreKeptWhereTheGroupingNeedsThem() throws {
        for (source, shown) in [("(1 + 2) * 3", "(1 + 2) * 3"), ("-(1 + 2)", "-(1 + 2)"), ("(-a) ^ 2", "(-a) ^ 2"),
                                ("-a ^ 2", "-a ^ 2"), ("a - (b - c)", "a - (b - c)"), ("(a ^ b) ^ c", "(a ^ b) ^ c"),
                                ("a == (not b)", "a == (not b)"), ("not (a and b)", "not (a and b)"),
                                ("(a < b) < c", "(a < b) < c"), ("(f + g)(x)", "(f + g)(x)"), ("2 ^ -x", "2 ^ -x")] {
            #expect(ExprPrinter.text(try parsed(source)) == shown, "\(source)")
        }
    }

    /// Random trees of every operator: printed, parsed again, the same tree.
    @Test func randomTreesReadBackUnchanged() throws {
        var rng = SystemRandomNumberGenerator()
        let at = SourceLocation(file: "", line: 1, column: 1)
        func tree(_ depth: Int) -> Expr {
            if depth == 0 || Int.random(in: 0..<4, using: &rng) == 0 {
                return Bool.random(using: &rng) ? .name(["a", "b", "c"].randomElement(using: &rng)!, at) : .number(Double(Int.random(in: 0...9, using: &rng)), at)
            }
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<5: return .binary(BinaryOperator.allCases.randomElement(using: &rng)!, tree(depth - 1), tree(depth - 1), at)
            case 5: return .logical(Bool.random(using: &rng) ? .and : .or, tree(depth - 1), tree(depth - 1), at)
            case 6..<9: return .unary([UnaryOperator.negate, .plus, .not].randomElement(using: &rng)!, tree(depth - 1), at)
            default: return .call(tree(depth - 1), [Argument(label: nil, value: tree(depth - 1), location: at)], at)
            }
        }
        for _ in 0..<3000 {
            let e = tree(5)
            let text = ExprPrinter.text(e)
            #expect(try shape(parsed(text)) == shape(e), "\(text)")
        }
    }
}
