import CXEShim
import Glibc
import XEData

/// Whole-file reads and writes through the C library (xe does not load Foundation, to start
/// fast).
enum FileSystem {
    /// The largest data file (`load`) xe reads, in bytes.
    static let maxFileSize = 1 << 31
    /// The largest program (a script, an import, a plugin) xe reads, in bytes.
    static let maxSourceSize = 1 << 26

    /// The whole file. Refused before reading: a device or folder (only regular files and pipes
    /// are read, so `/dev/zero` cannot fill the memory), and a regular file over `limit` bytes.
    static func read(_ path: String, limit: Int = maxFileSize) throws -> [UInt8] {
        // Looked at before opening: opening a named pipe would wait for a writer forever.
        if let problem = notARegularFile(path) { throw XEError(.io("cannot read '\(path)': it is \(problem), not a file")) }
        guard let file = fopen(path, "rb") else {
            throw XEError(.io("cannot open '\(path)': \(String(cString: strerror(errno)))"))
        }
        defer { fclose(file) }
        return try read(file, named: "'\(path)'", limit: limit)
    }

    /// Everything left in an open file (`name` says what it is in messages), with the same
    /// refusals as `read(_:limit:)`; with `devices`, a device is read too, up to `limit`
    /// (standard input may be `/dev/null`).
    static func read(_ file: UnsafeMutablePointer<FILE>, named name: String, limit: Int, devices: Bool = false) throws -> [UInt8] {
        var info = stat()
        var bytes: [UInt8] = []
        if fstat(fileno(file), &info) == 0 {
            let kind = info.st_mode & S_IFMT
            guard kind == S_IFREG || kind == S_IFIFO || kind == S_IFSOCK || (devices && kind == S_IFCHR) else {
                throw XEError(.io("cannot read \(name): it is \(describe(kind: kind) ?? "not readable"), not a file"))
            }
            if kind == S_IFREG && Int(info.st_size) > limit {
                throw XEError(.io("\(name) is \(info.st_size) bytes, more than the \(limit) xe reads"))
            }
            // A regular file's size is known: one allocation, no copies as the array grows.
            if kind == S_IFREG { bytes.reserveCapacity(Int(info.st_size) + 1) }
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if xe_interrupted() != 0 { throw XEError(.interrupted) }
            let n = fread(&buffer, 1, buffer.count, file)
            if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
            if bytes.count > limit { throw XEError(.io("\(name) is larger than the \(limit) bytes xe reads")) }
            if n < buffer.count {
                if ferror(file) != 0 {
                    if errno == EINTR { clearerr(file); continue }
                    throw XEError(.io("cannot read \(name): \(String(cString: strerror(errno)))"))
                }
                break
            }
        }
        return bytes
    }

    static func readText(_ path: String, limit: Int = maxFileSize) throws -> String {
        let bytes = try read(path, limit: limit)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A data file's bytes, its errors as the data readers give theirs.
    static func readData(_ path: String) throws(DataFileError) -> [UInt8] {
        do {
            return try read(path)
        } catch let error as XEError {
            throw .invalid(error.message)
        } catch {
            throw .invalid("cannot read '\(path)'")
        }
    }

    /// Writes a whole file through a temporary file beside it, renamed over the old one only
    /// when complete (a failed write leaves the old file).
    static func write(_ path: String, _ bytes: [UInt8]) throws {
        do {
            try AtomicFile.write(path) { (file) throws(DataFileError) in try file.write(bytes) }
        } catch {
            throw XEError(.io(error.message))
        }
    }

    /// What the path names when it exists and is not a regular file ("a folder", "a device",
    /// "a named pipe", "a socket"); nil for a regular file or a path that cannot be looked at.
    static func notARegularFile(_ path: String) -> String? {
        var s = stat()
        guard stat(path, &s) == 0 else { return nil }
        return describe(kind: s.st_mode & S_IFMT)
    }

    /// What a file of this kind (`st_mode & S_IFMT`) is, in words; nil for a regular file.
    static func describe(kind: mode_t) -> String? { AtomicFile.describe(kind: kind) }

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
