/// An error from a tensor operation. It carries no source location: the runtime adds the
/// location of the expression that called the operation.
public enum TensorError: Error, Sendable, Equatable {
    /// Two shapes that do not broadcast or multiply together.
    case shapeMismatch(operation: String, [Int], [Int])
    /// A tensor larger than `Tensor.maxElements`.
    case tooLarge(elements: String)
    /// A tensor that fits the size limit but not the memory that is free now.
    case outOfMemory(elements: Int, available: Int)
    /// An axis outside `-rank..<rank`.
    case axisOutOfRange(axis: Int, rank: Int)
    /// An index outside its axis.
    case indexOutOfRange(index: Int, axis: Int, size: Int)
    /// Any other invalid argument, described in full.
    case invalid(String)
    /// The user pressed Ctrl-C during the computation.
    case interrupted

    /// The message, without a location.
    public var message: String {
        switch self {
        case .shapeMismatch(let operation, let a, let b):
            return "shapes \(Tensor.describe(shape: a)) and \(Tensor.describe(shape: b)) do not fit for \(operation)"
        case .tooLarge(let elements):
            return "tensor of \(elements) elements is too large (the limit is \(Tensor.maxElements) elements, \(Tensor.maxElements / (1 << 27)) GiB)"
        case .outOfMemory(let elements, let available):
            let gib = { (bytes: Int) in Tensor.format((Double(bytes) / Double(1 << 30) * 10).rounded() / 10) }
            return "a tensor of \(elements) elements needs \(gib(elements * 8)) GiB but only \(gib(available)) GiB of memory is free; release large variables (x = 0) or work on less data"
        case .axisOutOfRange(let axis, let rank):
            return rank == 0
                ? "axis \(axis) is out of range for a scalar, which has no axes"
                : "axis \(axis) is out of range for a tensor of rank \(rank) (valid: \(-rank) to \(rank - 1))"
        case .indexOutOfRange(let index, let axis, let size):
            return "index \(index) is out of range for axis \(axis) of size \(size) (valid: \(-size) to \(size - 1))"
        case .invalid(let message):
            return message
        case .interrupted:
            return "interrupted"
        }
    }
}
