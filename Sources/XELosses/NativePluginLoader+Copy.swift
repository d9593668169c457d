import Glibc

extension NativePluginLoader {
    /// `dlopen`s a private copy of the library at `path`, made for this call: `dlopen` of a path
    /// it has mapped already (or of a file with the same inode) gives back the old code, so a
    /// rebuilt plugin is loaded from a fresh file. The copy is made next to the original when
    /// that folder is writable (so `$ORIGIN` in the plugin's run path still finds its
    /// neighbours), else in `$TMPDIR`; it is unlinked at once (the mapping keeps it alive).
    static func openPrivateCopy(of path: String) throws(PluginLoadError) -> UnsafeMutableRawPointer {
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let temporary = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        copies += 1
        let suffix = ".xe-reload-\(getpid())-\(copies)-\(name)"
        var lastError = ""
        for candidate in [(folder.isEmpty ? "" : folder) + "/." + name + suffix, temporary + "/" + suffix] {
            do {
                try copyFile(path, to: candidate)
            } catch {
                lastError = error.reason
                continue
            }
            defer { unlink(candidate) }
            guard let handle = dlopen(candidate, RTLD_NOW | RTLD_LOCAL) else {
                let reason = dlerror().map { String(cString: $0) } ?? "unknown error"
                throw .notLoadable(path: path, reason: reason.replacingCandidate(candidate, with: path))
            }
            return handle
        }
        throw .notLoadable(path: path, reason: "cannot make a private copy to load the new build: \(lastError)")
    }

    /// How many private copies this process has made (each gets a new name).
    nonisolated(unsafe) static var copies = 0

    struct CopyError: Error {
        var reason: String
    }

    /// Copies a file byte for byte to a new file `target` (mode 0700, which must not exist yet).
    static func copyFile(_ source: String, to target: String) throws(CopyError) {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw CopyError(reason: "\(source): \(String(cString: strerror(errno)))") }
        defer { close(input) }
        let output = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o700)
        guard output >= 0 else { throw CopyError(reason: "\(target): \(String(cString: strerror(errno)))") }
        var failure: String?
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        copying: while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = "\(source): \(String(cString: strerror(errno)))"
                break
            }
            if n == 0 { break }
            var written = 0
            while written < n {
                let m = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, n - written) }
                if m < 0 {
                    if errno == EINTR { continue }
                    failure = "\(target): \(String(cString: strerror(errno)))"
                    break copying
                }
                written += m
            }
        }
        if close(output) != 0 && failure == nil { failure = "\(target): \(String(cString: strerror(errno)))" }
        if let failure {
            unlink(target)
            throw CopyError(reason: failure)
        }
    }
}

extension String {
    /// The text with every mention of the private copy's path replaced by the plugin's own.
    fileprivate func replacingCandidate(_ candidate: String, with path: String) -> String {
        split(separator: candidate, omittingEmptySubsequences: false).joined(separator: path)
    }
}
