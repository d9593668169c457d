import XETensor

/// The computation both categorical losses share once they have log-probabilities.
enum CategoricalSupport {
    /// Smoothed, weighted dense targets and the reduction, for the fused kernels.
    struct Plan {
        var targets: [Double]
        var weights: [Double]?
        var smoothing: Double
        var classes: Int
        var samples: Int
        var sampleShape: [Int]
        var reduction: String
        /// Σ_i Σ_c w_c·y_ic when weighted; nil for the plain count.
        var denominator: Double?

        init(_ arguments: LossArguments, shape: [Int]) throws(TensorError) {
            let t = try CategoricalTargets(arguments.tensor("y"), predictions: shape, loss: arguments.lossName)
            classes = t.classes
            targets = t.dense.value.storage
            samples = classes == 0 ? 0 : targets.count / classes
            sampleShape = Array(shape.dropLast())
            smoothing = try arguments.number("label_smoothing")
            reduction = try arguments.string("reduction", choices: LossSupport.reductions)
            weights = try CategoricalTargets.weights(arguments, classes: classes)?.value.storage
            if let weights {
                var d = 0.0
                for k in 0..<targets.count { d += weights[k % classes] * targets[k] }
                denominator = d
            }
        }

        /// w_c·y′ for the flat position k of class c.
        @inline(__always)
        func weightedTarget(_ k: Int, _ c: Int) -> Double {
            var t = targets[k]
            if smoothing != 0 { t = (1 - smoothing) * t + smoothing / Double(classes) }
            if let weights { t *= weights[c] }
            return t
        }

        /// The factor for each sample's gradient from the upstream gradient and the reduction.
        func sampleScale(_ upstream: Tensor) throws(TensorError) -> [Double] {
            // Per sample (reduction "none"), the upstream has the samples' shape, of any rank.
            let perSample = reduction == "none" ? try upstream.broadcast(to: sampleShape).reshaped([samples]) : upstream
            return try LossSupport.upstreamScale(perSample, shape: [samples], reduction: reduction,
                                          denominator: denominator ?? Double(samples)).storage
        }
    }

    /// −Σ_c w_c·y′_ic·logp_ic per sample, then the reduction.
    static func value(_ arguments: LossArguments, logProbabilities logP: Tensor) throws(TensorError) -> Tensor {
        let plan = try Plan(arguments, shape: logP.shape)
        var losses = [Double](repeating: 0, count: plan.samples)
        for i in 0..<plan.samples {
            var s = 0.0
            for c in 0..<plan.classes {
                let k = i * plan.classes + c
                let t = plan.weightedTarget(k, c)
                if t != 0 { s += t * logP.storage[k] }  // a class without target adds nothing, even at log p = -inf
            }
            losses[i] = -s
        }
        let perSample = Tensor(shape: plan.sampleShape, storage: losses)
        return LossSupport.reduceValue(perSample, plan.reduction, denominator: plan.denominator)
    }

    /// The same through differentiable operations.
    static func forward(_ arguments: LossArguments, logProbabilities logP: DTensor, shape: [Int]) throws -> DTensor {
        let t = try CategoricalTargets(arguments.tensor("y"), predictions: shape, loss: arguments.lossName)
        let s = try arguments.number("label_smoothing")
        var y = t.dense
        if s != 0 { y = try DTensor(scalar: 1 - s) * y + DTensor(scalar: s / Double(t.classes)) }
        var denominator: DTensor?
        if let w = try CategoricalTargets.weights(arguments, classes: t.classes) {
            y = try y * w
            denominator = try (t.dense * w).sum()
        }
        let perSample = try -(y * logP).sum(axis: -1)
        return try LossSupport.reduce(perSample, arguments.string("reduction", choices: LossSupport.reductions), denominator: denominator)
    }
}
