import Glibc
import XETensor

/// Binary cross-entropy on probabilities:
/// ℓ = −[y·log(p̂) + (1−y)·log(1−p̂)], p̂ = clip(p, ε, 1−ε), elementwise; `mean` averages over
/// every element.
struct BinaryCrossEntropy: Loss {
    let name = "bce"
    let summary = "binary cross-entropy on probabilities: -[y log p + (1-y) log(1-p)]"
    let parameters = [
        LossParameter("y", required: true, summary: "targets in [0, 1] (labels 0/1 or probabilities)"),
        LossParameter("p", required: true, summary: "predicted probabilities in [0, 1]"),
        LossParameter("eps", default: .number(1e-15), summary: "p is clipped into [eps, 1-eps] before the logs"),
        LossSupport.reductionParameter,
        LossSupport.weightParameter("multiplies each element's loss (broadcast)"),
    ]
    var help: String {
        """
        \(signature)
          Binary cross-entropy on probabilities.
          Formula: l_i = -[y_i·log(p̂_i) + (1-y_i)·log(1-p̂_i)],  p̂ = clip(p, eps, 1-eps)
          mean: Σ w_i·l_i / n over every element;  sum: Σ w_i·l_i;  none: w_i·l_i
          y and p broadcast; values outside [0, 1] are an error (for logits use bce_logits).
          Gradient: ∂l/∂p = -(y/p̂ - (1-y)/(1-p̂)) where eps ≤ p ≤ 1-eps, else 0.
          Example: bce([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.2])  →  0.164252033486018
        """
    }

    func validate(_ arguments: LossArguments) throws {
        try LossSupport.checkRange(arguments.tensor("y").value, loss: name, name: "y", role: "target",
                                   hint: "targets must be labels 0/1 or probabilities")
        try LossSupport.checkRange(arguments.tensor("p").value, loss: name, name: "p", role: "prediction",
                                   hint: "bce takes probabilities; for raw scores (logits) use bce_logits")
        let eps = try arguments.number("eps")
        guard eps >= 0, eps < 0.5 else { throw TensorError.invalid("bce: eps must be in [0, 0.5), not \(Tensor.format(eps))") }
    }

    /// l = -[xlogy(y, p̂) + xlogy(1-y, 1-p̂)], p̂ = clip(p, eps, 1-eps) (a term with a zero
    /// target adds nothing, even at eps = 0).
    func formula(_ arguments: LossArguments) throws -> DTensor {
        let y = try arguments.tensor("y"), p = try arguments.tensor("p")
        let eps = try arguments.number("eps")
        let pc = try DTensor.clip(p, DTensor(scalar: eps), DTensor(scalar: 1 - eps))
        var losses = try -(DTensor.xLogY(y, pc) + DTensor.xLogY(1 - y, 1 - pc))
        if let w = try arguments.optionalTensor("weight") { losses = try losses * w }
        return try LossSupport.reduce(losses, arguments.string("reduction", choices: LossSupport.reductions))
    }

    /// `xe_bce`: y and p of one shape, no weight, a mean or sum.
    func fused(_ arguments: LossArguments, gradient: Bool) throws -> FusedLoss? {
        guard let (y, p, mean) = FusedKernels.plain(arguments, predictions: "p") else { return nil }
        let n = Double(p.count)
        let (sum, g) = FusedKernels.bce(y, p, eps: try arguments.number("eps"), gradientScale: gradient ? (mean ? 1 / n : 1) : nil)
        return FusedLoss(value: Tensor(scalar: mean ? sum / n : sum), gradient: g.map { Tensor(shape: p.shape, storage: $0) })
    }
}
