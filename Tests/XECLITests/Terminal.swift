import CPTY
import Foundation
import Glibc

/// The real `xe` binary on a pseudo-terminal, typed at as a person would.
final class Terminal {
    let pid: pid_t
    let master: Int32
    private(set) var screen = ""

    /// Starts xe (or `program`, e.g. a shell to run xe under job control) on a new terminal.
    init(arguments: [String] = [], environment: [String: String] = [:], program: String? = nil) throws {
        var env = ProcessInfo.processInfo.environment
        env["TERM"] = "xterm"
        env["SWIFT_BACKTRACE"] = "enable=no"
        env.removeValue(forKey: "NO_COLOR")
        env.removeValue(forKey: "XE_PLUGIN_PATH")
        env.removeValue(forKey: "PAGER")
        env["XDG_CONFIG_HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("xe-no-config").path
        for (k, v) in environment { env[k] = v }
        let path = program ?? XE.binary.path
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var fd: Int32 = -1
        pid = xe_pty_spawn(path, argv, envp, &fd)
        master = fd
        guard pid > 0 else { throw POSIXError(.ECHILD) }
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(master)
    }

    /// Changes the terminal's size, as resizing the window does (the kernel sends SIGWINCH).
    func resize(columns: Int, rows: Int = 40) {
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    /// Reads whatever arrives within `seconds`.
    func drain(_ seconds: Double = 0.2) {
        let end = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date() < end {
            var p = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, 20) > 0 {
                let n = read(master, &buffer, buffer.count)
                if n <= 0 { return }
                screen += String(decoding: buffer[0..<n], as: UTF8.self)
            }
        }
    }

    /// Waits until the output holds `text` (after position `from`), up to `timeout` seconds.
    @discardableResult
    func wait(for text: String, timeout: Double = 10) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if screen.contains(text) { return true }
            drain(0.05)
        }
        return screen.contains(text)
    }

    func type(_ keys: String) {
        var bytes = Array(keys.utf8)
        _ = write(master, &bytes, bytes.count)
    }

    /// Types a line and waits for the next prompt.
    func enter(_ line: String) {
        let count = screen.components(separatedBy: "xe> ").count
        type(line + "\r")
        let end = Date().addingTimeInterval(10)
        while Date() < end, screen.components(separatedBy: "xe> ").count <= count { drain(0.05) }
    }

    /// Types text, then Tab once the text has been read (so the Tab is not taken as part of a
    /// paste).
    func complete(_ text: String) {
        type(text)
        drain(0.2)
        type("\t")
        drain(0.3)
    }

    /// Types a line, waits for the next prompt and returns what came out meanwhile (the echo of
    /// the line included).
    func output(of line: String) -> String {
        let before = screen.count
        enter(line)
        return String(screen.dropFirst(before))
    }

    /// The exit status once the process ends (nil if it does not end within `timeout`).
    func exitStatus(timeout: Double = 5) -> Int32? {
        let end = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while Date() < end {
            drain(0.05)
            if waitpid(pid, &status, WNOHANG) == pid {
                return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
            }
        }
        return nil
    }

    /// The text after the last occurrence of `marker`.
    func after(_ marker: String) -> String {
        guard let r = screen.range(of: marker, options: .backwards) else { return "" }
        return String(screen[r.upperBound...])
    }
}
