import XETensor

/// A loss worked step by step, the way a teacher writes it on a board: a title, the formula,
/// a table with one row per sample (the first and last few of a long input), then the
/// reduction and the result.
public struct LossExplanation: Sendable {
    /// The first lines: what is computed, the formula, notes on the options.
    public var header: [String]
    /// The table's column titles.
    public var columns: [String]
    /// The number of samples (table rows).
    public var count: Int
    /// The cells of row `i`.
    public var row: @Sendable (Int) -> [String]
    /// The lines after the table: the reduction and the result.
    public var footer: [String]

    /// Rows shown from each end of a long table.
    public static let edgeRows = 5

    public init(header: [String], columns: [String], count: Int, row: @escaping @Sendable (Int) -> [String], footer: [String]) {
        self.header = header
        self.columns = columns
        self.count = count
        self.row = row
        self.footer = footer
    }

    /// The rows shown: all of a short table, else the first and last `edgeRows`.
    var shownRows: [Int?] {
        if count <= 2 * Self.edgeRows + 1 { return Array(0..<count) }
        return Array(0..<Self.edgeRows) + [nil] + Array((count - Self.edgeRows)..<count)
    }

    /// The width of the terminal explanations are shown on (set by the REPL); nil: no limit.
    public nonisolated(unsafe) static var width: Int?

    /// The explanation as text, the table's columns aligned; a table wider than `width` is
    /// written a sample at a time instead, each as `column value` pairs wrapped to the width.
    public var text: String {
        var lines = header.flatMap(fitted)
        if !columns.isEmpty && count > 0 {
            let shown = shownRows
            let cells = shown.map { $0.map(row) }
            var widths = columns.map(\.count)
            for case let r? in cells {
                for (j, cell) in r.enumerated() where j < widths.count { widths[j] = Swift.max(widths[j], cell.count) }
            }
            func line(_ r: [String]) -> String {
                "    " + r.enumerated().map { j, c in j == r.count - 1 ? c : c.padding(widths[j]) }.joined(separator: "  ")
            }
            let tableWidth = 4 + widths.reduce(0, +) + 2 * Swift.max(0, widths.count - 1)
            lines.append("")
            if let width = Self.width, tableWidth > width {
                for r in cells {
                    guard let r else {
                        lines.append("  … \(count - 2 * Self.edgeRows) samples skipped …")
                        continue
                    }
                    let pairs = zip(columns, r).map { "\($0) \($1)" }
                    var current = "  "
                    var empty = true
                    for pair in pairs {
                        if !empty && current.count + 3 + pair.count > width {
                            lines.append(current)
                            current = "      "
                            empty = true
                        }
                        current += (empty ? "" : "   ") + pair
                        empty = false
                    }
                    lines.append(current)
                }
            } else {
                lines.append(line(columns))
                for r in cells {
                    if let r {
                        lines.append(line(r))
                    } else {
                        lines.append("    … \(count - 2 * Self.edgeRows) samples skipped …")
                    }
                }
            }
            lines.append("")
        }
        lines += footer.flatMap(fitted)
        return lines.joined(separator: "\n")
    }

    /// A header or footer line broken at spaces to `width`, continuation lines indented by two
    /// more spaces than the line.
    func fitted(_ line: String) -> [String] {
        guard let width = Self.width, line.count > width else { return [line] }
        let leading = line.prefix { $0 == " " }.count
        let indent = String(repeating: " ", count: leading + 2)
        var out: [String] = []
        var current = String(repeating: " ", count: leading)
        var empty = true
        for word in line.dropFirst(leading).split(separator: " ") {
            if !empty && current.count + 1 + word.count > width {
                out.append(current)
                current = indent + word
            } else {
                current += (empty ? "" : " ") + word
            }
            empty = false
        }
        out.append(current)
        return out
    }

    // MARK: Helpers for writing explanations

    /// A number to 6 significant digits, as a teacher would write it (`Tensor.formatSignificant`).
    public static func short(_ x: Double) -> String {
        Tensor.formatSignificant(x)
    }

    /// The label of sample `i`: `3`, or `[1, 2]` in a matrix.
    public static func index(_ i: Int, in shape: [Int]) -> String {
        shape.count <= 1 ? "\(i)" : LossSupport.position(i, in: shape)
    }

    /// A vector of numbers, long ones shortened: `[0.7, 0.2, 0.1]`, `[1, 2, 3, …, 9]`.
    public static func vector(_ values: ArraySlice<Double>) -> String {
        let items = values.count <= 6
            ? values.map(short)
            : values.prefix(3).map(short) + ["…"] + values.suffix(2).map(short)
        return "[" + items.joined(separator: ", ") + "]"
    }

    /// The losses of an elementwise loss element by element, before and after its `weight`: the
    /// last columns of its table and the reduction under it.
    struct ElementLosses {
        /// l_i: the loss called with reduction="none" and no weight, broadcast to the shape.
        let losses: Tensor
        /// w_i, broadcast to the shape; nil when the call has no weight.
        let weights: Tensor?
        /// w_i·l_i (l_i when there is no weight).
        let weighted: Tensor

        init(_ loss: some Loss, _ arguments: LossArguments, shape: [Int]) throws {
            var plain = arguments
            plain.values["reduction"] = .string("none")
            plain.values["weight"] = nil
            let losses = try loss.value(plain).broadcast(to: shape)
            let weights = try arguments.optionalTensor("weight").map { try $0.value.broadcast(to: shape) }
            self.losses = losses
            self.weights = weights
            weighted = try weights.map { try Tensor.elementwise(.multiply, losses, $0) } ?? losses
        }

        /// The columns a weight adds to the table: w_i and w_i·l_i.
        var weightColumns: [String] { weights == nil ? [] : ["w_i", "w_i·l_i"] }

        /// Row i's cells in the weight's columns.
        func weightCells(_ i: Int) -> [String] {
            weights.map { [short($0.storage[i]), short(weighted.storage[i])] } ?? []
        }

        /// The lines under the table: how the (weighted) losses reduce to `result`.
        func footer(_ arguments: LossArguments, result: Tensor) throws -> [String] {
            reduction(try arguments.string("reduction", choices: LossSupport.reductions), losses: weighted.storage, result: result,
                      what: weights == nil ? "l_i" : "w_i·l_i")
        }
    }

    /// The lines saying how the per-sample values `losses` reduce to `result`.
    public static func reduction(_ reduction: String, losses: [Double], result: Tensor, denominator: Double? = nil, what: String = "l_i") -> [String] {
        let n = losses.count
        var sum = 0.0
        for l in losses { sum += l }
        let terms = n <= 8 ? losses.map(short).joined(separator: " + ") : "Σ \(what) over \(n) samples"
        switch reduction {
        case "none":
            return ["reduction \"none\": one loss per sample, the \(what) column", "= \(result.description)"]
        case "sum":
            return ["reduction \"sum\": \(terms)" + (n <= 8 ? "" : " = \(short(sum))"), "= \(result.description)"]
        default:
            if let denominator {
                return ["reduction \"mean\", weighted: (\(terms)) / Σ_i w_(target of i) = \(short(sum)) / \(short(denominator))",
                        "= \(result.description)"]
            }
            return ["reduction \"mean\": (\(terms)) / \(n)" + (n <= 8 ? "" : " = \(short(sum)) / \(n)"), "= \(result.description)"]
        }
    }
}

extension String {
    /// The string padded with spaces to `width` characters.
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
