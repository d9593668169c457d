/// The entries of a zip file (PKWARE's APPNOTE), as `np.savez` and `torch.save` write them:
/// the central directory at the end lists each entry's name, method, sizes, CRC and the offset
/// of its local header; zip64 records and fields are read where the 32-bit ones overflow.
///
/// Everything is checked before it is used: every offset and size lies inside the file, an
/// entry's data lies before the central directory and overlaps no other entry (the overlapping
/// entries of a zip bomb), its local header names the same file, no name occurs twice, only
/// stored and deflated entries without encryption are read, declared sizes are capped by the
/// caller's limit before anything is allocated, and the CRC-32 of what is read is verified.
struct ZipArchive {
    struct Entry {
        var name: String
        /// 0 stored, 8 deflated.
        var method: Int
        var crc: UInt32
        var compressedSize: Int
        var size: Int
        var localHeader: Int
        /// Where the entry's (compressed) data lies in the file.
        var data: Range<Int> = 0..<0
    }

    let entries: [Entry]
    let path: String

    static let endSignature = 0x0605_4B50
    static let zip64EndSignature = 0x0606_4B50
    static let zip64LocatorSignature = 0x0706_4B50
    static let centralSignature = 0x0201_4B50
    static let localSignature = 0x0403_4B50

    /// Whether the bytes start as a zip file does (a local header, or an empty archive's end).
    static func looksLikeZip(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.u32(0) == localSignature || bytes.u32(0) == endSignature
    }

    init(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws(DataFileError) {
        self.path = path
        let file = "'\(path)'"
        // The end record: its signature in the last 22 + 65535 bytes (the longest comment).
        guard bytes.count >= 22 else { throw .invalid("\(file) is not a zip file (too short)") }
        var end = -1
        var at = bytes.count - 22
        let lowest = Swift.max(0, bytes.count - 22 - 0xFFFF)
        while at >= lowest {
            if bytes.u32(at) == ZipArchive.endSignature, let comment = bytes.u16(at + 20), at + 22 + comment == bytes.count {
                end = at
                break
            }
            at -= 1
        }
        guard end >= 0 else {
            throw .invalid("\(file) is not a zip file or is truncated (no end of central directory record)")
        }
        var count = bytes.u16(end + 10)!
        var directorySize = bytes.u32(end + 12)!
        var directoryStart = bytes.u32(end + 16)!
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryStart == 0xFFFF_FFFF {
            // Zip64: a locator just before the end record points at the zip64 end record.
            guard end >= 20, bytes.u32(end - 20) == ZipArchive.zip64LocatorSignature,
                  let record = bytes.u64(end - 12), bytes.u32(record) == ZipArchive.zip64EndSignature,
                  let c = bytes.u64(record + 32), let s = bytes.u64(record + 40), let o = bytes.u64(record + 48) else {
                throw .invalid("\(file) has a damaged zip64 end of central directory record")
            }
            (count, directorySize, directoryStart) = (c, s, o)
        }
        guard let directoryEnd = directoryStart.adding(directorySize), directoryEnd <= end else {
            throw .invalid("\(file) is damaged: its central directory (offset \(directoryStart), \(directorySize) bytes) lies outside the file")
        }
        // Each entry takes at least 46 bytes: a count that cannot fit is a lie, refused before
        // anything is reserved for it.
        guard count <= directorySize / 46 else {
            throw .invalid("\(file) is damaged: its central directory declares \(count) entries in \(directorySize) bytes")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        var names: Set<String> = []
        var p = directoryStart
        for _ in 0..<count {
            guard p + 46 <= directoryEnd, bytes.u32(p) == ZipArchive.centralSignature else {
                throw .invalid("\(file) is damaged: entry \(entries.count + 1) of its central directory is not where it should be")
            }
            let flags = bytes.u16(p + 8)!
            let method = bytes.u16(p + 10)!
            let crc = UInt32(bytes.u32(p + 16)!)
            var compressed = bytes.u32(p + 20)!
            var size = bytes.u32(p + 24)!
            let nameLength = bytes.u16(p + 28)!, extraLength = bytes.u16(p + 30)!, commentLength = bytes.u16(p + 32)!
            var local = bytes.u32(p + 42)!
            let nameStart = p + 46
            let extraStart = nameStart + nameLength
            let next = extraStart + extraLength + commentLength
            guard next <= directoryEnd, let name = bytes.text(nameStart..<extraStart) else {
                throw .invalid("\(file) is damaged: entry \(entries.count + 1) of its central directory runs past it")
            }
            // The zip64 extra field (id 1) holds, in this order, the sizes and offset whose
            // 32-bit fields are all ones.
            if size == 0xFFFF_FFFF || compressed == 0xFFFF_FFFF || local == 0xFFFF_FFFF {
                var field = extraStart
                var found = false
                while field + 4 <= extraStart + extraLength {
                    let id = bytes.u16(field)!, length = bytes.u16(field + 2)!
                    if id == 1 {
                        var q = field + 4
                        let limit = Swift.min(field + 4 + length, extraStart + extraLength)
                        func next64() -> Int? {
                            guard q + 8 <= limit, let v = bytes.u64(q) else { return nil }
                            q += 8
                            return v
                        }
                        if size == 0xFFFF_FFFF { size = next64() ?? -1 }
                        if compressed == 0xFFFF_FFFF { compressed = next64() ?? -1 }
                        if local == 0xFFFF_FFFF { local = next64() ?? -1 }
                        found = true
                        break
                    }
                    field += 4 + length
                }
                guard found, size >= 0, compressed >= 0, local >= 0 else {
                    throw .invalid("\(file) is damaged: '\(name)' lacks the zip64 sizes its entry calls for")
                }
            }
            guard names.insert(name).inserted else {
                throw .invalid("\(file) names '\(name)' twice; xe refuses rather than guess which one is meant")
            }
            guard flags & 1 == 0 else { throw .invalid("\(file): '\(name)' is encrypted") }
            guard method == 0 || method == 8 else {
                throw .invalid("\(file): '\(name)' is compressed with method \(method); xe reads stored and deflated entries")
            }
            guard method == 8 || compressed == size else {
                throw .invalid("\(file) is damaged: '\(name)' is stored, but its sizes differ (\(compressed) and \(size))")
            }
            entries.append(Entry(name: name, method: method, crc: crc, compressedSize: compressed, size: size, localHeader: local))
            p = next
        }
        // The local headers: each where the directory says, naming the same file, its data
        // inside the file before the directory, and no two entries sharing bytes.
        for i in entries.indices {
            let e = entries[i]
            let h = e.localHeader
            guard h <= directoryStart - 30, bytes.u32(h) == ZipArchive.localSignature,
                  let nameLength = bytes.u16(h + 26), let extraLength = bytes.u16(h + 28) else {
                throw .invalid("\(file) is damaged: the local header of '\(e.name)' is not at offset \(h)")
            }
            guard bytes.text((h + 30)..<(h + 30 + nameLength)) == e.name else {
                throw .invalid("\(file) is damaged: the local header at offset \(h) does not name '\(e.name)'")
            }
            let start = h + 30 + nameLength + extraLength
            guard let stop = start.adding(e.compressedSize), stop <= directoryStart else {
                throw .invalid("\(file) is truncated or damaged: the data of '\(e.name)' (\(e.compressedSize) bytes at offset \(start)) runs past the end of the entries")
            }
            entries[i].data = start..<stop
        }
        let byOffset = entries.sorted { $0.localHeader < $1.localHeader }
        for (a, b) in zip(byOffset, byOffset.dropFirst()) where a.data.upperBound > b.localHeader {
            throw .invalid("\(file) is damaged: the entries '\(a.name)' and '\(b.name)' overlap (a zip bomb's trick)")
        }
        self.entries = entries
    }

    /// Calls `body` with the bytes of an entry, inflated if need be (a stored entry is not
    /// copied) and their CRC checked. `limit` caps the declared size before anything is
    /// allocated.
    func withContents<T>(of entry: Entry, in bytes: UnsafeBufferPointer<UInt8>, limit: Int,
                         _ body: (UnsafeBufferPointer<UInt8>) throws(DataFileError) -> T) throws(DataFileError) -> T {
        let name = "'\(path)' entry '\(entry.name)'"
        guard entry.size <= limit else {
            throw .invalid("\(name) declares \(entry.size) bytes, more than the \(limit) xe reads (the tensor size limit)")
        }
        let raw = UnsafeBufferPointer(rebasing: bytes[entry.data])
        let inflated = entry.method == 8 ? try Inflate.inflate(raw, size: entry.size, name: name) : nil
        return try inflated.withContents(or: raw) { (data) throws(DataFileError) -> T in
            let crc = Inflate.crc32(0, UnsafeRawBufferPointer(data))
            guard crc == entry.crc else {
                throw .invalid("\(name) is corrupt: its CRC-32 is \(hex(crc)), the archive says \(hex(entry.crc))")
            }
            return try body(data)
        }
    }

    /// The entry named `name`.
    func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    private func hex(_ v: UInt32) -> String {
        let digits = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}

extension Optional<[UInt8]> {
    /// `body` on the array's bytes when there is one, else on `other`.
    fileprivate func withContents<T>(or other: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws(DataFileError) -> T) throws(DataFileError) -> T {
        guard let array = self else { return try body(other) }
        return try array.withUnsafeBufferPointer { (b) throws(DataFileError) -> T in try body(b) }
    }
}
