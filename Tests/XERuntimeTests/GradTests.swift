import FiniteDifferences
import Foundation
import Testing
@testable import XERuntime

/// `grad` through the language: each case is checked against central finite differences
/// computed by xe itself.
struct GradTests {
    /// Checks grad(expr, x) at the current x against (f(x+h) - f(x-h)) / 2h elementwise, and
    /// each higher derivative up to `order` as the gradient of the one below it contracted with
    /// fixed weights (grad(sum(grad(expr, x) * w), x) against differences of the first one).
    func check(_ setup: String, _ expr: String, variable: String = "x", order: Int = 1, tolerance: Double = 1e-6) throws {
        var contracted = expr
        for k in 0..<order {
            try checkFirst(setup + "; __w = reshape(range(size(\(variable))), shape(\(variable))) * 0.25 + 0.5", contracted, variable: variable, tolerance: tolerance, label: "\(expr) order \(k + 1)")
            contracted = "sum(grad(\(contracted), \(variable)) * __w)"
        }
    }

    func checkFirst(_ setup: String, _ expr: String, variable: String, tolerance: Double, label: String) throws {
        let s = Session()
        try s.eval(setup)
        try s.eval("__x0 = \(variable)")
        let analytic = try s.numbers("grad(\(expr), \(variable))")
        let numeric = try FiniteDifferences.gradient(at: try s.numbers("__x0")) { moved in
            try s.assign(variable, moved, shapeOf: "__x0")
            return try s.numbers(expr)[0]
        }
        #expect(analytic.count == numeric.count, "\(label): grad has \(analytic.count) elements, not \(numeric.count)")
        for (i, (a, d)) in zip(analytic, numeric).enumerated() {
            #expect(FiniteDifferences.agree(a, d, tolerance: tolerance), "\(label) [\(i)]: numeric \(d) vs grad \(a)")
        }
    }

    let data = "y = [1, 0, 1, 0, 1]; x = [0.9, 0.2, 0.6, 0.3, 0.55]; Z = [[0.5, -1, 2], [1.5, 0.2, -0.3]]; labels = [2, 0]"

    @Test func builtinsAndLosses() throws {
        try check(data, "bce(y, x)")
        try check(data, "bce(y, x, reduction=\"sum\")")
        try check(data, "bce_logits(y, x, pos_weight=2)")
        try check(data, "sum(sigmoid(x) * log1p(x) + sqrt(x) * exp(x) - abs(x - 0.5))")
        try check(data, "mean(clip(x, 0.25, 0.8) ^ 2)")
        try check(data, "sum(maximum(x, 0.5) + minimum(x, 0.4))")
        try check(data, "entropy(softmax(x))")
        try check(data, "kl_div(softmax(x), [0.1, 0.2, 0.3, 0.2, 0.2])")
        try check(data, "cce_logits(labels, Z)", variable: "Z")
        try check(data, "cce_logits(labels, Z, label_smoothing=0.1, weight=[1, 2, 3])", variable: "Z")
        try check(data, "cce(labels, softmax(Z))", variable: "Z")
        try check(data, "sum(log_softmax(Z, axis=0) * [[1, 2, 3], [4, 5, 6]])", variable: "Z")
        try check(data, "sum(logsumexp(Z)) + max(Z) - min(Z, axis=0)[1]", variable: "Z")
        try check(data, "sum(transpose(Z) @ [1, -1]) + sum(reshape(Z, [3, 2])[:, 1])", variable: "Z")
    }

    @Test func userFunctionsLoopsAndClosures() throws {
        try check(data, "{ f(v) = sum(v ^ 3 - 2 * v); f(x) }")
        try check(data, "{ s = 0; for i in range(5) { s = s + x[i] * i }; s }")
        try check(data, "{ k = 3; g = v -> sum(v * k); g(x) }")
        try check(data, "{ z = x; z[0] = 5 * x[1]; sum(z ^ 2) }")
        try check(data, "{ s = 0; i = 0; while i < 3 { s = s + x[i] ^ 2; i = i + 1 }; s }")
        try check(data, "sum([x[0] * x[1], x[2]])")
    }

    @Test func secondAndThirdDerivatives() throws {
        try check(data, "bce(y, x)", order: 3)
        try check(data, "bce(y, x, reduction=\"sum\", weight=[1, 2, 3, 4, 5])", order: 2)
        try check(data, "bce_logits(y, x, pos_weight=2)", order: 3)
        try check(data, "bce_logits(y, x, weight=[1, 2, 3, 4, 5])", order: 2)
        try check(data, "sum(sigmoid(x) * log1p(x) + sqrt(x) * exp(x) - abs(x - 0.5))", order: 3)
        try check(data, "mean(clip(x, 0.25, 0.8) ^ 3) + sum(maximum(x, 0.5) ^ 2)", order: 3)
        try check(data, "entropy(softmax(x)) + kl_div(softmax(x), [0.1, 0.2, 0.3, 0.2, 0.2])", order: 3)
        try check(data, "cce_logits(labels, Z, label_smoothing=0.1, weight=[1, 2, 3])", variable: "Z", order: 3)
        try check(data, "cce(labels, softmax(Z))", variable: "Z", order: 2)
        try check(data, "sum(log_softmax(Z, axis=0) ^ 2) + sum(logsumexp(Z) ^ 2)", variable: "Z", order: 3)
        try check(data, "sum((transpose(Z) @ [1, -1]) ^ 3) + sum(reshape(Z, [3, 2])[:, 1] ^ 2)", variable: "Z", order: 3)
        try check(data, "{ f(v) = sum(v ^ 3 - 2 * v); f(x) }", order: 3)
        try check(data, "{ s = 0; for i in range(5) { s = s + x[i] ^ 3 * i }; s }", order: 3)
        try check(data, "{ z = x; z[0] = 5 * x[1] ^ 2; sum(z ^ 3) }", order: 3)
        try check(data, "sum([x[0] * x[1], x[2] ^ 3])", order: 3)
        try check(data, "{ t = x[0]; if t > 0.5 { t ^ 4 } else { -t } }", order: 3)
    }

    @Test func nesting() throws {
        let s = Session()
        #expect(try s.eval("x = 2; grad(grad(x^3, x), x)") == "12")
        #expect(try s.eval("h = grad(grad(x -> x^3)); h(2)") == "12")
        #expect(try s.eval("grad(grad(grad(x -> x^4)))(2)") == "48")
        // No perturbation confusion: the inner variable is its own.
        #expect(try s.eval("g(x) = { y = 1.5; x * grad(x * y, y) }; [g(2), grad(g)(1.5), grad(grad(g))(1.5)]") == "[4, 3, 2]")
        // Mixed variables: ∂/∂a of ∂/∂b (a² b³) = 6 a b².
        #expect(try s.eval("a = 2; b = 3; grad(grad(a^2 * b^3, b), a)") == "108")
        // A grad inside a loop body and inside a function an outer grad differentiates.
        #expect(try s.eval("x = 2; s = 0; for i in range(3) { s = s + grad(x^3, x) }; s") == "36")
        #expect(try s.eval("d(v) = grad(v^3, v); grad(d)(2)") == "12")
        #expect(try s.eval("k = 3; c = v -> grad(k * v^2, v); grad(c)(5)") == "6")
        // Piecewise-constant operations stay constants; unrelated variables get zeros.
        #expect(try s.eval("x = [1, 3, 2]; grad(grad(sum(x * argmax(x)), x)[0], x)") == "[0, 0, 0]")
        #expect(try s.eval("x = 2; u = 5; grad(grad(x^3, x), u)") == "0")
        #expect(try s.eval("x = 2; grad(grad((x > 1) * x^2, x), x)") == "2")
    }

    @Test func forms() throws {
        let s = Session()
        #expect(try s.eval("f(x) = sum(x^2); g = grad(f); g([1, 2, 3])") == "[2, 4, 6]")
        #expect(try s.eval("h(a, b) = sum(a * b); grad(h, argnum=1)([1, 2], [3, 4])") == "[1, 2]")
        #expect(try s.eval("a = 2; b = 3; ga, gb = grad(a * b^2, a, b); [ga, gb]") == "[9, 12]")
        #expect(try s.eval("c = 5; grad(3, c)") == "0")
        #expect(try s.eval("x = [1, 2]; grad(sum(x), x); x") == "[1, 2]")
        #expect(s.error("x = [1, 2]; grad(x * 2, x)")!.message.contains("scalar"))
        #expect(s.error("x = [1, 2]; grad(sum(x), x + 1)")!.message.contains("name"))
    }
}
