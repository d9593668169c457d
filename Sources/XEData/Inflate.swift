import CZlib

/// Inflating raw deflate data (RFC 1951, the method of a compressed zip entry) through zlib,
/// and the CRC-32 of zip files.
enum Inflate {
    /// The data of `compressed` inflated to exactly `size` bytes. More output than declared
    /// (a zip bomb that lies about its size), less, or a corrupt stream is an error; the output
    /// is never larger than `size`, so the caller's limit on `size` bounds the memory.
    static func inflate(_ compressed: UnsafeBufferPointer<UInt8>, size: Int, name: String) throws(DataFileError) -> [UInt8] {
        guard compressed.count <= Int(UInt32.max), size <= Int(UInt32.max) else {
            throw .invalid("\(name) is too large to inflate in one piece")
        }
        var stream = z_stream()
        guard xe_inflate_init_raw(&stream) == Z_OK else { throw .invalid("\(name): zlib could not start inflating") }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: size)
        var spare: UInt8 = 0
        var status: Int32 = Z_OK
        output.withUnsafeMutableBufferPointer { out in
            stream.next_in = UnsafeMutablePointer(mutating: compressed.baseAddress)
            stream.avail_in = UInt32(compressed.count)
            stream.next_out = out.baseAddress
            stream.avail_out = UInt32(size)
            status = CZlib.inflate(&stream, Z_FINISH)
            // Output full but the stream not ended: one byte more tells a lie from an exact fit.
            if status == Z_BUF_ERROR || status == Z_OK, stream.avail_out == 0 {
                withUnsafeMutablePointer(to: &spare) { one in
                    stream.next_out = one
                    stream.avail_out = 1
                    status = CZlib.inflate(&stream, Z_FINISH)
                    if stream.avail_out == 0 { status = Z_NEED_DICT + 1000 }
                }
            }
        }
        switch status {
        case Z_STREAM_END:
            guard Int(stream.total_out) == size else {
                throw .invalid("\(name) inflates to \(stream.total_out) bytes, not the \(size) its header declares")
            }
            return output
        case Z_NEED_DICT + 1000:
            throw .invalid("\(name) inflates to more than the \(size) bytes its header declares")
        case Z_BUF_ERROR:
            throw .invalid("\(name) is truncated: its compressed data ends before the deflate stream does")
        default:
            let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
            throw .invalid("\(name) is not valid deflate data (\(reason))")
        }
    }

    /// The CRC-32 of zip files, continued from `crc` over `bytes`.
    static func crc32(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = UInt(crc)
        var rest = bytes
        while !rest.isEmpty {
            let n = Swift.min(rest.count, 1 << 30)
            crc = CZlib.crc32(crc, rest.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt32(n))
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}
