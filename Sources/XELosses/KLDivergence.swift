import XETensor

/// The Kullback–Leibler divergence KL(p‖q) = Σ_c p_c·(log p_c − log q_c) along `axis`, with
/// 0·log 0 = 0; either argument may be given in log space (PyTorch's `log_target`, its input
/// and optax's log-predictions).
struct KLDivergence: Loss {
    let name = "kl_div"
    let summary = "Kullback–Leibler divergence KL(p‖q) = Σ p log(p/q), one value per row by default"
    static let reductions = ["rows", "none", "sum", "mean", "batchmean"]
    let parameters = [
        LossParameter("p", required: true, summary: "the target distribution (probabilities, or log-probabilities with log_target=true)"),
        LossParameter("q", required: true, summary: "the predicted distribution (probabilities, or log-probabilities with log_input=true)"),
        LossParameter("reduction", default: .string("rows"), summary: "\"rows\" (one value per row, the default), \"none\" (elementwise), \"sum\", \"mean\" (over every element), \"batchmean\" (sum / rows: PyTorch's)"),
        LossParameter("log_target", default: .number(0), summary: "true: p is given as log p (PyTorch's log_target)"),
        LossParameter("log_input", default: .number(0), summary: "true: q is given as log q (PyTorch's input, optax's log_predictions)"),
        LossOptions.axis,
        LossOptions.convention,
    ]
    var help: String {
        """
        \(signature)
          Kullback–Leibler divergence of q from p along axis (the last by default), with 0·log 0 = 0.
          Formula: KL(p‖q) = Σ_c p_c·(log p_c - log q_c)   (with log_target: Σ_c e^{lp_c}·(lp_c - log q_c))
          reduction: "rows" one value per row (default), "none" the elementwise terms p·(log p - log q),
          "sum", "mean" over every element (PyTorch's "mean"), "batchmean" the sum / the size of the first axis
          (PyTorch's "batchmean", the true KL averaged over a batch of rows).
          PyTorch's kl_div(input, target): kl_div(target, input, log_input=true, reduction="batchmean").
          optax's kl_divergence(log_predictions, targets): kl_div(targets, log_predictions, log_input=true).
          convention="keras": p and q clipped into [1e-7, 1] first (Keras's KLDivergence).
          Gradient: ∂/∂q_c = -p_c/q_c, ∂/∂p_c = log(p_c/q_c) + 1, to any order.
          Example: kl_div([0.5, 0.5], [0.9, 0.1])  →  0.5108256237659907
        """
    }

    func formula(_ arguments: LossArguments) throws -> DTensor {
        var p = try arguments.tensor("p"), q = try arguments.tensor("q")
        let logTarget = try arguments.number("log_target") != 0, logInput = try arguments.number("log_input") != 0
        let reduction = try arguments.string("reduction", choices: KLDivergence.reductions)
        let convention = try LossOptions.convention(arguments)
        try LossOptions.checkSameShape(p.shape, q.shape, arguments, names: ("p", "q"))
        if convention.renormalises, let eps = convention.clip {
            let lo = DTensor(scalar: eps), hi = DTensor(scalar: 1)
            if !logTarget { p = try DTensor.clip(p, lo, hi) }
            if !logInput { q = try DTensor.clip(q, lo, hi) }
        }
        let terms: DTensor
        if logTarget {
            let logQ = logInput ? q : q.log
            terms = try DTensor.weighting(p.exp, p - logQ)  // e^{-inf}·(-inf - log q) = 0
        } else if logInput {
            terms = try DTensor.xLogY(p, p) - DTensor.weighting(p, q)
        } else {
            terms = try DTensor.xLogY(p, p) - DTensor.xLogY(p, q)
        }
        let rank = terms.shape.count
        switch reduction {
        case "none": return terms
        case "sum": return try terms.sum()
        case "mean": return try terms.mean()
        case "batchmean":
            return try terms.sum() / DTensor(scalar: Double(rank == 0 ? 1 : terms.shape[0]))
        default:
            guard rank > 0 else { return terms }
            let axis = try LossOptions.classAxis(arguments, rank: rank)
            return try terms.sum(axis: axis == rank - 1 ? -1 : axis)
        }
    }
}
