import Glibc
import XESyntax

extension Interpreter {
    /// `import "file.xe"` runs a script in this session (its losses and functions become
    /// available); `import "lib.so"` loads a native plugin. Relative paths are found next to the
    /// importing file first, then in the working directory.
    func importFile(_ path: String, at location: SourceLocation) throws {
        let candidates = importCandidates(path, from: location.file)
        guard let found = candidates.first(where: FileSystem.exists) else {
            throw XEError(.io("cannot find '\(path)'; looked in: " + candidates.joined(separator: ", ")), at: location)
        }
        if found.hasSuffix(".so") || found.hasSuffix(".dylib") {
            _ = try loadPlugin(found, at: location)
            return
        }
        try runScriptFile(found, at: location)
    }

    func importCandidates(_ path: String, from file: String) -> [String] {
        if path.hasPrefix("/") { return [path] }
        var result: [String] = []
        if !file.isEmpty { result.append(FileSystem.directory(of: file) + "/" + path) }
        result.append(path)
        return result.reduce(into: []) { list, p in if !list.contains(p) { list.append(p) } }
    }

    /// Runs a script file in this session (an import, `:load` or a script plugin).
    public func runScriptFile(_ path: String, at location: SourceLocation? = nil) throws(XEError) {
        try LargeStack.run { () throws(XEError) in
            // One file is one origin of losses, however it is spelled (`lib.xe`, `./lib.xe`, a link).
            let path = pluginFiles.spelling(of: path)
            guard !importStack.contains(path) else {
                throw XEError(.other("'\(path)' imports itself (through \(importStack.joined(separator: " → ")))"), at: location)
            }
            guard importStack.count < 64 else {
                throw XEError(.limit("imports are nested more than 64 deep"), at: location)
            }
            let text: String
            do {
                text = try FileSystem.readText(path, limit: FileSystem.maxSourceSize)
            } catch {
                throw XEError(XEError.wrap(error, at: nil).problem, at: location)
            }
            importStack.append(path)
            defer { importStack.removeLast() }
            let savedDepth = callDepth
            defer { callDepth = savedDepth }
            do {
                // Syntax errors as `file:line:col: error:` with the line and caret, every one of them.
                _ = try load(text, file: path).code(root)
            } catch {
                throw XEError.wrap(error, at: location)
            }
        }
    }
}
