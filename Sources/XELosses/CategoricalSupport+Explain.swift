import Glibc
import XETensor

extension CategoricalSupport {
    /// The shared explanation of `cce` and `cce_logits`: per sample the target (a class or a
    /// row), the predictions, the active term and the loss, then weights and the reduction.
    /// `term(i, c, scores)` writes the active term for sample i with target class c (nil for a
    /// soft or smoothed target row).
    static func explain(
        _ loss: any Loss, _ arguments: LossArguments, predictions name: String, formula: [String],
        extraColumn: (title: String, value: @Sendable (ArraySlice<Double>) -> String)? = nil,
        term: @escaping @Sendable (Int, Int?, ArraySlice<Double>) -> String
    ) throws -> LossExplanation {
        let a = arguments.constants
        let result = try loss.value(a)
        let plan = try Plan(a, predictions: name)
        let scores = plan.scores
        var plain = a
        plain.values["reduction"] = .string("none")
        let withWeights = try loss.value(plain).storage
        plain.values["weight"] = nil
        let losses = try loss.value(plain).storage
        let perSampleWeighted = plan.weights == nil ? losses : withWeights
        let C = plan.classes
        let targets = plan.targets
        let hardClass = plan.hardClass
        let smoothing = plan.smoothing, weights = plan.weights
        let short = LossExplanation.short
        var columns = ["i", "target", name] + (extraColumn.map { [$0.title] } ?? []) + ["active term", "l_i"]
        if weights != nil { columns += ["w", "weighted l_i"] }
        var header = ["\(loss.name): categorical cross-entropy, \(plan.samples) sample\(plan.samples == 1 ? "" : "s") × \(C) classes"] + formula
        if smoothing != 0 {
            header.append("  label_smoothing = \(short(smoothing)): targets become (1 - \(short(smoothing)))·y + \(short(smoothing))/\(C), so every class contributes")
        }
        if let weights {
            header.append("  class weights w = \(LossExplanation.vector(weights[...])): sample i's terms are multiplied by w_c")
        }
        let sampleShape = plan.sampleShape
        return LossExplanation(
            header: header, columns: columns, count: plan.samples,
            row: { i in
                let row = scores.storage[(i * C)..<(i * C + C)]
                let c = hardClass(i)
                let target = c.map { "class \($0)" } ?? LossExplanation.vector(targets[(i * C)..<(i * C + C)])
                var cells = [LossExplanation.index(i, in: sampleShape), target, LossExplanation.vector(row)]
                if let extraColumn { cells.append(extraColumn.value(row)) }
                cells += [term(i, smoothing == 0 ? c : nil, row), short(losses[i])]
                if let weights {
                    cells += [c.map { short(weights[$0]) } ?? "Σ w_c·y_c", short(perSampleWeighted[i])]
                }
                return cells
            },
            footer: LossExplanation.reduction(plan.reduction, losses: perSampleWeighted, result: result,
                                              denominator: plan.denominator, what: weights == nil ? "l_i" : "weighted l_i"))
    }

    /// log Σ_k exp(z_k) of one row, by `Tensor.logSumExp` (stable: m + log Σ_k exp(z_k − m)).
    static func logSumExp(_ z: ArraySlice<Double>) -> Double {
        (try? Tensor(vector: Array(z)).logSumExp(axis: 0).storage[0]) ?? -.infinity
    }
}
