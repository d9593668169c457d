import Testing
@testable import XERuntime

/// Second derivatives of the cross-entropy family's losses and options (they come from the
/// formulas), against central differences of their gradients.
struct LossFamilyDerivativeTests {
    let data = """
        y = [1, 0, 1, 0.3]; x = [0.9, 0.2, 0.6, 0.3]; z = [1.5, -0.4, 0.2, 2]; Z = [[0.5, -1, 2], [1.5, 0.2, -0.3]]
        labels = [2, 0]; Y = [[0, 0.5, 0.5], [1, 0, 0]]; Z3 = [[[0.5, 1], [-1, 0.2], [2, -0.3]], [[1.5, 0], [0.2, 0.7], [-0.3, 1]]]
        L3 = [[2, -100], [0, 1]]
        """

    @Test func hessiansOfTheBinaryFamily() throws {
        let checker = DerivativeTests()
        for loss in ["focal(y, x)", "focal(y, x, alpha=0.25, gamma=1.5, label_smoothing=0.1)", "bce(y, x, convention=\"keras\")",
                     "bce(y, x, convention=\"torch\")", "bce(y, x, convention=\"tf_keras\", label_smoothing=0.2)",
                     "bce(y, x, convention=\"sklearn\", weight=[1, 2, 3, 4])"] {
            try checker.check(data, "hessian", loss, of: "grad(\(loss), x)")
        }
        for loss in ["focal_logits(y, x)", "focal_logits(y, x, alpha=0.25, gamma=3)", "bce_logits(y, x, label_smoothing=0.1)",
                     "bce_logits(y * 3 - 1, x, strict=false)", "focal_logits(y, x, convention=\"keras\")"] {
            try checker.check(data, "hessian", loss, of: "grad(\(loss), x)")
        }
    }

    @Test func hessiansOfTheCategoricalFamily() throws {
        let checker = DerivativeTests()
        for loss in ["nll(labels, Z)", "nll(Y, Z, weight=[1, 2, 0.5])", "cce_focal_logits(labels, Z)", "cce_focal_logits(Y, Z, alpha=[0.2, 0.5, 1], gamma=1)",
                     "cce_focal(labels, softmax(Z))", "cce(labels, softmax(Z), convention=\"keras\")", "cce_logits(Y, Z, convention=\"torch\", weight=[1, 2, 3])",
                     "kl_div(Y, softmax(Z), reduction=\"batchmean\")", "kl_div(Y, log_softmax(Z), log_input=true, reduction=\"sum\")",
                     "kl_div(log_softmax(Z), softmax(Z, axis=0), log_target=true, reduction=\"mean\")"] {
            try checker.check(data, "hessian", loss, of: "grad(\(loss), Z)", variable: "Z")
        }
        for loss in ["cce_logits(L3, Z3, axis=1, ignore_index=-100, label_smoothing=0.1)", "nll(L3, Z3, axis=1, ignore_index=-100, weight=[1, 2, 3])",
                     "cce_focal_logits(L3, Z3, axis=1, ignore_index=-100, reduction=\"sum\")"] {
            try checker.check(data, "hessian", loss, of: "grad(\(loss), Z3)", variable: "Z3")
        }
    }
}
