import FiniteDifferences
import Testing
import XETensor
@testable import XERuntime

/// Locals inlined into a function's fused region (`Compiler.compileBody`): the same values,
/// gradients of the first and second order and errors as the body run as written, on random
/// bodies; the derivatives against finite differences; and the bodies that must run as
/// written (a redefined built-in, a local read elsewhere or assigned twice, a parameter that
/// is not a tensor).
struct InliningTests {
    typealias Random = FusionTests.Random

    /// `f = (a, b, c, s) -> { q = e1; r = e2(q); reduce(e3(q, r)) }` with random expressions.
    static func body(_ r: inout Random, reduction: String) -> String {
        let e1 = FusionTests.expression(&r, depth: 3)
        let e2 = FusionTests.expression(&r, depth: 2, leaves: ["q", "a", "q", "b", "s", "0.5"])
        let e3 = FusionTests.expression(&r, depth: 3, leaves: ["q", "r", "a", "c", "q", "r", "1.5"])
        return "f = (a, b, c, s) -> { q = \(e1); r = \(e2) + q; \(reduction)(\(e3) + q * r) }"
    }

    @Test(arguments: FusionTests.shapes.indices)
    func randomBodies(shape: Int) throws {
        var r = Random(state: UInt64(shape) &* 104_729 &+ 5)
        let (rows, columns) = FusionTests.shapes[shape]
        var inlined = 0
        for program in 0..<10 {
            let (fused, stepwise) = FusionTests.sessions(rows: rows, columns: columns, specials: program % 3 == 2, &r)
            let reduction = ["mean", "sum", "", "mean"][program % 4]
            let definition = InliningTests.body(&r, reduction: reduction)
            for interpreter in [fused, stepwise] { try interpreter.run(definition) }
            let whole = reduction.isEmpty ? "sum(f(a, b, c, s))" : "f(a, b, c, s)"
            let forms = [("f(a, b, c, s)", 1e-11), ("grad(\(whole), a, b, c, s)", 1e-10),
                         ("grad(sum(grad(\(whole), a) * b), a, s)", 1e-9), ("hessian(f(s, b, c, s), s)", 1e-9)]
            for (source, tolerance) in forms where !(source.hasPrefix("hessian") && reduction.isEmpty) {
                let expected: Value
                do {
                    expected = try stepwise.run(source)
                } catch {
                    let message = "\(error)"
                    do { _ = try fused.run(source) } catch { #expect("\(error)" == message, "\(source)") }
                    continue
                }
                let got = try fused.run(source)
                #expect(FusionTests.agree(got, expected, tolerance: tolerance),
                        "\(rows)×\(columns): \(definition); \(source)\nfused: \(fused.format(got).prefix(300))\nas written: \(stepwise.format(expected).prefix(300))")
            }
            #expect(stepwise.inlinedEvaluations == 0)
            inlined += fused.inlinedEvaluations
        }
        #expect(inlined > 0, "no body was inlined")
    }

    /// poly-1 from logits, its locals inlined: one fused region, and its gradient and the
    /// gradient of its gradient agree with finite differences.
    @Test func inlinedGradientsAgreeWithFiniteDifferences() throws {
        let interpreter = Interpreter()
        interpreter.fusionThreshold = 0
        try interpreter.run("""
            loss poly1(y, z, eps=1) = { q = sigmoid(z); t = 1 - q; mean(bce_logits(y, z, reduction="none") + eps*(1 - (y*q + (1-y)*t))) }
            y = [1, 0, 1, 0.25, 0]; w = [0.5, -1, 2, 1, 0.25]
            """)
        let z0 = [0.3, -1.2, 2.5, 0.1, -0.4]
        func set(_ z: [Double]) { interpreter.globals.set("z", .tensor(Tensor(shape: [5], storage: z))) }
        func value(_ source: String) throws -> [Double] {
            FusionTests.flatten(try interpreter.run(source)).values
        }
        set(z0)
        let before = (interpreter.inlinedEvaluations, interpreter.fusedEvaluations)
        let g = try value("grad(poly1(y, z), z)")
        #expect(interpreter.inlinedEvaluations == before.0 + 1)
        #expect(interpreter.fusedEvaluations == before.1 + 1, "the local is a region of its own")
        let numeric = try FiniteDifferences.gradient(at: z0) { z in
            set(z)
            return try value("poly1(y, z)")[0]
        }
        #expect(FiniteDifferences.agree(g, numeric, tolerance: 1e-7), "\(g) against \(numeric)")
        // The second order: the gradient of Σ w·∇ against differences of the first gradient.
        set(z0)
        let h = try value("grad(sum(grad(poly1(y, z), z) * w), z)")
        let numericH = try FiniteDifferences.gradient(at: z0) { z in
            set(z)
            return zip(try value("grad(poly1(y, z), z)"), [0.5, -1, 2, 1, 0.25]).map(*).reduce(0, +)
        }
        #expect(FiniteDifferences.agree(h, numericH, tolerance: 1e-6), "\(h) against \(numericH)")
    }

    /// Bodies that run as written: the same outcome (values, errors, what a redefined
    /// built-in prints) as without fusion.
    @Test func bodiesThatRunAsWritten() throws {
        var r = Random(state: 3)
        let (fused, stepwise) = FusionTests.sessions(rows: 2, columns: 700, specials: false, &r)
        var printed: [String] = []
        fused.output = { printed.append($0) }
        stepwise.output = { _ in }
        let definitions = """
            g1 = (x) -> { q = sigmoid(x); mean(q * 2) + sum(q[0:3]) }
            g2 = (x) -> { q = sigmoid(x); q = q + 1; mean(q * x) }
            g3 = (x, y) -> { q = exp(x) * 2; mean(y * q + q) }
            g4 = (x) -> { q = sigmoid(x); h = () -> q; mean(q * x) + h()[0] }
            g5 = (x) -> { q = sigmoid(x); print("side"); mean(q * x) }
            g6 = (x) -> { q = sigmoid(x); mean(bce_logits(a > 0, q, reduction="none") * 2) }
            """
        for interpreter in [fused, stepwise] { try interpreter.run(definitions) }
        // g3 with a string or a row of the wrong length for y is inlined (x is a tensor): its
        // region gives the error the written body gives.
        for source in ["g1(a)", "g2(a)", "g3(\"s\", a)", "g4(a)", "g5(a)", "g6(a)", "grad(g1(a), a)", "grad(g6(a), a)", "g3(a, \"s\")", "g3(a, [1, 2])"] {
            if source == "g3(a, \"s\")" { #expect(fused.inlinedEvaluations == 0) }
            let (same, got, expected) = try FusionTests.sameOutcome(source, fused, stepwise)
            #expect(same, "\(source): \(got) against \(expected)")
        }
        #expect(fused.inlinedEvaluations == 2)
        // A built-in redefined after the function was defined: called once per call, as written.
        for interpreter in [fused, stepwise] { try interpreter.run("sigmoid = (x) -> { print(\"called\"); 1 / (1 + exp(-x)) }") }
        printed = []
        try fused.run("h = (x) -> { q = sigmoid(x); mean(q * x + q) }")
        _ = try fused.run("h(a)")
        #expect(printed.filter { $0.contains("called") }.count == 1)
    }
}
