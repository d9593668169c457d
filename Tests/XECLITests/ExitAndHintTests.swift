import Foundation
import Testing

/// `exit`/`quit`, the caret under the argument an error is about, and the hints for what people
/// type from other languages (`x.shape`, `q()`).
@Suite struct ExitAndHintTests {
    @Test(arguments: [
        ("print(1); exit(3); print(2)", Int32(3), "1\n"),
        ("exit()", 0, ""),
        ("print(1)\nquit\nprint(2)", 0, "1\n"),
        ("exit", 0, ""),
        ("quit(255)", 255, ""),
        ("f(n) = if n > 2 { exit(n) } else { f(n + 1) }\nf(0)\nprint(9)", 3, ""),
        ("exit = 5\nexit\nprint(exit)", 0, "5\n"),
        ("loss l(y, p) = exit(7)\nl(1, 0.5)", 7, ""),
    ])
    func exitEndsTheProgramWithItsStatus(_ program: String, _ status: Int32, _ output: String) throws {
        for run in [try XE.run([], input: program), try XE.run(["-"], input: program), try XE.run(["-e", program])] {
            #expect(run.status == status && run.stdout.hasPrefix(output) && run.stderr == "", "\(program): \(run.status) \(run.stdout) \(run.stderr)")
        }
    }

    @Test func exitInAScriptRunWithDashIStopsBeforeTheREPL() throws {
        let dir = try PluginTests.temporaryDirectory()
        let script = dir.appendingPathComponent("s.xe")
        try "print(\"a\")\nexit(4)\n".write(to: script, atomically: true, encoding: .utf8)
        let r = try XE.run(["-i", script.path], input: "print(\"b\")\n")
        #expect(r.status == 4 && r.stdout == "a\n")
        let bad = try XE.run(["-e", "exit(256)"])
        #expect(bad.status == 1 && bad.stderr.contains("exit(): the exit status must be a whole number from 0 to 255, not 256"))
    }

    @Test func exitLeavesTheREPLWithItsStatus() throws {
        for (line, status) in [("exit", Int32(0)), ("quit()", 0), ("exit(5)", 5)] {
            let state = FileManager.default.temporaryDirectory.appendingPathComponent("xe-state-\(UUID().uuidString)").path
            let t = try Terminal(environment: ["XDG_STATE_HOME": state])
            #expect(t.wait(for: "xe> "))
            t.enter(line)
            #expect(t.exitStatus() == status, "\(line)")
        }
    }

    /// The caret of each error, as the column it is printed under.
    @Test(arguments: [
        ("bce([1], [0.5], reductoin=\"sum\")", "1:17: error: bce() has no parameter 'reductoin'", 17),
        ("p = [0.5, 0.7]; bce([1, 0], p*2)", "1:29: error: bce: prediction p[1] = 1.4 is outside [0, 1]", 29),
        ("bce([1, 5], [0.5, 0.2])", "1:5: error: bce: target y[1] = 5", 5),
        ("bce([1], [0.5], reduction=\"avg\")", "1:17: error: bce: reduction must be one of", 17),
        ("sum([1, 2], axis=5)", "1:13: error: axis 5 is out of range", 13),
        ("f(x) = x; f(1, 2)", "1:16: error: f() takes 1 argument but 2 were given", 16),
        ("bce([1], [0.5], y=1)", "1:17: error: bce() got two values for 'y'", 17),
        // About both arguments: the caret stays under the call.
        ("bce([1, 0], [0.5, 0.2, 0.3])", "1:1: error: ", 1),
        ("bce([1], p=[0.5], p=[0.5])", "1:19: error: the keyword argument 'p' is given twice", 19),
    ])
    func theCaretPointsAtTheArgument(_ program: String, _ message: String, _ column: Int) throws {
        let r = try XE.run(["-e", program])
        #expect(r.status == 1 && r.stderr.hasPrefix("-e:" + message), "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        try #require(lines.count >= 3)
        #expect(lines[2] == Substring(String(repeating: " ", count: column - 1) + "^"), "\(r.stderr)")
    }

    @Test(arguments: [
        ("x = [1, 2]\nx.shape", "2:2: error: xe has no fields or methods: write shape(x) instead of x.shape"),
        ("x = [1, 2]\nx.sum()", "2:2: error: xe has no fields or methods: write sum(x) instead of x.sum"),
        ("x = [[1, 2]]\nx.T", "2:2: error: xe has no fields or methods: write transpose(x) instead of x.T"),
        ("x = [[1, 2]]\nx.ndim", "2:2: error: xe has no fields or methods: write len(shape(x)) instead of x.ndim"),
        (".exit", "1:1: error: unexpected '.exit'; to leave, type exit (or :quit, or Ctrl-D)"),
        ("print(1)\n.quit", "2:1: error: unexpected '.quit'; to leave, type exit (or :quit, or Ctrl-D)"),
        ("q()", "1:1: error: unknown name 'q'; to leave, type exit (or :quit, or Ctrl-D)"),
        ("Quit", "1:1: error: unknown name 'Quit'; to leave, type exit (or :quit, or Ctrl-D)"),
        ("exti()", "1:1: error: unknown name 'exti'; did you mean 'exit'?"),
        ("x = 2 × 3", "1:7: error: unexpected character '×' (U+00D7)"),
    ])
    func hintsSayWhatToWriteInstead(_ program: String, _ message: String) throws {
        let r = try XE.run(["-e", program])
        #expect(r.status == 1 && r.stderr.hasPrefix("-e:" + message), "\(r.stderr)")
    }
}
