import XETensor

/// The binary focal loss (Lin et al. 2017) on probabilities or logits: the cross-entropy scaled
/// by (1 − p_t)^γ, and by α_t when `alpha` is given. As torchvision's and optax's
/// `sigmoid_focal_loss` and Keras's `BinaryFocalCrossentropy` (with `label_smoothing`).
struct BinaryFocalLoss: Loss {
    /// Whether the predictions are logits.
    let logits: Bool

    var name: String { logits ? "focal_logits" : "focal" }
    var summary: String {
        logits ? "binary focal loss from logits, stable: (1 - p_t)^gamma · bce_logits"
            : "binary focal loss on probabilities: (1 - p_t)^gamma · bce"
    }
    var parameters: [LossParameter] {
        LossOptions.binary(logits ? LossOptions.logits : LossOptions.probabilities,
                           options: LossOptions.focal(alpha: "α: the positive class weighs α, the negative 1 - α (none: no balancing)", logits: logits))
    }
    var help: String {
        let p = logits ? "σ(z)" : "p"
        return """
        \(signature)
          Binary focal loss: the cross-entropy of easy examples (p_t near 1) is scaled down.
          Formula: l = α_t·(1 - p_t)^γ·bce,  p_t = y'·\(p) + (1-y')·(1-\(p)),  α_t = α·y' + (1-α)·(1-y'),  y' = (1-s)·y + s/2
          \(logits ? "bce and 1 - p_t = y'·σ(-z) + (1-y')·σ(z) are computed stably from the logits." : "bce on p clipped into [eps, 1-eps] (the convention's clip); p_t on p itself, as Keras.")
          gamma=0 and no alpha: the cross-entropy itself.  alpha=0.25: torchvision's default.
          Reduction and weight as in bce; under convention="keras" the mean is per sample over axis first.
          Gradient: from the formula, to any order.
          Example: \(name)([1, 0], \(logits ? "[2.0, -1.0]" : "[0.9, 0.2]"), gamma=2)
        """
    }

    func validate(_ arguments: LossArguments) throws {
        try BinaryFormula.validate(arguments, predictions: logits ? "z" : "p", logits: logits)
        _ = try BinaryFocalLoss.focal(arguments)
    }

    func formula(_ arguments: LossArguments) throws -> DTensor {
        try BinaryFormula.loss(arguments, predictions: logits ? "z" : "p", logits: logits, focal: BinaryFocalLoss.focal(arguments))
    }

    /// γ (at least 0) and α (in [0, 1]) of a call.
    static func focal(_ arguments: LossArguments, alphaAtMostOne: Bool = true) throws(TensorError) -> CategoricalFormula.Focal {
        let gamma = try arguments.tensor("gamma")
        guard gamma.value.count == 1, gamma.value.storage[0] >= 0 else {
            throw .invalid("\(arguments.lossName): gamma must be one number ≥ 0, not \(gamma.value.description)")
        }
        let alpha = try arguments.optionalTensor("alpha")
        if let alpha, !alpha.value.storage.allSatisfy({ $0 >= 0 && (!alphaAtMostOne || $0 <= 1) }) {
            throw .invalid("\(arguments.lossName): alpha must be \(alphaAtMostOne ? "in [0, 1]" : "at least 0"), not \(alpha.value.description)")
        }
        return CategoricalFormula.Focal(gamma: gamma, alpha: alpha)
    }
}
