import Testing
@testable import XERuntime

/// The range checks of SPEC §4 made by the loss kernels in their own pass
/// (`LossArguments.rangesCheckedByKernel`): the same errors, naming the same first element, as
/// the checks made before the kernel — for values, gradients and the gradient alone, above and
/// below the threading threshold, NaN included — and none where every value is in range.
struct KernelRangeCheckTests {
    @Test(arguments: [5, 1023, 100_003])
    func theErrorsNameTheFirstElementOutside(n: Int) throws {
        let interpreter = Interpreter()
        try interpreter.run("y = rand(\(n)) > 0.5; p = rand(\(n)) * 0.98 + 0.01; z = randn(\(n))")
        let last = n - 1, middle = n / 2
        let cases: [(setup: String, calls: [String], message: String)] = [
            ("p[\(middle)] = 1.5; p[\(last)] = -1", ["bce(y, p)", "grad(bce(y, p), p)", "grad(bce(y, p, reduction=\"sum\") * 2, p)"],
             "bce: prediction p[\(middle)] = 1.5 is outside [0, 1]"),
            ("p[\(last)] = nan", ["bce(y, p)", "grad(bce(y, p), p)"], "bce: prediction p[\(last)] = nan is outside [0, 1]"),
            ("y = y * 1; y[\(last)] = 2; y[\(middle)] = -0.5", ["bce(y, p)", "grad(bce(y, p), p)", "bce_logits(y, z)", "grad(bce_logits(y, z), z)"],
             "target y[\(middle)] = -0.5 is outside [0, 1]"),
            ("y = y * 1; y[0] = nan", ["bce_logits(y, z, reduction=\"sum\")", "grad(bce_logits(y, z), z)"], "target y[0] = nan is outside [0, 1]"),
        ]
        for (setup, calls, message) in cases {
            try interpreter.run("y0 = y; p0 = p; \(setup)")
            for call in calls {
                do {
                    _ = try interpreter.run(call)
                    Issue.record("\(call) after \(setup) gave no error")
                } catch {
                    #expect("\(error)".contains(message), "\(call) after \(setup): \(error)")
                }
            }
            try interpreter.run("y = y0; p = p0")
        }
        // In range, and strict=false (no kernel, no check) computes.
        for call in ["bce(y, p)", "grad(bce(y, p), p)", "bce_logits(y, z)", "grad(bce_logits(y, z), z)", "bce_logits(y * 3, z, strict=false)"] {
            _ = try interpreter.run(call)
        }
    }

    /// A fused region with `bce_logits(..., reduction="none")` checks its targets in the
    /// region's pass (`ElementwiseLoss.rangeChecks`): the same outcome — value, gradient or the
    /// error naming the first target outside — as the region evaluated op by op.
    @Test(arguments: [7, 100_003])
    func aRegionChecksItsLossTargetsInItsPass(n: Int) throws {
        let fused = Interpreter(), stepwise = Interpreter()
        fused.fusionThreshold = 0
        stepwise.fusionThreshold = Int.max
        let program = """
            loss poly1(y, z, eps=1) = { q = sigmoid(z); mean(bce_logits(y, z, reduction="none") + eps*(1 - (y*q + (1-y)*(1-q)))) }
            y = rand(\(n)) > 0.5; z = randn(\(n)) * 3; w = y * 1
            """
        for interpreter in [fused, stepwise] { try interpreter.run(program) }
        let middle = n / 2
        for setup in ["w = y * 1", "w[\(middle)] = 1.5", "w[\(n - 1)] = nan; w[\(middle)] = -2", "w[0] = inf"] {
            for interpreter in [fused, stepwise] { try interpreter.run(setup) }
            for source in ["poly1(w, z)", "grad(poly1(w, z), z)", "sum(bce_logits(w, z, reduction=\"none\") * 2, axis=0)",
                           "bce_logits(w, z, reduction=\"none\") * z", "mean(bce_logits(w * 3, z, reduction=\"none\", strict=false) + z)"] {
                let (same, got, expected) = try FusionTests.sameOutcome(source, fused, stepwise)
                #expect(same, "\(setup); \(source): \(got) against \(expected)")
            }
        }
        #expect(fused.fusedEvaluations > 0)
    }
}
