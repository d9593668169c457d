import Foundation

/// Runs the built `xe` binary.
enum XE {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Whether the process ended by a signal (a crash).
        var crashed: Bool
    }

    static var binary: URL {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("xe"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("xe"),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("xe"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    static func fixture(_ path: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(path)
    }

    /// Runs xe with `arguments`, feeding `input` on standard input.
    /// A run still going after `timeout` seconds is killed and reported as crashed.
    static func run(_ arguments: [String], input: String = "", environment: [String: String] = [:], directory: URL? = nil,
                    timeout: Double = 60) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["SWIFT_BACKTRACE"] = "enable=no"
        // No plugins from the machine's own plugin folders.
        env.removeValue(forKey: "XE_PLUGIN_PATH")
        env["XDG_CONFIG_HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("xe-no-config").path
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xe-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let inURL = dir.appendingPathComponent("in"), outURL = dir.appendingPathComponent("out"), errURL = dir.appendingPathComponent("err")
        try input.write(to: inURL, atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardInput = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(2000) }
        var hung = false
        if process.isRunning {
            hung = true
            process.terminate()
            // SIGTERM first; SIGKILL if that did not end it within two seconds.
            let grace = Date().addingTimeInterval(2)
            while process.isRunning && Date() < grace { usleep(2000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        let outData = try Data(contentsOf: outURL)
        let errBytes = try Data(contentsOf: errURL)
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errBytes, as: UTF8.self),
                      crashed: hung || process.terminationReason == .uncaughtSignal)
    }

    /// Runs a program given on standard input.
    static func program(_ source: String) throws -> Result {
        try run([], input: source)
    }

    /// The numbers in a text, as the conformance harness reads them.
    static func numbers(in text: String) -> [Double] {
        let regex = try! NSRegularExpression(pattern: #"-?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|inf|nan)"#)
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).compactMap { m in
            Range(m.range, in: text).flatMap { Double(text[$0]) }
        }
    }
}
