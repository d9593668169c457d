import XETensor

/// How a loss writes its derivative the way a teacher does: the formula (and why it is that
/// simple, where it is), and the term of sample i with its numbers. The numbers of the
/// explanation come from differentiating the loss's formula, not from this text.
struct GradientTeaching {
    /// Lines under the title: the per-sample derivative and notes.
    var header: [String]
    /// The derivative of sample i written out with its numbers; nil for no such column.
    var term: (@Sendable (Int) -> String)?
    /// Extra columns after the inputs (title and cell of sample i), such as σ(z) or softmax(z).
    var extra: [(title: String, cell: @Sendable (Int) -> String)] = []
}

/// A loss that writes its own derivative for `explain(grad(...))`.
protocol TeachesGradient {
    /// The teaching of ∂l_i/∂`variable`, or nil to show the numbers only.
    func gradientTeaching(_ arguments: LossArguments, variable: String) throws -> GradientTeaching?
}

extension Loss {
    /// `explain(grad(loss(...), x))`: the gradient with respect to the argument `variable`
    /// step by step — per sample the inputs, the derivative ∂l_i/∂x (its formula with the
    /// numbers for the built-in losses), then what the weights and the reduction (the 1/n of a
    /// mean) do to it, and the gradient. The per-sample derivatives come from differentiating
    /// the formula; the gradient is the one `grad` gives.
    public func explainGradient(_ arguments: LossArguments, withRespectTo variable: String) throws -> LossExplanation {
        let a = arguments.constants
        guard case .tensor(let x)? = a.values[variable] else {
            throw TensorError.invalid("\(name): '\(variable)' is not a tensor argument of the loss")
        }
        // The gradient itself, exactly as grad computes it (the fused kernel where it applies).
        let total = try gradient(a, variable, summed: false) { try evaluate($0) }
        let categorical = self is CategoricalCrossEntropy || self is CategoricalCrossEntropyWithLogits
        var plain = a
        let hasReductionOption = parameters.contains { $0.name == "reduction" }
        if hasReductionOption {
            plain.values["reduction"] = .string("none")
            // Class weights act inside each sample's loss; element weights after it.
            if !categorical { plain.values["weight"] = nil }
        }
        let (perSample, losses) = try gradientAndValue(plain, variable)
        let xShape = x.shape
        // Rows: one per element when each loss reads one element of x; one per sample with a
        // row of x when the losses are per row (categorical); else the gradient element by
        // element (no reduction option, or one that did not give a loss per element).
        let rowLength: Int
        let rows: Int
        var hasReduction = hasReductionOption
        if hasReduction && losses.shape == xShape {
            rowLength = 1
            rows = x.value.count
        } else if hasReduction, xShape.count >= 1, losses.shape == Array(xShape.dropLast()), categorical || losses.value.count > 1 {
            rowLength = xShape.last ?? 1
            rows = losses.value.count
        } else {
            hasReduction = false
            rowLength = 1
            rows = x.value.count
        }
        let reduction = hasReduction ? try a.string("reduction", choices: LossSupport.reductions) : "none"
        // The teacher's formulas are xe's convention's, without ignored classes.
        let plainRules = (try? LossOptions.convention(a)) == .xe && a.values["ignore_index"] == nil
        let teaching = plainRules ? try (self as? any TeachesGradient)?.gradientTeaching(a, variable: variable) : nil
        let short = LossExplanation.short
        @Sendable func cell(_ t: Tensor, _ i: Int) -> String {
            rowLength == 1 ? short(t.storage[i]) : LossExplanation.vector(t.storage[(i * rowLength)..<((i + 1) * rowLength)])
        }
        // The other inputs of each row, where their shape matches x's.
        let inputs = parameters.prefix(2).compactMap { p -> (String, Tensor)? in
            guard case .tensor(let t)? = a.values[p.name] else { return nil }
            if t.shape == xShape { return (p.name, t.value) }
            if rowLength > 1, t.shape == losses.shape { return (p.name, t.value) }  // class indices
            return nil
        }
        let weight = hasReduction && !categorical ? try a.optionalTensor("weight")?.value : nil
        let n = hasReduction ? losses.value.count : 1
        var columns = ["i"] + inputs.map(\.0) + (hasReduction ? teaching?.extra.map(\.title) ?? [] : [])
        if hasReduction {
            if teaching?.term != nil { columns.append("∂l_i/∂\(variable)") }
            columns.append(teaching?.term != nil ? "=" : "∂l_i/∂\(variable)")
        }
        columns.append("∂\(name)/∂\(variable)")
        var header = ["\(name): the gradient with respect to \(variable), sample by sample"]
        if hasReduction {
            header.append("  l_i: the loss of sample i (\(name) with reduction=\"none\"\(weight == nil ? "" : ", no weight")\(categorical && a.values["weight"] != nil ? ", class weights inside" : "")); its derivative from the formula")
            header += teaching?.header ?? []
        } else {
            header.append(hasReductionOption
                ? "  (its reduction=\"none\" gives no loss per element, so the gradient is shown element by element)"
                : "  (this loss has no reduction option: its gradient element by element)")
        }
        var footer: [String] = []
        if hasReduction {
            var steps: [String] = []
            var scale: Double?
            if weight != nil { steps.append("multiplied by the weights w (\(LossExplanation.vector(weight!.storage[...])))") }
            switch reduction {
            case "sum":
                steps.append("summed: each sample's derivative passes unchanged (× 1)")
                scale = 1
            case "mean":
                if let denominator = try? categoricalDenominator(a, shape: xShape) {
                    steps.append("weighted mean: divided by Σ_i w_(target of i) = \(short(denominator)), so × 1/\(short(denominator))")
                    scale = 1 / denominator
                } else {
                    steps.append("mean over n = \(n) sample\(n == 1 ? "" : "s"): each derivative is multiplied by 1/n = 1/\(n)")
                    scale = 1 / Double(n)
                }
            default: break
            }
            // Say the rule only where the numbers bear it out (options such as ignore_index or a
            // framework's convention combine the samples their own way).
            if let scale, try reductionHolds(perSample.value, weight, scale: scale, total: total.value) {
                footer.append("then " + steps.joined(separator: ", then ") + ":")
            } else {
                footer.append("then the reduction \"\(reduction)\" with this call's options combines the samples' derivatives:")
            }
        }
        footer.append("∂\(name)/∂\(variable) = \(total.value.description)")
        let rowCount = rows, perRow = hasReduction
        let names = inputs
        let term = teaching?.term, extra = teaching?.extra ?? []
        let gradients = perSample.value, result = total.value, lossShape = losses.shape
        return LossExplanation(
            header: header, columns: columns, count: rowCount,
            row: { i in
                var cells = [LossExplanation.index(i, in: rowLength == 1 ? xShape : lossShape)]
                for (_, t) in names {
                    cells.append(t.count == rowCount ? short(t.storage[i]) : cell(t, i))
                }
                if perRow {
                    cells += extra.map { $0.cell(i) }
                    if let term { cells.append(term(i)) }
                    cells.append(cell(gradients, i))
                }
                cells.append(cell(result, i))
                return cells
            },
            footer: footer)
    }

    /// The gradient of the formula (or of `compute`), summed to a scalar when `summed`, with
    /// respect to `variable`.
    func gradient(_ arguments: LossArguments, _ variable: String, summed: Bool,
                  as compute: ((LossArguments) throws -> DTensor)? = nil) throws -> DTensor {
        guard case .tensor(let x)? = arguments.values[variable] else { throw TensorError.invalid("\(name): no argument '\(variable)'") }
        let leaf = Node(leaf: x.value)
        var tracked = arguments
        tracked.values[variable] = .tensor(DTensor(leaf))
        var out = try (compute ?? formula)(tracked)
        if summed { out = try out.sum() }
        guard out.value.count == 1 else {
            throw TensorError.invalid("grad needs a scalar expression, but \(name) gave a tensor of shape \(Tensor.describe(shape: out.shape)) (reduction \"none\"); reduce it first")
        }
        return try out.node.map { try $0.gradients(withRespectTo: [leaf])[0] } ?? DTensor(try Tensor(shape: x.shape, repeating: 0))
    }

    /// The per-sample losses and the gradient of their sum: ∂l_i/∂x for every sample.
    func gradientAndValue(_ arguments: LossArguments, _ variable: String) throws -> (DTensor, DTensor) {
        (try gradient(arguments, variable, summed: true), DTensor(try formula(arguments).value))
    }

    /// Whether `total` is `perSample` times the (broadcast) weights times `scale`, to rounding.
    func reductionHolds(_ perSample: Tensor, _ weight: Tensor?, scale: Double, total: Tensor) throws -> Bool {
        guard perSample.shape == total.shape else { return false }
        var expected = perSample
        if let weight {
            guard let w = try? weight.broadcast(to: perSample.shape) else { return false }
            expected = try Tensor.elementwise(.multiply, expected, w)
        }
        for (e, t) in zip(expected.storage, total.storage) {
            let want = e * scale
            guard want == t || abs(want - t) <= 1e-9 * Swift.max(abs(want), abs(t)) || (want.isNaN && t.isNaN) else { return false }
        }
        return true
    }

    /// The denominator of a weighted categorical mean, when that is what this loss does.
    func categoricalDenominator(_ arguments: LossArguments, shape: [Int]) throws -> Double? {
        guard self is CategoricalCrossEntropy || self is CategoricalCrossEntropyWithLogits,
              arguments.values["weight"] != nil else { return nil }
        let predictions = parameters[1].name
        return try CategoricalSupport.Plan(arguments, predictions: predictions).denominator
    }
}
