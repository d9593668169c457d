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
        _ = try CategoricalTargets.check(arguments.tensor("y"), predictions: arguments.tensor("z").shape, loss: name)
        let s = try arguments.number("label_smoothing")
        guard s >= 0, s <= 1 else { throw TensorError.invalid("cce_logits: label_smoothing must be in [0, 1], not \(Tensor.format(s))") }
    }

    func forward(_ arguments: LossArguments) throws -> DTensor {
        let z = try arguments.tensor("z")
        return try CategoricalSupport.forward(arguments, logProbabilities: DTensor.logSoftmax(z, axis: -1), shape: z.shape)
    }

    /// The fused kernel covers no weights, no label smoothing, logits with a class axis.
    func plain(_ arguments: LossArguments) throws -> (z: Tensor, labels: Tensor?, y: Tensor?, reduction: String)? {
        guard arguments.values["weight"] == nil, try arguments.number("label_smoothing") == 0,
              case .string(let reduction)? = arguments.values["reduction"] else { return nil }
        let z = try arguments.tensor("z").value, y = try arguments.tensor("y")
        guard z.rank >= 1, z.count > 0 else { return nil }
        let indices = try CategoricalTargets.check(y, predictions: z.shape, loss: name)
        return (z, indices ? y.value : nil, indices ? nil : y.value, reduction)
    }

    func value(_ arguments: LossArguments) throws -> Tensor {
        if let (z, labels, y, reduction) = try plain(arguments) {
            let r = FusedKernels.cceLogits(z, labels: labels, y: y, perSample: reduction == "none", gradientScale: nil)
            if let losses = r.losses { return Tensor(shape: Array(z.shape.dropLast()), storage: losses) }
            let rows = Double(z.count / z.shape[z.rank - 1])
            return Tensor(scalar: reduction == "mean" ? r.sum / rows : r.sum)
        }
        let z = try arguments.tensor("z").value
        return try CategoricalSupport.value(arguments, logProbabilities: z.logSoftmax(axis: -1))
    }

    func valueAndGradient(_ arguments: LossArguments) throws -> (value: Tensor, gradient: Tensor)? {
        guard let (z, labels, y, reduction) = try plain(arguments), reduction != "none" else { return nil }
        let rows = Double(z.count / z.shape[z.rank - 1])
        let scale = reduction == "mean" ? 1 / rows : 1
        let r = FusedKernels.cceLogits(z, labels: labels, y: y, perSample: false, gradientScale: scale)
        return (Tensor(scalar: reduction == "mean" ? r.sum / rows : r.sum), Tensor(shape: z.shape, storage: r.gradient!))
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
