import Testing
import XETensor
@testable import XERuntime

/// The expression a first-order `grad` differentiates is computed without its value where a
/// kernel or a fused region can (`Compiler.compileGradientRoot`, `Interpreter.gradientRoot`):
/// the gradients are those of the same call whose value is used (`+ 0` after it), and the
/// value of every call that is not the root — an argument, a default, a call inside the
/// function — is still computed.
struct GradientRootTests {
    @Test func gradientsAreThoseOfTheCallWithItsValue() throws {
        let interpreter = Interpreter()
        try interpreter.run("""
            loss mse(y, p) = mean((y - p)^2)
            loss poly1(y, z, eps=1) = { q = sigmoid(z); mean(bce_logits(y, z, reduction="none") + eps*(1 - (y*q + (1-y)*(1-q)))) }
            loss twice(y, p) = mse(y, p) * 2
            f = (p) -> mean(p * p * 3)
            g = (p) -> { q = exp(p); sum(q * p) }
            y = rand(70001) > 0.5; p = rand(70001) * 0.98 + 0.01; z = randn(70001) * 3
            """)
        for call in ["bce(y, p)", "bce(y, p, reduction=\"sum\")", "bce_logits(y, z)", "bce_logits(y, z, reduction=\"sum\")",
                     "mse(y, p)", "poly1(y, z)", "poly1(y, z, eps=0.5)", "twice(y, p)",
                     "f(p)", "g(p)", "mean(p * log(p))", "sum((y - p)^2)", "focal(y, p)"] {
            let variable = call.contains("z") ? "z" : "p"
            let root = try interpreter.run("grad(\(call), \(variable))")
            let withValue = try interpreter.run("grad(\(call) + 0, \(variable))")
            #expect(FusionTests.agree(root, withValue, tolerance: 0), "\(call)")
        }
    }

    /// Values that feed the root are computed: a function's result used as an argument, a
    /// default, a region's leaf, and the calls inside a function.
    @Test func theValuesTheRootReadsAreComputed() throws {
        let fused = Interpreter(), stepwise = Interpreter()
        stepwise.fusionThreshold = Int.max
        let definitions = """
            m = (p) -> mean(p * p)
            sq = (v) -> v * v * 2
            h = (p, k=mean(p * 2)) -> mean(p * k * 3)
            k = (p) -> mean(m(p) * p * p)
            loss l(y, p) = mean((y - p)^2) * m(p)
            loss l2(y, p, w=m(p)) = mean((y - p)^2 * w)
            y = rand(5000) > 0.5; p = rand(5000)
            """
        for interpreter in [fused, stepwise] { try interpreter.run(definitions) }
        for source in ["grad(sq(m(p)), p)", "grad(h(p), p)", "grad(k(p), p)", "grad(l(y, p), p)", "grad(l2(y, p), p)",
                       "grad(bce(y, m(p) + p * 0.5), p)", "grad(sum(grad(m(p), p) * p), p)", "grad(sum(grad(l2(y, p), p) * p), p)"] {
            let got = try fused.run(source), expected = try stepwise.run(source)
            let finite = FusionTests.flatten(got).values.allSatisfy { $0.isFinite }
            #expect(finite, "\(source)")
            #expect(FusionTests.agree(got, expected, tolerance: 1e-12), "\(source)")
        }
    }

    /// Two gradients that are one value of the fused program (written by its instruction into
    /// the first, copied into the second), and a gradient that is an input (the seed).
    @Test func outputsSharingAValueOrReadingAnInput() throws {
        let fused = Interpreter(), stepwise = Interpreter()
        fused.fusionThreshold = 0
        stepwise.fusionThreshold = Int.max
        for interpreter in [fused, stepwise] { try interpreter.run("a = rand(3001); x = rand(3001); w = rand(3001)") }
        for source in ["grad(mean(exp(a) * (x + w)), x, w)", "grad(sum(x + w * 2) + 0, x, w)", "grad(mean(x * a + w * a), x, w)",
                       "grad(sum((x + w) * a, axis=0) + 0, w, x)"] {
            let got = try fused.run(source), expected = try stepwise.run(source)
            #expect(FusionTests.agree(got, expected, tolerance: 1e-15), "\(source)")
        }
        #expect(fused.fusedEvaluations >= 4)
    }

    /// A function whose body is a region gets its gradient-alone form only when the region's
    /// leaves are names and literals: 30 functions nested in each other's leaves compile once
    /// each (twice per level would be 2^30 compilations), and their gradient is right.
    @Test func nestedFunctionBodiesCompileInLinearTime() throws {
        var e = "mean(x * 2 + x)"
        for _ in 0..<30 { e = "mean(((x) -> \(e))(x) * 0.5 + x)" }
        let interpreter = Interpreter()
        try interpreter.run("x = [1.5, 2.5]; f = (x) -> \(e)")
        let g = FusionTests.flatten(try interpreter.run("grad(f(x), x)")).values
        // Each level is k -> k/2 + 1/2 per element of the gradient (the mean's 1/2 each).
        var k = 3.0 / 2
        for _ in 0..<30 { k = k * 0.5 / 2 * 2 + 0.5 }
        let exact = g.count == 2 && g.allSatisfy { Swift.abs($0 - k) <= 1e-12 }
        #expect(exact, "\(g) against \(k)")
    }
    /// The gradient-root flag reaches only the call it was set for: after a root call that
    /// fails before or after the callee takes it (not a function, an unknown keyword, a
    /// wrong count, an error inside the body), a later call of a function or loss whose body
    /// has a gradient-alone form, inside a `grad` but not its root, still gives its value
    /// (a leaked flag would make it NaN, and the product's gradient with it).
    @Test func aFailedRootCallLeavesNothingBehind() throws {
        let interpreter = Interpreter()
        try interpreter.run("""
            m = (p) -> mean(p * p)
            loss sq(y, p) = mean((y - p)^2)
            h = 3
            y = rand(4000) > 0.5; p = rand(4000)
            """)
        let probes = ["grad(m(p) * m(p), p)", "grad(sq(y, p) * sq(y, p), p)"]
        let expected = try probes.map { FusionTests.flatten(try interpreter.run($0)).values }
        for failing in ["grad(h(p), p)", "grad(m(p, k=1), p)", "grad(m(p, p), p)", "grad(sq(y, p, k=1), p)",
                        "grad(sq(y, p, reduction=\"nope\"), p)", "grad(m(p[9999]), p)", "grad(sum(grad(h(p), p)), p)"] {
            #expect(throws: (any Error).self, "\(failing)") { try interpreter.run(failing) }
            for (probe, values) in zip(probes, expected) {
                let got = FusionTests.flatten(try interpreter.run(probe)).values
                #expect(got == values && got.allSatisfy(\.isFinite), "\(probe) after \(failing)")
            }
        }
    }
}
