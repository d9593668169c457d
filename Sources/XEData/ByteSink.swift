import CZlib

/// Where a writer puts bytes: a file being written, or a running CRC-32.
public protocol ByteSink {
    func write(_ bytes: UnsafeRawBufferPointer) throws(DataFileError)
}

extension ByteSink {
    public func write(_ bytes: [UInt8]) throws(DataFileError) {
        try bytes.withUnsafeBufferPointer { (b) throws(DataFileError) in try write(UnsafeRawBufferPointer(b)) }
    }
}

/// Counts the bytes written and their CRC-32, to know a zip entry's header before writing it.
final class ChecksumSink: ByteSink {
    var crc: UInt32 = 0
    var count = 0

    func write(_ bytes: UnsafeRawBufferPointer) {
        crc = Inflate.crc32(crc, bytes)
        count += bytes.count
    }
}
