/// A program parsed: its statements and every syntax error found in the one pass over it.
public struct ParsedProgram: Sendable {
    /// The statements that parsed (the whole program when `errors` is empty).
    public var statements: [Stmt] = []
    /// The syntax errors, first to last in the text.
    public var errors: [SyntaxError] = []

    /// Whether more input could complete the program: its first error is that the input ended
    /// where more was expected (an unclosed bracket, string or block, a trailing operator). The
    /// REPL's continuation test, decided by the same parse as the program, as Lua's REPL does
    /// (an error at `<eof>` means "read another line").
    public var isIncomplete: Bool { errors.first?.isIncompleteInput ?? false }
    /// Whether the last token is `;` (a comment after it allowed): a REPL entry written so
    /// shows no values, as in MATLAB, Julia and IPython.
    public var endsWithSemicolon = false
}

/// Parses tokens into statements by recursive descent; expressions by precedence climbing over
/// the operator table (`Operators.swift`).
///
/// Two limits keep every later recursive walk (compiler, interpreter) on a bounded stack:
/// `maxNesting` for brackets, blocks and prefix operators, and `maxTreeDepth` for the depth
/// of the tree that long operator chains build.
public struct Parser {
    /// The deepest nesting of brackets, blocks, lambdas and prefix operators.
    public static let maxNesting = 256
    /// The deepest expression tree, operator chains included.
    public static let maxTreeDepth = 20_000

    var tokens: [LexedToken]
    var position = 0
    var nesting = 0
    var treeDepth = 0
    let comments: [Int: String]

    init(tokens: [LexedToken], comments: [Int: String]) {
        self.tokens = tokens
        self.comments = comments
    }

    /// Parses a whole program in one pass, collecting its statements and every syntax error
    /// (at most `errorLimit`), first to last in the text: after an error, parsing resumes at
    /// the next top-level statement (Crafting Interpreters' panic mode).
    ///
    /// When the lexer fails (a bad character, an unclosed bracket or string), the tokens before
    /// the failure are parsed anyway: a syntax error among them is earlier in the text and comes
    /// first; the lexer's error comes last, and replaces the parser's running out of tokens
    /// where the lexer stopped. So an unclosed bracket at the end does not hide a mistake on
    /// the first line, and the REPL only asks for another line when the input so far is a
    /// valid beginning (`ParsedProgram.isIncomplete`).
    public static func parseProgram(_ source: String, file: String = "", errorLimit: Int = 10) -> ParsedProgram {
        var (parser, lexerError) = scanned(source, file: file)
        var parsed = parser.program(errorLimit: errorLimit)
        parsed.endsWithSemicolon = parser.tokens.last { $0.token != .newline && $0.token != .end }?.token == .op(.semicolon)
        if let lexerError {
            // The input stops where the lexer failed: running out there is its error, not more.
            parsed.errors.removeAll { $0.isIncompleteInput }
            if parsed.errors.count < errorLimit { parsed.errors.append(lexerError) }
        }
        return parsed
    }

    /// Parses a whole program, throwing the error that comes first in the text (see
    /// `parseProgram`, which gives every error).
    public static func parse(_ source: String, file: String = "") throws(SyntaxError) -> [Stmt] {
        let parsed = parseProgram(source, file: file, errorLimit: 1)
        if let first = parsed.errors.first { throw first }
        return parsed.statements
    }

    /// A parser over the tokens of `source`; when the lexer fails, over the tokens before the
    /// failure (ended there), with the lexer's error.
    static func scanned(_ source: String, file: String) -> (Parser, SyntaxError?) {
        var lexer = Lexer(source, file: file)
        do {
            let tokens = try lexer.tokenize()
            return (Parser(tokens: tokens, comments: lexer.comments), nil)
        } catch {
            return (Parser(tokens: lexer.scanned + [LexedToken(.end, at: error.location)], comments: lexer.comments), error)
        }
    }

    // MARK: Token helpers

    var current: LexedToken { tokens[position] }
    var token: Token { tokens[position].token }
    var location: SourceLocation { tokens[position].location }

    func peekToken(_ offset: Int) -> Token {
        let i = position + offset
        return i < tokens.count ? tokens[i].token : .end
    }

    mutating func advance() -> LexedToken {
        let t = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return t
    }

    func check(_ op: Operator) -> Bool { token == .op(op) }
    func check(_ keyword: Keyword) -> Bool { token == .keyword(keyword) }

    mutating func match(_ op: Operator) -> Bool {
        if check(op) {
            _ = advance()
            return true
        }
        return false
    }

    mutating func match(_ keyword: Keyword) -> Bool {
        if check(keyword) {
            _ = advance()
            return true
        }
        return false
    }

    mutating func skipNewlines() {
        while token == .newline { _ = advance() }
    }

    /// The error for an unexpected token: "unexpected end" when the input ran out.
    func failure(expected: String) -> SyntaxError {
        if token == .end {
            return .unexpectedEnd(expected: expected, at: location)
        }
        return .unexpected(found: token.display, expected: expected, at: location)
    }

    mutating func expect(_ op: Operator, _ what: String? = nil) throws(SyntaxError) {
        guard match(op) else { throw failure(expected: what ?? "'\(op.rawValue)'") }
    }

    mutating func expectIdentifier(_ what: String) throws(SyntaxError) -> String {
        guard case .identifier(let name) = token else { throw failure(expected: what) }
        _ = advance()
        return name
    }

    /// Runs `body` one nesting level deeper, refusing to go past the limits.
    mutating func nested<T>(_ body: (inout Parser) throws(SyntaxError) -> T) throws(SyntaxError) -> T {
        nesting += 1
        treeDepth += 1
        defer {
            nesting -= 1
            treeDepth -= 1
        }
        if nesting > Parser.maxNesting {
            throw .tooDeep(limit: Parser.maxNesting, at: location)
        }
        if treeDepth > Parser.maxTreeDepth {
            throw .tooDeep(limit: Parser.maxTreeDepth, at: location)
        }
        return try body(&self)
    }

    /// Counts one more link of an operator chain towards the tree-depth limit.
    mutating func chainLink(_ links: inout Int) throws(SyntaxError) {
        links += 1
        treeDepth += 1
        if treeDepth > Parser.maxTreeDepth {
            throw .tooDeep(limit: Parser.maxTreeDepth, at: location)
        }
    }

    /// The doc comment: the comment-only lines right above `line`.
    func docComment(above line: Int) -> String? {
        var lines: [String] = []
        var l = line - 1
        while let text = comments[l] {
            lines.append(text.hasPrefix(" ") ? String(text.dropFirst()) : text)
            l -= 1
        }
        guard !lines.isEmpty else { return nil }
        return lines.reversed().joined(separator: "\n")
    }
}
