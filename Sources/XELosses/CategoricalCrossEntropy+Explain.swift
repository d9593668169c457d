import XETensor

extension CategoricalCrossEntropy {
    /// Per sample: the target class, the probabilities, -log(p_target) and its value.
    func explain(_ given: LossArguments) throws -> LossExplanation {
        guard LossOptions.areDefault(given, smoothingCovered: true) else { return try perSampleExplanation(given) }
        let arguments = try LossOptions.resolved(given, parameters: parameters)
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
