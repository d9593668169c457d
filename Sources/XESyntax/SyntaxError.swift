/// An error found while scanning or parsing.
public enum SyntaxError: Error, Sendable, Equatable {
    /// The input ended where more was expected (an unclosed bracket, string or block, or a
    /// trailing operator). The REPL reads another line when it sees this one.
    case unexpectedEnd(expected: String, at: SourceLocation)
    /// A token that does not fit the grammar at this point.
    case unexpected(found: String, expected: String, at: SourceLocation)
    /// A malformed token (an unknown character, a bad escape, a number out of range), or a
    /// construct refused with a message of its own (a repeated parameter, chained comparisons).
    case invalidToken(String, at: SourceLocation)
    /// Nesting deeper than the parser allows.
    case tooDeep(limit: Int, at: SourceLocation)

    /// Where the error was found.
    public var location: SourceLocation {
        switch self {
        case .unexpectedEnd(_, let at), .unexpected(_, _, let at), .invalidToken(_, let at),
             .tooDeep(_, let at):
            return at
        }
    }

    /// The message, without the location.
    public var message: String {
        switch self {
        case .unexpectedEnd(let expected, _):
            return "unexpected end of input; expected \(expected)"
        case .unexpected(let found, let expected, _):
            return "expected \(expected), found \(found)"
        case .invalidToken(let message, _):
            return message
        case .tooDeep(let limit, _):
            return "nesting is too deep (the limit is \(limit) levels); split the expression into smaller ones"
        }
    }

    /// Whether more input could complete the program (the REPL's continuation test).
    public var isIncompleteInput: Bool {
        if case .unexpectedEnd = self { return true }
        return false
    }
}
