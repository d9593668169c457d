import XETensor

/// The categorical focal loss (Keras's `CategoricalFocalCrossentropy`):
/// ℓ_i = −Σ_c α_c·(1 − q_ic)^γ·y′_ic·log q_ic on probabilities or, stably, on logits.
struct CategoricalFocalLoss: Loss {
    /// Whether the predictions are logits.
    let logits: Bool

    var name: String { logits ? "cce_focal_logits" : "cce_focal" }
    var summary: String {
        let (input, q, logQ) = logits ? ("from logits", "q_c", "log softmax(z)_c") : ("on probabilities", "p_c", "log p_c")
        return "categorical focal loss \(input): -Σ_c α (1 - \(q))^gamma y_c \(logQ)"
    }
    var parameters: [LossParameter] {
        let predictions = LossParameter(logits ? "z" : "p", required: true,
                                        summary: logits ? "logits, classes along axis" : "probabilities, classes along axis")
        return LossOptions.categorical(predictions, options: LossOptions.focal(alpha: "α: one number, or one per class (Keras's default is 0.25; none: 1)", logits: logits))
    }
    var help: String {
        """
        \(signature)
          Categorical focal loss (Keras's CategoricalFocalCrossentropy).
          Formula: l_i = -Σ_c α_c·(1 - q_ic)^γ·w_c·y'_ic·log q_ic,  y' = (1-s)·y + s/C
          \(logits ? "q = softmax(z), log q = log_softmax(z): finite for logits of any size." : "q = p clipped into [eps, 1-eps] (under keras: rows renormalised first).")
          y, weights, ignore_index, axis and reductions as in \(logits ? "cce_logits" : "cce"); gamma=0 and no alpha: \(logits ? "cce_logits" : "cce").
          Gradient: from the formula, to any order.
          Example: \(name)([1, 2], \(logits ? "[[0.1, 2.0, -1.0], [0.5, 0.2, 1.5]]" : "[[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]]"), gamma=2)
        """
    }

    func validate(_ arguments: LossArguments) throws {
        _ = try BinaryFocalLoss.focal(arguments, alphaAtMostOne: false)
    }

    func formula(_ arguments: LossArguments) throws -> DTensor {
        let focal = try BinaryFocalLoss.focal(arguments, alphaAtMostOne: false)
        return try CategoricalFormula.loss(arguments, predictions: logits ? "z" : "p", input: logits ? .logits : .probabilities, focal: focal)
    }
}
