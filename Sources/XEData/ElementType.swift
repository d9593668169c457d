/// The element types of the arrays in data files, and their exact conversion to float64.
///
/// Every one converts exactly: float16 and bfloat16 (and float32) are subsets of float64, and the
/// integers of up to 53 bits are too (int64 and uint64 beyond 2^53 round to the nearest float64,
/// as NumPy's `astype(float64)` does).
public enum ElementType: Sendable, Equatable, CaseIterable {
    case float64, float32, float16, bfloat16
    case int64, int32, int16, int8
    case uint64, uint32, uint16, uint8
    case bool

    /// NumPy's letter for the kind of the type (a dtype `'<f8'` is kind "f", 8 bytes): "f" float,
    /// "i" signed integer, "u" unsigned integer, "b" bool; nil for bfloat16, which NumPy lacks.
    var numpyKind: Character? {
        switch self {
        case .float64, .float32, .float16: return "f"
        case .int64, .int32, .int16, .int8: return "i"
        case .uint64, .uint32, .uint16, .uint8: return "u"
        case .bool: return "b"
        case .bfloat16: return nil
        }
    }

    /// The size of one element in bytes.
    public var size: Int {
        switch self {
        case .float64, .int64, .uint64: return 8
        case .float32, .int32, .uint32: return 4
        case .float16, .bfloat16, .int16, .uint16: return 2
        case .int8, .uint8, .bool: return 1
        }
    }

    /// NumPy's name (`float64`, `bfloat16`, ...), for messages.
    public var name: String {
        switch self {
        case .float64: return "float64"
        case .float32: return "float32"
        case .float16: return "float16"
        case .bfloat16: return "bfloat16"
        case .int64: return "int64"
        case .int32: return "int32"
        case .int16: return "int16"
        case .int8: return "int8"
        case .uint64: return "uint64"
        case .uint32: return "uint32"
        case .uint16: return "uint16"
        case .uint8: return "uint8"
        case .bool: return "bool"
        }
    }

    /// `count` elements starting at `source` (unaligned, either byte order) converted into
    /// `target`. A bool byte other than 0 or 1 is refused: the file is not what it says.
    func convert(_ source: UnsafeRawPointer, count: Int, bigEndian: Bool, into target: UnsafeMutablePointer<Double>) throws(DataFileError) {
        func each<T: FixedWidthInteger>(_: T.Type, _ f: (T) -> Double) {
            for i in 0..<count {
                let raw = source.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)
                target[i] = f(bigEndian ? raw.byteSwapped : raw)
            }
        }
        switch self {
        case .float64: each(UInt64.self) { Double(bitPattern: $0) }
        case .float32: each(UInt32.self) { Double(Float(bitPattern: $0)) }
        case .float16: each(UInt16.self, ElementType.float16)
        case .bfloat16: each(UInt16.self) { Double(Float(bitPattern: UInt32($0) << 16)) }
        case .int64: each(Int64.self) { Double($0) }
        case .int32: each(Int32.self) { Double($0) }
        case .int16: each(Int16.self) { Double($0) }
        case .int8: each(Int8.self) { Double($0) }
        case .uint64: each(UInt64.self) { Double($0) }
        case .uint32: each(UInt32.self) { Double($0) }
        case .uint16: each(UInt16.self) { Double($0) }
        case .uint8: each(UInt8.self) { Double($0) }
        case .bool:
            for i in 0..<count {
                let byte = source.load(fromByteOffset: i, as: UInt8.self)
                guard byte <= 1 else { throw .invalid("a bool element holds \(byte), not 0 or 1") }
                target[i] = Double(byte)
            }
        }
    }

    /// An IEEE 754 half-precision number as float64, exactly:
    /// (-1)^s · 2^(e-15) · (1 + m/1024) for normal numbers, (-1)^s · 2^-14 · m/1024 for
    /// subnormal ones, infinities and NaN (payload kept) when e = 31.
    static func float16(_ bits: UInt16) -> Double {
        let sign: Double = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int(bits >> 10 & 0x1F)
        let mantissa = Double(bits & 0x3FF)
        switch exponent {
        case 0: return sign * mantissa * 0x1p-24
        case 31:
            if mantissa == 0 { return sign * .infinity }
            // Float's NaN with the same payload, widened.
            return Double(Float(bitPattern: UInt32(bits & 0x8000) << 16 | 0x7F80_0000 | UInt32(bits & 0x3FF) << 13))
        default: return sign * (1 + mantissa * 0x1p-10) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}
