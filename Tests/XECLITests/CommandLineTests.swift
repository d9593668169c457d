import Foundation
import Testing

/// The command line of SPEC §1 and the error format of §8, on the real binary.
struct CommandLineTests {
    /// The worked example of Newton's method (Scripts/newton.xe) runs and reaches the optimum:
    /// its last Newton step's gradient norm is at rounding level.
    @Test func newtonExampleConverges() throws {
        let r = try XE.run([PluginTests.root.appendingPathComponent("Scripts/newton.xe").path])
        #expect(r.status == 0, "\(r.stderr)")
        let steps = r.stdout.split(separator: "\n").filter { $0.contains("step") && $0.contains("|g|") }
        #expect(steps.count == 6)
        #expect(steps.last.map { XE.numbers(in: String($0)).last! < 1e-14 } == true, "\(r.stdout)")
    }

    func temporaryScript(_ text: String, name: String = "script.xe") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xe-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func evaluatePrintsTheLastExpression() throws {
        let r = try XE.run(["-e", "x = 2; x * 21"])
        #expect(r.status == 0 && r.stdout == "42\n")
        #expect(try XE.run(["-e", "x = 2"]).stdout == "")
    }

    @Test func scriptArgumentsAndExitStatus() throws {
        let script = try temporaryScript("print(len(args), args[1])\n")
        let r = try XE.run([script.path, "a", "bee"])
        #expect(r.status == 0 && r.stdout == "2 bee\n")
    }

    @Test func shebangScriptsRun() throws {
        let script = try temporaryScript("#!/usr/bin/env xe\nprint(1 + 1)\n")
        #expect(try XE.run([script.path]).stdout == "2\n")
    }

    @Test func standardInputRunsAsAScript() throws {
        let r = try XE.run([], input: "x = 3\nprint(x ^ 2)\n")
        #expect(r.status == 0 && r.stdout == "9\n")
    }

    @Test func errorsHaveLocationAndCaret() throws {
        let script = try temporaryScript("y = [1, 0]\np = [0.5, 0.5]\nprint(bce(y, pp))\n", name: "bad.xe")
        let r = try XE.run([script.path])
        #expect(r.status == 1)
        #expect(r.stderr == "\(script.path):3:14: error: unknown name 'pp'; did you mean 'p'?\nprint(bce(y, pp))\n             ^\n")
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try XE.run(["--frobnicate"]).status == 2)
        #expect(try XE.run(["-e"]).status == 2)
        #expect(try XE.run(["/nonexistent/file.xe"]).status == 2)
    }

    @Test func versionAndHelp() throws {
        #expect(try XE.run(["--version"]).stdout.hasPrefix("xe "))
        #expect(try XE.run(["--help"]).stdout.contains("usage:"))
    }

    @Test func interactiveRunsScriptThenReadsCommands() throws {
        let script = try temporaryScript("w = 7\n")
        let r = try XE.run(["-i", script.path], input: "print(w * 6)\n")
        #expect(r.status == 0 && r.stdout.contains("42"))
    }

    @Test func hostileProgramsEndCleanly() throws {
        let programs = [
            String(repeating: "(", count: 50_000) + "1" + String(repeating: ")", count: 50_000),
            String(repeating: "[", count: 50_000),
            String(repeating: "-", count: 100_000) + "1",
            "f(n) = f(n + 1)\nf(0)",
            "g(n) = 1 + g(n)\ng(1)",
            "zeros([1e9, 1e9])",
            "ones(1e300)",
            "x = [1, 2, 3]\nx[nan]",
            "range(0, 10, 0)",
            "reshape([1, 2, 3], [2, 2])",
            "\"unterminated",
            "1e999",
            "onehot([1, 2], 1e20)",
            "eye(-1)",
            "linspace(0, 1, inf)",
            "x = [1, 2]; x[0:1e300]",
            "grad(1, 2)",
            "bce([1], [2])",
            "cce([5], [[0.5, 0.5]])",
        ]
        for p in programs {
            let r = try XE.program(p)
            #expect(!r.crashed, "crashed: \(p.prefix(60))")
            #expect(r.status == 1, "\(p.prefix(60)): status \(r.status) \(r.stdout.prefix(100))")
            #expect(r.stderr.contains("error:"), "\(p.prefix(60))")
        }
    }
}
