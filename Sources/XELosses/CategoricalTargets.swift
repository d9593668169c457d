import XETensor

/// The targets of a categorical loss: one-hot or probability rows of the predictions' shape,
/// or, when the predictions are n×C, a vector of n integer class indices.
struct CategoricalTargets {
    /// Dense rows of the predictions' shape (class indices turned one-hot).
    var dense: DTensor
    /// The number of classes C (the last axis).
    var classes: Int

    init(_ y: DTensor, predictions shape: [Int], loss: String) throws(TensorError) {
        let indices = try CategoricalTargets.check(y, predictions: shape, loss: loss)
        classes = shape.last ?? 0
        guard indices else {
            dense = y
            return
        }
        var oneHot = [Double](repeating: 0, count: y.value.count * classes)
        for (i, label) in y.value.storage.enumerated() { oneHot[i * classes + Int(label)] = 1 }
        dense = DTensor(Tensor(shape: shape, storage: oneHot))
    }

    /// Checks targets against predictions of `shape` without building anything: true for class
    /// indices (each an integer in 0..<C), false for rows of the predictions' shape in [0, 1].
    static func check(_ y: DTensor, predictions shape: [Int], loss: String) throws(TensorError) -> Bool {
        guard let classes = shape.last else {
            throw .invalid("\(loss): predictions must have a class axis (a vector of C values, or n×C rows), not a scalar")
        }
        if y.shape == shape {
            try LossSupport.checkRange(y.value, loss: loss, name: "y", role: "target",
                                       hint: "targets are one-hot or probability rows, or class indices 0..\(classes - 1)")
            return false
        }
        let sampleShape = Array(shape.dropLast())
        guard y.shape == sampleShape else {
            let n = sampleShape.reduce(1, *)
            throw .invalid("\(loss): targets of shape \(Tensor.describe(shape: y.shape)) do not fit predictions of shape \(Tensor.describe(shape: shape)); give rows of shape \(Tensor.describe(shape: shape)) (one-hot or probabilities) or \(n) class indices of shape \(Tensor.describe(shape: sampleShape))")
        }
        // An integer is its own truncation (one instruction; rounded() is a call per label).
        let limit = Double(classes)
        let bad = y.value.storage.withUnsafeBufferPointer { labels in
            labels.firstIndex { !($0 >= 0 && $0 < limit && $0 == $0.rounded(.towardZero)) }
        }
        if let i = bad {
            let label = y.value.storage[i]
            throw .invalid("\(loss): class index y\(LossSupport.position(i, in: y.shape)) = \(Tensor.format(label)) is not an integer in 0..\(classes - 1) (there are \(classes) classes)")
        }
        return true
    }

    /// The class weights, checked to be one per class.
    static func weights(_ arguments: LossArguments, classes: Int) throws(TensorError) -> DTensor? {
        guard let w = try arguments.optionalTensor("weight") else { return nil }
        guard w.shape == [classes] || (w.value.count == 1 && classes == 1) else {
            throw .invalid("\(arguments.lossName): weight must hold one number per class, shape (\(classes),), not \(Tensor.describe(shape: w.shape))")
        }
        return w
    }
}
