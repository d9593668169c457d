/// Turns source text into tokens.
///
/// Newlines end statements, except inside `(` and `[`, where they are ignored; inside `{`
/// they separate statements again. Runs of newlines become one token.
public struct Lexer {
    /// The longest string literal accepted, in Unicode scalars.
    public static let maxStringLength = 1 << 24

    private let scalars: [Unicode.Scalar]
    private let file: String
    private var index = 0
    private var line = 1
    private var column = 1
    /// The open brackets, innermost last, with where each was opened.
    private var brackets: [(scalar: Unicode.Scalar, at: SourceLocation)] = []
    private var lastTokenLine = 0
    /// The text of each line that holds only a comment, by line number (doc comments).
    public private(set) var comments: [Int: String] = [:]

    public init(_ source: String, file: String = "") {
        self.scalars = Array(source.unicodeScalars)
        self.file = file
    }

    /// Scans the whole text. The result always ends with `.end`.
    public static func tokenize(_ source: String, file: String = "") throws(SyntaxError) -> [LexedToken] {
        var lexer = Lexer(source, file: file)
        return try lexer.tokenize()
    }

    private var here: SourceLocation { SourceLocation(file: file, line: line, column: column) }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let i = index + offset
        return i < scalars.count ? scalars[i] : nil
    }

    private mutating func advance() -> Unicode.Scalar {
        let c = scalars[index]
        index += 1
        if c == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        return c
    }

    private var newlinesSignificant: Bool {
        guard let top = brackets.last else { return true }
        return top.scalar == "{"
    }

    /// The tokens scanned so far: after `tokenize` failed, those before the error.
    public private(set) var scanned: [LexedToken] = []

    /// Scans the whole text.
    public mutating func tokenize() throws(SyntaxError) -> [LexedToken] {
        while true {
            skipSpaceAndComments()
            guard let c = peek() else { break }
            let start = here
            lastTokenLine = start.line
            if c == "\n" {
                _ = advance()
                if newlinesSignificant, let last = scanned.last, last.token != .newline {
                    scanned.append(LexedToken(.newline, at: start))
                }
                continue
            }
            if c == "\\", peek(1) == "\n" {  // explicit line continuation
                _ = advance()
                _ = advance()
                continue
            }
            if isDigit(c) || (c == "." && peek(1).map(isDigit) == true) {
                scanned.append(LexedToken(.number(try number()), at: start))
            } else if isIdentifierStart(c) {
                let name = identifier()
                if let keyword = Keyword(rawValue: name) {
                    scanned.append(LexedToken(.keyword(keyword), at: start))
                } else {
                    scanned.append(LexedToken(.identifier(name), at: start))
                }
            } else if c == "\"" {
                scanned.append(LexedToken(.string(try string()), at: start))
            } else {
                scanned.append(LexedToken(.op(try punctuation()), at: start))
            }
        }
        if let open = brackets.last {
            throw .unexpectedEnd(expected: "'\(closing(open.scalar))' to close this '\(open.scalar)'", at: open.at)
        }
        scanned.append(LexedToken(.end, at: here))
        return scanned
    }

    private mutating func skipSpaceAndComments() {
        while let c = peek() {
            if c == " " || c == "\t" || c == "\r" {
                _ = advance()
            } else if c == "#" {
                let commentLine = line
                _ = advance()
                var text = String.UnicodeScalarView()
                while let d = peek(), d != "\n" { text.append(advance()) }
                if lastTokenLine != commentLine {
                    comments[commentLine] = String(text)
                }
            } else {
                return
            }
        }
    }

    private func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    /// A letter (any script's, as in Julia: `α`, `γ`, `naïve`) or `_`.
    private func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" }
        return c.properties.isAlphabetic
    }

    /// After the first character also digits, combining marks, sub- and superscript digits
    /// (`x₁`, `σ²`) and primes (`f′`).
    private func isIdentifierContinuation(_ c: Unicode.Scalar) -> Bool {
        if isIdentifierStart(c) || isDigit(c) { return true }
        if c.isASCII { return false }
        switch c.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .decimalNumber, .otherNumber, .connectorPunctuation: return true
        default: return c == "′" || c == "″" || c == "‴"
        }
    }

    private func closing(_ open: Unicode.Scalar) -> Unicode.Scalar {
        switch open {
        case "(": return ")"
        case "[": return "]"
        default: return "}"
        }
    }

    private mutating func identifier() -> String {
        var text = String.UnicodeScalarView()
        while let c = peek(), isIdentifierContinuation(c) { text.append(advance()) }
        return String(text)
    }

    private mutating func number() throws(SyntaxError) -> Double {
        let start = here
        var text = ""
        while let c = peek(), isDigit(c) { text.unicodeScalars.append(advance()) }
        if peek() == ".", peek(1).map(isDigit) == true || !(peek(1).map(isIdentifierStart) ?? false) {
            text.unicodeScalars.append(advance())
            while let c = peek(), isDigit(c) { text.unicodeScalars.append(advance()) }
        }
        if let e = peek(), e == "e" || e == "E" {
            let sign = peek(1)
            let digitAt = (sign == "+" || sign == "-") ? 2 : 1
            if peek(digitAt).map(isDigit) == true {
                for _ in 0..<digitAt { text.unicodeScalars.append(advance()) }
                while let c = peek(), isDigit(c) { text.unicodeScalars.append(advance()) }
            }
        }
        if let c = peek(), isIdentifierStart(c) || isDigit(c) || c == "." {
            throw .invalidToken("malformed number '\(text)\(Character(c))'", at: start)
        }
        if text.hasPrefix(".") { text = "0" + text }
        guard let value = Double(text) else {
            throw .invalidToken("malformed number '\(text)'", at: start)
        }
        if value.isInfinite {
            throw .invalidToken("number \(text) is too large for a float64 (the largest is about 1.8e308); write inf for infinity", at: start)
        }
        return value
    }

    private mutating func string() throws(SyntaxError) -> String {
        let start = here
        _ = advance()  // opening quote
        var text = String.UnicodeScalarView()
        var length = 0
        while true {
            guard let c = peek() else {
                throw .unexpectedEnd(expected: "'\"' to close this string", at: start)
            }
            if c == "\"" {
                _ = advance()
                return String(text)
            }
            length += 1
            if length > Lexer.maxStringLength {
                throw .invalidToken("string literal is longer than \(Lexer.maxStringLength) characters", at: start)
            }
            if c == "\\" {
                let escapeAt = here
                _ = advance()
                guard let e = peek() else {
                    throw .unexpectedEnd(expected: "an escape character and '\"'", at: here)
                }
                _ = advance()
                switch e {
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "\"": text.append("\"")
                case "\\": text.append("\\")
                default:
                    throw .invalidToken("unknown escape '\\\(Character(e))' in string; use \\n, \\t, \\\" or \\\\", at: escapeAt)
                }
            } else {
                text.append(advance())
            }
        }
    }

    private mutating func punctuation() throws(SyntaxError) -> Operator {
        let start = here
        let c = advance()
        let next = peek()
        func two(_ op: Operator) -> Operator {
            _ = advance()
            return op
        }
        switch c {
        case "+": return next == "=" ? two(.plusAssign) : .plus
        case "-":
            if next == ">" { return two(.arrow) }
            return next == "=" ? two(.minusAssign) : .minus
        case "*":
            if next == "*" { return two(.caret) }  // `**` as in Python and NumPy
            return next == "=" ? two(.starAssign) : .star
        case "/": return next == "=" ? two(.slashAssign) : .slash
        case "@": return .at
        case "^": return .caret
        case "=": return next == "=" ? two(.equal) : .assign
        case "." where next.map(isIdentifierStart) == true:
            // `x.shape`, `p.sum()`: xe has functions, not methods or fields.
            var name = String.UnicodeScalarView()
            while let c = peek(), isIdentifierContinuation(c) { name.append(advance()) }
            let field = String(name)
            var receiver = "value"
            if case .identifier(let n)? = scanned.last?.token {
                receiver = n
            } else if scanned.last.map({ $0.token == .newline }) ?? true, field == "exit" || field == "quit" {
                // sqlite3's `.exit`, `.quit` at the start of a line.
                throw .invalidToken("unexpected '.\(field)'; to leave, type exit (or :quit, or Ctrl-D)", at: start)
            }
            // NumPy's and PyTorch's names whose xe spelling is another function.
            let call = ["T": "transpose(\(receiver))", "ndim": "len(shape(\(receiver)))", "numel": "size(\(receiver))",
                        "item": receiver, "tolist": receiver, "numpy": receiver][field] ?? "\(field)(\(receiver))"
            throw .invalidToken("xe has no fields or methods: write \(call) instead of \(receiver).\(field)", at: start)
        case "!":
            if next == "=" { return two(.notEqual) }
            throw .invalidToken("unexpected character '!'; write 'not x' for negation or '!=' for inequality", at: start)
        case "<": return next == "=" ? two(.lessEqual) : .less
        case ">": return next == "=" ? two(.greaterEqual) : .greater
        case ",": return .comma
        case ":": return .colon
        case ".":
            if next == ".", peek(1) == "." {
                _ = advance()
                return two(.ellipsis)
            }
            throw .invalidToken("unexpected character '.'; '...' stands for every axis not indexed otherwise", at: start)
        case ";": return .semicolon
        case "(", "[", "{":
            brackets.append((c, start))
            return c == "(" ? .leftParen : (c == "[" ? .leftBracket : .leftBrace)
        case ")", "]", "}":
            guard let open = brackets.last else {
                throw .unexpected(found: "'\(Character(c))'", expected: "an expression (there is no open bracket to close)", at: start)
            }
            guard closing(open.scalar) == c else {
                throw .unexpected(found: "'\(Character(c))'", expected: "'\(Character(closing(open.scalar)))' to close the '\(Character(open.scalar))' at \(open.at.line):\(open.at.column)", at: start)
            }
            brackets.removeLast()
            return c == ")" ? .rightParen : (c == "]" ? .rightBracket : .rightBrace)
        default:
            let hex = String(c.value, radix: 16, uppercase: true)
            let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            let printable = c.value >= 32 && c.value != 127 && !(c.value >= 0x80 && c.value < 0xA0) && !c.properties.isWhitespace
            let shown = c.isASCII ? (printable ? "'\(Character(c))'" : code) : (printable ? "'\(Character(c))' (\(code))" : code)
            throw .invalidToken("unexpected character \(shown)", at: start)
        }
    }
}
