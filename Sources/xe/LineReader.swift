/// Reads the lines a person types.
protocol LineReader {
    /// The next line, `.interrupted` for Ctrl-C, `.end` for Ctrl-D on an empty line.
    func read(prompt: String) -> LineInput
    /// Records a line in the history.
    func remember(_ line: String)
    /// Whether more input is already waiting (the rest of a paste).
    var moreInputWaiting: Bool { get }
}
