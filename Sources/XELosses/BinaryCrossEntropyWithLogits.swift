import Glibc
import XETensor

/// Binary cross-entropy from logits, stable for any finite z:
/// ℓ = max(z, 0) − z·y + log(1 + e^−|z|); with a positive-class weight w₊ (PyTorch's
/// `pos_weight`), ℓ = (1−y)·z + (1 + (w₊−1)·y)·(log(1 + e^−|z|) + max(−z, 0)).
struct BinaryCrossEntropyWithLogits: Loss {
    let name = "bce_logits"
    let summary = "binary cross-entropy from logits, stable: max(z,0) - z y + log(1 + e^-|z|)"
    let hasGradient = true
    let parameters = [
        LossParameter("y", required: true, summary: "targets in [0, 1]"),
        LossParameter("z", required: true, summary: "logits (any real numbers)"),
        LossParameter("pos_weight", default: .number(1), summary: "weight of the positive class, as PyTorch's pos_weight"),
        LossSupport.reductionParameter,
        LossSupport.weightParameter("multiplies each element's loss (broadcast)"),
    ]
    var help: String {
        """
        \(signature)
          Binary cross-entropy from logits z (σ(z) is the probability), computed stably.
          Formula: l_i = max(z_i, 0) - z_i·y_i + log(1 + exp(-|z_i|))
          with pos_weight w₊: l_i = (1-y_i)·z_i + (1 + (w₊-1)·y_i)·(log(1 + exp(-|z_i|)) + max(-z_i, 0))
          Finite for any finite z (try z = ±1000). Reduction and weight as in bce.
          Gradient: ∂l/∂z = σ(z) - y  (with pos_weight: (1-y) - (1 + (w₊-1)·y)·(1 - σ(z)))
          Example: bce_logits([1, 0], [2.0, -1.0])  →  0.2200843...
        """
    }

    func validate(_ arguments: LossArguments) throws {
        try LossSupport.checkRange(arguments.tensor("y").value, loss: name, name: "y", role: "target",
                                   hint: "targets must be labels 0/1 or probabilities")
    }

    func forward(_ arguments: LossArguments) throws -> DTensor {
        let y = try arguments.tensor("y"), z = try arguments.tensor("z")
        let pw = try arguments.tensor("pos_weight")
        let softplusNegAbs = (-z.abs).exp.log1p
        var losses: DTensor
        if !pw.isTracked, pw.value.storage.allSatisfy({ $0 == 1 }) {
            losses = try DTensor.extremum(z, 0, maximum: true) - z * y + softplusNegAbs
        } else {
            let logWeight = try (pw - 1) * y + 1
            losses = try (1 - y) * z + logWeight * (softplusNegAbs + DTensor.extremum(-z, 0, maximum: true))
        }
        if let w = try arguments.optionalTensor("weight") { losses = try losses * w }
        return try LossSupport.reduce(losses, arguments.string("reduction", choices: LossSupport.reductions))
    }

    /// One element's loss for target t, logit x and pos_weight w; at x = ±inf its limit t'·|x|
    /// with t' = 1 - t (x → +inf) or w·t (x → -inf), 0 where t' = 0 (never 0·inf = NaN).
    static func term(_ t: Double, _ x: Double, _ w: Double) -> Double {
        if x.isInfinite {
            let k = x > 0 ? 1 - t : w * t
            return k == 0 ? 0 : k * .infinity
        }
        let softplus = Glibc.log1p(Glibc.exp(-Swift.abs(x)))
        if w == 1 { return Swift.max(x, 0) - x * t + softplus }
        return (1 - t) * x + (1 + (w - 1) * t) * (softplus + Swift.max(-x, 0))
    }

    /// The fused kernels cover pos_weight = 1.
    func plain(_ arguments: LossArguments) throws -> (y: Tensor, p: Tensor, mean: Bool)? {
        guard try arguments.tensor("pos_weight").value.storage == [1] else { return nil }
        return FusedKernels.plain(arguments, predictions: "z")
    }

    func value(_ arguments: LossArguments) throws -> Tensor {
        if let (y, z, mean) = try plain(arguments) {
            let sum = FusedKernels.bceLogits(y, z, gradientScale: nil).sum
            return Tensor(scalar: mean ? sum / Double(z.count) : sum)
        }
        let y = try arguments.tensor("y").value, z = try arguments.tensor("z").value
        let pw = try arguments.tensor("pos_weight").value
        let shape = try Tensor.broadcastShape(Tensor.broadcastShape(y.shape, z.shape, operation: "bce_logits"), pw.shape, operation: "bce_logits")
        let (yb, zb, wb) = (try y.broadcast(to: shape), try z.broadcast(to: shape), try pw.broadcast(to: shape))
        var losses = Tensor(shape: shape, storage: (0..<yb.count).map { i in Self.term(yb.storage[i], zb.storage[i], wb.storage[i]) })
        if let w = try arguments.optionalTensor("weight") { losses = try Tensor.elementwise(.multiply, losses, w.value) }
        return LossSupport.reduceValue(losses, try arguments.string("reduction", choices: LossSupport.reductions))
    }

    func valueAndGradient(_ arguments: LossArguments) throws -> (value: Tensor, gradient: Tensor)? {
        guard let (y, z, mean) = try plain(arguments) else { return nil }
        let n = Double(z.count)
        let (sum, g) = FusedKernels.bceLogits(y, z, gradientScale: mean ? 1 / n : 1)
        return (Tensor(scalar: mean ? sum / n : sum), Tensor(shape: z.shape, storage: g!))
    }

    func gradient(_ arguments: LossArguments, upstream: Tensor) throws -> Tensor {
        let y = try arguments.tensor("y").value, z = try arguments.tensor("z").value
        let pw = try arguments.tensor("pos_weight").value
        var d: Tensor
        if pw.storage.allSatisfy({ $0 == 1 }) {
            d = try Tensor.zip(y, z, operation: "bce_logits") { t, x in UnaryFunction.sigmoid(x) - t }
            d = try d.broadcast(to: Tensor.broadcastShape(d.shape, pw.shape, operation: "bce_logits"))
        } else {
            let logWeight = try Tensor.zip(y, pw, operation: "bce_logits") { t, w in 1 + (w - 1) * t }
            let tail = try Tensor.zip(y, z, operation: "bce_logits") { t, x in 1 - UnaryFunction.sigmoid(x) }
            let head = try Tensor.zip(y, z, operation: "bce_logits") { t, _ in 1 - t }
            d = try Tensor.elementwise(.subtract, head, Tensor.elementwise(.multiply, logWeight, tail))
        }
        if let w = try arguments.optionalTensor("weight") { d = try Tensor.elementwise(.multiply, d, w.value) }
        let scale = try LossSupport.upstreamScale(upstream, shape: d.shape, reduction: arguments.string("reduction", choices: LossSupport.reductions))
        return try Tensor.elementwise(.multiply, d, scale).reduced(toShape: z.shape)
    }
}
