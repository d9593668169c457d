import XETensor

/// The one formula of the categorical cross-entropy family (`cce`, `cce_logits`, `nll`,
/// `cce_focal`, `cce_focal_logits`) under every convention:
///
///   ℓ_i = −Σ_c α_c·(1 − q_ic)^γ · w_c·y′_ic·log q_ic,   y′ = (1 − s)·y + s/C,
///
/// with the focal factor only for the focal losses, log q from the inputs (log-softmax of
/// logits; the clipped log of probabilities; the scores themselves for `nll`), 0·log 0 = 0, the
/// class axis moved last, and ignored samples adding nothing. The mean divides by the number of
/// samples that count, or by Σ_i w[t_i] where the convention says so.
enum CategoricalFormula {
    /// What the predictions are.
    enum Input {
        case probabilities, logits, logProbabilities
    }

    /// The focal factor's parameters.
    struct Focal {
        var gamma: DTensor
        var alpha: DTensor?
    }

    static let targetHint = "targets are one-hot or probability rows, or class indices"

    static func loss(_ arguments: LossArguments, predictions name: String, input: Input, focal: Focal? = nil) throws -> DTensor {
        let convention = try LossOptions.convention(arguments)
        let x = try arguments.tensor(name)
        if input == .probabilities {
            let p = x.value
            for (i, v) in p.storage.enumerated() where !(v >= 0 && v <= 1) {
                throw TensorError.invalid("\(arguments.lossName): prediction \(name)\(LossSupport.position(i, in: p.shape)) = \(Tensor.format(v)) is not a probability in [0, 1]; if these are raw scores (logits), use \(arguments.lossName)_logits")
            }
        }
        let axis = x.shape.isEmpty ? 0 : try LossOptions.classAxis(arguments, rank: x.shape.count)
        let targets = try ClassTargets(arguments, predictions: x.shape, axis: axis, hint: targetHint)
        let moved = try targets.movingClassAxis(x)
        let classes = targets.classes
        let (logQ, q) = try logProbabilities(moved, arguments, input: input, convention: convention,
                                             indices: targets.indices, needProbabilities: focal != nil)
        var y = targets.dense
        let s = try LossOptions.smoothing(arguments)
        if s != 0 {
            let spread = try DTensor(targets.keep ?? Tensor(scalar: 1)) * DTensor(scalar: s / Double(classes))
            y = try DTensor(scalar: 1 - s) * y + spread
        }
        let w = try ClassTargets.weights(arguments, classes: classes)
        if let w { y = try y * w }
        var terms = try DTensor.weighting(y, logQ)
        if let focal, let q {
            terms = try terms * (DTensor(scalar: 1) - q).pow(focal.gamma)
            if let alpha = focal.alpha { terms = try terms * alpha }
        }
        let perSample = try DTensor(scalar: 0) - terms.sum(axis: -1)  // an ignored sample is 0, not -0
        let reduction = try LossOptions.reduction(arguments)
        var denominator = DTensor(scalar: Double(targets.kept))
        if let w, (targets.indices ? convention.indexWeightedMean : convention.denseWeightedMean) == .weightSum {
            denominator = try (targets.dense * w).sum()
        }
        return try LossSupport.reduce(perSample, reduction, denominator: denominator)
    }

    /// log q and, for the focal factor, q, with the class axis last.
    static func logProbabilities(_ x: DTensor, _ arguments: LossArguments, input: Input, convention: Convention,
                                 indices: Bool, needProbabilities: Bool) throws -> (DTensor, DTensor?) {
        switch input {
        case .logProbabilities:
            return (x, needProbabilities ? x.exp : nil)
        case .logits:
            if needProbabilities, convention.renormalises, let eps = try LossOptions.clip(arguments) {
                // Keras's focal loss from logits: softmax, then clipped like probabilities.
                let q = try clip(DTensor.softmax(x, axis: -1), eps)
                return (q.log, q)
            }
            let logQ = try DTensor.logSoftmax(x, axis: -1)
            return (logQ, needProbabilities ? try DTensor.softmax(x, axis: -1) : nil)
        case .probabilities:
            let eps = try LossOptions.clip(arguments)
            var logQ: DTensor, q: DTensor
            if indices, convention.sparseRenormalisesByLogSoftmax {
                logQ = try DTensor.logSoftmax(try eps.map { e throws(TensorError) in try clip(x, e) }.map(\.log) ?? x.log, axis: -1)
                q = logQ.exp
            } else {
                q = x
                if convention.renormalises { q = try q / DTensor.reduce(.sum, q, axis: -1, keepdims: true) }
                if let eps { q = try clip(q, eps) }
                logQ = q.log
            }
            if let floor = convention.logFloor { logQ = try DTensor.extremum(logQ, DTensor(scalar: floor), maximum: true) }
            return (logQ, q)
        }
    }

    /// clip(x, eps, 1 - eps).
    static func clip(_ x: DTensor, _ eps: Double) throws(TensorError) -> DTensor {
        try DTensor.clip(x, DTensor(scalar: eps), DTensor(scalar: 1 - eps))
    }
}
