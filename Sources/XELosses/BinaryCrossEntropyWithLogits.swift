import Glibc
import XETensor

/// Binary cross-entropy from logits, stable for any finite z:
/// ℓ = max(z, 0) − z·y + log(1 + e^−|z|); with a positive-class weight w₊ (PyTorch's
/// `pos_weight`), ℓ = (1−y)·z + (1 + (w₊−1)·y)·(log(1 + e^−|z|) + max(−z, 0)).
struct BinaryCrossEntropyWithLogits: Loss {
    let name = "bce_logits"
    let summary = "binary cross-entropy from logits, stable: max(z,0) - z y + log(1 + e^-|z|)"
    let parameters = LossOptions.binary(LossOptions.logits, options: [
        LossParameter("pos_weight", default: .number(1), summary: "weight of the positive class, as PyTorch's pos_weight"),
        LossOptions.labelSmoothing,
    ])
    var help: String {
        """
        \(signature)
          Binary cross-entropy from logits z (σ(z) is the probability), computed stably.
          Formula: l_i = max(z_i, 0) - z_i·y_i + log(1 + exp(-|z_i|))
          with pos_weight w₊: l_i = (1-y_i)·z_i + (1 + (w₊-1)·y_i)·(log(1 + exp(-|z_i|)) + max(-z_i, 0))
          Finite for any finite z (try z = ±1000). Reduction, weight, label_smoothing, strict, convention as in bce.
          Gradient: ∂l/∂z = σ(z) - y  (with pos_weight: (1-y) - (1 + (w₊-1)·y)·(1 - σ(z)))
          Example: bce_logits([1, 0], [2.0, -1.0])  →  0.2200843...
        """
    }

    func validate(_ arguments: LossArguments) throws {
        try BinaryFormula.validate(arguments, predictions: "z", logits: true)
    }

    /// The stable form (BinaryFormula.stableLogits), whose terms with a zero factor drop out, so
    /// an infinite logit gives the limit.
    func formula(_ arguments: LossArguments) throws -> DTensor {
        try BinaryFormula.loss(arguments, predictions: "z", logits: true)
    }

    func elementwise(_ arguments: LossArguments) throws -> ElementwiseLoss? {
        try BinaryFormula.elementwiseLogits(arguments)
    }

    /// `xe_bce_logits`: pos_weight = 1, y and z of one shape, no weight, a mean or sum.
    func fused(_ arguments: LossArguments, gradient: Bool, value: Bool) throws -> FusedLoss? {
        guard try arguments.tensor("pos_weight").value.storage == [1],
              let (y, z, mean) = FusedKernels.plain(arguments, predictions: "z") else { return nil }
        let n = Double(z.count)
        let (sum, g, outside) = FusedKernels.bceLogits(y, z, gradientScale: gradient ? (mean ? 1 / n : 1) : nil, value: value,
                                                       checkingRanges: arguments.rangesCheckedByKernel)
        // A target outside [0, 1]: the checks themselves give the error.
        if outside {
            try validate(arguments.checkingRanges)
            return nil
        }
        return FusedLoss(value: Tensor(scalar: !value ? .nan : mean ? sum / n : sum), gradient: g.map { Tensor(shape: z.shape, storage: $0) })
    }
}
