/// One position inside `x[...]`, with integers already checked.
public enum TensorIndex: Sendable, Equatable {
    /// A single position; negative counts from the end. The axis is dropped.
    case at(Int)
    /// `start:stop:step` as in Python; nil parts take their defaults.
    case range(start: Int?, stop: Int?, step: Int?)
    /// An array of positions along one axis, of any shape (NumPy's integer-array indexing),
    /// `positions` in row-major order.
    case positions([Int], shape: [Int])
    /// A boolean mask over as many axes as it has (NumPy's boolean-array indexing): it selects
    /// the positions where it is true, in row-major order.
    case mask([Bool], shape: [Int])
    /// `...`: as many whole axes as the other indices leave (at most one per subscript).
    case ellipsis

    /// A vector of positions.
    public static func list(_ positions: [Int]) -> TensorIndex {
        .positions(positions, shape: [positions.count])
    }
}
