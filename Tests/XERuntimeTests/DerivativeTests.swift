import FiniteDifferences
import Foundation
import Testing
@testable import XERuntime

/// `jacobian` and `hessian`: against finite differences, and the classic closed forms.
struct DerivativeTests {
    func close(_ a: [Double], _ b: [Double], _ tolerance: Double) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }

    /// Checks `derivative(expr, x)` (shape: expr's then x's) column by column against central
    /// differences of `of` (expr itself for jacobian, grad(expr, x) for hessian).
    func check(_ setup: String, _ derivative: String, _ expr: String, of: String? = nil, variable: String = "x") throws {
        let s = Session()
        try s.eval(setup)
        try s.eval("__x0 = \(variable)")
        let d = try s.numbers("\(derivative)(\(expr), \(variable))")
        let base = of ?? expr
        let m = try s.numbers(base).count
        let x0 = try s.numbers("__x0")
        let n = x0.count
        #expect(d.count == m * n, "\(derivative)(\(expr)) has \(d.count) elements, not \(m)·\(n)")
        let columns = try FiniteDifferences.columns(at: x0) { moved in
            try s.assign(variable, moved, shapeOf: "__x0")
            return try s.numbers(base)
        }
        for (j, column) in columns.enumerated() {
            let analytic = (0..<m).map { d[$0 * n + j] }
            #expect(FiniteDifferences.agree(analytic, column, tolerance: 1e-6), "\(derivative)(\(expr), \(variable)) column \(j): \(analytic) vs \(column)")
        }
    }

    let data = "y = [1, 0, 1, 0]; x = [0.9, 0.2, 0.6, 0.3]; Z = [[0.5, -1, 2], [1.5, 0.2, -0.3]]; labels = [2, 0]; Y = [[0, 0.5, 0.5], [1, 0, 0]]"

    @Test func jacobiansAgainstFiniteDifferences() throws {
        try check(data, "jacobian", "softmax(x)")
        try check(data, "jacobian", "log_softmax(Z)", variable: "Z")
        try check(data, "jacobian", "softmax(Z, axis=0)", variable: "Z")
        try check(data, "jacobian", "sigmoid(Z) @ [1, -2, 0.5]", variable: "Z")
        try check(data, "jacobian", "bce(y, x, reduction=\"none\")")
        try check(data, "jacobian", "x[1:3] * sum(x ^ 2)")
        try check(data, "jacobian", "bce(y, x)")
    }

    @Test func hessiansAgainstFiniteDifferences() throws {
        for loss in ["bce(y, x)", "bce(y, x, reduction=\"sum\", weight=[1, 2, 3, 4])", "bce_logits(y, x, pos_weight=3)",
                     "bce_logits(y, x, weight=[0.5, 1, 2, 1])", "mean((y - x) ^ 2)", "sum(exp(x) * log1p(x))"] {
            try check(data, "hessian", loss, of: "grad(\(loss), x)")
        }
        for loss in ["cce_logits(labels, Z)", "cce_logits(Y, Z, label_smoothing=0.1)", "cce_logits(labels, Z, weight=[1, 2, 0.5])",
                     "cce(labels, softmax(Z))", "logsumexp(reshape(Z, [-1]))"] {
            try check(data, "hessian", loss, of: "grad(\(loss), Z)", variable: "Z")
        }
    }

    @Test func classicResultsComeOutExactly() throws {
        let s = Session()
        try s.eval(data)
        // softmax: diag(s) - s sᵀ.
        let sv = try s.numbers("softmax(Z[0])")
        let j = try s.numbers("{ z = Z[0]; jacobian(softmax(z), z) }")
        for a in 0..<3 { for b in 0..<3 {
            let expected = (a == b ? sv[a] : 0) - sv[a] * sv[b]
            #expect(abs(j[a * 3 + b] - expected) <= 1e-15, "softmax Jacobian [\(a), \(b)]")
        } }
        // bce_logits: σ(z)(1-σ(z))/n on the diagonal, times the weights.
        let sigma = x.map { 1 / (1 + exp(-$0)) }
        let weights = [0.5, 1, 2, 1.5]
        let h = try s.numbers("hessian(bce_logits(y, x, weight=[0.5, 1, 2, 1.5]), x)")
        for a in 0..<4 { for b in 0..<4 {
            let expected = a == b ? weights[a] * sigma[a] * (1 - sigma[a]) / 4 : 0
            #expect(abs(h[a * 4 + b] - expected) <= 1e-15, "bce_logits Hessian [\(a), \(b)]: \(h[a * 4 + b]) vs \(expected)")
        } }
        // At z = 0 exactly (Newton's usual start) too: σ(1-σ) = 1/4, not lost in a kink of |z|.
        #expect(try s.eval("z = [0, 0]; hessian(bce_logits([1, 0], z), z)") == "[[0.125,     0],\n [    0, 0.125]]")
        #expect(try s.eval("z = [0, 0]; hessian(bce_logits([1, 0], z, pos_weight=3), z)") == "[[0.375,     0],\n [    0, 0.125]]")
        // cce_logits: per sample diag(p) - p pᵀ, over n; no coupling between samples.
        let hz = try s.numbers("hessian(cce_logits(labels, Z), Z)")
        for i in 0..<2 {
            let p = try s.numbers("softmax(Z[\(i)])")
            for i2 in 0..<2 { for a in 0..<3 { for b in 0..<3 {
                let expected = i == i2 ? ((a == b ? p[a] : 0) - p[a] * p[b]) / 2 : 0
                let got = hz[((i * 3 + a) * 2 + i2) * 3 + b]
                #expect(abs(got - expected) <= 1e-15, "cce_logits Hessian [\(i), \(a), \(i2), \(b)]: \(got) vs \(expected)")
            } } }
        }
        // Logistic regression: Xᵀ diag(σ(1-σ)) X / n.
        try s.eval("X = [[1, 0.5, -1], [1, -1.5, 2], [1, 0.3, 0.3], [1, 2, -0.7]]; w = [0.1, -0.4, 0.25]")
        let X = [[1, 0.5, -1], [1, -1.5, 2], [1, 0.3, 0.3], [1, 2, -0.7]], w = [0.1, -0.4, 0.25]
        let hw = try s.numbers("hessian(bce_logits(y, X @ w), w)")
        for a in 0..<3 { for b in 0..<3 {
            var expected = 0.0
            for r in X {
                let z = zip(r, w).map(*).reduce(0, +)
                let q = 1 / (1 + exp(-z))
                expected += r[a] * q * (1 - q) * r[b] / 4
            }
            #expect(abs(hw[a * 3 + b] - expected) <= 1e-15, "logistic-regression Hessian [\(a), \(b)]")
        } }
    }
    let x = [0.9, 0.2, 0.6, 0.3]

    @Test func solveAndNewton() throws {
        let s = Session()
        #expect(try s.eval("solve([[2, 0], [0, 4]], [2, 2])") == "[1, 0.5]")
        try s.eval("A = [[4, 1], [2, 3]]")
        #expect(close(try s.numbers("A @ solve(A, [[1, 0], [0, 1]])"), [1, 0, 0, 1], 1e-15))
        #expect(s.error("solve([[1, 2], [2, 4]], [1, 1])")!.message.contains("singular"))
        #expect(s.error("solve([[1, 2, 3]], [1])")!.message.contains("square"))
        // Newton's method on a logistic regression: the gradient vanishes in a few steps.
        try s.eval("X = [[1, 0.5, -1], [1, -1.5, 2], [1, 0.3, 0.3], [1, 2, -0.7], [1, -0.2, 0.4]]; y = [1, 0, 1, 0, 0]; w = zeros(3)")
        try s.eval("for k in range(8) { w = w - solve(hessian(bce_logits(y, X @ w), w), grad(bce_logits(y, X @ w), w)) }")
        let g = try s.numbers("grad(bce_logits(y, X @ w), w)")
        #expect(g.allSatisfy { abs($0) < 1e-14 }, "\(g)")
    }

    @Test func formsShapesAndNesting() throws {
        let s = Session()
        #expect(try s.eval("f(v) = v^3; [hessian(f)(2), jacobian(f)(2), jacobian(grad(f))(2)]") == "[12, 12, 12]")
        #expect(try s.eval("g(a, b) = a * b^2; jacobian(g, argnum=1)(2, [1, 3])") == "[[ 4,  0],\n [ 0, 12]]")
        #expect(try s.eval("a = 2; b = 3; hessian(a^2 * b^3, a, b)") == "((54, 108), (108, 72))")
        #expect(try s.eval("Z = [[1, 2, 3], [4, 5, 6]]; shape(jacobian(softmax(Z), Z))") == "[2, 3, 2, 3]")
        #expect(try s.eval("z = [1, 2]; shape(jacobian(sum(z), z))") == "[2]")
        #expect(try s.eval("z = [1, 2]; grad(sum(hessian(sum(z^4), z)), z)") == "[24, 48]")
        #expect(try s.eval("c = 3; jacobian(2 * c, c)") == "2")
        #expect(try s.eval("z = [1, 2]; u = 5; hessian(sum(z^2), u)") == "0")
        #expect(s.error("z = [1, 2]; hessian(z^2, z)")!.message.contains("hessian needs a scalar expression"))
        #expect(s.error("z = [1, 2]; jacobian(z, z + 1)")!.message.contains("jacobian(expr, x): x must be the name of a variable"))
        #expect(s.error("jacobian(\"a\", print)") != nil)
        try s.eval("help(hessian); help(jacobian)")
        #expect(s.printed.contains("∂²e/∂x[i...]∂x[j...]") && s.printed.contains("J[i..., j...] = ∂e[i...]/∂x[j...]"))
    }

    /// Every way a derivative cannot be taken is an error naming it, in both forms: argnum
    /// negative, fractional, NaN, huge or past the arguments given; a variable or argument that
    /// is not a number; an expression that does not give one.
    @Test func derivativesThatCannotBeTakenAreErrors() throws {
        let s = Session()
        let cases = [
            ("grad(x -> x, argnum=-1)", "argnum cannot be negative"),
            ("hessian(x -> x, argnum=1.5)", "argnum must be a whole number"),
            ("jacobian(x -> x, argnum=nan)", "argnum must be a whole number"),
            ("grad(x -> x, argnum=1e300)", "too large"),
            ("grad(x -> x, argnum=9223372036854775807)(1)", "too large"),
            ("f(a, b) = a * b; grad(f, argnum=5)(1, 2)", "differentiates argument 5, but only 2 positional arguments were given"),
            ("hessian(x -> x, argnum=1)(1)", "but only 1 positional argument was given"),
            ("grad(x -> x)(\"a\")", "argument 0 is a string"),
            ("s = \"a\"; jacobian(1, s)", "jacobian: 's' is a string"),
            ("x = 1; grad(\"a\", x)", "grad needs a numeric expression"),
            ("x = 1; jacobian(\"a\", x)", "jacobian needs a numeric expression"),
            ("x = 1; hessian(\"a\", x)", "hessian needs a numeric expression"),
            ("x = 3; grad(x^2, x, x)", "grad(expr, x, ...): 'x' is named twice"),
            ("x = zeros(100000); jacobian(x * 2, x)", "too large"),
            ("x = zeros(20000); hessian(sum(x^3), x)", "too large"),
            ("x = 3; y = 1; hessian(x^2 * y, x, y, x)", "hessian(expr, x, ...): 'x' is named twice"),
        ]
        for (source, message) in cases {
            let error = s.error(source)
            #expect(error?.message.contains(message) == true, "\(source): \(error?.message ?? "no error")")
            #expect(error?.location != nil, "\(source)")
        }
    }

    /// explain(grad(...)) ends with the gradient grad gives, and writes the teacher's formula.
    @Test func explainedGradientsAreTheGradients() throws {
        let cases: [(String, String, String)] = [
            ("bce(y, x)", "x", "-y_i/p_i + (1-y_i)/(1-p_i)"),
            ("bce(y, x, weight=[1, 2, 3, 4], reduction=\"sum\")", "x", "multiplied by the weights"),
            ("bce_logits(y, x)", "x", "σ(z_i) - y_i"),
            ("bce_logits(y, x, pos_weight=3)", "x", "(1 + (w₊-1)·y_i)·σ(z_i) - w₊·y_i"),
            ("cce_logits(labels, Z)", "Z", "softmax(z_i) - y_i"),
            ("cce_logits(Y, Z, weight=[1, 2, 3], label_smoothing=0.1)", "Z", "divided by Σ_i w_(target of i)"),
            ("cce(labels, softmax(Z))", "", ""),
            ("cce(Y, P)", "P", "-y_ic/p_ic"),
            ("cce_logits([2, -100], Z, ignore_index=-100)", "Z", "with this call's options combines"),
            ("bce_logits(y, x, label_smoothing=0.1)", "x", "1/n = 1/4"),
        ]
        for (call, variable, formula) in cases where !variable.isEmpty {
            let s = Session()
            try s.eval(data + "; P = softmax(Z)")
            let expected = try s.eval("grad(\(call), \(variable))")
            try s.eval("explain(grad(\(call), \(variable)))")
            let name = String(call.prefix { $0 != "(" })
            #expect(s.printed.contains("∂\(name)/∂\(variable == "x" ? (name.hasPrefix("bce_logits") ? "z" : "p") : (name == "cce" ? "p" : "z")) = \(expected)\n"), "\(call): \(s.printed)")
            #expect(s.printed.contains(formula), "\(call): \(s.printed)")
        }
        let s = Session()
        try s.eval(data)
        #expect(s.error(data + "; explain(grad(cce(labels, softmax(Z)), Z))")!.message.contains("must be passed to cce as an argument itself"))
        #expect(s.error(data + "; explain(grad(cce_logits(labels, Z, reduction=\"none\"), Z))")!.message.contains("grad needs a scalar"))
    }
}
