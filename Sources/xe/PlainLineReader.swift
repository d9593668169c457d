import CXEShim

/// Reads lines without editing (standard output is not a terminal).
struct PlainLineReader: LineReader {
    func read(prompt: String) -> LineInput {
        Console.write(prompt)
        Console.flush()
        guard let line = readLine(strippingNewline: true) else {
            if xe_interrupted() != 0 {
                xe_clear_interrupt()
                return .interrupted
            }
            return .end
        }
        return .line(line)
    }

    func remember(_ line: String) {}

    var moreInputWaiting: Bool { false }
}
