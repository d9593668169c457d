import CXEShim
import Glibc

/// Standard output and error as xe uses them.
enum Console {
    /// Set once a write to standard output failed (a closed pipe): the program stops quietly.
    nonisolated(unsafe) static var outputBroken = false

    static func write(_ text: String) {
        guard !outputBroken else { return }
        var text = text
        let failed = text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { xe_write_out($0.baseAddress, $0.count) != 0 }
        }
        if failed {
            outputBroken = true
            xe_set_interrupt()
        }
    }

    static func error(_ text: String) {
        var text = text
        if !text.hasSuffix("\n") { text += "\n" }
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { _ = xe_write_err($0.baseAddress, $0.count) }
        }
    }

    static func flush() {
        if xe_flush_out() != 0 { outputBroken = true }
    }

    /// Whether errors on standard error may be coloured: a terminal, and NO_COLOR unset.
    static var colorErrors: Bool {
        xe_isatty(2) != 0 && getenv("NO_COLOR") == nil
    }

    static var stdinIsTerminal: Bool { xe_isatty(0) != 0 }
    static var stdoutIsTerminal: Bool { xe_isatty(1) != 0 }

    /// The width output is laid out for: the terminal's, else `$COLUMNS`, else 80 (a pipe).
    static var width: Int {
        let columns = Int(xe_terminal_columns(1))
        if columns > 0 { return columns }
        if let text = getenv("COLUMNS").map({ String(cString: $0) }), let n = Int(text), n > 0 { return n }
        return 80
    }

    /// The terminal's height in rows (24 when unknown).
    static var height: Int {
        let rows = Int(xe_terminal_rows(1))
        return rows > 0 ? rows : 24
    }

    /// Writes text, through the pager (`$PAGER`, else `less -FRX`) when standard output is a
    /// terminal and the text is taller than it; `PAGER=cat` (or empty) never pages.
    static func page(_ unfitted: String) {
        let text = fit(unfitted, width: width)
        let lines = text.reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
        let pager = getenv("PAGER").map { String(cString: $0) } ?? "less -FRX"
        guard stdoutIsTerminal, lines >= height - 1, !pager.isEmpty, pager != "cat" else {
            write(text)
            return
        }
        flush()
        guard let pipe = popen(pager, "w") else {
            write(text)
            return
        }
        var bytes = text
        bytes.withUTF8 { _ = fwrite($0.baseAddress, 1, $0.count, pipe) }
        let status = pclose(pipe)
        // A pager that could not be started (127): the text is not lost.
        if status != -1, (status >> 8) & 0xff == 127 { write(text) }
        xe_clear_interrupt()
    }

    /// Help text made to fit `width` columns: each longer line is broken at spaces, its
    /// continuation lines indented under its text (after a `name  ` column when it has one).
    static func fit(_ text: String, width: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.count > width else { return String(line) }
            let leading = line.prefix { $0 == " " }.count
            // A listing row: `  name    summary`: the summary's column.
            var indent = leading
            let body = line.dropFirst(leading)
            let name = body.prefix { $0 != " " }
            let gap = body.dropFirst(name.count).prefix { $0 == " " }.count
            if gap >= 2 { indent = leading + name.count + gap }
            if indent > width / 2 { indent = leading + 4 }
            // The first line keeps its own spacing (aligned columns), broken at the last space
            // that fits; the rest is wrapped under the indent.
            let characters = Array(line)
            var cut = width
            while cut > indent && characters[cut] != " " { cut -= 1 }
            if cut <= indent { return String(line) }
            let head = String(String(characters[..<cut]).reversed().drop { $0 == " " }.reversed())
            let rest = String(characters[cut...]).trimmed
            let pieces = wrap(rest, width: max(10, width - indent))
            return ([head] + pieces.map { String(repeating: " ", count: indent) + $0 }).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Text broken into lines of at most `width` characters at spaces (a longer word alone).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += line.isEmpty ? String(word) : " " + word
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }
}

