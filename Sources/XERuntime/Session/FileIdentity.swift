import Glibc

/// Which file a path names and which version of it: device, inode, size and modification time.
/// Two spellings of one file have one identity; a rebuilt file has a new one.
struct FileIdentity: Equatable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: timespec

    /// The identity of the file at `path` (links followed); nil when it cannot be looked at.
    init?(_ path: String) {
        var s = stat()
        guard stat(path, &s) == 0 else { return nil }
        device = UInt64(s.st_dev)
        inode = UInt64(s.st_ino)
        size = Int64(s.st_size)
        modified = s.st_mtim
    }

    /// Whether both name the same file, whatever its version.
    func sameFile(as other: FileIdentity) -> Bool {
        device == other.device && inode == other.inode
    }

    static func == (a: FileIdentity, b: FileIdentity) -> Bool {
        a.sameFile(as: b) && a.size == b.size
            && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
    }
}

/// What a session remembers of the plugin files it loaded.
struct PluginFiles {
    /// A loaded plugin file: the spelling it was first loaded under (its origin in the loss
    /// registry, so that another spelling of it is the same plugin) and the version of it
    /// loaded last.
    struct File {
        /// The path with every link and `.`/`..` resolved.
        var canonical: String
        var spelling: String
        var loaded: FileIdentity
    }

    var files: [File] = []
    /// The origins of the plugins loaded from a plugin folder: their losses give way to a loss
    /// of the same name loaded by name (`--plugin`, `:plugin`, `import`, `:load`).
    var fromFolders: Set<String> = []
    /// Whether the plugin folders are being loaded (their losses do not replace each other).
    var autoloading = false

    /// The file already loaded that `canonical` (a resolved path) or `identity` (a hard link:
    /// the same inode, size and time, so that an inode reused by a new file does not count)
    /// names.
    func index(canonical: String, identity: FileIdentity) -> Int? {
        files.firstIndex { $0.canonical == canonical || $0.loaded == identity }
    }

    /// The spelling `path`'s file was first run or loaded under (recording `path` as it if the
    /// file is new), so that one file is one origin of losses however it is named.
    mutating func spelling(of path: String) -> String {
        guard let identity = FileIdentity(path) else { return path }
        let canonical = Self.canonical(path)
        if let i = index(canonical: canonical, identity: identity) { return files[i].spelling }
        files.append(File(canonical: canonical, spelling: path, loaded: identity))
        return path
    }

    /// `path` with every link and `.`/`..` resolved; the path itself if that fails.
    static func canonical(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
