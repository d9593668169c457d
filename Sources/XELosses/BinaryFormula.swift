import XETensor

/// The one formula of the binary cross-entropy family (`bce`, `bce_logits`, `focal`,
/// `focal_logits`) under every convention, elementwise:
///
///   ℓ = −α_t·(1 − p_t)^γ·[y′·log p̂ + (1 − y′)·log(1 − p̂)],   y′ = (1 − s)·y + s/2,
///   p_t = y′·p + (1 − y′)·(1 − p),   α_t = α·y′ + (1 − α)·(1 − y′),
///
/// with the focal factor only for the focal losses, p̂ the convention's clip of p, and from
/// logits the stable (1 − y′)·softplus(z) + y′·softplus(−z) with 1 − p_t = y′·σ(−z) + (1 − y′)·σ(z).
enum BinaryFormula {
    static let targetHint = "targets must be labels 0/1 or probabilities"

    /// The checks of a call: the shape rule, targets in [0, 1] (unless strict=false),
    /// probabilities in [0, 1].
    static func validate(_ arguments: LossArguments, predictions name: String, logits: Bool) throws {
        let y = try arguments.tensor("y"), p = try arguments.tensor(name)
        try LossOptions.checkSameShape(y.shape, p.shape, arguments, names: ("y", name))
        if !arguments.rangesCheckedByKernel { try LossOptions.checkTargets(y.value, arguments, hint: targetHint) }
        if !logits, !arguments.rangesCheckedByKernel {
            try LossSupport.checkRange(p.value, loss: arguments.lossName, name: name, role: "prediction",
                                       hint: "\(arguments.lossName) takes probabilities; for raw scores (logits) use \(arguments.lossName)_logits")
        }
        _ = try LossOptions.clip(arguments)
        _ = try LossOptions.smoothing(arguments)
    }

    static func loss(_ arguments: LossArguments, predictions name: String, logits: Bool, focal: CategoricalFormula.Focal? = nil) throws -> DTensor {
        try validate(arguments, predictions: name, logits: logits)
        let convention = try LossOptions.convention(arguments)
        let x = try arguments.tensor(name)
        var y = try arguments.tensor("y")
        let s = try LossOptions.smoothing(arguments)
        if s != 0 { y = try DTensor(scalar: 1 - s) * y + DTensor(scalar: s / 2) }
        let one = DTensor(scalar: 1)
        var losses: DTensor
        var oneMinusPt: DTensor?
        if logits, !(focal != nil && convention.focalClipsSigmoid) {
            losses = try stableLogits(y, x, arguments)
            if focal != nil { oneMinusPt = try y * (-x).sigmoid + (one - y) * x.sigmoid }
        } else {
            let p = logits ? x.sigmoid : x
            var pc = p
            if let eps = try LossOptions.clip(arguments) { pc = try CategoricalFormula.clip(p, eps) }
            var a: DTensor, b: DTensor
            if convention.logFloor == nil, !convention.epsilonInsideBinaryLog {
                // -[xlogy(y', p̂) + xlogy(1-y', 1-p̂)]: a term with a zero target adds nothing.
                losses = try DTensor(scalar: 0) - (DTensor.xLogY(y, pc) + DTensor.xLogY(one - y, one - pc))
                if focal != nil { oneMinusPt = try one - (y * p + (one - y) * (one - p)) }
                return try finish(losses, oneMinusPt, y, focal, arguments, convention)
            }
            if convention.epsilonInsideBinaryLog, let eps = try LossOptions.clip(arguments) {
                a = try (pc + DTensor(scalar: eps)).log
                b = try (one - pc + DTensor(scalar: eps)).log
            } else {
                a = pc.log
                b = try (one - pc).log
            }
            if let floor = convention.logFloor {
                a = try DTensor.extremum(a, DTensor(scalar: floor), maximum: true)
                b = try DTensor.extremum(b, DTensor(scalar: floor), maximum: true)
            }
            losses = try DTensor.weighting(-y, a) + DTensor.weighting(y - one, b)
            if focal != nil { oneMinusPt = try one - (y * p + (one - y) * (one - p)) }
        }
        return try finish(losses, oneMinusPt, y, focal, arguments, convention)
    }

    /// The focal factor (1 - p_t)^γ and α_t when asked, then the reduction.
    static func finish(_ elementwise: DTensor, _ oneMinusPt: DTensor?, _ y: DTensor, _ focal: CategoricalFormula.Focal?,
                       _ arguments: LossArguments, _ convention: Convention) throws -> DTensor {
        var losses = elementwise
        if let focal, let oneMinusPt {
            losses = try losses * oneMinusPt.pow(focal.gamma)
            let one = DTensor(scalar: 1)
            if let alpha = focal.alpha { losses = try losses * (alpha * y + (one - alpha) * (one - y)) }
        }
        return try reduce(losses, arguments, convention: convention)
    }

    /// max(z, 0) − z·y + log(1 + e^−|z|); with a positive-class weight w₊ (PyTorch's
    /// `pos_weight`), (1 − y)·z + (1 + (w₊ − 1)·y)·log(1 + e^−z). Written as
    /// (1 − y)·softplus(z) + w₊·y·softplus(−z) with the smooth `DTensor.softplus`: smooth at
    /// z = 0 to every order (its Hessian σ(1−σ) is not lost in kinks of max and |z|), and a term
    /// with a zero factor drops out, so an infinite logit gives the limit.
    static func stableLogits(_ y: DTensor, _ z: DTensor, _ arguments: LossArguments) throws -> DTensor {
        let pw = try arguments.optionalTensor("pos_weight") ?? DTensor(scalar: 1)
        return try logitsExpression(y: .leaf(0)).evaluated([y, z, pw, DTensor(scalar: 1)])
    }

    /// The one expression of `stableLogits` (op by op) and `elementwiseLogits` (fused), over
    /// z = leaf 1, w₊ = leaf 2 and the constant 1 = leaf 3, with y given.
    static func logitsExpression(y: ElementwiseExpression) -> ElementwiseExpression {
        .binary(.add, .weighting(.binary(.subtract, .leaf(3), y), .softplus(.leaf(1))),
                .weighting(.binary(.multiply, .leaf(2), y), .softplus(.negate(.leaf(1)))))
    }

    /// `stableLogits` with label smoothing as one elementwise expression over y, z, w₊ and
    /// constants (the per-element losses of bce_logits), or nil when the call has a `weight`
    /// or its convention takes a per-sample mean.
    static func elementwiseLogits(_ arguments: LossArguments) throws -> ElementwiseLoss? {
        guard try arguments.optionalTensor("weight") == nil, !(try LossOptions.convention(arguments)).binaryPerSampleMean else { return nil }
        let s = try LossOptions.smoothing(arguments)
        let leaves = [try arguments.tensor("y"), try arguments.tensor("z"), try arguments.optionalTensor("pos_weight") ?? DTensor(scalar: 1),
                      DTensor(scalar: 1), DTensor(scalar: 1 - s), DTensor(scalar: s / 2)]
        let y: ElementwiseExpression = s == 0 ? .leaf(0) : .binary(.add, .binary(.multiply, .leaf(4), .leaf(0)), .leaf(5))
        // The targets' check (unless strict=false) in the fused pass, as validate makes it.
        let strict = (try? LossOptions.isStrict(arguments)) ?? true
        return ElementwiseLoss(logitsExpression(y: y), leaves: leaves, rangeChecks: strict ? [FusedRangeCheck(leaf: 0, lo: 0, hi: 1)] : [])
    }

    /// Keras's per-sample mean over `axis` (for its conventions), the weights, the reduction.
    static func reduce(_ elementwise: DTensor, _ arguments: LossArguments, convention: Convention) throws -> DTensor {
        var losses = elementwise
        if convention.binaryPerSampleMean, losses.shape.count >= 1 {
            let axis = try LossOptions.classAxis(arguments, rank: losses.shape.count)
            losses = try losses.mean(axis: axis)
        }
        let reduction = try LossOptions.reduction(arguments)
        guard let w = try arguments.optionalTensor("weight") else { return try LossSupport.reduce(losses, reduction) }
        let weighted = try losses * w
        if reduction == "mean", convention.binaryWeightedMean == .weightSum {
            let total = try (DTensor(Tensor(shape: weighted.shape, repeating: 1)) * w).sum()
            return try LossSupport.reduce(weighted, reduction, denominator: total)
        }
        return try LossSupport.reduce(weighted, reduction, denominator: reduction == "mean" ? DTensor(scalar: Double(weighted.value.count)) : nil)
    }
}
