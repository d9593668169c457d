import XETensor

/// Hugging Face's `.safetensors`: an 8-byte little-endian header length N, N bytes of JSON
/// `{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, "__metadata__": {...}}`,
/// then the data, little-endian, C order, each tensor at its offsets from the data's start.
///
/// Checked as the safetensors library checks: the header at most 100 MB and valid JSON with no
/// key twice; every tensor's byte count equal to its shape times its element size; the tensors,
/// in the order of their offsets, covering the data exactly (no gaps, no overlaps, nothing
/// after).
enum SafetensorsFormat {
    /// The safetensors library's limit on the header.
    static let maxHeaderLength = 100_000_000

    static let types: [String: ElementType] = [
        "F64": .float64, "F32": .float32, "F16": .float16, "BF16": .bfloat16,
        "I64": .int64, "I32": .int32, "I16": .int16, "I8": .int8,
        "U64": .uint64, "U32": .uint32, "U16": .uint16, "U8": .uint8, "BOOL": .bool,
    ]

    struct Entry {
        var name: String
        var type: ElementType
        var shape: [Int]
        var count: Int
        var range: Range<Int>
    }

    static func read(_ bytes: UnsafeBufferPointer<UInt8>, path: String, only: String?) throws(DataFileError) -> [NamedTensor] {
        let file = "'\(path)'"
        guard let length = bytes.u64(0) else { throw .invalid("\(file) is not a .safetensors file (shorter than its 8-byte header length)") }
        guard length <= maxHeaderLength else {
            throw .invalid("\(file) declares a header of \(length) bytes; a .safetensors header is at most \(maxHeaderLength)")
        }
        guard 8 + length <= bytes.count else {
            throw .invalid("\(file) is truncated: its header says \(length) bytes, the file has \(bytes.count - 8) after the length")
        }
        guard length > 0, bytes[8] == UInt8(ascii: "{") else { throw .invalid("\(file) is not a .safetensors file (its header is not a JSON object)") }
        let json: JSON
        do {
            json = try JSON.parse(UnsafeBufferPointer(rebasing: bytes[8..<(8 + length)]))
        } catch {
            throw .invalid("\(file) has a malformed header: \(error.message)")
        }
        guard case .object(let members) = json else { throw .invalid("\(file): its header is not a JSON object") }
        let dataStart = 8 + length
        let dataLength = bytes.count - dataStart
        var entries: [Entry] = []
        for (name, value) in members where name != "__metadata__" {
            let shown = "\(file): the tensor '\(name.prefix(100))'"
            guard case .string(let code)? = value["dtype"] else { throw .invalid("\(shown) has no dtype") }
            guard let type = types[code] else {
                throw .invalid("\(shown) has dtype \(code.prefix(20)), which xe does not read; it reads F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8 and BOOL")
            }
            guard case .array(let dims)? = value["shape"], dims.count <= 32 else { throw .invalid("\(shown) has no shape") }
            var shape: [Int] = []
            for d in dims {
                guard let n = d.integer else { throw .invalid("\(shown) has a shape that is not a list of sizes") }
                shape.append(n)
            }
            guard case .array(let offsets)? = value["data_offsets"], offsets.count == 2,
                  let begin = offsets[0].integer, let end = offsets[1].integer, begin <= end else {
                throw .invalid("\(shown) has no valid data_offsets")
            }
            let count: Int
            do {
                count = try Tensor.elementCount(shape)
            } catch {
                throw .invalid("\(shown) of shape \(Tensor.describe(shape: shape)) is too large (\(error.message))")
            }
            guard count * type.size == end - begin else {
                throw .invalid("\(shown) of shape \(Tensor.describe(shape: shape)) and dtype \(code) needs \(count * type.size) bytes, but its offsets [\(begin), \(end)] span \(end - begin)")
            }
            entries.append(Entry(name: name, type: type, shape: shape, count: count, range: begin..<end))
        }
        // File order: by offset. The data must be covered exactly.
        entries.sort { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
        var expected = 0
        for e in entries {
            guard e.range.lowerBound == expected else {
                throw .invalid("\(file) is damaged: the tensor '\(e.name.prefix(100))' starts at data offset \(e.range.lowerBound), not \(expected) (its offsets overlap or leave a gap)")
            }
            expected = e.range.upperBound
        }
        guard expected == dataLength else {
            throw expected > dataLength
                ? .invalid("\(file) is truncated: its tensors need \(expected) bytes of data, the file has \(dataLength)")
                : .invalid("\(file) has \(dataLength - expected) unexpected bytes after its data")
        }
        var arrays: [NamedTensor] = []
        for e in entries where only == nil || only == e.name {
            let values = try Tensor.decode(e.count, e.type, from: UnsafeRawPointer(bytes.baseAddress!) + dataStart + e.range.lowerBound,
                                           bigEndian: false, path: "\(path)' tensor '\(e.name)")
            arrays.append(NamedTensor(name: e.name, tensor: Tensor(shape: e.shape, storage: values)))
        }
        if let only, arrays.isEmpty { throw DataFile.missing(only, in: path, among: entries.map(\.name)) }
        return arrays
    }

    /// Writes the arrays as float64 (`F64`), in the given order, the header padded with spaces
    /// to a multiple of 8 bytes as the safetensors library does.
    static func write(_ arrays: [NamedTensor], to file: AtomicFile) throws(DataFileError) {
        var header = "{"
        var offset = 0
        var seen: Set<String> = []
        for (i, a) in arrays.enumerated() {
            guard seen.insert(a.name).inserted else { throw .invalid("the name '\(a.name)' is given twice; each tensor has its own name") }
            let shape = a.tensor.shape.map(String.init).joined(separator: ",")
            header += (i == 0 ? "" : ",") + quoted(a.name) + ":{\"dtype\":\"F64\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + 8 * a.tensor.count)]}"
            offset += 8 * a.tensor.count
        }
        header += "}"
        header += String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
        try file.write(ZipWriter.le(header.utf8.count, 8) + Array(header.utf8))
        for a in arrays {
            try a.tensor.storage.withUnsafeBufferPointer { (b) throws(DataFileError) in try file.write(UnsafeRawBufferPointer(b)) }
        }
    }

    /// A JSON string literal: quotes and backslashes escaped, control characters as `\u00XX`.
    static func quoted(_ s: String) -> String {
        let body = s.unicodeScalars.map { u -> String in
            if u == "\"" || u == "\\" { return "\\" + String(u) }
            guard u.value >= 0x20 else {
                let hex = String(u.value, radix: 16)
                return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
            return String(u)
        }
        return "\"" + body.joined() + "\""
    }
}
