/// Reserved words.
public enum Keyword: String, Sendable, CaseIterable {
    case `if`, `else`, `for`, `in`, `while`, `return`, `import`, `and`, `or`, `not`
    case `true`, `false`, `break`, `continue`
}
