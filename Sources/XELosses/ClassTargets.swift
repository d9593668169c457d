import XETensor

/// The targets of a categorical loss with the class axis moved last: dense rows (one-hot or
/// probabilities) of the predictions' shape, or class indices of the predictions' shape without
/// the class axis (turned one-hot here), with the samples whose index is `ignore_index` zeroed.
struct ClassTargets {
    /// Dense targets, class axis last; an ignored sample's row is all zeros.
    var dense: DTensor
    /// The number of classes C.
    var classes: Int
    /// Whether the targets were class indices.
    var indices: Bool
    /// 1 for each sample that counts, 0 for an ignored one (shape: the samples', plus a class
    /// axis of 1), nil when nothing is ignored.
    var keep: Tensor?
    /// The number of samples that count.
    var kept: Int
    /// The permutation that moves the class axis last (nil when it is last already).
    var permutation: [Int]?

    /// Reads `y` against predictions of `shape` whose class axis is `axis`.
    init(_ arguments: LossArguments, predictions shape: [Int], axis: Int, target name: String = "y", hint: String) throws(TensorError) {
        let loss = arguments.lossName
        let y = try arguments.tensor(name)
        guard !shape.isEmpty else {
            throw .invalid("\(loss): predictions must have a class axis (a vector of C values, or n×C rows), not a scalar")
        }
        classes = shape[axis]
        permutation = axis == shape.count - 1 ? nil : (0..<shape.count).filter { $0 != axis } + [axis]
        let sampleShape = shape.enumerated().filter { $0.offset != axis }.map(\.element)
        let ignore = try arguments.optionalTensor("ignore_index").map { t throws(TensorError) in
            guard t.value.count == 1, let v = t.value.storage.first, v == v.rounded() else {
                throw .invalid("\(loss): ignore_index must be one whole number, not \(t.value.description)")
            }
            return v
        }
        if y.shape == shape {
            try LossOptions.checkTargets(y.value, arguments, hint: hint)
            indices = false
            dense = try permutation.map { p throws(TensorError) in try DTensor.transpose(y, p) } ?? y
            keep = nil
            kept = sampleShape.reduce(1, *)
            return
        }
        guard y.shape == sampleShape else {
            let n = sampleShape.reduce(1, *)
            var message = "\(loss): targets of shape \(Tensor.describe(shape: y.shape)) do not fit predictions of shape \(Tensor.describe(shape: shape)); give targets of shape \(Tensor.describe(shape: shape)) (one-hot or probabilities) or \(n) class indices of shape \(Tensor.describe(shape: sampleShape))"
            if y.value.count == shape.reduce(1, *) || y.value.count == n {
                message += " (use reshape to match them)"
            }
            if axis == shape.count - 1, shape.count >= 2, y.shape.count == shape.count, y.shape.first == shape.first {
                message += "; for PyTorch's (N, C, ...) layout pass axis=1"
            }
            throw .invalid(message)
        }
        indices = true
        var oneHot = [Double](repeating: 0, count: y.value.count * classes)
        var mask = [Double](repeating: 1, count: y.value.count)
        var count = 0
        for (i, label) in y.value.storage.enumerated() {
            if let ignore, label == ignore {
                mask[i] = 0
                continue
            }
            guard label == label.rounded(), label >= 0, label < Double(classes) else {
                let ignoring = ignore.map { " or ignore_index \(Tensor.format($0))" } ?? ""
                throw .invalid("\(loss): class index y\(LossSupport.position(i, in: y.shape)) = \(Tensor.format(label)) is not an integer in 0..\(classes - 1)\(ignoring) (there are \(classes) classes)")
            }
            oneHot[i * classes + Int(label)] = 1
            count += 1
        }
        dense = DTensor(Tensor(shape: sampleShape + [classes], storage: oneHot))
        keep = ignore == nil ? nil : Tensor(shape: sampleShape + [1], storage: mask)
        kept = count
    }

    /// `t` with its class axis moved last, as the targets are.
    func movingClassAxis(_ t: DTensor) throws(TensorError) -> DTensor {
        guard let permutation else { return t }
        return try DTensor.transpose(t, permutation)
    }

    /// The class weights (`weight=`), checked to be one per class.
    static func weights(_ arguments: LossArguments, classes: Int, name: String = "weight") throws(TensorError) -> DTensor? {
        guard let w = try arguments.optionalTensor(name) else { return nil }
        guard w.shape == [classes] || (w.value.count == 1 && classes == 1) else {
            throw .invalid("\(arguments.lossName): \(name) must hold one number per class, shape (\(classes),), not \(Tensor.describe(shape: w.shape))")
        }
        return w
    }
}
