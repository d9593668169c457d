import Foundation
import Testing

/// SPEC §8 under attack: every limit is an error with a message, hostile files end cleanly,
/// resource faults do not lose the session, a closed pipe ends xe quietly.
@Suite struct RobustnessTests {
    static func run(_ source: String) throws -> XE.Result {
        try XE.run(["-e", source])
    }

    @Test(arguments: [
        (String(repeating: "(", count: 300) + "1" + String(repeating: ")", count: 300), "nesting is too deep (the limit is 256 levels)"),
        (String(repeating: "[", count: 300) + String(repeating: "]", count: 300), "nesting is too deep"),
        (String(repeating: "-", count: 300) + "1", "nesting is too deep"),
        (String(repeating: "{", count: 300) + String(repeating: "}", count: 300), "nesting is too deep"),
        (Array(repeating: "1", count: 30000).joined(separator: "+"), "nesting is too deep (the limit is 20000 levels)"),
        ("f(n) = f(n + 1); f(0)", "recursion is too deep (more than 3000 nested calls)"),
        ("f = x -> f(x); f(1)", "recursion is too deep"),
        ("zeros([2^14, 2^15])", "is too large (the limit is 268435456 elements, 2 GiB)"),
        ("ones(2^40)", "is too large"),
        ("zeros([2^40, 2^40, 2^40])", "is too large"),
        ("rand([1e5, 1e5])", "is too large"),
        ("x = 1e999", "is too large for a float64"),
        ("range(inf)", "must be finite, not inf"),
        ("range(nan)", "must be finite, not nan"),
        ("range(0, 1e300)", "too large"),
        ("x = zeros([2, 2^20]); x[zeros(2^20)]", "too large"),
        ("t = 1; for i in range(40) { t = (t, t) }", "counted in full"),
        ("s = \"x\"; for i in range(40) { s = s + s }", "the limit for a string"),
        ("range(0, 10, 0)", "range"),
        ("linspace(0, 1, 1e300)", "too large"),
        ("linspace(0, 1, nan)", "whole number"),
        ("onehot([1], 1e300)", "too large"),
        ("onehot([nan], 3)", "not an integer"),
        ("onehot([inf], 3)", "not an integer"),
        ("seed(inf)", "must be a whole number"),
        ("seed(nan)", "must be a whole number"),
        ("x = [1, 2]; x[nan]", "must be a whole number, not nan"),
        ("x = [1, 2]; x[1e300]", "too large"),
        ("x = [1, 2]; x[-inf]", "whole number"),
        ("x = [1, 2]; x[5]", "out of range"),
        ("x = [1, 2]; x[0:1e300]", "too large"),
        ("reshape([1, 2], [nan])", "whole number"),
        ("zeros([-1])", "cannot be negative"),
        ("eye(1e300)", "too large"),
    ])
    func limitsAreErrors(_ source: String, _ message: String) throws {
        let r = try Self.run(source)
        #expect(r.status == 1 && !r.crashed, "\(source.prefix(40)): status \(r.status)")
        #expect(r.stderr.contains("error: ") && r.stderr.contains(message), "\(source.prefix(40)): \(r.stderr.prefix(300))")
    }

    @Test func longStringsAreRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xe-long-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("long.xe")
        try ("x = \"" + String(repeating: "a", count: (1 << 24) + 10) + "\"\n").write(to: file, atomically: true, encoding: .utf8)
        let r = try XE.run([file.path])
        #expect(r.status == 1 && r.stderr.contains("string") && !r.crashed, "\(r.stderr.prefix(200))")
    }

    @Test func aLongLoopIsInterruptedAndTheSessionKeepsItsVariables() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("xe-int-\(UUID().uuidString)").path
        let t = try Terminal(environment: ["XDG_STATE_HOME": state])
        #expect(t.wait(for: "xe> "))
        t.enter("big = rand(1000000)")
        t.type("for i in range(1e12) { s = sum(big) }\r")
        t.drain(0.4)
        t.type("\u{03}")
        #expect(t.wait(for: "interrupted", timeout: 3))
        t.enter("len(big)")
        #expect(t.after("len(big)").contains("1000000"))
    }

    @Test func hostileFilesEndCleanly() throws {
        let dir = XE.fixture("hostile")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".xe") }.sorted()
        #expect(!files.isEmpty)
        for name in files {
            let start = Date()
            let r = try XE.run([dir.appendingPathComponent(name).path])
            #expect(!r.crashed && (r.status == 0 || r.status == 1), "\(name): status \(r.status) \(r.stderr.prefix(300))")
            #expect(Date().timeIntervalSince(start) < 10, "\(name) took too long")
            if r.status == 1 { #expect(r.stderr.contains("error: "), "\(name): \(r.stderr.prefix(300))") }
        }
    }

    @Test func devicesAndFoldersAreNotRead() throws {
        for source in ["import \"/dev/zero\"", "load(\"/dev/zero.npy\")", "import \"/\""] {
            let r = try Self.run(source)
            #expect(r.status == 1 && !r.crashed && r.stderr.contains("error: "), "\(source): \(r.stderr)")
        }
    }

    /// The script itself is read with the same care: `xe /dev/zero`, a folder, or standard input
    /// over 64 MiB end in an error at once instead of reading forever; `/dev/null` is empty.
    @Test func scriptsThatAreNotFilesAreRefused() throws {
        let zero = try XE.run(["/dev/zero"], timeout: 20)
        #expect(zero.status == 1 && !zero.crashed && zero.stderr.contains("xe reads"), "\(zero.stderr)")
        let folder = try XE.run([FileManager.default.temporaryDirectory.path], timeout: 20)
        #expect(folder.status == 1 && folder.stderr.contains("a folder"), "\(folder.stderr)")
        let big = try XE.run([], input: String(repeating: "#", count: (1 << 26) + 10), timeout: 60)
        #expect(big.status == 1 && big.stderr.contains("xe reads"), "\(big.stderr)")
        #expect(try XE.run(["/dev/null"]).status == 0)
    }

    /// A named pipe is never opened by load, save, import or a plugin (opening one waits for
    /// the other end forever): each is an error at once.
    @Test func namedPipesAreNotOpened() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xe-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["p.npy", "p.xe", "p.so"] { #expect(mkfifo(dir.appendingPathComponent(name).path, 0o600) == 0) }
        let p = dir.path
        for source in ["load(\"\(p)/p.npy\")", "save(\"\(p)/p.npy\", [1])", "import \"\(p)/p.xe\"", "import \"\(p)/p.so\""] {
            let r = try XE.run(["-e", source], timeout: 10)
            #expect(r.status == 1 && !r.crashed && r.stderr.contains("named pipe"), "\(source): \(r.stderr)")
        }
        let plugin = try XE.run(["--plugin", "\(p)/p.so", "-e", "1"], timeout: 10)
        #expect(!plugin.crashed && plugin.stderr.contains("named pipe"), "\(plugin.stderr)")
    }

    @Test func aScriptThatOverwritesItselfStillReportsItsOwnLines() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xe-self-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let script = dir.appendingPathComponent("self.csv")
        try "x = 1\nsave(\"self.csv\", [1, 2, 3])\nprint(x)\ny = undefined_thing\n".write(to: script, atomically: true, encoding: .utf8)
        let r = try XE.run([script.path], directory: dir)
        #expect(r.stdout == "1\n")
        #expect(r.status == 1 && r.stderr.contains("self.csv:4:5: error: unknown name 'undefined_thing'") && r.stderr.contains("y = undefined_thing"))
        let gone = dir.appendingPathComponent("gone.xe")
        try "x = 2\nimport \"gone.xe\"\n".write(to: gone, atomically: true, encoding: .utf8)
        let cyc = try XE.run([gone.path], directory: dir)
        #expect(cyc.status == 1 && cyc.stderr.contains("imports itself"))
    }

    @Test func aClosedPipeEndsXeQuietly() throws {
        let process = Process()
        process.executableURL = XE.binary
        process.arguments = ["-e", "for i in range(10000000) { print(i) }"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let first = out.fileHandleForReading.readData(ofLength: 2)
        try out.fileHandleForReading.close()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        #expect(!process.isRunning)
        if process.isRunning { process.terminate() }
        #expect(String(decoding: first, as: UTF8.self).hasPrefix("0"))
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        #expect(err.fileHandleForReading.readDataToEndOfFile().isEmpty)
    }

    @Test func historyOnAFullDiskOrAFolderKeepsTheSession() throws {
        for kind in ["full", "folder"] {
            let state = FileManager.default.temporaryDirectory.appendingPathComponent("xe-hist-\(UUID().uuidString)")
            let dir = state.appendingPathComponent("xe")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let history = dir.appendingPathComponent("history")
            if kind == "full" {
                try FileManager.default.createSymbolicLink(atPath: history.path, withDestinationPath: "/dev/full")
            } else {
                try FileManager.default.createDirectory(at: history, withIntermediateDirectories: true)
            }
            let t = try Terminal(environment: ["XDG_STATE_HOME": state.path])
            #expect(t.wait(for: "xe> "))
            t.enter("1 + 41")
            t.enter("2 * 21")
            #expect(t.screen.components(separatedBy: "42").count >= 3, "\(kind): \(t.screen)")
            #expect(t.screen.contains("warning"), "\(kind): \(t.screen)")
            t.type("\u{04}")
            #expect(t.exitStatus() == 0)
        }
    }

    @Test func aPluginFolderThatIsAFileIsAWarning() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("xe-pf-\(UUID().uuidString)")
        try "x".write(to: file, atomically: true, encoding: .utf8)
        let r = try XE.run(["-e", "1"], environment: ["XE_PLUGIN_PATH": file.path])
        #expect(r.status == 0 && r.stdout == "1\n" && r.stderr.contains("is not a folder"))
    }
}
