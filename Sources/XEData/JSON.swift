/// A strict JSON reader for the header of a `.safetensors` file: objects keep their keys in
/// order and refuse a key given twice; depth and length are bounded by the caller's text.
indirect enum JSON: Equatable {
    case object([(key: String, value: JSON)])
    case array([JSON])
    case string(String)
    /// A number as written (integers are read exactly from the text, never through a Double).
    case number(String)
    case bool(Bool)
    case null

    static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.array(let x), .array(let y)): return x == y
        case (.string(let x), .string(let y)), (.number(let x), .number(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    /// The value of `key` in an object.
    subscript(key: String) -> JSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// A non-negative integer, or nil.
    var integer: Int? {
        guard case .number(let text) = self, !text.isEmpty, text.count <= 18, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(text)
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(DataFileError) -> JSON {
        var parser = Parser(bytes: bytes)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.at == bytes.count else { throw parser.failure("text after the end of the JSON value") }
        return value
    }

    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0

        static let maxDepth = 64

        func failure(_ what: String) -> DataFileError {
            .invalid("\(what) at byte \(at) of the header")
        }

        mutating func skipSpace() {
            while at < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) { at += 1 }
        }

        mutating func expect(_ c: UInt8) throws(DataFileError) {
            skipSpace()
            guard at < bytes.count, bytes[at] == c else { throw failure("expected '\(Character(Unicode.Scalar(c)))'") }
            at += 1
        }

        mutating func value(depth: Int) throws(DataFileError) -> JSON {
            guard depth < Parser.maxDepth else { throw failure("JSON nested more than \(Parser.maxDepth) deep") }
            skipSpace()
            guard at < bytes.count else { throw failure("the JSON ends early") }
            switch bytes[at] {
            case UInt8(ascii: "{"):
                var members: [(key: String, value: JSON)] = []
                var keys: Set<String> = []
                try items(closedBy: UInt8(ascii: "}")) { (parser) throws(DataFileError) in
                    parser.skipSpace()
                    guard parser.at < parser.bytes.count, parser.bytes[parser.at] == UInt8(ascii: "\"") else { throw parser.failure("expected a key") }
                    let key = try parser.string()
                    guard keys.insert(key).inserted else { throw parser.failure("the key '\(key.prefix(80))' given twice") }
                    try parser.expect(UInt8(ascii: ":"))
                    members.append((key, try parser.value(depth: depth + 1)))
                }
                return .object(members)
            case UInt8(ascii: "["):
                var elements: [JSON] = []
                try items(closedBy: UInt8(ascii: "]")) { (parser) throws(DataFileError) in
                    elements.append(try parser.value(depth: depth + 1))
                }
                return .array(elements)
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"): try word("true"); return .bool(true)
            case UInt8(ascii: "f"): try word("false"); return .bool(false)
            case UInt8(ascii: "n"): try word("null"); return .null
            default:
                let start = at
                while at < bytes.count, "+-.eE0123456789".utf8.contains(bytes[at]) { at += 1 }
                guard at > start, at - start <= 400 else { throw failure("not a JSON value") }
                return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self))
            }
        }

        /// The items of an object or array, from its opening bracket to `close`, separated by
        /// commas: `item` reads each one.
        mutating func items(closedBy close: UInt8, _ item: (inout Parser) throws(DataFileError) -> Void) throws(DataFileError) {
            at += 1
            skipSpace()
            if at < bytes.count, bytes[at] == close { at += 1; return }
            while true {
                try item(&self)
                skipSpace()
                guard at < bytes.count else { throw failure("the JSON ends early") }
                if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                if bytes[at] == close { at += 1; return }
                throw failure("expected ',' or '\(Character(Unicode.Scalar(close)))'")
            }
        }

        mutating func word(_ w: String) throws(DataFileError) {
            for c in w.utf8 {
                guard at < bytes.count, bytes[at] == c else { throw failure("not a JSON value") }
                at += 1
            }
        }

        /// A string after its opening quote; escapes decoded (`\uXXXX` pairs included).
        mutating func string() throws(DataFileError) -> String {
            at += 1
            var out: [UInt8] = []
            while true {
                guard at < bytes.count else { throw failure("a string that does not end") }
                let c = bytes[at]
                at += 1
                if c == UInt8(ascii: "\"") { break }
                guard c >= 0x20 else { throw failure("a control character in a string") }
                guard c == UInt8(ascii: "\\") else { out.append(c); continue }
                guard at < bytes.count else { throw failure("a string that does not end") }
                let e = bytes[at]
                at += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") {
                        at += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw failure("a broken surrogate pair") }
                        scalar = 0x10000 + (scalar - 0xD800) << 10 + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw failure("a lone surrogate") }
                    out += Array(String(Character(u)).utf8)
                default: throw failure("an unknown escape")
                }
            }
            return String(decoding: out, as: UTF8.self)
        }

        mutating func hex4() throws(DataFileError) -> UInt32 {
            guard at + 4 <= bytes.count else { throw failure("a short \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                guard let d = Character(Unicode.Scalar(bytes[at])).hexDigitValue else { throw failure("a bad \\u escape") }
                v = v << 4 | UInt32(d)
                at += 1
            }
            return v
        }
    }
}
