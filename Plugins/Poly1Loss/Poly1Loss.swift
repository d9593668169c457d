import Foundation
import XEPlugin

/// Binary Poly-1 loss (Leng et al. 2022, "PolyLoss"): the cross-entropy plus ε times its first
/// polynomial term, 1 − p_t, which keeps pushing confident mistakes harder than bce does.
///
/// With `p` clipped into `[eps, 1-eps]` inside the logs and p_t = y·p + (1−y)·(1−p):
///
///     Poly1(y, p) = -[y·log(p) + (1-y)·log(1-p)] + ε·(1 - p_t)
///     ∂Poly1/∂p   = -y/p + (1-y)/(1-p) + ε·(1 - 2y)
///
/// with the logs' part zero where the clip is active (PyTorch's convention for `clamp`).
/// With ε = 0 it is `bce`.
struct Poly1Loss: PluginLoss {
    let name = "poly1"
    let summary = "binary Poly-1 loss on probabilities: bce + epsilon·(1 - p_t)"
    let help = """
        Poly1 = -[y·log(p) + (1-y)·log(1-p)] + epsilon·(1 - p_t),  p_t = y·p + (1-y)·(1-p)
        p is clipped into [eps, 1-eps] inside the logs; epsilon=0 gives bce.
        y and p must lie in [0, 1].
        example: poly1([1, 0], [0.9, 0.2])  →  0.314252033486018
        """
    let parameters = [
        PluginParameter("epsilon", default: 1, summary: "weight of the 1 - p_t term (Poly-1's ε)"),
        PluginParameter("eps", default: 1e-15, summary: "p is clipped into [eps, 1-eps] inside the logs"),
    ]
    let hasGradient = true

    func check(_ batch: LossBatch) throws -> (epsilon: Double, eps: Double) {
        let epsilon = batch["epsilon"], eps = batch["eps"]
        guard epsilon.isFinite else { throw PluginError("epsilon must be a finite number, not \(epsilon)") }
        guard eps >= 0 && eps < 0.5 else { throw PluginError("eps must lie in [0, 0.5), not \(eps)") }
        for i in 0..<batch.count {
            guard batch.y[i] >= 0 && batch.y[i] <= 1 else {
                throw PluginError("target y[\(i)] = \(batch.y[i]) is outside [0, 1]")
            }
            guard batch.p[i] >= 0 && batch.p[i] <= 1 else {
                throw PluginError("prediction p[\(i)] = \(batch.p[i]) is outside [0, 1]; for logits apply sigmoid first")
            }
        }
        return (epsilon, eps)
    }

    func forward(_ batch: LossBatch, into out: UnsafeMutableBufferPointer<Double>) throws {
        let (epsilon, eps) = try check(batch)
        for i in 0..<batch.count {
            let y = batch.y[i], p = batch.p[i], c = min(max(p, eps), 1 - eps)
            let pt = y * p + (1 - y) * (1 - p)
            out[i] = -(y * log(c) + (1 - y) * log1p(-c)) + epsilon * (1 - pt)
        }
    }

    func gradient(_ batch: LossBatch, into out: UnsafeMutableBufferPointer<Double>) throws {
        let (epsilon, eps) = try check(batch)
        for i in 0..<batch.count {
            let y = batch.y[i], p = batch.p[i]
            let logs = p >= eps && p <= 1 - eps ? -y / p + (1 - y) / (1 - p) : 0
            out[i] = logs + epsilon * (1 - 2 * y)
        }
    }
}
