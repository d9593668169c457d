import Glibc

/// Whole-file reads and writes through the C library (xe does not load Foundation, to start
/// fast).
enum FileSystem {
    /// The largest file xe reads, in bytes.
    static let maxFileSize = 1 << 31

    static func read(_ path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw XEError(.io("cannot open '\(path)': \(String(cString: strerror(errno)))"))
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
            if bytes.count > maxFileSize { throw XEError(.io("'\(path)' is larger than \(maxFileSize) bytes")) }
            if n < buffer.count {
                if ferror(file) != 0 { throw XEError(.io("cannot read '\(path)': \(String(cString: strerror(errno)))")) }
                break
            }
        }
        return bytes
    }

    static func readText(_ path: String) throws -> String {
        let bytes = try read(path)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func write(_ path: String, _ bytes: [UInt8]) throws {
        guard let file = fopen(path, "wb") else {
            throw XEError(.io("cannot write '\(path)': \(String(cString: strerror(errno)))"))
        }
        let n = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file)
        guard n == bytes.count, closed == 0 else {
            throw XEError(.io("cannot write '\(path)': \(String(cString: strerror(errno)))"))
        }
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var s = stat()
        return stat(path, &s) == 0 && (s.st_mode & S_IFMT) == S_IFDIR
    }

    /// The directory part of a path ("." for a bare name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The entries of a directory, sorted; nil when it cannot be read.
    static func list(_ directory: String) -> [String]? {
        guard let dir = opendir(directory) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
