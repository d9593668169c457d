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
}
