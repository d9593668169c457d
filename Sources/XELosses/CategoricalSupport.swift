import XETensor

/// The computation both categorical losses share once they have log-probabilities.
enum CategoricalSupport {
    /// Smoothed, weighted dense targets and the reduction, for the explanation.
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
    }

    /// The formula both categorical losses share once they have log-probabilities:
    /// l_i = −Σ_c w_c·y′_ic·logp_ic per sample (a class without target adds nothing, even at
    /// log p = −inf), y′ = (1−s)·y + s/C, then the reduction; a weighted mean divides by
    /// Σ_i Σ_c w_c·y_ic.
    static func formula(_ arguments: LossArguments, logProbabilities logP: DTensor, shape: [Int]) throws -> DTensor {
        let t = try CategoricalTargets(arguments.tensor("y"), predictions: shape, loss: arguments.lossName)
        let s = try arguments.number("label_smoothing")
        var y = t.dense
        if s != 0 { y = try DTensor(scalar: 1 - s) * y + DTensor(scalar: s / Double(t.classes)) }
        var denominator: DTensor?
        if let w = try CategoricalTargets.weights(arguments, classes: t.classes) {
            y = try y * w
            denominator = try (t.dense * w).sum()
        }
        let perSample = try -DTensor.weighting(y, logP).sum(axis: -1)
        return try LossSupport.reduce(perSample, arguments.string("reduction", choices: LossSupport.reductions), denominator: denominator)
    }
}
