import XETensor

extension CategoricalCrossEntropyWithLogits {
    /// Per sample: the target class, the logits, their log-sum-exp, the active term, the loss.
    func explain(_ given: LossArguments) throws -> LossExplanation {
        try explanation(given, smoothingCovered: true) { arguments in
            let short = LossExplanation.short
            return try CategoricalSupport.explain(
                self, arguments, predictions: "z",
                formula: ["  l_i = -Σ_c y_ic·log softmax(z_i)_c = logsumexp(z_i) - Σ_c y_ic·z_ic",
                          "  a one-hot target (class c) leaves logsumexp(z_i) - z_ic"],
                extraColumn: ("logsumexp(z)", { short(CategoricalSupport.logSumExp($0)) }),
                term: { _, c, row in
                    guard let c else { return "logsumexp(z) - Σ_c y'_c·z_c" }
                    return "logsumexp(z) - z_\(c) = \(short(CategoricalSupport.logSumExp(row))) - \(short(row[row.startIndex + c]))"
                })
        }
    }
}

extension CategoricalCrossEntropyWithLogits: TeachesGradient {
    /// ∂l_i/∂z_i = softmax(z_i) - y_i row by row (with weights and smoothing:
    /// (Σ_k w_k·y'_ik)·softmax(z_i) - w ⊙ y'_i).
    func gradientTeaching(_ arguments: LossArguments, variable: String) throws -> GradientTeaching? {
        guard variable == "z", let plan = try? CategoricalSupport.Plan(arguments, predictions: "z") else { return nil }
        let C = plan.classes
        let softmax = try plan.scores.softmax(axis: -1)
        let plain = plan.smoothing == 0 && plan.weights == nil
        return GradientTeaching(
            header: [plain
                     ? "  ∂l_i/∂z_i = softmax(z_i) - y_i, row by row"
                     : "  ∂l_i/∂z_ic = (Σ_k w_k·y'_ik)·softmax(z_i)_c - w_c·y'_ic,  y' = (1-s)·y + s/C",
                     "  why p - y: l = -Σ_c y_c·log p_c with p = softmax(z), so ∂l/∂p_c = -y_c/p_c; the softmax",
                     "  Jacobian ∂p_c/∂z_k = p_c·(δ_ck - p_k) cancels the 1/p_c: Σ_c (-y_c/p_c)·p_c·(δ_ck - p_k) = p_k·Σ_c y_c - y_k"],
            term: { i in
                if plain, let c = plan.hardClass(i) {
                    return "softmax(z_\(i)) - e_\(c)"
                }
                return plain ? "softmax(z_\(i)) - y_\(i)" : "(Σ w·y')·softmax - w⊙y'"
            },
            extra: [("softmax(z_i)", { i in LossExplanation.vector(softmax.storage[(i * C)..<(i * C + C)]) })])
    }
}
