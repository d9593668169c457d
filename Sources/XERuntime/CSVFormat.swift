import Glibc
import XETensor

/// Comma-separated numbers: one row per line, an optional header row (a first line that is not
/// all numbers) skipped, blank lines ignored. One column or one row gives a vector (as NumPy's
/// `loadtxt`), otherwise a matrix. Numbers are written in the shortest form that reads back to
/// the same float64, so `save` then `load` is exact.
enum CSVFormat {
    static func decode(_ text: String, path: String) throws(DataFileError) -> Tensor {
        var rows: [[Double]] = []
        var columns = -1
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let content = String(line).trimmingSpaces
            if content.isEmpty { continue }
            let cells = content.split(separator: ",", omittingEmptySubsequences: false).map { cell -> String in
                var s = String(cell).trimmingSpaces
                if s.count >= 2, s.hasPrefix("\""), s.hasSuffix("\"") { s = String(s.dropFirst().dropLast()) }
                return s
            }
            let numbers = cells.map(number)
            if rows.isEmpty && columns < 0 && numbers.contains(where: { $0 == nil }) {
                columns = cells.count
                continue
            }
            if columns >= 0 && cells.count != columns {
                throw .invalid("'\(path)' line \(lineNumber): \(cells.count) values, but the first row has \(columns)")
            }
            columns = cells.count
            var row: [Double] = []
            for (j, n) in numbers.enumerated() {
                guard let n else {
                    throw .invalid("'\(path)' line \(lineNumber), column \(j + 1): '\(cells[j].prefix(40))' is not a number")
                }
                row.append(n)
            }
            rows.append(row)
            if rows.count * columns > Tensor.maxElements {
                throw .invalid("'\(path)' holds more than \(Tensor.maxElements) numbers")
            }
        }
        guard let first = rows.first else { throw .invalid("'\(path)' holds no numbers") }
        if rows.count == 1 { return Tensor(vector: first) }
        if first.count == 1 { return Tensor(vector: rows.map { $0[0] }) }
        return Tensor(shape: [rows.count, first.count], storage: rows.flatMap { $0 })
    }

    /// A number: decimal or scientific notation, `inf`, `-inf`, `nan` (any case).
    static func number(_ s: String) -> Double? {
        guard !s.isEmpty, s.count <= 400 else { return nil }
        switch s.lowercased() {
        case "nan", "+nan", "-nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: break
        }
        let allowed = s.unicodeScalars.allSatisfy { "0123456789.eE+-".unicodeScalars.contains($0) }
        guard allowed, s.contains(where: \.isNumber) else { return nil }
        return Double(s)
    }

    static func encode(_ t: Tensor, path: String) throws(DataFileError) -> String {
        switch t.rank {
        case 0, 1:
            return t.storage.map(Tensor.format).map { $0 + "\n" }.joined()
        case 2:
            let cols = t.shape[1]
            guard cols > 0 else { return String(repeating: "\n", count: t.shape[0]) }
            var text = ""
            for i in 0..<t.shape[0] {
                text += t.storage[(i * cols)..<(i * cols + cols)].map(Tensor.format).joined(separator: ",") + "\n"
            }
            return text
        default:
            throw .invalid("a .csv file holds a vector or a matrix, not a tensor of shape \(Tensor.describe(shape: t.shape)); use .npy")
        }
    }
}
