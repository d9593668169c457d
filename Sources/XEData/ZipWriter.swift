/// Writes a zip file of stored (uncompressed) entries, as `np.savez` does, straight into a
/// file: each entry's local header, its data, then the central directory. The size and CRC-32
/// of an entry are worked out before it is written (the data is produced twice, never held
/// whole). Zip64 fields are added where a size or offset does not fit in 32 bits.
struct ZipWriter {
    let file: AtomicFile
    private var directory: [UInt8] = []
    private var count = 0

    init(_ file: AtomicFile) { self.file = file }

    /// Adds an entry whose bytes `produce` writes to the sink it is given (called twice).
    mutating func add(_ name: String, _ produce: (any ByteSink) throws(DataFileError) -> Void) throws(DataFileError) {
        let checksum = ChecksumSink()
        try produce(checksum)
        let offset = file.offset
        let nameBytes = Array(name.utf8)
        let large = checksum.count >= 0xFFFF_FFFF
        // Local header: sizes in a zip64 extra field when they do not fit.
        var local = ZipWriter.le(0x0403_4B50, 4) + ZipWriter.le(large ? 45 : 20, 2) + ZipWriter.le(0x0800, 2) + ZipWriter.le(0, 2)
        local += ZipWriter.dosTime + ZipWriter.le(Int(checksum.crc), 4)
        local += large ? ZipWriter.le(0xFFFF_FFFF, 4) + ZipWriter.le(0xFFFF_FFFF, 4) : ZipWriter.le(checksum.count, 4) + ZipWriter.le(checksum.count, 4)
        local += ZipWriter.le(nameBytes.count, 2) + ZipWriter.le(large ? 20 : 0, 2) + nameBytes
        if large { local += ZipWriter.le(1, 2) + ZipWriter.le(16, 2) + ZipWriter.le(checksum.count, 8) + ZipWriter.le(checksum.count, 8) }
        try file.write(local)
        let before = file.offset
        try produce(file)
        guard file.offset - before == checksum.count else {
            throw .invalid("cannot write '\(file.shown)': the entry '\(name)' changed while it was written")
        }
        // Its central directory record.
        let farOffset = offset >= 0xFFFF_FFFF
        var extra: [UInt8] = []
        if large || farOffset {
            var fields: [UInt8] = []
            if large { fields += ZipWriter.le(checksum.count, 8) + ZipWriter.le(checksum.count, 8) }
            if farOffset { fields += ZipWriter.le(offset, 8) }
            extra = ZipWriter.le(1, 2) + ZipWriter.le(fields.count, 2) + fields
        }
        var record = ZipWriter.le(0x0201_4B50, 4) + ZipWriter.le(extra.isEmpty ? 20 : 45, 2) + ZipWriter.le(extra.isEmpty ? 20 : 45, 2)
        record += ZipWriter.le(0x0800, 2) + ZipWriter.le(0, 2) + ZipWriter.dosTime + ZipWriter.le(Int(checksum.crc), 4)
        record += large ? ZipWriter.le(0xFFFF_FFFF, 4) + ZipWriter.le(0xFFFF_FFFF, 4) : ZipWriter.le(checksum.count, 4) + ZipWriter.le(checksum.count, 4)
        record += ZipWriter.le(nameBytes.count, 2) + ZipWriter.le(extra.count, 2) + ZipWriter.le(0, 2) + ZipWriter.le(0, 2)
        record += ZipWriter.le(0, 2) + ZipWriter.le(0o100644 << 16, 4) + ZipWriter.le(farOffset ? 0xFFFF_FFFF : offset, 4)
        directory += record + nameBytes + extra
        count += 1
    }

    /// Writes the central directory and the end records.
    func finish() throws(DataFileError) {
        let start = file.offset
        try file.write(directory)
        let zip64 = start >= 0xFFFF_FFFF || directory.count >= 0xFFFF_FFFF || count >= 0xFFFF
        if zip64 {
            let record = file.offset
            var end = ZipWriter.le(0x0606_4B50, 4) + ZipWriter.le(44, 8) + ZipWriter.le(45, 2) + ZipWriter.le(45, 2)
            end += ZipWriter.le(0, 4) + ZipWriter.le(0, 4) + ZipWriter.le(count, 8) + ZipWriter.le(count, 8)
            end += ZipWriter.le(directory.count, 8) + ZipWriter.le(start, 8)
            end += ZipWriter.le(0x0706_4B50, 4) + ZipWriter.le(0, 4) + ZipWriter.le(record, 8) + ZipWriter.le(1, 4)
            try file.write(end)
        }
        var end = ZipWriter.le(0x0605_4B50, 4) + ZipWriter.le(0, 2) + ZipWriter.le(0, 2)
        end += ZipWriter.le(Swift.min(count, 0xFFFF), 2) + ZipWriter.le(Swift.min(count, 0xFFFF), 2)
        end += ZipWriter.le(Swift.min(directory.count, 0xFFFF_FFFF), 4) + ZipWriter.le(Swift.min(start, 0xFFFF_FFFF), 4) + ZipWriter.le(0, 2)
        try file.write(end)
    }

    /// `value` as `size` little-endian bytes.
    static func le(_ value: Int, _ size: Int) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    /// 1980-01-01 00:00, the zip epoch: the same bytes for the same arrays.
    static let dosTime = le(0, 2) + le(0x21, 2)
}
