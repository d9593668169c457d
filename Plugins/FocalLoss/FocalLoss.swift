import Foundation
import XEPlugin

/// Binary focal loss (Lin et al. 2017): cross-entropy that down-weights easy examples.
///
/// With `p` clipped into `[eps, 1-eps]`:
///
///     FL(y, p) = -[y·(1-p)^γ·log(p) + (1-y)·p^γ·log(1-p)]
///     ∂FL/∂p  = y·[γ(1-p)^(γ-1)·log(p) - (1-p)^γ/p] + (1-y)·[p^γ/(1-p) - γ·p^(γ-1)·log(1-p)]
///
/// and zero gradient where the clip is active (PyTorch's convention for `clamp`).
/// With γ = 0 it is `bce`.
struct FocalLoss: PluginLoss {
    let name = "focal"
    let summary = "binary focal loss on probabilities: bce that down-weights easy examples"
    let help = """
        FL = -[y·(1-p)^gamma·log(p) + (1-y)·p^gamma·log(1-p)], p clipped into [eps, 1-eps]
        gamma=0 gives bce; larger gamma focuses on hard, misclassified examples.
        y and p must lie in [0, 1].
        example: focal([1, 0], [0.9, 0.2], gamma=2)  →  0.004989673604573327
        """
    let parameters = [
        PluginParameter("gamma", default: 2, summary: "focusing parameter, >= 0"),
        PluginParameter("eps", default: 1e-15, summary: "p is clipped into [eps, 1-eps]"),
    ]
    let hasGradient = true

    func check(_ batch: LossBatch) throws -> (gamma: Double, eps: Double) {
        let gamma = batch["gamma"], eps = batch["eps"]
        guard gamma >= 0 else { throw PluginError("gamma must be >= 0, not \(gamma)") }
        guard eps >= 0 && eps < 0.5 else { throw PluginError("eps must lie in [0, 0.5), not \(eps)") }
        for i in 0..<batch.count {
            guard batch.y[i] >= 0 && batch.y[i] <= 1 else {
                throw PluginError("target y[\(i)] = \(batch.y[i]) is outside [0, 1]")
            }
            guard batch.p[i] >= 0 && batch.p[i] <= 1 else {
                throw PluginError("prediction p[\(i)] = \(batch.p[i]) is outside [0, 1]; for logits apply sigmoid first")
            }
        }
        return (gamma, eps)
    }

    func forward(_ batch: LossBatch, into out: UnsafeMutableBufferPointer<Double>) throws {
        let (gamma, eps) = try check(batch)
        for i in 0..<batch.count {
            let y = batch.y[i], p = min(max(batch.p[i], eps), 1 - eps)
            out[i] = -(y * pow(1 - p, gamma) * log(p) + (1 - y) * pow(p, gamma) * log1p(-p))
        }
    }

    func gradient(_ batch: LossBatch, into out: UnsafeMutableBufferPointer<Double>) throws {
        let (gamma, eps) = try check(batch)
        for i in 0..<batch.count {
            let y = batch.y[i], raw = batch.p[i]
            guard raw >= eps && raw <= 1 - eps else {
                out[i] = 0
                continue
            }
            let p = raw, q = 1 - p
            let positive = gamma == 0 ? -1 / p : gamma * pow(q, gamma - 1) * log(p) - pow(q, gamma) / p
            let negative = gamma == 0 ? 1 / q : pow(p, gamma) / q - gamma * pow(p, gamma - 1) * log1p(-p)
            out[i] = y * positive + (1 - y) * negative
        }
    }
}
