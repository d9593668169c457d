import XETensor

/// The negative log-likelihood (PyTorch's `nll_loss`): ℓ_i = −w[t_i]·x_i[t_i] for any real
/// scores x (normally log-probabilities), class axis `axis`, samples whose target is
/// `ignore_index` left out; the mean divides by Σ_i w[t_i].
struct NegativeLogLikelihood: Loss {
    let name = "nll"
    let summary = "negative log-likelihood of log-probabilities: -w[t]·x[t] (PyTorch's nll_loss)"
    let parameters = LossOptions.categorical(
        LossParameter("x", required: true, summary: "scores, normally log-probabilities (log_softmax(z)); any real numbers"),
        targets: LossParameter("y", required: true, summary: "class indices (the shape of x without the class axis), or one-hot/probability rows"))
    var help: String {
        """
        \(signature)
          Negative log-likelihood (PyTorch's nll_loss): picks each sample's score at its class.
          Formula: l_i = -w[t_i]·x_i[t_i];  for rows y: l_i = -Σ_c w_c·y_ic·x_ic  (0·x = 0, even for x = -inf)
          mean: Σ_i l_i / Σ_i w[t_i] (the count of samples when unweighted); sum; none: one loss per sample
          ignore_index=k: samples whose target is k add nothing and leave the denominator (a mean over nothing is nan).
          axis: the class axis, so PyTorch's (N, C, d1, ...) layout is axis=1 with targets of shape (N, d1, ...).
          nll(y, log_softmax(z)) is cce_logits(y, z).
          Gradient: ∂l_i/∂x_ic = -w_c·[c = t_i] (divided by the denominator for the mean).
          Example: nll([0, 2], log([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]]))  →  0.4337502838523616
        """
    }

    func formula(_ arguments: LossArguments) throws -> DTensor {
        try CategoricalFormula.loss(arguments, predictions: "x", input: .logProbabilities)
    }
}
