import Foundation
import Testing
@testable import XERuntime

/// `grad` through the language: each case is checked against central finite differences
/// computed by xe itself.
struct GradTests {
    /// Checks grad(expr, x) at the current x against (f(x+h) - f(x-h)) / 2h elementwise.
    func check(_ setup: String, _ expr: String, variable: String = "x", tolerance: Double = 1e-6) throws {
        let s = Session()
        try s.eval(setup)
        try s.eval("__g = grad(\(expr), \(variable)); __x0 = \(variable)")
        let n = Int(try s.eval("size(__x0)"))!
        for i in 0..<n {
            let fd = """
                __xp = reshape(__x0, [-1]); __xp[\(i)] = __xp[\(i)] + 1e-6; \(variable) = reshape(__xp, shape(__x0)); __fp = \(expr)
                __xm = reshape(__x0, [-1]); __xm[\(i)] = __xm[\(i)] - 1e-6; \(variable) = reshape(__xm, shape(__x0)); __fm = \(expr)
                \(variable) = __x0
                [(__fp - __fm) / 2e-6, reshape(__g, [-1])[\(i)]]
                """
            let pair = try s.eval(fd).dropFirst().dropLast().split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces))! }
            #expect(abs(pair[0] - pair[1]) <= tolerance * max(1, abs(pair[0])), "\(expr) [\(i)]: numeric \(pair[0]) vs grad \(pair[1])")
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
