import Glibc
import XETensor

/// Comma-separated numbers: one row per line, an optional header row (a first line that is not
/// all numbers) skipped, blank lines and a leading byte-order mark ignored. One column or one
/// row gives a vector (as NumPy's `loadtxt`), otherwise a matrix. Numbers are written in the
/// shortest form that reads back to the same float64, so `save` then `load` is exact.
enum CSVFormat {
    /// Decodes the bytes of a file in one pass: lines and cells are found byte by byte and each
    /// number is checked, then read by `strtod` (correctly rounded, as NumPy's parser).
    static func decode(_ bytes: [UInt8], path: String) throws(DataFileError) -> Tensor {
        var values: [Double] = []
        var rows = 0
        var columns = -1
        var lineNumber = 0
        var failure: DataFileError?
        bytes.withUnsafeBufferPointer { buffer in
            let n = buffer.count
            // A byte-order mark (spreadsheets write one) is not part of the first cell.
            var lineStart = n >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0
            // Each cell of the line: where it is, and its number if it is one.
            var cells: [(text: Range<Int>, value: Double?)] = []
            while lineStart <= n && failure == nil {
                var lineEnd = lineStart
                while lineEnd < n && buffer[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                lineNumber += 1
                defer { lineStart = lineEnd + 1 }
                let line = trimmed(buffer, lineStart..<lineEnd)
                if line.isEmpty { if lineEnd >= n { break } else { continue } }
                cells.removeAll(keepingCapacity: true)
                var cellStart = line.lowerBound
                for i in line.lowerBound...line.upperBound where i == line.upperBound || buffer[i] == UInt8(ascii: ",") {
                    var cell = trimmed(buffer, cellStart..<i)
                    if cell.count >= 2 && buffer[cell.lowerBound] == UInt8(ascii: "\"") && buffer[cell.upperBound - 1] == UInt8(ascii: "\"") {
                        cell = (cell.lowerBound + 1)..<(cell.upperBound - 1)
                    }
                    cells.append((cell, number(buffer, cell)))
                    cellStart = i + 1
                }
                if rows == 0 && columns < 0 && cells.contains(where: { $0.value == nil }) {
                    columns = cells.count  // a header row
                    continue
                }
                if columns >= 0 && cells.count != columns {
                    failure = .invalid("'\(path)' line \(lineNumber): \(cells.count) values, but the first row has \(columns)")
                    break
                }
                columns = cells.count
                for (j, cell) in cells.enumerated() {
                    guard let value = cell.value else {
                        let shown = String(decoding: UnsafeBufferPointer(rebasing: buffer[cell.text]).prefix(40), as: UTF8.self)
                        failure = .invalid("'\(path)' line \(lineNumber), column \(j + 1): '\(shown)' is not a number")
                        return
                    }
                    values.append(value)
                }
                rows += 1
                if values.count > Tensor.maxElements {
                    failure = .invalid("'\(path)' holds more than \(Tensor.maxElements) numbers")
                }
            }
        }
        if let failure { throw failure }
        guard rows > 0 else { throw .invalid("'\(path)' holds no numbers") }
        if rows == 1 || columns == 1 { return Tensor(vector: values) }
        return Tensor(shape: [rows, columns], storage: values)
    }

    /// `range` without the spaces, tabs and carriage returns at either end.
    private static func trimmed(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lo = range.lowerBound, hi = range.upperBound
        func blank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D }
        while lo < hi && blank(b[lo]) { lo += 1 }
        while hi > lo && blank(b[hi - 1]) { hi -= 1 }
        return lo..<hi
    }

    /// The number in `range`: decimal or scientific notation, `inf`, `-inf`, `nan` (any case);
    /// nil for anything else (hexadecimal, words, empty cells).
    private static func number(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        let count = range.count
        guard count > 0, count <= 400 else { return nil }
        var digits = false
        var plain = true
        for i in range {
            let c = b[i]
            if c >= 0x30 && c <= 0x39 { digits = true; continue }
            if c == 0x2E || c == 0x65 || c == 0x45 || c == 0x2B || c == 0x2D { continue }
            plain = false
            break
        }
        if !plain {
            return number(String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self))
        }
        guard digits else { return nil }
        // strtod on a NUL-terminated copy; the whole cell must be consumed.
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { text -> Double? in
            for (k, i) in range.enumerated() { text[k] = CChar(bitPattern: b[i]) }
            text[count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(text.baseAddress!, &end)
            return end == text.baseAddress! + count ? value : nil
        }
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

    /// Writes `t` as CSV: one number per line for a scalar or vector, comma-separated rows for a
    /// matrix, each number in its shortest exact form. Written row by row through a small
    /// buffer, never as one string of the whole file.
    static func write(_ t: Tensor, to sink: some ByteSink) throws(DataFileError) {
        guard t.rank <= 2 else { throw shapeError(t) }
        let columns = t.rank == 2 ? t.shape[1] : 1
        let rows = t.rank == 2 ? t.shape[0] : t.count
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 16)
        for i in 0..<rows {
            for j in 0..<columns {
                if j > 0 { buffer.append(UInt8(ascii: ",")) }
                buffer += Tensor.format(t.storage[i * columns + j]).utf8
            }
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= 1 << 16 {
                try sink.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try sink.write(buffer)
    }

    /// The error for a tensor a CSV file cannot hold, raised before anything is written.
    static func shapeError(_ t: Tensor) -> DataFileError {
        .invalid("a .csv file holds a vector or a matrix, not a tensor of shape \(Tensor.describe(shape: t.shape)); use .npy")
    }
}
