import XETensor

extension Loss {
    /// The generic explanation: the targets, predictions and loss of every sample (the loss
    /// called with `reduction="none"` and no weight), then the weights and the reduction.
    public func explain(_ arguments: LossArguments) throws -> LossExplanation {
        try perSampleExplanation(arguments)
    }

    /// The explanation `special` writes from the call's arguments (resolved, as constants) when the
    /// call uses only the options it covers (`LossOptions.areDefault`); else the per-sample one.
    func explanation(_ given: LossArguments, smoothingCovered: Bool = false,
                     _ special: (LossArguments) throws -> LossExplanation) throws -> LossExplanation {
        guard LossOptions.areDefault(given, smoothingCovered: smoothingCovered) else { return try perSampleExplanation(given) }
        return try special(LossOptions.resolved(given, parameters: parameters).constants)
    }

    /// The per-sample losses (the loss called with `reduction="none"` and no weight), the
    /// weights and the reduction: the explanation of any loss whose options a special one
    /// does not cover.
    public func perSampleExplanation(_ arguments: LossArguments) throws -> LossExplanation {
        let constants = try LossOptions.resolved(arguments.constants, parameters: parameters)
        let result = try evaluate(constants).value
        let title = "\(signature)"
        let reduction = (try? constants.string("reduction", choices: LossSupport.reductions)) ?? ""
        guard !reduction.isEmpty else {
            let inputs = parameters.compactMap { p -> String? in
                constants.values[p.name].map { v in
                    // A scalar option prints as the number it is (`smooth = 1`), not as `[1]`.
                    if case .tensor(let t) = v, !t.value.shape.isEmpty { return "  \(p.name) = \(LossExplanation.vector(t.value.storage[...]))" }
                    return "  \(p.name) = \(v.display)"
                }
            }
            return LossExplanation(
                header: [title, "  \(summary)"] + inputs + ["  (this loss has no per-sample reduction option, so only its result is shown)"],
                columns: [], count: 0, row: { _ in [] }, footer: ["= \(result.description)"])
        }
        var plain = constants
        plain.values["reduction"] = .string("none")
        let weighted = try evaluate(plain).value
        let hasWeight = plain.values["weight"] != nil
        plain.values["weight"] = nil
        let losses = hasWeight ? try evaluate(plain).value : weighted
        let names = parameters.prefix(2).map(\.name)
        let inputs = try names.compactMap { name -> (String, Tensor)? in
            guard let t = try constants.optionalTensor(name)?.value, t.shape == losses.shape else { return nil }
            return (name, t)
        }
        let shape = losses.shape
        var columns = ["i"] + inputs.map(\.0) + ["l_i"]
        if hasWeight { columns += ["w·l_i"] }
        let options = parameters.dropFirst(2).compactMap { p -> String? in
            guard p.name != "weight", p.name != "reduction", let v = constants.values[p.name] ?? p.defaultValue else { return nil }
            return "\(p.name) = \(v.display)"
        }
        var sum = 0.0
        for l in weighted.storage { sum += l }
        let count = Double(weighted.count)
        let denominator: Double? = reduction == "mean" && result.count == 1 && result.storage[0] != 0 && sum / result.storage[0] != count
            ? sum / result.storage[0] : nil
        return LossExplanation(
            header: [title, "  \(summary)"] + (options.isEmpty ? [] : ["  with " + options.joined(separator: ", ")])
                + ["  l_i: the loss of sample i (\(name) with reduction=\"none\")"],
            columns: columns, count: losses.count,
            row: { i in
                [LossExplanation.index(i, in: shape)] + inputs.map { LossExplanation.short($0.1.storage[i]) }
                    + [LossExplanation.short(losses.storage[i])]
                    + (hasWeight && weighted.count == losses.count ? [LossExplanation.short(weighted.storage[i])] : [])
            },
            footer: LossExplanation.reduction(reduction, losses: weighted.storage, result: result, denominator: denominator,
                                              what: hasWeight ? "w·l_i" : "l_i"))
    }
}
