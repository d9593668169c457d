import XESyntax
import XETensor

extension Interpreter {
    /// A value as the REPL shows it: numbers in the shortest round-trip form, tensors as
    /// pasteable literals, strings quoted.
    public func format(_ value: Value) -> String {
        switch value {
        case .number(let x): return Tensor.format(x)
        case .tensor(let t): return t.description
        case .tracked(let n): return n.value.description
        case .string(let s): return Interpreter.quoted(s)
        case .function(let f):
            if f is LossCallable { return "<loss \(f.signature)>" }
            if f is Builtin { return "<built-in \(f.signature)>" }
            return "<function \(f.signature)>"
        case .tuple(let items): return "(" + items.map(format).joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
        case .none: return ""
        }
    }

    /// A value as `print` shows it: like `format`, but strings raw.
    public func printed(_ value: Value) -> String {
        if case .string(let s) = value { return s }
        return format(value)
    }

    /// A string as xe source writes it: in quotes, with the escapes the lexer reads back.
    static func quoted(_ s: String) -> String {
        "\"" + s.unicodeScalars.map { escapes[$0] ?? String($0) }.joined() + "\""
    }

    /// The characters `quoted` writes as escapes, and how.
    static let escapes: [Unicode.Scalar: String] = ["\"": "\\\"", "\\": "\\\\", "\n": "\\n", "\t": "\\t"]

    /// The error as xe prints it: `file:line:col: error: message`, the source line and a caret
    /// under the column; "error:" in red when `color` is set.
    public func render(_ error: XEError, color: Bool = false) -> String {
        let label = color ? "\u{1B}[1;31merror:\u{1B}[0m" : "error:"
        if case .interrupted = error.problem { return "interrupted" }
        guard let location = error.location else {
            return "\(label) \(error.message)"
        }
        var text = "\(location): \(label) \(error.message)" + snippet(at: location, color: color)
        let note = color ? "\u{1B}[1;36mnote:\u{1B}[0m" : "note:"
        for call in error.calls {
            let times = call.times > 1 ? " (\(call.times) times)" : ""
            text += "\n\(call.location): \(note) called from here\(times)" + snippet(at: call.location, color: color)
        }
        if error.callsLeftOut > 0 {
            text += "\n\(note) and from \(error.callsLeftOut) more call\(error.callsLeftOut == 1 ? "" : "s") further out"
        }
        for other in error.more { text += "\n" + render(other, color: color) }
        return text
    }

    /// The source line of `location` and a caret under its column (nothing when the source is
    /// not known), each on a line of its own.
    func snippet(at location: SourceLocation, color: Bool) -> String {
        guard let lines = sources[location.file], location.line >= 1, location.line <= lines.count else { return "" }
        let line = lines[location.line - 1]
        let shown = line.count > 200 ? String(line.prefix(200)) + " …" : String(line)
        var caret = ""
        for (i, c) in line.unicodeScalars.enumerated() where i < location.column - 1 && i < 200 {
            caret += c == "\t" ? "\t" : String(repeating: " ", count: Interpreter.columns(of: c))
        }
        return "\n" + shown + "\n" + caret + (color ? "\u{1B}[1;32m^\u{1B}[0m" : "^")
    }

    /// How many terminal columns a character takes, as wcwidth says: none for a combining mark
    /// (the e and U+0301 of a decomposed é share one), two for East Asian wide and fullwidth
    /// characters and emoji, one otherwise; so the caret stands under its column.
    static func columns(of c: Unicode.Scalar) -> Int {
        switch c.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if c.properties.isEmojiPresentation { return 2 }
        switch c.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }
}
