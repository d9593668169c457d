import XETensor

/// The computation both categorical losses share once they have log-probabilities.
enum CategoricalSupport {
    /// Smoothed, weighted dense targets and the reduction, for the explanation.
    struct Plan {
        /// The predictions (probabilities, logits or log-probabilities), classes along the last axis.
        var scores: Tensor
        var targets: [Double]
        var weights: [Double]?
        var smoothing: Double
        var classes: Int
        var samples: Int
        var sampleShape: [Int]
        var reduction: String
        /// Σ_i Σ_c w_c·y_ic when weighted; nil for the plain count.
        var denominator: Double?

        /// The plan of a call whose predictions are the argument `predictions`.
        init(_ arguments: LossArguments, predictions: String) throws(TensorError) {
            scores = try arguments.tensor(predictions).value
            let shape = scores.shape
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

        /// The class of sample i when its target row is one-hot, else nil.
        func hardClass(_ i: Int) -> Int? {
            let row = targets[(i * classes)..<(i * classes + classes)]
            guard row.allSatisfy({ $0 == 0 || $0 == 1 }), row.filter({ $0 == 1 }).count == 1 else { return nil }
            return row.firstIndex(of: 1).map { $0 - i * classes }
        }
    }
}
