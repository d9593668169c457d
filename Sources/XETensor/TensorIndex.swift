/// One position inside `x[...]`, with integers already checked.
public enum TensorIndex: Sendable, Equatable {
    /// A single position; negative counts from the end. The axis is dropped.
    case at(Int)
    /// `start:stop:step` as in Python; nil parts take their defaults.
    case range(start: Int?, stop: Int?, step: Int?)
    /// A list of positions (NumPy's integer-array indexing along one axis).
    case list([Int])
}
