import Glibc
import XETensor

/// Categorical cross-entropy on probabilities, rows are samples and the last axis classes:
/// ℓ_i = −Σ_c w_c·y′_ic·log(clip(p_ic, ε, 1−ε)), y′ = (1−s)·y + s/C with label smoothing s.
/// A weighted mean divides by Σ_i Σ_c w_c·y_ic (PyTorch's rule for class indices).
struct CategoricalCrossEntropy: Loss {
    let name = "cce"
    let summary = "categorical cross-entropy on probabilities: -Σ_c y_c log p_c per sample"
    let parameters = LossOptions.categorical(LossParameter("p", required: true, summary: "predicted probabilities, one row per sample"),
                                             options: [LossOptions.eps, LossOptions.labelSmoothing])
    var help: String {
        """
        \(signature)
          Categorical cross-entropy on probabilities; rows are samples, the last axis classes.
          y: one-hot or probability rows of p's shape, or (p n×C) a vector of n class indices.
          Formula: l_i = -Σ_c w_c·y'_ic·log(clip(p_ic, eps, 1-eps)),  y' = (1-s)·y + s/C
          mean: Σ_i l_i / n;  weighted mean: Σ_i l_i / Σ_i Σ_c w_c·y_ic;  none: one loss per sample
          Probabilities outside [0, 1] are an error (for logits use cce_logits). 0·log 0 = 0 where a target is 0.
          axis=k: the class axis (PyTorch's (N, C, d1, ...) is axis=1); class indices then have p's shape without it.
          ignore_index=k: samples whose class index is k add nothing and leave the mean's denominator.
          strict=false: targets outside [0, 1] are taken as they are.  convention=: a library's rules (see conventions(...)).
          Gradient: ∂l_i/∂p_ic = -w_c·y'_ic / p_ic where eps ≤ p ≤ 1-eps, else 0.
          Example: cce([0, 1, 2], [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.3, 0.5]])  →  0.4243218919376292
        """
    }

    func validate(_ arguments: LossArguments) throws {
        guard LossOptions.areDefault(arguments, smoothingCovered: true) else { return }  // the formula checks the rest
        let p = try arguments.tensor("p").value
        for (i, v) in p.storage.enumerated() where !(v >= 0 && v <= 1) {
            throw TensorError.invalid("cce: prediction p\(LossSupport.position(i, in: p.shape)) = \(Tensor.format(v)) is not a probability in [0, 1]; if these are raw scores (logits), use cce_logits")
        }
        _ = try CategoricalTargets(arguments.tensor("y"), predictions: p.shape, loss: name)
        let s = try arguments.number("label_smoothing")
        guard s >= 0, s <= 1 else { throw TensorError.invalid("cce: label_smoothing must be in [0, 1], not \(Tensor.format(s))") }
        let eps = try arguments.number("eps")
        guard eps >= 0, eps < 0.5 else { throw TensorError.invalid("cce: eps must be in [0, 0.5), not \(Tensor.format(eps))") }
    }

    func formula(_ arguments: LossArguments) throws -> DTensor {
        try CategoricalFormula.loss(arguments, predictions: "p", input: .probabilities)
    }
}
