import XETensor

/// NumPy's `.npy` format: the magic `\x93NUMPY`, a version (1.0, 2.0 or 3.0), a header length
/// (2 bytes in 1.0, 4 in 2.0 and 3.0, little-endian), a Python dict literal
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }` padded with spaces to a
/// multiple of 64 bytes and ending in a newline, then the raw data.
///
/// Read: float64, float32, float16, int64/32/16/8, uint64/32/16/8 and bool, little- or
/// big-endian, C or Fortran order. Refused with an error: object arrays (pickles), strings,
/// complex, structured dtypes, and any header or length that does not add up.
public enum NPYFormat {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// The element type of an array and its byte order.
    struct DType {
        var type: ElementType
        var bigEndian: Bool
    }

    public static func decode(_ bytes: [UInt8], path: String) throws(DataFileError) -> Tensor {
        try bytes.withUnsafeBufferPointer { (b) throws(DataFileError) -> Tensor in try decode(b, path: path) }
    }

    /// The array in `bytes`; `path` names it in messages (a file, or a file and an entry).
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws(DataFileError) -> Tensor {
        guard bytes.count >= 10, bytes[0..<6].elementsEqual(magic) else {
            throw .invalid("'\(path)' is not a .npy file (it does not start with \\x93NUMPY)")
        }
        let major = bytes[6], minor = bytes[7]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = bytes.u16(8)!
            headerStart = 10
        case 2, 3:
            guard let length = bytes.u32(8) else { throw .invalid("'\(path)' is truncated inside its header") }
            headerLength = length
            headerStart = 12
        default:
            throw .invalid("'\(path)' is .npy format version \(major).\(minor); xe reads versions 1.0, 2.0 and 3.0")
        }
        // NumPy itself refuses headers over 10 000 bytes unless told otherwise; a real one is
        // under 200. Over 64 KiB is not a header but an attempt to make the parser work.
        guard headerLength <= NPYFormat.maxHeaderLength else {
            throw .invalid("'\(path)' has a header of \(headerLength) bytes; an .npy header is at most \(NPYFormat.maxHeaderLength)")
        }
        guard headerStart + headerLength <= bytes.count else {
            throw .invalid("'\(path)' is truncated: its header says \(headerLength) bytes, but the file ends first")
        }
        let header = bytes.text(headerStart..<(headerStart + headerLength))!
        let (dtype, fortran, shape) = try parseHeader(header, path: path)
        let count: Int
        do {
            count = try Tensor.elementCount(shape)
        } catch {
            throw .invalid("'\(path)': the array of shape \(Tensor.describe(shape: shape)) is too large (\(error.message))")
        }
        let dataStart = headerStart + headerLength
        let available = bytes.count - dataStart
        let size = dtype.type.size
        guard let needed = count.times(size), needed <= available else {
            throw .invalid("'\(path)' is truncated: shape \(Tensor.describe(shape: shape)) needs \(count * size) bytes of data, the file has \(available)")
        }
        guard needed == available else {
            throw .invalid("'\(path)' has \(available - needed) unexpected bytes after its data")
        }
        var values = try Tensor.decode(count, dtype.type, from: UnsafeRawPointer(bytes.baseAddress!) + dataStart,
                                       bigEndian: dtype.bigEndian, path: path)
        if fortran && shape.count > 1 { values = fromFortranOrder(values, shape: shape) }
        return Tensor(shape: shape, storage: values)
    }

    /// Reorders column-major data to row-major.
    static func fromFortranOrder(_ values: [Double], shape: [Int]) -> [Double] {
        var result = [Double](repeating: 0, count: values.count)
        var index = [Int](repeating: 0, count: shape.count)
        for i in 0..<values.count {
            var f = 0, stride = 1
            for axis in 0..<shape.count {
                f += index[axis] * stride
                stride *= shape[axis]
            }
            result[i] = values[f]
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }

    /// The longest header accepted, in bytes.
    static let maxHeaderLength = 1 << 16

    /// Reads the dict literal of the header.
    static func parseHeader(_ header: String, path: String) throws(DataFileError) -> (DType, Bool, [Int]) {
        let text = header.trimmingSpaces
        guard text.hasPrefix("{"), text.hasSuffix("}") else {
            throw .invalid("'\(path)' has a malformed header: \(text.prefix(80))")
        }
        for key in ["descr", "fortran_order", "shape"] where occurrences(of: "'\(key)'", in: text) + occurrences(of: "\"\(key)\"", in: text) > 1 {
            // Python would keep the last; reading the first would give a wrong array silently.
            throw .invalid("'\(path)' has a header that names '\(key)' twice")
        }
        guard let descr = value(of: "descr", in: text), let order = value(of: "fortran_order", in: text),
              let shapeText = value(of: "shape", in: text) else {
            throw .invalid("'\(path)' has a header without 'descr', 'fortran_order' or 'shape': \(text.prefix(120))")
        }
        let dtype = try parseDType(descr, path: path)
        let fortran: Bool
        switch order {
        case "False": fortran = false
        case "True": fortran = true
        default: throw .invalid("'\(path)': fortran_order is \(order.prefix(40)), not True or False")
        }
        guard shapeText.hasPrefix("("), shapeText.hasSuffix(")") else {
            throw .invalid("'\(path)': the shape \(shapeText.prefix(80)) is not a tuple")
        }
        var shape: [Int] = []
        for part in shapeText.dropFirst().dropLast().split(separator: ",") {
            let item = String(part).trimmingSpaces.replacingL
            guard !item.isEmpty, item.count <= 15, item.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(item) else {
                throw .invalid("'\(path)': the shape \(shapeText.prefix(80)) holds '\(item.prefix(40))', not a size")
            }
            shape.append(n)
        }
        guard shape.count <= 32 else { throw .invalid("'\(path)': \(shape.count) dimensions are too many") }
        return (dtype, fortran, shape)
    }

    static func parseDType(_ descr: String, path: String) throws(DataFileError) -> DType {
        guard descr.count >= 2, descr.hasPrefix("'") || descr.hasPrefix("\""), descr.hasSuffix("'") || descr.hasSuffix("\"") else {
            if descr.hasPrefix("[") {
                throw .invalid("'\(path)' holds a structured array (\(descr.prefix(60))); xe reads plain numeric arrays")
            }
            throw .invalid("'\(path)': the dtype \(descr.prefix(60)) is not understood")
        }
        let code = Array(descr.dropFirst().dropLast())
        guard code.count >= 2 else { throw .invalid("'\(path)': the dtype '\(String(code.prefix(40)))' is not understood") }
        let order = code[0], kind = code[1]
        let size = Int(String(code.dropFirst(2))) ?? -1
        if kind == "O" { throw .invalid("'\(path)' holds an object array (a pickle); xe never loads pickles; save a numeric array instead") }
        guard "<>|=".contains(order) else { throw .invalid("'\(path)': the dtype '\(String(code))' has no byte order") }
        guard let type = ElementType.allCases.first(where: { $0.numpyKind == kind && $0.size == size }) else {
            throw .invalid("'\(path)' has dtype '\(String(code))', which xe does not read; it reads float64, float32, float16, signed and unsigned integers and bool (convert with arr.astype('float64'))")
        }
        return DType(type: type, bigEndian: order == ">")
    }

    /// How many times `needle` occurs in `text`.
    static func occurrences(of needle: String, in text: String) -> Int {
        var count = 0
        var from = text.utf8.startIndex
        while let found = firstRange(of: needle, in: text, from: from) {
            count += 1
            from = found.upperBound
        }
        return count
    }

    /// The first place of `needle` in `text` at or after `from` (a byte-wise scan: linear in
    /// the text for the short keys searched here).
    static func firstRange(of needle: String, in text: String, from: String.Index) -> Range<String.Index>? {
        let n = Array(needle.utf8)
        guard let first = n.first else { return nil }
        let bytes = text.utf8
        var i = from
        while let start = bytes[i...].firstIndex(of: first) {
            var j = start, k = 0
            while k < n.count, j < bytes.endIndex, bytes[j] == n[k] {
                j = bytes.index(after: j)
                k += 1
            }
            if k == n.count { return start..<j }
            i = bytes.index(after: start)
        }
        return nil
    }

    /// The text of `'key': value` in a flat dict literal (a tuple value kept whole).
    static func value(of key: String, in dict: String) -> String? {
        for quote in ["'", "\""] {
            guard let found = firstRange(of: quote + key + quote, in: dict, from: dict.startIndex) else { continue }
            var rest = dict[found.upperBound...].drop { $0 == " " }
            guard rest.first == ":" else { return nil }
            rest = rest.dropFirst().drop { $0 == " " }
            if rest.first == "(" {
                guard let close = rest.firstIndex(of: ")") else { return nil }
                return String(rest[...close])
            }
            if let q = rest.first, q == "'" || q == "\"" {
                guard let close = rest.dropFirst().firstIndex(of: q) else { return nil }
                return String(rest[...close])
            }
            if rest.first == "[" { return String(rest.prefix(80)) }
            let end = rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex
            return String(rest[..<end]).trimmingSpaces
        }
        return nil
    }

    /// The header of a float64, little-endian, C-order `.npy` file of this shape (version
    /// 1.0, or 2.0 for a huge header), padded so that the data starts at a multiple of 64.
    static func header(shape: [Int]) -> [UInt8] {
        let dims = shape.map(String.init)
        let tuple = "(" + dims.joined(separator: ", ") + (dims.count == 1 ? ",)" : ")")
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(tuple), }"
        let prefix = header.utf8.count + 1 + 10 > 65535 ? 12 : 10
        let padding = (64 - (prefix + header.utf8.count + 1) % 64) % 64
        header += String(repeating: " ", count: padding) + "\n"
        var bytes = magic + [prefix == 10 ? 1 : 2, 0]
        let length = header.utf8.count
        bytes += [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF)]
        if prefix == 12 { bytes += [UInt8(length >> 16 & 0xFF), UInt8(length >> 24 & 0xFF)] }
        return bytes + Array(header.utf8)
    }

    /// Writes `t` as a `.npy` file: the header, then the elements straight from the tensor's
    /// storage (float64 little-endian is the machine's own layout), never a copy of the whole.
    static func write(_ t: Tensor, to file: some ByteSink) throws(DataFileError) {
        try file.write(header(shape: t.shape))
        try t.storage.withUnsafeBufferPointer { (b) throws(DataFileError) in try file.write(UnsafeRawBufferPointer(b)) }
    }

    /// The size of the `.npy` file of `t` in bytes.
    static func fileSize(_ t: Tensor) -> Int { header(shape: t.shape).count + 8 * t.count }
}

#if !_endian(little)
#error("xe writes float64 storage as little-endian bytes directly; a big-endian host needs a byte swap here")
#endif

extension String {
    /// Without leading and trailing spaces, tabs and newlines.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }

    /// Without a Python 2 long suffix: `3L` → `3`.
    fileprivate var replacingL: String { hasSuffix("L") ? String(dropLast()) : self }
}
