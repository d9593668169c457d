import CXEKernels
import XETensor

/// Pieces every built-in loss shares: option parameters, input checks, reductions.
enum LossSupport {
    static let reductions = ["mean", "sum", "none"]

    static let reductionParameter = LossParameter(
        "reduction", default: .string("mean"), summary: "\"mean\" (default), \"sum\" or \"none\" (one loss per element or sample)")

    static func weightParameter(_ summary: String) -> LossParameter {
        LossParameter("weight", summary: summary)
    }

    /// `[1, 2]`: the multi-index of a flat position, for messages.
    static func position(_ flat: Int, in shape: [Int]) -> String {
        if shape.isEmpty { return "" }
        var rest = flat
        var parts = [Int](repeating: 0, count: shape.count)
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            let n = Swift.max(shape[axis], 1)
            parts[axis] = rest % n
            rest /= n
        }
        return "[" + parts.map(String.init).joined(separator: ", ") + "]"
    }

    /// Refuses the first element outside [lo, hi] (NaN included), naming its index and value.
    static func checkRange(_ t: Tensor, lo: Double = 0, hi: Double = 1, loss: String, name: String, role: String, hint: String) throws(TensorError) {
        let first = t.storage.withUnsafeBufferPointer { xe_first_outside($0.baseAddress, Int64(t.count), lo, hi) }
        if first >= 0 {
            let i = Int(first), v = t.storage[i]
            throw .invalid("\(loss): \(role) \(name)\(position(i, in: t.shape)) = \(Tensor.format(v)) is outside [\(Tensor.format(lo)), \(Tensor.format(hi))]; \(hint)")
        }
    }

    /// Applies the reduction to per-element (or per-sample) losses, differentiably.
    /// `denominator` replaces the count in a mean (the weighted mean of categorical losses).
    static func reduce(_ losses: DTensor, _ reduction: String, denominator: DTensor? = nil) throws(TensorError) -> DTensor {
        switch reduction {
        case "none": return losses
        case "sum": return try losses.sum()
        default:
            if let denominator { return try losses.sum() / denominator }
            return try losses.mean()
        }
    }
}
