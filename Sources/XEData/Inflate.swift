import CZlib

/// Inflating raw deflate data (RFC 1951, the method of a compressed zip entry) through zlib,
/// and the CRC-32 of zip files.
enum Inflate {
    /// The data of `compressed` inflated to exactly `size` bytes. More output than declared
    /// (a zip bomb that lies about its size), less, or a corrupt stream is an error. Memory
    /// grows with what is actually inflated, never past `size` (the caller caps it) nor past
    /// deflate's largest ratio (1032:1) times the compressed bytes: a small file that declares
    /// a huge entry allocates little.
    static func inflate(_ compressed: UnsafeBufferPointer<UInt8>, size: Int, name: String) throws(DataFileError) -> [UInt8] {
        guard compressed.count <= Int(UInt32.max) else { throw .invalid("\(name) is too large to inflate in one piece") }
        var stream = z_stream()
        guard xe_inflate_init_raw(&stream) == Z_OK else { throw .invalid("\(name): zlib could not start inflating") }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(Swift.min(size, compressed.count.times(1032)?.adding(1 << 16) ?? size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        stream.next_in = UnsafeMutablePointer(mutating: compressed.baseAddress)
        stream.avail_in = UInt32(compressed.count)
        var status: Int32 = Z_OK
        while status == Z_OK {
            let produced = chunk.withUnsafeMutableBufferPointer { out -> Int in
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                status = CZlib.inflate(&stream, Z_NO_FLUSH)
                return out.count - Int(stream.avail_out)
            }
            guard output.count + produced <= size else {
                throw .invalid("\(name) inflates to more than the \(size) bytes its header declares")
            }
            output.append(contentsOf: chunk[0..<produced])
            if status == Z_BUF_ERROR && stream.avail_in == 0 {
                throw .invalid("\(name) is truncated: its compressed data ends before the deflate stream does")
            }
            if status == Z_BUF_ERROR && produced > 0 { status = Z_OK }
        }
        guard status == Z_STREAM_END else {
            let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
            throw .invalid("\(name) is not valid deflate data (\(reason))")
        }
        guard output.count == size else {
            throw .invalid("\(name) inflates to \(output.count) bytes, not the \(size) its header declares")
        }
        return output
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
