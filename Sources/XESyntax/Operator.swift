/// Operators and punctuation.
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
