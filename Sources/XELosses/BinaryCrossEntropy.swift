import Glibc
import XETensor

/// Binary cross-entropy on probabilities:
/// ℓ = −[y·log(p̂) + (1−y)·log(1−p̂)], p̂ = clip(p, ε, 1−ε), elementwise; `mean` averages over
/// every element.
struct BinaryCrossEntropy: Loss {
    let name = "bce"
    let summary = "binary cross-entropy on probabilities: -[y log p + (1-y) log(1-p)]"
    let parameters = LossOptions.binary(LossOptions.probabilities, options: [LossOptions.eps, LossOptions.labelSmoothing])
    var help: String {
        """
        \(signature)
          Binary cross-entropy on probabilities.
          Formula: l_i = -[y_i·log(p̂_i) + (1-y_i)·log(1-p̂_i)],  p̂ = clip(p, eps, 1-eps)
          mean: Σ w_i·l_i / n over every element;  sum: Σ w_i·l_i;  none: w_i·l_i
          y and p have the same shape (or one is a scalar); values outside [0, 1] are an error (for logits
          use bce_logits; strict=false takes targets outside [0, 1]). label_smoothing=s: y' = (1-s)·y + s/2 (Keras).
          convention="torch" | "keras" | "tf_keras" | "sklearn" | "optax": that library's rules (see conventions(bce(y, p)));
          axis: the axis Keras averages over per sample (its conventions only).
          Gradient: ∂l/∂p = -(y/p̂ - (1-y)/(1-p̂)) where eps ≤ p ≤ 1-eps, else 0.
          Example: bce([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.2])  →  0.164252033486018
        """
    }

    func validate(_ arguments: LossArguments) throws {
        try BinaryFormula.validate(arguments, predictions: "p", logits: false)
    }

    /// l = -[xlogy(y', p̂) + xlogy(1-y', 1-p̂)] under the convention's clip (BinaryFormula).
    func formula(_ arguments: LossArguments) throws -> DTensor {
        try BinaryFormula.loss(arguments, predictions: "p", logits: false)
    }

    /// `xe_bce`: y and p of one shape, no weight, a mean or sum.
    func fused(_ arguments: LossArguments, gradient: Bool, value: Bool) throws -> FusedLoss? {
        guard let (y, p, mean) = FusedKernels.plain(arguments, predictions: "p") else { return nil }
        let n = Double(p.count)
        let (sum, g, outside) = FusedKernels.bce(y, p, eps: try arguments.number("eps"), gradientScale: gradient ? (mean ? 1 / n : 1) : nil,
                                                 value: value, checkingRanges: arguments.rangesCheckedByKernel)
        // A value outside [0, 1]: the checks themselves give the error.
        if outside {
            try validate(arguments.checkingRanges)
            return nil
        }
        return FusedLoss(value: Tensor(scalar: !value ? .nan : mean ? sum / n : sum), gradient: g.map { Tensor(shape: p.shape, storage: $0) })
    }
}
