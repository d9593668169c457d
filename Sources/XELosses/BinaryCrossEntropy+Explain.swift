import XETensor

extension BinaryCrossEntropy {
    /// Each element's target, prediction (clipped), the term that is active and its value.
    func explain(_ given: LossArguments) throws -> LossExplanation {
        try explanation(given) { a in
            let result = try value(a)
            let eps = try a.number("eps")
            let shape = try Tensor.broadcastShape(a.tensor("y").shape, a.tensor("p").shape, operation: name)
            let y = try a.tensor("y").value.broadcast(to: shape), p = try a.tensor("p").value.broadcast(to: shape)
            let elements = try LossExplanation.ElementLosses(self, a, shape: shape)
            let losses = elements.losses
            let short = LossExplanation.short
            let columns = ["i", "y", "p", "active term", "l_i"] + elements.weightColumns
            let clipped = p.storage.contains { $0 < eps || $0 > 1 - eps }
            return LossExplanation(
                header: ["bce: binary cross-entropy of \(losses.count) element\(losses.count == 1 ? "" : "s")",
                         "  l_i = -[y_i·log(p_i) + (1-y_i)·log(1-p_i)]; y = 1 leaves -log(p), y = 0 leaves -log(1-p)"]
                    + (clipped ? ["  p is clipped into [eps, 1-eps] = [\(short(eps)), 1 - \(short(eps))] first (marked *)"] : []),
                columns: columns, count: losses.count,
                row: { i in
                    let t = y.storage[i], q = p.storage[i]
                    let c = Swift.min(Swift.max(q, eps), 1 - eps)
                    let mark = c != q ? "*" : ""
                    let term: String
                    if t == 1 {
                        term = "-log(\(short(c))\(mark))"
                    } else if t == 0 {
                        term = "-log(1 - \(short(c))\(mark))"
                    } else {
                        term = "-[\(short(t))·log(\(short(c))\(mark)) + \(short(1 - t))·log(\(short(1 - c)))]"
                    }
                    return [LossExplanation.index(i, in: shape), short(t), short(q), term, short(losses.storage[i])] + elements.weightCells(i)
                },
                footer: try elements.footer(a, result: result))
        }
    }
}

extension BinaryCrossEntropy: TeachesGradient {
    /// ∂l_i/∂p_i = -y_i/p_i + (1-y_i)/(1-p_i), 0 where p is clipped.
    func gradientTeaching(_ arguments: LossArguments, variable: String) throws -> GradientTeaching? {
        guard variable == "p", (try? arguments.number("label_smoothing")) ?? 0 == 0 else { return nil }
        let eps = try arguments.number("eps")
        let p = try arguments.tensor("p").value
        let y = try arguments.tensor("y").value.broadcast(to: Tensor.broadcastShape(arguments.tensor("y").shape, p.shape, operation: name))
        guard y.shape == p.shape else { return nil }
        let short = LossExplanation.short
        return GradientTeaching(
            header: ["  ∂l_i/∂p_i = -y_i/p_i + (1-y_i)/(1-p_i): y = 1 leaves -1/p, y = 0 leaves 1/(1-p)",
                     "  (0 where p lies outside [eps, 1-eps] = [\(short(eps)), 1 - \(short(eps))]: the clip is flat there)"],
            term: { i in
                let t = y.storage[i], q = p.storage[i]
                if q < eps || q > 1 - eps { return "0 (p clipped)" }
                if t == 1 { return "-1/\(short(q))" }
                if t == 0 { return "1/(1 - \(short(q)))" }
                return "-\(short(t))/\(short(q)) + \(short(1 - t))/(1 - \(short(q)))"
            })
    }
}
