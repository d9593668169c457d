extension Tensor: CustomStringConvertible {
    /// Tensors with more elements than this print summarised, their edges only.
    public static let summaryThreshold = 1000
    /// How many leading and trailing items a summarised axis shows.
    public static let edgeItems = 3

    /// A number in the shortest form that reads back to the same float64: `0.1`, `1e-15`,
    /// and integer values without a fraction: `3`.
    public static func format(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == x.rounded(), abs(x) < 1e16 {
            if x == 0 { return x.sign == .minus ? "-0" : "0" }
            return String(Int64(x))
        }
        return x.description
    }

    /// The text form: `[0.9, 0.1]`; matrices one row a line with columns aligned; over
    /// `summaryThreshold` elements, the first and last `edgeItems` along each axis.
    public var description: String {
        if rank == 0 { return Tensor.format(storage[0]) }
        let summarize = count > Tensor.summaryThreshold
        let strides = Tensor.strides(of: shape)
        var width = 0
        func visible(_ n: Int) -> [Int?] {
            if summarize && n > 2 * Tensor.edgeItems {
                return Array(0..<Tensor.edgeItems) + [nil] + Array((n - Tensor.edgeItems)..<n)
            }
            return Array(0..<n)
        }
        func render(_ axis: Int, _ offset: Int, measuring: Bool) -> String {
            let items = visible(shape[axis])
            if axis == rank - 1 {
                var parts: [String] = []
                for item in items {
                    guard let i = item else {
                        parts.append("...")
                        continue
                    }
                    let text = Tensor.format(storage[offset + i * strides[axis]])
                    if measuring {
                        width = max(width, text.count)
                    } else if rank > 1 && text.count < width {
                        parts.append(String(repeating: " ", count: width - text.count) + text)
                        continue
                    }
                    parts.append(text)
                }
                return "[" + parts.joined(separator: ", ") + "]"
            }
            let separator = "," + String(repeating: "\n", count: rank - axis - 1) + String(repeating: " ", count: axis + 1)
            let parts = items.map { item in
                item.map { render(axis + 1, offset + $0 * strides[axis], measuring: measuring) } ?? "..."
            }
            return "[" + parts.joined(separator: separator) + "]"
        }
        if rank > 1 { _ = render(0, 0, measuring: true) }
        return render(0, 0, measuring: false)
    }
}
