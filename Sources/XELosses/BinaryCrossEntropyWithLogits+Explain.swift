import XETensor

extension BinaryCrossEntropyWithLogits {
    /// Each element's target, logit, σ(z), the active term and its value.
    func explain(_ given: LossArguments) throws -> LossExplanation {
        try explanation(given) { a in
            let result = try value(a)
            let pw = try a.tensor("pos_weight").value
            let shape = try Tensor.broadcastShape(
                Tensor.broadcastShape(a.tensor("y").shape, a.tensor("z").shape, operation: name), pw.shape, operation: name)
            let y = try a.tensor("y").value.broadcast(to: shape), z = try a.tensor("z").value.broadcast(to: shape)
            let weights = try pw.broadcast(to: shape)
            let hasPosWeight = pw.storage.contains { $0 != 1 }
            let elements = try LossExplanation.ElementLosses(self, a, shape: shape)
            let losses = elements.losses
            let short = LossExplanation.short
            let columns = ["i", "y", "z", "σ(z)"] + (hasPosWeight ? ["pos_weight"] : []) + ["active term", "l_i"] + elements.weightColumns
            return LossExplanation(
                header: ["bce_logits: binary cross-entropy from logits, \(losses.count) element\(losses.count == 1 ? "" : "s")",
                         "  l_i = -[y_i·log σ(z_i) + (1-y_i)·log(1-σ(z_i))], computed stably as",
                         hasPosWeight
                            ? "  (1-y)·z + (1+(pos_weight-1)·y)·(log(1+exp(-|z|)) + max(-z, 0))"
                            : "  max(z, 0) - z·y + log(1 + exp(-|z|)); y = 1 leaves -log σ(z), y = 0 leaves -log(1-σ(z))"],
                columns: columns, count: losses.count,
                row: { i in
                    let t = y.storage[i], x = z.storage[i], k = weights.storage[i]
                    let sigma = UnaryFunction.sigmoid(x)
                    let scaled = k != 1 && t != 0
                    let term: String
                    if t == 1 {
                        term = scaled ? "\(short(k))·(-log σ(\(short(x))))" : "-log σ(\(short(x)))"
                    } else if t == 0 {
                        term = "-log(1 - σ(\(short(x))))"
                    } else {
                        let weight = scaled ? "\(short(k))·" : ""
                        term = "-[\(short(t))·\(weight)log σ(\(short(x))) + \(short(1 - t))·log(1 - σ(\(short(x))))]"
                    }
                    return [LossExplanation.index(i, in: shape), short(t), short(x), short(sigma)]
                        + (hasPosWeight ? [short(k)] : []) + [term, short(losses.storage[i])] + elements.weightCells(i)
                },
                footer: try elements.footer(a, result: result))
        }
    }
}

extension BinaryCrossEntropyWithLogits: TeachesGradient {
    /// ∂l_i/∂z_i = σ(z_i) - y_i (with pos_weight w₊: (1 + (w₊-1)·y_i)·σ(z_i) - w₊·y_i).
    func gradientTeaching(_ arguments: LossArguments, variable: String) throws -> GradientTeaching? {
        guard variable == "z", (try? arguments.number("label_smoothing")) ?? 0 == 0 else { return nil }
        let z = try arguments.tensor("z").value, pw = try arguments.tensor("pos_weight").value
        let shape = try Tensor.broadcastShape(arguments.tensor("y").shape, z.shape, operation: name)
        guard shape == z.shape, let w = try? pw.broadcast(to: shape) else { return nil }
        let y = try arguments.tensor("y").value.broadcast(to: shape)
        let hasPosWeight = pw.storage.contains { $0 != 1 }
        let short = LossExplanation.short
        let sigma = z.map(UnaryFunction.sigmoid)
        return GradientTeaching(
            header: hasPosWeight
                ? ["  ∂l_i/∂z_i = (1 + (w₊-1)·y_i)·σ(z_i) - w₊·y_i   (w₊ = pos_weight; σ(z) - y when w₊ = 1)"]
                : ["  ∂l_i/∂z_i = σ(z_i) - y_i",
                   "  why so simple: ∂l/∂σ = -y/σ + (1-y)/(1-σ) and dσ/dz = σ(1-σ); in the product the",
                   "  1/σ and 1/(1-σ) cancel: -y(1-σ) + (1-y)σ = σ - y"],
            term: { i in
                let s = short(sigma.storage[i]), t = y.storage[i], k = w.storage[i]
                if k == 1 { return "σ(\(short(z.storage[i]))) - \(short(t)) = \(s) - \(short(t))" }
                return "\(short(1 + (k - 1) * t))·\(s) - \(short(k * t))"
            })
    }
}
