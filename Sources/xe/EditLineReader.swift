import CLineEdit
import CXEShim
import Glibc

/// Line editing, history and Tab completion through libedit.
final class EditLineReader: LineReader {
    let history: History
    /// Completes the text before the cursor.
    nonisolated(unsafe) static var candidates: (String) -> Completion = { _ in Completion(replacing: 0, candidates: []) }
    private var last: String?

    init(history: History, candidates: @escaping (String) -> Completion) {
        self.history = history
        EditLineReader.candidates = candidates
        xe_le_init("xe", { before, replace in
            EditLineReader.complete(before.map { String(cString: $0) } ?? "", replace)
        }, Int32(History.capacity), { xe_interrupted() })
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

    /// Adds the entry (all its lines) to the history and appends it to the history file at
    /// once, so a killed terminal loses nothing. Blank entries and a repeat of the previous
    /// one are not kept.
    func remember(_ entry: String) {
        guard !entry.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" }), entry != last else { return }
        last = entry
        xe_le_add_history(entry)
        if let warning = history.append(entry) { Console.error("xe: warning: \(warning)") }
    }

    /// Whether more input is already waiting (the rest of a paste the terminal did not mark).
    var moreInputWaiting: Bool { xe_le_input_pending(30) != 0 }

    /// The candidates for the text before the cursor, as the C side wants them: a malloc'ed,
    /// NULL-terminated array; `replace` is set to how many characters they replace.
    static func complete(_ before: String, _ replace: UnsafeMutablePointer<Int32>?) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        let completion = candidates(before)
        let list = Array(Set(completion.candidates)).sorted()
        guard !list.isEmpty else { return nil }
        replace?.pointee = Int32(completion.replacing)
        // The C side frees the array and its strings with free(): allocate them with malloc.
        let cArray = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (list.count + 1))!
            .bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: list.count + 1)
        for (i, s) in list.enumerated() { cArray[i] = strdup(s) }
        cArray[list.count] = nil
        return cArray
    }
}
