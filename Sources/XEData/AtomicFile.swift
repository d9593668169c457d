import Glibc

/// A file written so that it is never half there: the bytes go to a temporary file in the same
/// folder, which is flushed to the disk (`fsync`) and renamed over the target only when
/// complete. A write that fails (a full disk, an error in the data) leaves the old file as it
/// was and removes the temporary one.
public final class AtomicFile: ByteSink {
    /// The file the bytes are meant for (a symbolic link's target, so the link stays).
    let target: String
    /// The path as given, for messages.
    let shown: String
    let temporary: String
    private var file: UnsafeMutablePointer<FILE>?
    /// Bytes written so far.
    private(set) var offset = 0

    /// Opens the temporary file beside `path`.
    public init(_ path: String) throws(DataFileError) {
        var target = path
        var info = stat()
        if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK, let resolved = realpath(path, nil) {
            target = String(cString: resolved)
            free(resolved)
        }
        if stat(target, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            throw .invalid("cannot write '\(path)': it is \(AtomicFile.describe(kind: info.st_mode & S_IFMT) ?? "not a regular file"), not a file")
        }
        self.target = target
        self.shown = path
        let folder: String, name: String
        if let slash = target.lastIndex(of: "/") {
            folder = slash == target.startIndex ? "/" : String(target[..<slash])
            name = String(target[target.index(after: slash)...])
        } else {
            (folder, name) = (".", target)
        }
        let base = folder == "/" ? "/" : folder + "/"
        let temporaryName: String = base + "." + String(name.prefix(200)) + ".xe-XXXXXX"
        var template = temporaryName.utf8CString
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .invalid("cannot write '\(path)': \(String(cString: strerror(errno)))") }
        temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        // The new file gets the old one's permissions, or those a new file would get (0666
        // less the umask) instead of mkstemp's 0600.
        let mode: mode_t
        if stat(target, &info) == 0 {
            mode = info.st_mode & 0o7777
        } else {
            let mask = umask(0)
            umask(mask)
            mode = 0o666 & ~mask
        }
        fchmod(fd, mode)
        file = fdopen(fd, "wb")
        if file == nil {
            close(fd)
            unlink(temporary)
            throw .invalid("cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        if let file {
            fclose(file)
            unlink(temporary)
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(DataFileError) {
        guard let file else { throw .invalid("cannot write '\(shown)': the file is already closed") }
        guard bytes.count > 0 else { return }
        let n = fwrite(bytes.baseAddress, 1, bytes.count, file)
        offset += n
        guard n == bytes.count else { throw failure() }
    }

    /// Flushes the data to the disk and puts the file in place of the old one.
    public func commit() throws(DataFileError) {
        guard let file else { return }
        self.file = nil
        let flushed = fflush(file) == 0 && fsync(fileno(file)) == 0
        let error = errno
        let closed = fclose(file) == 0
        guard flushed, closed else {
            unlink(temporary)
            errno = flushed ? errno : error
            throw failure()
        }
        guard rename(temporary, target) == 0 else {
            let error = failure()
            unlink(temporary)
            throw error
        }
        // The rename itself reaches the disk with the folder.
        let folder = target.lastIndex(of: "/").map { $0 == target.startIndex ? "/" : String(target[..<$0]) } ?? "."
        let fd = open(folder, O_RDONLY | O_DIRECTORY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    private func failure() -> DataFileError {
        .invalid("cannot write '\(shown)': \(String(cString: strerror(errno))); the file was left as it was")
    }

    /// What a file of this kind (`st_mode & S_IFMT`) is, in words; nil for a regular file.
    public static func describe(kind: mode_t) -> String? {
        switch kind {
        case S_IFREG: return nil
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a named pipe"
        case S_IFSOCK: return "a socket"
        default: return "a device"
        }
    }

    /// Writes a whole file: `body` writes the bytes, then the file is committed; a failure
    /// anywhere leaves the old file.
    public static func write(_ path: String, _ body: (AtomicFile) throws(DataFileError) -> Void) throws(DataFileError) {
        let file = try AtomicFile(path)
        try body(file)
        try file.commit()
    }
}
