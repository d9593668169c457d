import CLineEdit
import CXEShim
import Glibc

/// Line editing, history and Tab completion through libedit.
final class EditLineReader: LineReader {
    let history: History
    /// Completes a word: the candidates that start with it.
    nonisolated(unsafe) static var candidates: (String) -> [String] = { _ in [] }
    private var last: String?

    init(history: History, candidates: @escaping (String) -> [String]) {
        self.history = history
        EditLineReader.candidates = candidates
        setlocale(LC_CTYPE, "")
        xe_le_init("xe", { word in EditLineReader.complete(word.map { String(cString: $0) } ?? "") }, Int32(History.capacity), { xe_interrupted() })
        for warning in history.load() { Console.error("xe: warning: \(warning)") }
    }

    func read(prompt: String) -> LineInput {
        xe_clear_interrupt()
        guard let raw = xe_le_readline(prompt) else {
            if xe_interrupted() != 0 {
                xe_clear_interrupt()
                return .interrupted
            }
            return .end
        }
        defer { xe_le_free(raw) }
        if xe_interrupted() != 0 {
            xe_clear_interrupt()
            return .interrupted
        }
        return .line(String(cString: raw))
    }

    /// Adds the line to the history and writes the history file at once, so a killed terminal
    /// loses nothing. Blank lines and a repeat of the previous line are not kept.
    func remember(_ line: String) {
        guard !line.allSatisfy({ $0 == " " || $0 == "\t" }), line != last else { return }
        last = line
        xe_le_add_history(line)
        if let warning = history.save() { Console.error("xe: warning: \(warning)") }
    }

    /// readline's completion list: the common prefix first, then every match.
    static func complete(_ word: String) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        let matches = Array(Set(candidates(word))).sorted()
        guard !matches.isEmpty else { return nil }
        var prefix = matches[0]
        for m in matches.dropFirst() {
            while !m.hasPrefix(prefix) { prefix.removeLast() }
        }
        let list = matches.count == 1 ? [matches[0]] : [prefix] + matches
        // readline frees the array and its strings with free(): allocate them with malloc.
        let cArray = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (list.count + 1))!
            .bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: list.count + 1)
        for (i, s) in list.enumerated() { cArray[i] = strdup(s) }
        cArray[list.count] = nil
        return cArray
    }
}
