import Glibc

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

    /// A number rounded to 6 significant digits and then written as `format(_:)` writes it, as a
    /// teacher would write it: `0.164252`, `1234570`, `1e-05` (explanations, chart ticks).
    public static func formatSignificant(_ x: Double) -> String {
        guard x.isFinite, x != 0 else { return format(x) }
        let digits = 5 - Int(Swift.abs(x).log10Floor)
        let rounded: Double
        if digits >= 0 && digits <= 22 {
            let scale = Double.pow10(digits)
            rounded = (x * scale).rounded() / scale
        } else if digits < 0 && digits >= -22 {
            let scale = Double.pow10(-digits)
            rounded = (x / scale).rounded() * scale
        } else {
            rounded = x
        }
        return format(rounded.isFinite ? rounded : x)
    }

    /// The text form: `[0.9, 0.1]`; matrices one row a line with columns aligned; over
    /// `summaryThreshold` elements, the first and last `edgeItems` along each axis.
    public var description: String { description(width: nil, style: .long) }

    /// A number in `style`: `.long` is `format(_:)`; `.short` has 6 significant digits
    /// (integers stay whole), as Octave's `format short`.
    public static func format(_ x: Double, style: NumberStyle) -> String {
        guard style == .short, x.isFinite, x != x.rounded() || abs(x) >= 1e16 else { return format(x) }
        var buffer = [CChar](repeating: 0, count: 32)
        _ = withVaList([x]) { vsnprintf(&buffer, 32, "%.6g", $0) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The text form in `style`, its rows wrapped at element boundaries so that no line is wider
    /// than `width` columns (nil: never wrapped). Elements are right-aligned to one width in a
    /// matrix, in a vector that needs more than one line, and in the `.short` style.
    public func description(width: Int?, style: NumberStyle) -> String {
        if rank == 0 { return Tensor.format(storage[0], style: style) }
        let summarize = count > Tensor.summaryThreshold
        let strides = Tensor.strides(of: shape)
        func visible(_ n: Int) -> [Int?] {
            if summarize && n > 2 * Tensor.edgeItems {
                return Array(0..<Tensor.edgeItems) + [nil] + Array((n - Tensor.edgeItems)..<n)
            }
            return Array(0..<n)
        }
        // Every element shown, once: their widest form sets the column width.
        var cells: [Int: String] = [:]
        var widest = 0
        func collect(_ axis: Int, _ offset: Int) {
            for item in visible(shape[axis]) {
                guard let i = item else { continue }
                let at = offset + i * strides[axis]
                if axis == rank - 1 {
                    let text = Tensor.format(storage[at], style: style)
                    cells[at] = text
                    widest = max(widest, text.count)
                } else {
                    collect(axis + 1, at)
                }
            }
        }
        collect(0, 0)
        // A vector is aligned only when it does not fit on one line.
        var align = rank > 1 || style == .short
        if !align, let width {
            let length = cells.values.reduce(0) { $0 + $1.count + 2 } + (summarize ? 5 : 0)
            align = length > width
        }
        func render(_ axis: Int, _ offset: Int) -> String {
            let items = visible(shape[axis])
            if axis == rank - 1 {
                var text = "["
                var column = rank
                for (k, item) in items.enumerated() {
                    var cell = item.map { cells[offset + $0 * strides[axis]] ?? "" } ?? "..."
                    if align, item != nil, cell.count < widest { cell = String(repeating: " ", count: widest - cell.count) + cell }
                    let piece = cell + (k + 1 < items.count ? "," : "]")
                    if k > 0 {
                        if let width, column + 1 + piece.count > width {
                            text += "\n" + String(repeating: " ", count: rank)
                            column = rank
                        } else {
                            text += " "
                            column += 1
                        }
                    }
                    text += piece
                    column += piece.count
                }
                return items.isEmpty ? "[]" : text
            }
            let separator = "," + String(repeating: "\n", count: rank - axis - 1) + String(repeating: " ", count: axis + 1)
            let parts = items.map { item in item.map { render(axis + 1, offset + $0 * strides[axis]) } ?? "..." }
            return "[" + parts.joined(separator: separator) + "]"
        }
        return render(0, 0)
    }
}

/// How numbers are shown: `.long` in the shortest form that reads back to the same float64,
/// `.short` with 6 significant digits (the REPL's `:format`).
public enum NumberStyle: String, Sendable, CaseIterable {
    case long, short
}

extension Double {
    /// ⌊log10 |x|⌋ for finite non-zero x.
    fileprivate var log10Floor: Double {
        var e = 0.0, v = self
        while v >= 10 { v /= 10; e += 1 }
        while v < 1 { v *= 10; e -= 1 }
        return e
    }

    /// 10^k for 0 ≤ k ≤ 22, exact.
    fileprivate static func pow10(_ k: Int) -> Double {
        var r = 1.0
        for _ in 0..<k { r *= 10 }
        return r
    }
}
