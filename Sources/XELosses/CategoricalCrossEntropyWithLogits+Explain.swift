import XETensor

extension CategoricalCrossEntropyWithLogits {
    /// Per sample: the target class, the logits, their log-sum-exp, the active term, the loss.
    func explain(_ given: LossArguments) throws -> LossExplanation {
        guard LossOptions.areDefault(given, smoothingCovered: true) else { return try perSampleExplanation(given) }
        let arguments = try LossOptions.resolved(given, parameters: parameters)
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
