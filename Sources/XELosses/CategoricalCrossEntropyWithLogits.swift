import Glibc
import XETensor

/// Categorical cross-entropy from logits through a stable log-softmax (PyTorch's
/// `cross_entropy`): ℓ_i = −Σ_c w_c·y′_ic·(z_ic − logΣ_k e^{z_ik}).
struct CategoricalCrossEntropyWithLogits: Loss {
    let name = "cce_logits"
    let summary = "categorical cross-entropy from logits via a stable log-softmax"
    let parameters = LossOptions.categorical(LossParameter("z", required: true, summary: "logits, one row per sample"),
                                             options: [LossOptions.labelSmoothing])
    var help: String {
        """
        \(signature)
          Categorical cross-entropy from logits (PyTorch's cross_entropy), via log-softmax.
          Formula: l_i = -Σ_c w_c·y'_ic·log_softmax(z_i)_c,  log_softmax(z)_c = z_c - log Σ_k exp(z_k)
          y, label smoothing, weights, reductions, axis, ignore_index, strict and convention as in cce.
          Finite for logits of any finite size; a -inf logit on a class whose target is 0 is a masked class (0·log 0 = 0).
          Gradient: ∂l_i/∂z_ic = (Σ_k w_k·y'_ik)·softmax(z_i)_c - w_c·y'_ic  (softmax(z) - y for one-hot y)
          Example: cce_logits([0, 1], [[2.0, 0.5], [0.1, 1.5]])
        """
    }

    func validate(_ arguments: LossArguments) throws {
        guard LossOptions.areDefault(arguments, smoothingCovered: true) else { return }  // the formula checks the rest
        _ = try CategoricalTargets.check(arguments.tensor("y"), predictions: arguments.tensor("z").shape, loss: name)
        let s = try arguments.number("label_smoothing")
        guard s >= 0, s <= 1 else { throw TensorError.invalid("cce_logits: label_smoothing must be in [0, 1], not \(Tensor.format(s))") }
    }

    func formula(_ arguments: LossArguments) throws -> DTensor {
        try CategoricalFormula.loss(arguments, predictions: "z", input: .logits)
    }

    /// The fused kernel covers no weights, no label smoothing, logits with a class axis.
    func plain(_ arguments: LossArguments) throws -> (z: Tensor, labels: Tensor?, y: Tensor?, reduction: String)? {
        guard arguments.values["weight"] == nil, try arguments.number("label_smoothing") == 0,
              case .string(let reduction)? = arguments.values["reduction"] else { return nil }
        let z = try arguments.tensor("z").value, y = try arguments.tensor("y")
        guard z.rank >= 1, z.count > 0 else { return nil }
        let indices = try CategoricalTargets.check(y, predictions: z.shape, loss: name)
        return (z, indices ? y.value : nil, indices ? nil : y.value, reduction)
    }

    /// `xe_cce_logits`: the value for any reduction, the gradient of a mean or sum.
    func fused(_ arguments: LossArguments, gradient: Bool, value: Bool) throws -> FusedLoss? {
        guard let (z, labels, y, reduction) = try plain(arguments) else { return nil }
        if gradient && reduction == "none" { return nil }
        let rows = Double(z.count / z.shape[z.rank - 1])
        let scale = reduction == "mean" ? 1 / rows : 1
        let r = FusedKernels.cceLogits(z, labels: labels, y: y, perSample: reduction == "none", gradientScale: gradient ? scale : nil)
        if let losses = r.losses { return FusedLoss(value: Tensor(shape: Array(z.shape.dropLast()), storage: losses)) }
        return FusedLoss(value: Tensor(scalar: reduction == "mean" ? r.sum / rows : r.sum), gradient: r.gradient.map { Tensor(shape: z.shape, storage: $0) })
    }
}
