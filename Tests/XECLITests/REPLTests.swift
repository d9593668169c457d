import Foundation
import Testing

/// The REPL driven through a pseudo-terminal (SPEC §9).
@Suite(.serialized)
struct REPLTests {
    func stateDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xe-state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    @Test func valuesAnsErrorsAndContinuation() throws {
        let t = try Terminal(environment: ["XDG_STATE_HOME": try stateDirectory()])
        #expect(t.wait(for: "xe> "))
        #expect(t.screen.contains(":help"))
        t.enter("y = [1, 0, 1, 0]")
        t.enter("p = [0.9, 0.1, 0.8, 0.2]")
        t.enter("bce(y, p)")
        #expect(t.screen.contains("0.164252033486018"))
        t.enter("ans * 2")
        #expect(t.screen.contains("0.328504066972036"))
        t.type("f(x) = {\r")
        #expect(t.wait(for: "...> "))
        t.enter("x * 2 }")
        t.enter("f(21)")
        #expect(t.after("f(21)").contains("42"))
        t.enter("bcee(y, p)")
        #expect(t.screen.contains("did you mean 'bce'?"))
        #expect(t.screen.contains("\u{1B}[1;31merror:"))
        t.enter("sum(y)")
        #expect(t.after("sum(y)").contains("2"))
        t.type("\u{04}")
        #expect(t.exitStatus() == 0)
    }

    @Test func noColourWhenAsked() throws {
        let t = try Terminal(environment: ["XDG_STATE_HOME": try stateDirectory(), "NO_COLOR": "1"])
        #expect(t.wait(for: "xe> "))
        t.enter("nope")
        #expect(t.screen.contains("1:1: error: unknown name 'nope'"))
        #expect(!t.screen.contains("\u{1B}[1;31m"))
    }

    @Test func tabCompletesLossesVariablesAndCommands() throws {
        let t = try Terminal(environment: ["XDG_STATE_HOME": try stateDirectory()])
        #expect(t.wait(for: "xe> "))
        t.enter("my_weights = 7")
        t.type("my_w\t")
        t.drain(0.3)
        t.enter(" * 6")
        #expect(t.after("* 6").contains("42"))
        t.type("bce_lo\t")
        t.drain(0.3)
        t.enter("([1, 0], [3, -3])")
        #expect(t.after("[3, -3])").contains("0.0485873515737420"))
        t.type(":los\t")
        t.drain(0.3)
        t.enter("")
        #expect(t.screen.contains("cce_logits"))
    }

    @Test func ctrlCStopsALoopAndKeepsTheSession() throws {
        let t = try Terminal(environment: ["XDG_STATE_HOME": try stateDirectory()])
        #expect(t.wait(for: "xe> "))
        t.enter("w = [1, 2, 3]")
        t.type("while 1 { }\r")
        t.drain(0.5)
        let start = Date()
        t.type("\u{03}")
        #expect(t.wait(for: "interrupted", timeout: 5))
        #expect(Date().timeIntervalSince(start) < 2)
        t.enter("sum(w)")
        #expect(t.after("sum(w)").contains("6"))
        t.type("partial line\u{03}")
        t.drain(0.3)
        t.enter("w[0]")
        #expect(t.after("w[0]").contains("1"))
    }

    @Test func commands() throws {
        let t = try Terminal(environment: ["XDG_STATE_HOME": try stateDirectory()])
        #expect(t.wait(for: "xe> "))
        // Longer than the terminal: shown by the pager (less), left with q.
        t.type(":help\r")
        #expect(t.wait(for: "losses:"))
        t.type("q")
        t.drain(0.5)
        t.enter(":help :vars")
        #expect(t.after(":help :vars").contains("the variables: name, shape and a preview"))
        t.enter("?cce")
        #expect(t.screen.contains("label_smoothing"))
        t.enter(":losses")
        #expect(t.screen.contains("bce_logits"))
        t.enter("v = [1, 2]")
        t.enter(":vars")
        #expect(t.after(":vars").contains("(2,)"))
        t.enter(":time sum(range(1000))")
        #expect(t.after(":time").contains("time:"))
        t.enter(":explain bce([1, 0], [0.9, 0.2])")
        #expect(t.after(":explain").contains("-log(1 - 0.2)") && t.after(":explain").contains("= 0.164252033486018"))
        t.enter(":reset")
        t.enter("v")
        #expect(t.after(":reset").contains("unknown name 'v'"))
        t.type(":quit\r")
        #expect(t.exitStatus() == 0)
    }

    @Test func historySurvivesKilledSessionsAndIsRecalled() throws {
        let state = try stateDirectory()
        do {
            let t = try Terminal(environment: ["XDG_STATE_HOME": state])
            #expect(t.wait(for: "xe> "))
            t.enter("first_value = 40 + 2")
            t.enter("first_value")
            // Killed without a chance to save: the lines must already be on disk.
            kill(t.pid, SIGKILL)
        }
        let history = try String(contentsOfFile: state + "/xe/history", encoding: .utf8)
        #expect(history.hasPrefix("_HiStOrY_V2_"))
        #expect(history.contains("first_value\\040=\\04040\\040+\\0402"))
        let t = try Terminal(environment: ["XDG_STATE_HOME": state])
        #expect(t.wait(for: "xe> "))
        t.type("\u{1B}[A\u{1B}[A\r")
        t.drain(0.5)
        t.enter("first_value * 1")
        #expect(t.after("first_value * 1").contains("42"))
    }

    @Test func corruptHistoryIsIgnoredWithAWarning() throws {
        let state = try stateDirectory()
        try FileManager.default.createDirectory(atPath: state + "/xe", withIntermediateDirectories: true)
        try Data([0xFF, 0x00, 0x13, 0x37]).write(to: URL(fileURLWithPath: state + "/xe/history"))
        let t = try Terminal(environment: ["XDG_STATE_HOME": state])
        #expect(t.wait(for: "xe> "))
        #expect(t.screen.contains("warning"))
        t.enter("1 + 1")
        #expect(t.after("1 + 1").contains("2"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: state + "/xe/history"))
        #expect(bytes == Data([0xFF, 0x00, 0x13, 0x37]))
    }

    /// A history "file" that is a named pipe is never opened (that would wait forever): a
    /// warning, and the session works.
    @Test func aNamedPipeAsHistoryIsLeftAlone() throws {
        let state = try stateDirectory()
        try FileManager.default.createDirectory(atPath: state + "/xe", withIntermediateDirectories: true)
        #expect(mkfifo(state + "/xe/history", 0o600) == 0)
        let t = try Terminal(environment: ["XDG_STATE_HOME": state])
        #expect(t.wait(for: "xe> "))
        #expect(t.screen.contains("not a regular file"))
        t.enter("2 * 21")
        #expect(t.after("2 * 21").contains("42"))
    }
}
