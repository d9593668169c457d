import XETensor

extension KLDivergence {
    /// Per row (along the axis): p, q and KL(p‖q) = Σ_c p_c·(log p_c − log q_c), then the
    /// reduction written out.
    func explain(_ arguments: LossArguments) throws -> LossExplanation {
        let a = try LossOptions.resolved(arguments.constants, parameters: parameters)
        let result = try formula(a).value
        var perRow = a
        perRow.values["reduction"] = .string("rows")
        let rows = try formula(perRow).value
        var p = try a.tensor("p"), q = try a.tensor("q")
        let rank = p.shape.count, first = p.shape.first ?? 1
        if rank >= 1 {
            let axis = try LossOptions.classAxis(a, rank: rank)
            if axis != rank - 1 {
                let order = (0..<rank).filter { $0 != axis } + [axis]
                p = try DTensor.transpose(p, order)
                q = try DTensor.transpose(q, order)
            }
        }
        let width = Swift.max(p.shape.last ?? 1, 1)
        let reduction = try a.string("reduction", choices: KLDivergence.reductions)
        let logTarget = try a.number("log_target") != 0, logInput = try a.number("log_input") != 0
        let pv = p.value, qv = q.value, shape = rows.shape
        let footer: [String]
        switch reduction {
        case "rows": footer = ["reduction \"rows\": one divergence per row, the KL column", "= \(result.description)"]
        case "batchmean": footer = ["reduction \"batchmean\": Σ of every term / \(first) (the size of the first axis)", "= \(result.description)"]
        default: footer = LossExplanation.reduction(reduction == "none" ? "none" : reduction, losses: rows.storage, result: result, what: "KL_i")
        }
        return LossExplanation(
            header: [signature, "  \(summary)",
                     "  KL_i = Σ_c p_ic·(log p_ic - log q_ic) along the axis; a term with p_ic = 0 adds nothing",
                     "  p is given as \(logTarget ? "log p (log_target)" : "probabilities"), q as \(logInput ? "log q (log_input)" : "probabilities")"],
            columns: ["i", logTarget ? "log p_i" : "p_i", logInput ? "log q_i" : "q_i", "KL_i"], count: rows.count,
            row: { i in
                let range = (i * width)..<Swift.min((i + 1) * width, pv.count)
                return [LossExplanation.index(i, in: shape), LossExplanation.vector(pv.storage[range]),
                        LossExplanation.vector(qv.storage[range]), LossExplanation.short(rows.storage[i])]
            },
            footer: footer)
    }
}
