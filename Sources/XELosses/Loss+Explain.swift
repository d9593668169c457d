import XETensor

extension Loss {
    /// The generic explanation: the targets, predictions and loss of every sample (the loss
    /// called with `reduction="none"` and no weight), then the weights and the reduction.
    public func explain(_ arguments: LossArguments) throws -> LossExplanation {
        let constants = arguments.constants
        let result = try value(constants)
        let title = "\(signature)"
        guard parameters.contains(where: { $0.name == "reduction" }) else {
            let inputs = parameters.compactMap { p -> String? in
                constants.values[p.name].map { v in
                    // A scalar option prints as the number it is (`smooth = 1`), not as `[1]`.
                    if case .tensor(let t) = v, !t.value.shape.isEmpty { return "  \(p.name) = \(LossExplanation.vector(t.value.storage[...]))" }
                    return "  \(p.name) = \(v.display)"
                }
            }
            return LossExplanation(
                header: [title, "  \(summary)"] + inputs + ["  (this loss has no reduction option, so only its result is shown)"],
                columns: [], count: 0, row: { _ in [] }, footer: ["= \(result.description)"])
        }
        var plain = constants
        plain.values["reduction"] = .string("none")
        plain.values["weight"] = nil
        let losses = try value(plain)
        let weight = try constants.optionalTensor("weight")?.value
        let weighted = weight == nil ? losses : try Tensor.elementwise(.multiply, losses, weight!)
        let names = parameters.prefix(2).map(\.name)
        let inputs = try names.compactMap { name -> (String, Tensor)? in
            guard let t = try constants.optionalTensor(name)?.value, t.shape == losses.shape else { return nil }
            return (name, t)
        }
        let w = try weight.map { try $0.broadcast(to: losses.shape) }
        let shape = losses.shape
        let reduction = try constants.string("reduction", choices: LossSupport.reductions)
        var columns = ["i"] + inputs.map(\.0) + ["l_i"]
        if w != nil { columns += ["w_i", "w_i·l_i"] }
        let options = parameters.dropFirst(2).compactMap { p -> String? in
            guard p.name != "weight", p.name != "reduction", let v = constants.values[p.name] else { return nil }
            return "\(p.name) = \(v.display)"
        }
        return LossExplanation(
            header: [title, "  \(summary)"] + (options.isEmpty ? [] : ["  with " + options.joined(separator: ", ")])
                + ["  l_i: the loss of sample i (\(name) with reduction=\"none\")"],
            columns: columns, count: losses.count,
            row: { i in
                [LossExplanation.index(i, in: shape)] + inputs.map { LossExplanation.short($0.1.storage[i]) }
                    + [LossExplanation.short(losses.storage[i])]
                    + (w.map { [LossExplanation.short($0.storage[i]), LossExplanation.short(weighted.storage[i])] } ?? [])
            },
            footer: LossExplanation.reduction(reduction, losses: weighted.storage, result: result, what: w == nil ? "l_i" : "w_i·l_i"))
    }
}
