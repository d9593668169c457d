/// Walks the rows (last axis) of a tensor of some shape in order, keeping the offset of the
/// current row in two strided inputs: a loop can use it without calling a closure per row, so
/// the operation inside the loop stays specialised and vectorised.
@usableFromInline
struct RowCursor {
    @usableFromInline let shape: [Int]
    @usableFromInline let stridesA: [Int], stridesB: [Int]
    @usableFromInline var index: [Int]
    /// The current row's first element in the first and the second input.
    @usableFromInline var a = 0, b = 0

    @inlinable
    init(shape: [Int], stridesA: [Int], stridesB: [Int]) {
        self.shape = shape
        self.stridesA = stridesA
        self.stridesB = stridesB
        index = [Int](repeating: 0, count: shape.count)
    }

    /// Moves to the next row (an odometer over every axis but the last).
    @inlinable
    mutating func advance() {
        var axis = shape.count - 2
        while axis >= 0 {
            index[axis] += 1
            a += stridesA[axis]
            b += stridesB[axis]
            if index[axis] < shape[axis] { return }
            a -= stridesA[axis] * shape[axis]
            b -= stridesB[axis] * shape[axis]
            index[axis] = 0
            axis -= 1
        }
    }
}
