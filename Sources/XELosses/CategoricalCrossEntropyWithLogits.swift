import Glibc
import XETensor

/// Categorical cross-entropy from logits through a stable log-softmax (PyTorch's
/// `cross_entropy`): ℓ_i = −Σ_c w_c·y′_ic·(z_ic − logΣ_k e^{z_ik}).
struct CategoricalCrossEntropyWithLogits: Loss {
    let name = "cce_logits"
    let summary = "categorical cross-entropy from logits via a stable log-softmax"
    let hasGradient = true
    let parameters = [
        LossParameter("y", required: true, summary: "one-hot or probability rows, or integer class indices"),
        LossParameter("z", required: true, summary: "logits, one row per sample"),
        LossParameter("label_smoothing", default: .number(0), summary: "s: targets become (1-s)·y + s/C"),
        LossSupport.reductionParameter,
        LossSupport.weightParameter("one weight per class"),
    ]
    var help: String {
        """
        \(signature)
          Categorical cross-entropy from logits (PyTorch's cross_entropy), via log-softmax.
          Formula: l_i = -Σ_c w_c·y'_ic·log_softmax(z_i)_c,  log_softmax(z)_c = z_c - log Σ_k exp(z_k)
          y, label smoothing, weights and reductions as in cce. Finite for logits of any finite size.
          Gradient: ∂l_i/∂z_ic = (Σ_k w_k·y'_ik)·softmax(z_i)_c - w_c·y'_ic  (softmax(z) - y for one-hot y)
          Example: cce_logits([0, 1], [[2.0, 0.5], [0.1, 1.5]])
        """
    }

    func validate(_ arguments: LossArguments) throws {
        _ = try CategoricalTargets(arguments.tensor("y"), predictions: arguments.tensor("z").shape, loss: name)
        let s = try arguments.number("label_smoothing")
        guard s >= 0, s <= 1 else { throw TensorError.invalid("cce_logits: label_smoothing must be in [0, 1], not \(Tensor.format(s))") }
    }

    func forward(_ arguments: LossArguments) throws -> DTensor {
        let z = try arguments.tensor("z")
        return try CategoricalSupport.forward(arguments, logProbabilities: DTensor.logSoftmax(z, axis: -1), shape: z.shape)
    }

    func value(_ arguments: LossArguments) throws -> Tensor {
        let z = try arguments.tensor("z").value
        return try CategoricalSupport.value(arguments, logProbabilities: z.logSoftmax(axis: -1))
    }

    func gradient(_ arguments: LossArguments, upstream: Tensor) throws -> Tensor {
        let z = try arguments.tensor("z").value
        let plan = try CategoricalSupport.Plan(arguments, shape: z.shape)
        let softmax = try z.softmax(axis: -1)
        var out = [Double](repeating: 0, count: z.count)
        let scale = try plan.sampleScale(upstream)
        for i in 0..<plan.samples {
            var total = 0.0
            for c in 0..<plan.classes { total += plan.weightedTarget(i * plan.classes + c, c) }
            for c in 0..<plan.classes {
                let k = i * plan.classes + c
                out[k] = scale[i] * (total * softmax.storage[k] - plan.weightedTarget(k, c))
            }
        }
        return Tensor(shape: z.shape, storage: out)
    }
}
