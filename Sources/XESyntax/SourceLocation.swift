/// A position in a source text: the file's name, a 1-based line and a 1-based column
/// (counted in Unicode scalars).
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// Marks the name of a source that is shown without a name: each REPL entry gets its own
    /// (`unnamed + "3"`), so that an error in a function typed earlier still shows that line.
    public static let unnamed = "\u{1}"

    /// `file:line:col`, or `line:col` when the file has no name (the REPL).
    public var description: String {
        file.isEmpty || file.hasPrefix(SourceLocation.unnamed) ? "\(line):\(column)" : "\(file):\(line):\(column)"
    }
}
