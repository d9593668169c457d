import Glibc
import XERuntime

/// What Tab offers, by where the cursor is: `:commands` and their arguments (file names after
/// `:load` and `:plugin`), file names inside a string, keyword parameters after `name(`, and
/// names (built-ins, losses, variables, keywords) elsewhere. `~/` in a path becomes the home
/// folder.
extension REPL {
    static func completion(for before: String, _ interpreter: Interpreter) -> Completion {
        let line = String(before.drop { $0 == " " || $0 == "\t" })
        if line.hasPrefix(":") {
            let name = String(line.prefix { $0 != " " && $0 != "\t" })
            guard name.count < line.count else {
                return Completion(replacing: name.unicodeScalars.count, candidates: commands.map(\.name).filter { $0.hasPrefix(name) })
            }
            let argument = String(line.dropFirst(name.count).drop { $0 == " " || $0 == "\t" })
            switch command(named: name)?.completion ?? .nothing {
            case .nothing:
                return Completion(replacing: 0, candidates: [])
            case .files(let extensions):
                return files(matching: argument, extensions: extensions, inString: false)
            case .words(let words):
                return Completion(replacing: argument.unicodeScalars.count, candidates: words.filter { $0.hasPrefix(argument) })
            case .names:
                break
            }
        }
        if let partial = openString(in: before) {
            return files(matching: partial, extensions: [], inString: true)
        }
        let word = String(before.unicodeScalars.reversed().prefix { isNameScalar($0) }.reversed().map(Character.init))
        let rest = before.dropLast(word.count)
        if line.hasPrefix("?") && rest.trimmed == "?" {
            let topics = ["if", "else", "for", "while", "loss", "return", "import", "functions", "lambda", "operators", "indexing", "comments"]
            return Completion(replacing: word.unicodeScalars.count, candidates: (interpreter.knownNames + topics).filter { $0.hasPrefix(word) })
        }
        var candidates: [String] = []
        if let function = callee(before: String(rest)) {
            candidates += interpreter.parameterNames(of: function).map { $0 + "=" }.filter { $0.hasPrefix(word) }
        }
        if !word.isEmpty, !(word.first?.isNumber ?? false) {
            candidates += (interpreter.knownNames + keywords).filter { $0.hasPrefix(word) }
        }
        return Completion(replacing: word.unicodeScalars.count, candidates: candidates)
    }

    static func isNameScalar(_ s: Unicode.Scalar) -> Bool {
        s == "_" || s.properties.isAlphabetic || s.properties.numericType != nil
    }

    /// The text of the string the cursor is in (from after its opening quote), or nil when the
    /// cursor is not in a string. `#` outside strings starts a comment.
    static func openString(in text: String) -> String? {
        var inString = false
        var escaped = false
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
            } else if c == "\"" {
                inString = true
                start = text.index(after: index)
            } else if c == "#" {
                return nil
            }
            index = text.index(after: index)
        }
        return inString ? String(text[start...]) : nil
    }

    /// The function whose argument list the cursor is at the start of an argument of: `bce(y,
    /// p, red` → `bce`. Nil elsewhere.
    static func callee(before text: String) -> String? {
        let trimmed = text.trimmed
        guard trimmed.hasSuffix("(") || trimmed.hasSuffix(",") else { return nil }
        var depth = 0
        var index = text.endIndex
        while index > text.startIndex {
            index = text.index(before: index)
            let c = text[index]
            if c == ")" || c == "]" || c == "}" { depth += 1 }
            if c == "[" || c == "{" {
                if depth == 0 { return nil }
                depth -= 1
            }
            if c == "(" {
                if depth > 0 {
                    depth -= 1
                    continue
                }
                let name = String(text[..<index].unicodeScalars.reversed().prefix { isNameScalar($0) }.reversed().map(Character.init))
                return name.isEmpty ? nil : name
            }
        }
        return nil
    }

    /// The files and folders whose path starts with `partial` (folders with a `/`), those ending
    /// with one of `extensions` (all when empty); `~` is written out as the home folder. In a
    /// string, a single file found closes the string.
    static func files(matching partial: String, extensions: [String], inString: Bool) -> Completion {
        let replacing = partial.unicodeScalars.count
        let typed = expandingHome(partial)
        let slash = typed.lastIndex(of: "/")
        let folderPart = slash.map { String(typed[...$0]) } ?? ""
        let prefix = slash.map { String(typed[typed.index(after: $0)...]) } ?? typed
        let folder = folderPart.isEmpty ? "." : folderPart
        guard let dir = opendir(folder) else { return Completion(replacing: replacing, candidates: []) }
        defer { closedir(dir) }
        var found: [(name: String, isFolder: Bool)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." || !name.hasPrefix(prefix) { continue }
            if name.hasPrefix(".") && !prefix.hasPrefix(".") { continue }
            var info = stat()
            let isFolder = stat(folderPart + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            if !isFolder && !extensions.isEmpty && !extensions.contains(where: { name.hasSuffix($0) }) { continue }
            found.append((name, isFolder))
        }
        var candidates = found.map { folderPart + $0.name + ($0.isFolder ? "/" : "") }
        if inString, found.count == 1, !found[0].isFolder { candidates[0] += "\"" }
        if candidates.isEmpty && typed != partial {
            // Nothing matched, but `~` can still be written out.
            return Completion(replacing: replacing, candidates: [typed])
        }
        return Completion(replacing: replacing, candidates: candidates)
    }
}
