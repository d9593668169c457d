import XEData
import XESyntax
import XETensor

/// The workspace saved to and restored from an `.npz` file (`:save`, `:restore`, `xe -i
/// session.npz`), and the names of the arrays `load` read from a file.
extension Interpreter {
    /// Remembers the names of the arrays of a whole-file `load`, so that showing the tuple
    /// shows them.
    func rememberNames(_ names: [String], of items: [Value]) {
        loadedNames = (names, items)
    }

    /// The names of a tuple's items when it is exactly what the last whole-file `load`
    /// returned (the same arrays, not equal copies), else nil.
    public func loadedNames(of value: Value) -> [String]? {
        guard case .tuple(let items) = value, let loaded = loadedNames, loaded.items.count == items.count else { return nil }
        for (a, b) in zip(items, loaded.items) {
            switch (a, b) {
            case (.number(let x), .number(let y)) where x.bitPattern == y.bitPattern: continue
            case (.tensor(let x), .tensor(let y)) where x.shape == y.shape && Interpreter.sameStorage(x, y): continue
            default: return nil
            }
        }
        return loaded.names
    }

    /// Whether two tensors share one storage buffer (a copy of a value, never equal data).
    static func sameStorage(_ a: Tensor, _ b: Tensor) -> Bool {
        a.storage.withUnsafeBufferPointer { pa in b.storage.withUnsafeBufferPointer { pb in pa.baseAddress == pb.baseAddress } }
    }

    /// A value as the REPL shows it (at `width` columns, numbers in `style`); the arrays of a
    /// loaded file each under its name.
    public func display(_ value: Value, width: Int? = nil, style: NumberStyle = .long) -> String {
        guard let names = loadedNames(of: value), case .tuple(let items) = value else { return format(value, width: width, style: style) }
        return zip(names, items).map { name, item in
            let text = format(item, width: width, style: style)
            return name + (text.contains("\n") ? " =\n" : " = ") + text
        }.joined(separator: "\n")
    }

    /// Writes every variable that holds a number or tensor to an `.npz` file (replaced only
    /// once complete); returns the names saved and those skipped (functions, strings, tuples).
    public func saveWorkspace(_ path: String) throws(XEError) -> (saved: [String], skipped: [String]) {
        var arrays: [NamedTensor] = []
        var skipped: [String] = []
        for name in variableNames where name != "args" && name != "ans" {
            guard let value = global(name) else { continue }
            if let t = value.tensorValue { arrays.append(NamedTensor(name: name, tensor: t)) } else { skipped.append(name) }
        }
        do {
            try DataFile.write(arrays, kind: .npz, path: path)
        } catch {
            throw XEError(.io(error.message))
        }
        return (arrays.map(\.name), skipped)
    }

    /// Sets a variable for every array of an `.npz` file; returns their names. A name that is
    /// not an identifier is refused before anything is set.
    public func restoreWorkspace(_ path: String) throws(XEError) -> [String] {
        let arrays: [NamedTensor]
        do {
            arrays = try DataFile.read(try FileSystem.readData(path), kind: .npz, path: path)
        } catch {
            throw XEError(.io(error.message))
        }
        for a in arrays where !Interpreter.isIdentifier(a.name) {
            throw XEError(.io("'\(path)' holds the array '\(a.name)', which is not a variable name; load it with load(\"\(path)\", \"\(a.name)\")"))
        }
        for a in arrays { setGlobal(a.name, Value(a.tensor)) }
        return arrays.map(\.name)
    }

    /// Whether `name` can be a variable: the lexer reads it as one identifier (so the same
    /// rule as in programs, Unicode letters included; keywords are not identifiers).
    static func isIdentifier(_ name: String) -> Bool {
        guard let tokens = try? Lexer.tokenize(name) else { return false }
        let real = tokens.filter { $0.token != .newline && $0.token != .end }
        guard real.count == 1, case .identifier(let text) = real[0].token else { return false }
        return text == name
    }
}
