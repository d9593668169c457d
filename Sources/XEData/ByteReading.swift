/// Bounds-checked little-endian reads from the bytes of a file: every read outside the bytes
/// is nil, never a trap.
extension UnsafeBufferPointer<UInt8> {
    /// The unsigned little-endian integer of `size` bytes at `offset`, or nil past the end.
    func little(_ offset: Int, _ size: Int) -> UInt64? {
        guard offset >= 0, size <= 8, offset <= count - size else { return nil }
        var value: UInt64 = 0
        for k in stride(from: size - 1, through: 0, by: -1) { value = value << 8 | UInt64(self[offset + k]) }
        return value
    }

    func u16(_ offset: Int) -> Int? { little(offset, 2).map { Int($0) } }
    func u32(_ offset: Int) -> Int? { little(offset, 4).map { Int($0) } }

    /// A 64-bit size or offset, nil past the end or beyond `Int.max`.
    func u64(_ offset: Int) -> Int? {
        guard let v = little(offset, 8), v <= UInt64(Int.max) else { return nil }
        return Int(v)
    }

    /// The bytes of `range` as text (invalid UTF-8 replaced), or nil when out of bounds.
    func text(_ range: Range<Int>) -> String? {
        guard range.lowerBound >= 0, range.upperBound <= count else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: self[range]), as: UTF8.self)
    }
}

extension Int {
    /// `self + other`, or nil when it overflows.
    func adding(_ other: Int) -> Int? {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? nil : sum
    }

    /// `self * other`, or nil when it overflows.
    func times(_ other: Int) -> Int? {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? nil : product
    }
}
