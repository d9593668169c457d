import CLineEdit
import Glibc

/// The REPL's history file: `$XDG_STATE_HOME/xe/history` (the folders made as needed), else
/// `~/.xe_history`, in libedit's own format, one entry (perhaps of several lines) per record.
/// Each entry is appended under a lock as it is entered, so sessions open at once keep each
/// other's entries. A file that is unreadable or not a history file is left alone with a warning.
struct History {
    static let capacity = 1000
    /// libedit's first line.
    static let signature = "_HiStOrY_V2_"

    let path: String?

    init() {
        if let state = getenv("XDG_STATE_HOME").map({ String(cString: $0) }), !state.isEmpty {
            History.makeFolders(state)
            mkdir(state + "/xe", 0o700)
            path = state + "/xe/history"
        } else if let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty {
            path = home + "/.xe_history"
        } else {
            path = nil
        }
    }

    /// Whether the history may be written: false when loading found a file that is not ours.
    private static nonisolated(unsafe) var writable = true
    private static nonisolated(unsafe) var warnedWrite = false

    /// Loads the history; warnings for a file that could not be used.
    func load() -> [String] {
        guard let path else { return ["no HOME or XDG_STATE_HOME; history is not kept"] }
        guard access(path, F_OK) == 0 else { return [] }
        // Looked at once, before opening: its kind and its size.
        var info = stat()
        let known = stat(path, &info) == 0
        if known && (info.st_mode & S_IFMT) != S_IFREG {
            // A folder, a device or a named pipe (opening which would wait forever): not ours.
            History.writable = false
            return ["\(path) is not a regular file; leaving it alone (history is not kept this session)"]
        }
        guard let file = fopen(path, "r") else {
            History.writable = false
            return ["cannot read the history file \(path): \(String(cString: strerror(errno))); history is not kept this session"]
        }
        var header = [CChar](repeating: 0, count: 64)
        let got = fgets(&header, 64, file)
        fclose(file)
        let first = got == nil ? "" : String(decoding: header.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).trimmingTrailingNewline
        if known && info.st_size == 0 { return [] }
        guard first == History.signature else {
            History.writable = false
            return ["\(path) is not an xe history file; leaving it alone (history is not kept this session)"]
        }
        if info.st_size > 16 << 20 {
            return ["the history file \(path) is larger than 16 MiB; not loaded"]
        }
        if xe_le_read_history(path) != 0 {
            return ["cannot load the history file \(path)"]
        }
        return []
    }

    /// Creates a folder and its missing parents (`mkdir -p`; the XDG rules ask for 0700).
    static func makeFolders(_ path: String) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            mkdir(prefix, 0o700)
        }
    }

    /// Appends an entry to the file; a warning the first time it fails (a full disk, a
    /// read-only file).
    func append(_ entry: String) -> String? {
        guard let path, History.writable else { return nil }
        if xe_le_append_history(path, entry, Int32(History.capacity)) != 0 {
            if History.warnedWrite { return nil }
            History.warnedWrite = true
            return "cannot write the history file \(path): \(String(cString: strerror(errno)))"
        }
        return nil
    }
}

extension String {
    var trimmingTrailingNewline: String {
        var s = self
        while s.hasSuffix("\n") || s.hasSuffix("\r") { s.removeLast() }
        return s
    }
}
