import CXEKernels
import XETensor

/// Calls into the fused C kernels for the common case they cover: targets and predictions of
/// one shape, no `weight`, a `mean` or `sum` reduction. Anything else takes the general path.
enum FusedKernels {
    /// The targets and predictions, with the reduction, when the kernels apply.
    static func plain(_ a: LossArguments, predictions: String) -> (y: Tensor, p: Tensor, mean: Bool)? {
        guard a.values["weight"] == nil, case .string(let reduction)? = a.values["reduction"], reduction == "mean" || reduction == "sum",
              case .tensor(let y)? = a.values["y"], case .tensor(let p)? = a.values[predictions],
              y.value.shape == p.value.shape, p.value.count > 0 else { return nil }
        return (y.value, p.value, reduction == "mean")
    }

    /// bce's sum (and gradient scaled by `scale` when asked) in one pass; without `value`
    /// the gradient alone (the sum is then 0); with `checkingRanges`, whether a y or p is
    /// outside [0, 1], found in the same pass.
    static func bce(_ y: Tensor, _ p: Tensor, eps: Double, gradientScale: Double?, value: Bool = true,
                    checkingRanges: Bool = false) -> (sum: Double, gradient: [Double]?, outside: Bool) {
        binary(y, p, gradientScale: gradientScale, value: value, checkingRanges: checkingRanges) {
            xe_bce($0, $1, $2, eps, $3, $4, $5, $6)
        }
    }

    /// bce_logits's sum (and gradient) in one pass; without `value` the gradient alone; with
    /// `checkingRanges`, whether a y is outside [0, 1].
    static func bceLogits(_ y: Tensor, _ z: Tensor, gradientScale: Double?, value: Bool = true,
                          checkingRanges: Bool = false) -> (sum: Double, gradient: [Double]?, outside: Bool) {
        binary(y, z, gradientScale: gradientScale, value: value, checkingRanges: checkingRanges) {
            xe_bce_logits($0, $1, $2, $3, $4, $5, $6)
        }
    }

    /// A binary loss kernel `kernel(y, x, n, gradient or nil, scale, value, outside flag or nil)`
    /// over targets `y` and predictions `x` of one shape: its sum, its gradient when
    /// `gradientScale` is given (the value then only when `value`), and whether the kernel
    /// found an element outside its ranges (looked for only when `checkingRanges`).
    private static func binary(
        _ y: Tensor, _ x: Tensor, gradientScale: Double?, value: Bool, checkingRanges: Bool,
        _ kernel: (UnsafePointer<Double>?, UnsafePointer<Double>?, Int64, UnsafeMutablePointer<Double>?, Double, Int32,
                   UnsafeMutablePointer<Int32>?) -> Double
    ) -> (sum: Double, gradient: [Double]?, outside: Bool) {
        var outside: Int32 = 0
        let (sum, gradient) = y.storage.withUnsafeBufferPointer { yb in
            x.storage.withUnsafeBufferPointer { xb in
                withOptionalPointer(to: &outside, checkingRanges) { flag -> (Double, [Double]?) in
                    guard let scale = gradientScale else {
                        return (kernel(yb.baseAddress, xb.baseAddress, Int64(x.count), nil, 0, 1, flag), nil)
                    }
                    var sum = 0.0
                    let g = Tensor.uninitialized(x.count) { out in
                        sum = kernel(yb.baseAddress, xb.baseAddress, Int64(x.count), out, scale, value ? 1 : 0, flag)
                    }
                    return (sum, g)
                }
            }
        }
        return (sum, gradient, outside != 0)
    }

    /// `body` with a pointer to `flag`, or nil unless `given`.
    private static func withOptionalPointer<T>(to flag: inout Int32, _ given: Bool, _ body: (UnsafeMutablePointer<Int32>?) -> T) -> T {
        given ? withUnsafeMutablePointer(to: &flag) { body($0) } : body(nil)
    }

    /// cce_logits per sample (or summed), with the gradient when asked: `labels` are checked
    /// class indices, or nil for dense target rows `y`.
    static func cceLogits(_ z: Tensor, labels: Tensor?, y: Tensor?, perSample: Bool, gradientScale: Double?)
        -> (sum: Double, losses: [Double]?, gradient: [Double]?) {
        let classes = z.shape.last ?? 1
        let rows = classes == 0 ? 0 : z.count / classes
        var sum = 0.0
        var losses: [Double]?
        var gradient: [Double]?
        z.storage.withUnsafeBufferPointer { zb in
            (labels ?? y)!.storage.withUnsafeBufferPointer { tb in
                let lb = labels == nil ? nil : tb.baseAddress, yb = labels == nil ? tb.baseAddress : nil
                func run(_ l: UnsafeMutablePointer<Double>?, _ g: UnsafeMutablePointer<Double>?) {
                    sum = xe_cce_logits(zb.baseAddress, Int64(rows), Int64(classes), lb, yb, l, g, gradientScale ?? 0)
                }
                switch (perSample, gradientScale != nil) {
                case (true, true):
                    var g: [Double] = []
                    losses = Tensor.uninitialized(rows) { l in g = Tensor.uninitialized(z.count) { run(l, $0) } }
                    gradient = g
                case (true, false): losses = Tensor.uninitialized(rows) { run($0, nil) }
                case (false, true): gradient = Tensor.uninitialized(z.count) { run(nil, $0) }
                case (false, false): run(nil, nil)
                }
            }
        }
        return (sum, losses, gradient)
    }
}
