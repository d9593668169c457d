import CXEShim
/// An n-dimensional array of float64 in C (row-major) order. A scalar has rank 0.
public struct Tensor: Sendable, Equatable {
    /// The largest number of elements a tensor may hold (2 GiB of float64); larger requests
    /// are refused with an error before anything is allocated.
    public static var maxElements: Int { TensorLimits.elements }

    /// The length of each axis.
    public var shape: [Int]
    /// The elements in row-major order; `storage.count` is the product of `shape`.
    public var storage: [Double]
    /// Whether the elements are truth values (0 or 1) from a comparison, `not`, `and`, `or` or
    /// a literal of `true`/`false`: such a tensor indexes as a boolean mask (NumPy's bool
    /// arrays). Any arithmetic gives plain numbers again. Not part of equality.
    public var isBoolean = false

    /// A tensor of `shape` holding `storage`; the caller guarantees the counts agree.
    public init(shape: [Int], storage: [Double]) {
        self.shape = shape
        self.storage = storage
    }

    /// Equal shapes and elements (`isBoolean` aside: a mask equals its 0/1 numbers).
    public static func == (a: Tensor, b: Tensor) -> Bool {
        a.shape == b.shape && a.storage == b.storage
    }

    /// The same elements marked as truth values.
    public var asBoolean: Tensor {
        var t = self
        t.isBoolean = true
        return t
    }

    /// A rank-0 tensor.
    public init(scalar: Double) {
        self.shape = []
        self.storage = [scalar]
    }

    /// A rank-1 tensor.
    public init(vector: [Double]) {
        self.shape = [vector.count]
        self.storage = vector
    }

    /// A tensor of `shape` with every element `value`, after checking the size.
    public init(shape: [Int], repeating value: Double) throws(TensorError) {
        let count = try Tensor.elementCount(shape)
        self.shape = shape
        self.storage = Tensor.filled(count, with: value)
    }

    public var count: Int { storage.count }
    public var rank: Int { shape.count }
    public var isScalar: Bool { shape.isEmpty }

    /// The only element of a one-element tensor.
    public var scalarValue: Double? { storage.count == 1 ? storage[0] : nil }

    /// The number of elements of `shape`, refusing negative lengths, overflow, sizes over
    /// `maxElements`, and large tensors that the free memory cannot hold.
    public static func elementCount(_ shape: [Int]) throws(TensorError) -> Int {
        var count = 1
        for n in shape {
            if n < 0 { throw .invalid("negative dimension \(n) in shape \(describe(shape: shape))") }
            let (product, overflow) = count.multipliedReportingOverflow(by: n)
            if overflow || product > maxElements {
                throw .tooLarge(elements: shape.map(String.init).joined(separator: " × "))
            }
            count = product
        }
        if count >= memoryCheckElements {
            // Refuse what would make the machine run out (and the kernel kill xe) instead.
            let available = Int(xe_available_memory())
            if available >= 0 && count * 8 > available {
                throw .outOfMemory(elements: count, available: available)
            }
        }
        return count
    }

    /// Tensors from this size up (256 MiB) are checked against the memory that is free.
    static let memoryCheckElements = 1 << 25

    /// `(2, 3)`, NumPy's way of writing a shape; `()` for a scalar.
    public static func describe(shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    /// The row-major strides of `shape`, in elements.
    public static func strides(of shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = step
            step &*= shape[axis]
        }
        return strides
    }

    /// Normalises a possibly negative axis into `0..<rank`.
    public static func normalize(axis: Int, rank: Int) throws(TensorError) -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < rank else { throw .axisOutOfRange(axis: axis, rank: rank) }
        return a
    }

    /// The same elements with another shape of the same size.
    public func reshaped(_ newShape: [Int]) throws(TensorError) -> Tensor {
        guard try Tensor.elementCount(newShape) == count else {
            throw .invalid("cannot reshape a tensor of shape \(Tensor.describe(shape: shape)) (\(count) elements) into shape \(Tensor.describe(shape: newShape))")
        }
        var t = Tensor(shape: newShape, storage: storage)
        t.isBoolean = isBoolean
        return t
    }
}
