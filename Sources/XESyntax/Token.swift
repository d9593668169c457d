/// A lexical token of xe.
public enum Token: Sendable, Equatable {
    case number(Double)
    case string(String)
    case identifier(String)
    case keyword(Keyword)
    case op(Operator)
    case newline
    case end

    /// How the token reads in an error message.
    public var display: String {
        switch self {
        case .number(let value):
            // As it was written for whole numbers (5, not 5.0); Swift's shortest form otherwise.
            if value == value.rounded(), Swift.abs(value) < 1e15 { return "number \(Int(value))" }
            return "number \(value)"
        case .string: return "a string"
        case .identifier(let name): return "'\(name)'"
        case .keyword(let keyword): return "'\(keyword.rawValue)'"
        case .op(let op): return "'\(op.rawValue)'"
        case .newline: return "end of line"
        case .end: return "end of input"
        }
    }
}

/// A token with the place it starts.
public struct LexedToken: Sendable, Equatable {
    public var token: Token
    public var location: SourceLocation

    public init(_ token: Token, at location: SourceLocation) {
        self.token = token
        self.location = location
    }
}

/// Reserved words.
public enum Keyword: String, Sendable, CaseIterable {
    case `if`, `else`, `for`, `in`, `while`, `return`, `import`, `and`, `or`, `not`
    case `true`, `false`, `break`, `continue`
}

/// Operators and punctuation, spelled as in the source (`**` is scanned as `^`).
public enum Operator: String, Sendable, CaseIterable {
    case plus = "+", minus = "-", star = "*", slash = "/", at = "@", caret = "^"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">"
    case greaterEqual = ">="
    case assign = "=", plusAssign = "+=", minusAssign = "-=", starAssign = "*="
    case slashAssign = "/="
    case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
    case leftBrace = "{", rightBrace = "}"
    case comma = ",", colon = ":", semicolon = ";", arrow = "->", ellipsis = "..."
}
