import Testing
import XETensor
@testable import XERuntime

/// Fused evaluation (`Compiler.compileFused`, the kernel `xe_fused`) against the same programs
/// run an operation at a time: random elementwise expressions over a full operand, a row, a
/// column and a scalar, with NaN and infinities, odd lengths, lengths at the block edges and
/// above the threading threshold; values, reductions and gradients.
struct FusionTests {
    /// splitmix64: the same programs and data on every run.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }

    /// A random expression over a (rows × columns), b (a row), c (a column) and s (a number).
    /// `leaves`: the names and numbers it reads.
    static func expression(_ r: inout Random, depth: Int, leaves: [String] = ["a", "b", "c", "s", "a", "0.75", "2"]) -> String {
        if depth == 0 || r.int(5) == 0 {
            return leaves[r.int(leaves.count)]
        }
        func expression(_ r: inout Random, depth: Int) -> String { FusionTests.expression(&r, depth: depth, leaves: leaves) }
        let x = expression(&r, depth: depth - 1)
        switch r.int(17) {
        case 0, 1, 2, 3:
            return "(\(x) \(["+", "-", "*", "/"][r.int(4)]) \(expression(&r, depth: depth - 1)))"
        case 4: return "(\(x))^2"
        case 5: return "(\(x))^\(["3", "s", "b", "0.5"][r.int(4)])"
        case 6: return "-(\(x))"
        case 7: return "\(["exp", "sigmoid", "tanh", "abs", "relu"][r.int(5)])(\(x))"
        case 8: return "\(["log", "sqrt", "log1p"][r.int(3)])(abs(\(x)) + 0.25)"
        case 9: return "clip(\(x), -0.5, \(["0.75", "c", "b"][r.int(3)]))"
        case 10: return "\(["maximum", "minimum"][r.int(2)])(\(x), \(expression(&r, depth: depth - 1)))"
        case 11: return "(\(x) \([">", "<=", "==", "!="][r.int(4)]) \(expression(&r, depth: depth - 1)))"
        case 12: return "(\(x) * (\(expression(&r, depth: depth - 1)) > 0.3))"
        case 13: return "(not (\(x) > 0))"
        case 14: return "(\(x) + \(expression(&r, depth: depth - 1)) * \(x))"
        case 15: return "bce_logits(a > 0.5, \(x) + a, reduction=\"none\"\([", pos_weight=s", ", label_smoothing=0.2", ""][r.int(3)]))"
        default: return "(\(x) * s - b)"
        }
    }

    /// Two interpreters with the same variables: one fuses every region, one none.
    static func sessions(rows: Int, columns: Int, specials: Bool, _ r: inout Random) -> (fused: Interpreter, stepwise: Interpreter) {
        func tensor(_ shape: [Int]) -> Tensor {
            let n = shape.reduce(1, *)
            var values = (0..<n).map { _ in r.uniform() * 3 - 1.5 }
            if specials && n >= 4 {
                values[0] = .nan
                values[n / 2] = .infinity
                values[n - 1] = -.infinity
                values[n / 3] = 0
            }
            return Tensor(shape: shape, storage: values)
        }
        let a = tensor([rows, columns]), b = tensor([columns]), c = tensor([rows, 1])
        let s = 0.5 + r.uniform()
        let fused = Interpreter(), stepwise = Interpreter()
        fused.fusionThreshold = 0
        stepwise.fusionThreshold = Int.max
        for interpreter in [fused, stepwise] {
            interpreter.globals.set("a", .tensor(a))
            interpreter.globals.set("b", .tensor(b))
            interpreter.globals.set("c", .tensor(c))
            interpreter.globals.set("s", .number(s))
        }
        return (fused, stepwise)
    }

    /// The numbers of a value (a tuple's one after another) and its shapes.
    static func flatten(_ v: Value) -> (shapes: [[Int]], values: [Double]) {
        switch v {
        case .number(let x): return ([[]], [x])
        case .tensor(let t): return ([t.shape], t.storage)
        case .tracked(let n): return ([n.value.shape], n.value.storage)
        case .tuple(let items):
            let parts = items.map(flatten)
            return (parts.flatMap(\.shapes), parts.flatMap(\.values))
        default: return ([], [])
        }
    }

    /// Equal shapes; the same NaN and infinite elements; finite elements within `tolerance`
    /// times the largest finite magnitude (at least 1).
    static func agree(_ x: Value, _ y: Value, tolerance: Double) -> Bool {
        let (sx, vx) = flatten(x), (sy, vy) = flatten(y)
        guard sx == sy, vx.count == vy.count else { return false }
        let scale = max(1, (vx + vy).filter(\.isFinite).map(Swift.abs).max() ?? 1)
        for (p, q) in zip(vx, vy) {
            if p.isNaN || q.isNaN {
                if !(p.isNaN && q.isNaN) { return false }
            } else if !p.isFinite || !q.isFinite {
                if p != q { return false }
            } else if Swift.abs(p - q) > tolerance * scale {
                return false
            }
        }
        return true
    }

    /// Whether `source` has the same outcome in both sessions: the same error or printed value,
    /// or values that `agree` within 1e-12; and the two outcomes, for the message.
    static func sameOutcome(_ source: String, _ fused: Interpreter, _ stepwise: Interpreter) throws -> (same: Bool, got: String, expected: String) {
        func outcome(_ interpreter: Interpreter) -> String {
            do { return interpreter.format(try interpreter.run(source, file: "t.xe")) } catch { return "\(error)" }
        }
        let got = outcome(fused), expected = outcome(stepwise)
        if got == expected { return (true, got, expected) }
        return (try agree(fused.run(source), stepwise.run(source), tolerance: 1e-12), got, expected)
    }

    static let shapes: [(rows: Int, columns: Int)] = [(1, 1), (3, 5), (1, 1023), (2, 1024), (1, 1025), (3, 2049), (7, 10_007)]

    @Test(arguments: shapes.indices)
    func randomPrograms(shape: Int) throws {
        var r = Random(state: UInt64(shape) &* 7919 &+ 1)
        let (rows, columns) = FusionTests.shapes[shape]
        for program in 0..<12 {
            let specials = program % 3 == 2
            let (fused, stepwise) = FusionTests.sessions(rows: rows, columns: columns, specials: specials, &r)
            let e = FusionTests.expression(&r, depth: 4)
            let forms = [(e, 1e-12), ("sum(\(e))", 1e-11), ("mean(\(e))", 1e-11),
                         ("grad(mean(\(e)), a, b, c, s)", 1e-10), ("grad(sum((\(e)) * a), a, s)", 1e-10),
                         ("grad(sum(grad(sum(\(e)), a) * b), a, s)", 1e-9),
                         ("sum(\(e), axis=0)", 1e-11), ("mean(\(e), 1, keepdims=1)", 1e-11), ("mean(\(e), axis=-1)", 1e-11),
                         ("grad(sum(mean(\(e), axis=-1) * c[:, 0]), a, b, s)", 1e-10), ("grad(sum(sum(\(e), 0, 1) * b), a, c)", 1e-10)]
            for (source, tolerance) in forms {
                let expected: Value, got: Value
                do {
                    expected = try stepwise.run(source)
                } catch {
                    // An error (an axis the result does not have): the same error.
                    let message = "\(error)"
                    #expect(throws: (any Error).self, "\(source)") { try fused.run(source) }
                    do { _ = try fused.run(source) } catch { #expect("\(error)" == message) }
                    continue
                }
                got = try fused.run(source)
                #expect(FusionTests.agree(got, expected, tolerance: tolerance),
                        "\(rows)×\(columns)\(specials ? " with NaN/inf" : ""): \(source)\nfused: \(fused.format(got).prefix(300))\nstepwise: \(stepwise.format(expected).prefix(300))")
            }
            #expect(stepwise.fusedEvaluations == 0)
            #expect(fused.fusedEvaluations > 0, "\(e) was not fused")
        }
    }

    /// A random expression of +, -, · and / over a, b, c, s and numbers.
    static func arithmetic(_ r: inout Random, depth: Int) -> String {
        let leaves = ["a", "b", "c", "s", "0.75", "1", "2"]
        if depth == 0 || r.int(6) == 0 { return leaves[r.int(leaves.count)] }
        let x = arithmetic(&r, depth: depth - 1), y = arithmetic(&r, depth: depth - 1)
        switch r.int(10) {
        case 0, 1: return "(1 - \(x))"
        case 2: return "(-\(x))"
        case 3: return "relu(\(x))"
        // (1 - y)·softplus(x) + y·softplus(-x): weightings (0·inf = 0) of a relu plus a log1p.
        case 4: return "bce_logits(\(x) < 0.25, \(x), reduction=\"none\", strict=false)"
        default: return "(\(x) \(["+", "-", "*", "/"][r.int(4)]) \(y))"
        }
    }

    /// The evaluator runs an instruction (arithmetic, negation, relu, weighting) whose value
    /// only the next one reads inside the next one's loop (a pair), and sums the last pass of a
    /// sum without writing it: the same operations in the same order, so the same bits as op by
    /// op (no multiply and add contracted into one FMA), block edges and NaN/inf included.
    @Test func arithmeticChainsKeepTheirBits() throws {
        var r = Random(state: 4242)
        for program in 0..<40 {
            let (fused, stepwise) = FusionTests.sessions(rows: 3, columns: 2049, specials: program % 2 == 1, &r)
            let e = FusionTests.arithmetic(&r, depth: 5)
            let got = FusionTests.flatten(try fused.run(e)).values, expected = FusionTests.flatten(try stepwise.run(e)).values
            #expect(got.count == expected.count)
            let same = zip(got, expected).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
            #expect(same, "\(e): fused and op by op differ")
            let sum = try fused.run("sum(\(e))"), reference = try stepwise.run("sum(\(e))")
            #expect(FusionTests.agree(sum, reference, tolerance: 1e-13), "sum(\(e))")
        }
    }

    @Test func theScriptLossesAreFused() throws {
        var r = Random(state: 42)
        let (fused, stepwise) = FusionTests.sessions(rows: 4, columns: 1031, specials: false, &r)
        let losses = """
            loss my_focal(y, p, gamma=2) = mean(-(y * (1-p)^gamma * log(p) + (1-y) * p^gamma * log(1-p)))
            loss mse(y, p) = mean((y - p)^2)
            loss poly1(y, z, eps=1) = { q = sigmoid(z); mean(bce_logits(y, z, reduction="none") + eps*(1 - (y*q + (1-y)*(1-q)))) }
            y = a > 0; p = sigmoid(a); z = 3 * a
            """
        for interpreter in [fused, stepwise] { try interpreter.run(losses) }
        for source in ["my_focal(y, p)", "grad(my_focal(y, p), p)", "mse(y, p)", "grad(mse(y, p), p)", "poly1(y, z)", "grad(poly1(y, z), z)",
                       "grad(my_focal(y, p, gamma=s), p)", "grad(poly1(y, z, eps=0.5), z)",
                       "mean((y - p)^2, axis=1)", "sum(y * log(p), 0, keepdims=1)", "grad(sum(mean((y - p)^2, axis=-1) * c[:, 0]), p)"] {
            let before = fused.fusedEvaluations
            let got = try fused.run(source), expected = try stepwise.run(source)
            #expect(fused.fusedEvaluations > before, "\(source) was not fused")
            #expect(FusionTests.agree(got, expected, tolerance: 1e-12), "\(source)")
        }
    }

    /// A region reading a tracked f(x) (a local computed by a unary function) carries the chain
    /// rule through f to x in its own gradient pass: the same gradients as op by op, also when
    /// the value is used outside the region too, through chains, and at the second order.
    @Test func regionsDifferentiateThroughTrackedFunctionValues() throws {
        var r = Random(state: 11)
        let (fused, stepwise) = FusionTests.sessions(rows: 3, columns: 1500, specials: false, &r)
        let definitions = """
            f1 = (x) -> { q = sigmoid(x); mean(q * b + (1 - q) * c) }
            f2 = (x) -> { q = exp(x); mean(q * b) + sum(q) }
            f3 = (x) -> { q = log(sigmoid(exp(x))); mean(q * q + x) }
            f4 = (x) -> { q = tanh(x); r = abs(q); sum((q - r) * b, axis=0) }
            f5 = (x) -> { q = sqrt(abs(x) + 1); mean(bce_logits(a > 0, q * 3 - 4, reduction="none") * q) }
            """
        for interpreter in [fused, stepwise] { try interpreter.run(definitions) }
        for source in ["grad(f1(a), a)", "grad(f2(a), a)", "grad(f3(a), a)", "grad(sum(f4(a) * b), a)", "grad(f5(a), a)",
                       "grad(sum(grad(f1(a), a) * a), a)", "grad(sum(grad(f3(a), a) * b), a)"] {
            let before = fused.fusedEvaluations
            let got = try fused.run(source), expected = try stepwise.run(source)
            #expect(fused.fusedEvaluations > before, "\(source) was not fused")
            #expect(FusionTests.agree(got, expected, tolerance: 1e-12), "\(source)")
        }
    }

    /// Scalar regions past the budget of gradients held with their values (`HeldGradients`)
    /// compute their gradients in the backward sweep: a loop of regions over a large tensor
    /// inside one `grad` gives the same gradient either way.
    @Test func regionsPastTheHeldGradientBudgetDifferentiateInTheSweep() throws {
        let fused = Interpreter(), stepwise = Interpreter()
        fused.fusionThreshold = 0
        stepwise.fusionThreshold = Int.max
        let n = (1 << 25) / 4 + 3  // a quarter of HeldGradients.budget: the fifth region is past it
        let program = "x = tanh(range(\(n)) * 0.001); f = (x) -> { s = 0; for i in range(6) { s = s + mean((x - i * 0.1)^2 * x) }; s }"
        for interpreter in [fused, stepwise] { try interpreter.run(program) }
        let got = try fused.run("grad(f(x), x)"), expected = try stepwise.run("grad(f(x), x)")
        #expect(fused.fusedEvaluations >= 6)
        #expect(FusionTests.agree(got, expected, tolerance: 1e-12))
    }

    /// A region inside another's leaf (here through an index) is compiled twice, not once per
    /// enclosing region: 40 levels compile at once (2^40 compilations before) and still fuse.
    @Test func regionsNestedInLeavesCompileInLinearTime() throws {
        var e = "x"
        for _ in 0..<40 { e = "((\(e)) * 2 - 1)[0:]" }
        let interpreter = Interpreter()
        interpreter.fusionThreshold = 0
        try interpreter.run("x = [1.5, 2.5]")
        let got = try interpreter.run("sum(\(e))")
        #expect(interpreter.fusedEvaluations > 0)
        // x ↦ 2x - 1 forty times is 2^40·(x - 1) + 1.
        #expect(FusionTests.agree(got, .number(Double(1 << 40) * (0.5 + 1.5) + 2), tolerance: 0))
    }

    @Test func aRegionFirstRunOnNumbersIsFusedOnTensors() throws {
        let interpreter = Interpreter()
        try interpreter.run("loss m(y, p) = mean((y - p)^2 * 2); f = (a, b) -> (a - b) * 2 + 1; m(1, 0.5); f(1, 2); f(3, 4)")
        try interpreter.run("y = rand(5000); p = rand(5000)")
        var before = interpreter.fusedEvaluations
        try interpreter.run("m(y, p)")
        #expect(interpreter.fusedEvaluations == before + 1)
        try interpreter.run("f(y, p)")  // the numbers' path once, which sees a tensor come back
        before = interpreter.fusedEvaluations
        try interpreter.run("f(y, p)")
        #expect(interpreter.fusedEvaluations == before + 1)
    }

    @Test func errorsAndOtherValuesAreThoseOfTheOperations() throws {
        var r = Random(state: 7)
        let (fused, stepwise) = FusionTests.sessions(rows: 3, columns: 5, specials: false, &r)
        for source in ["sum(reshape(rand(100000), [100000, 1]) * rand(100000) + 1)", "sum(a * 2, axis=2)", "mean(a * 2, axis=0, axis=1)", "sum(a * 2, keepdims=2)", "mean(a + b, 0.5)", "a[not (a > 0.5)]", "b[(b > 0) * (b < 1) == 1]", "a + [1, 2] * b", "mean(a * \"x\")", "sum(log(a) + [[1], [2]])", "exp(a) * (a @ b)"] {
            func outcome(_ interpreter: Interpreter) -> String {
                do {
                    return interpreter.format(try interpreter.run(source, file: "t.xe"))
                } catch {
                    return "\(error)"
                }
            }
            #expect(outcome(fused) == outcome(stepwise), "\(source)")
        }
        // A redefined built-in is called, not fused.
        for interpreter in [fused, stepwise] { try interpreter.run("exp = (x) -> x + 1") }
        #expect(FusionTests.agree(try fused.run("mean(exp(a) * 2)"), try stepwise.run("mean(exp(a) * 2)"), tolerance: 0))
        // Plain numbers take the scalar path.
        let loop = "{ t = 0; for i in range(100) { t = t + (i * 0.5 - 1) ^ 2 }; t }"
        #expect(FusionTests.agree(try fused.run(loop), try stepwise.run(loop), tolerance: 0))
    }
}
