import XETensor

extension CategoricalCrossEntropy {
    /// Per sample: the target class, the probabilities, -log(p_target) and its value.
    func explain(_ given: LossArguments) throws -> LossExplanation {
        try explanation(given, smoothingCovered: true) { arguments in
            let eps = try arguments.number("eps")
            let short = LossExplanation.short
            return try CategoricalSupport.explain(
                self, arguments, predictions: "p",
                formula: ["  l_i = -Σ_c y_ic·log(p_ic); a one-hot target (class c) leaves -log(p_ic)",
                          "  p is clipped into [eps, 1-eps] with eps = \(short(eps))"],
                term: { _, c, row in
                    guard let c else { return "-Σ_c y'_c·log(p_c)" }
                    let p = Swift.min(Swift.max(row[row.startIndex + c], eps), 1 - eps)
                    return "-log(p_\(c)) = -log(\(short(p)))"
                })
        }
    }
}

extension CategoricalCrossEntropy: TeachesGradient {
    /// ∂l_i/∂p_ic = -w_c·y'_ic/p_ic, 0 where p is clipped.
    func gradientTeaching(_ arguments: LossArguments, variable: String) throws -> GradientTeaching? {
        guard variable == "p", let plan = try? CategoricalSupport.Plan(arguments, predictions: "p") else { return nil }
        let short = LossExplanation.short
        var header = ["  ∂l_i/∂p_ic = -y_ic/p_ic: only the target's probabilities get a gradient (0 where p is clipped)"]
        if plan.smoothing != 0 || plan.weights != nil { header.append("  with y' = (1-s)·y + s/C and class weights: -w_c·y'_ic/p_ic") }
        return GradientTeaching(
            header: header,
            term: { i in
                if plan.smoothing == 0, let c = plan.hardClass(i) {
                    return "-1/p_\(c) = -1/\(short(plan.scores.storage[i * plan.classes + c])) at class \(c), 0 elsewhere"
                }
                return "-y'/p"
            })
    }
}
