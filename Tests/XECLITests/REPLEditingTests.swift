import Foundation
import Glibc
import Testing

/// The REPL as people really use it, through a pseudo-terminal: non-ASCII text, pasting (with
/// and without bracketed paste), resizing, Ctrl-Z, two sessions at once, help and completion.
@Suite(.serialized)
struct REPLEditingTests {
    static let paste = (start: "\u{1B}[200~", end: "\u{1B}[201~")

    func temporaryFolder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xe-repl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    func session(_ environment: [String: String] = [:]) throws -> Terminal {
        var env = environment
        if env["XDG_STATE_HOME"] == nil { env["XDG_STATE_HOME"] = try temporaryFolder() }
        let t = try Terminal(environment: env)
        #expect(t.wait(for: "xe> "))
        return t
    }

    @Test(arguments: ["C.UTF-8", ""])
    func utf8RoundTripsInEditingOutputAndHistory(locale: String) throws {
        let state = try temporaryFolder()
        // An empty LANG (no locale at all) is taken as C.UTF-8.
        let t = try session(["XDG_STATE_HOME": state, "LANG": locale, "LC_ALL": locale])
        #expect(t.output(of: "print(\"é\", len(\"é\"))").contains("é 1"))
        // Backspace (DEL) removes the whole é, not one of its two bytes.
        t.type("s = \"aé\u{7F}\"\r")
        t.drain(0.3)
        #expect(t.output(of: "print(s, len(s))").contains("a 1"))
        t.enter("naïve = \"ü\"")
        let history = try String(contentsOfFile: state + "/xe/history", encoding: .utf8)
        #expect(history.contains("naïve\\040=\\040\"ü\""))
        // Recalled from the history in a new session, still whole characters.
        let u = try session(["XDG_STATE_HOME": state, "LANG": locale, "LC_ALL": locale])
        u.type("\u{1B}[A\u{7F}\u{7F}\"x\"\r")
        u.drain(0.3)
        #expect(u.output(of: "print(naïve)").contains("x"))
    }

    @Test func bracketedPasteIsInsertedLiterally() throws {
        let t = try session()
        #expect(t.screen.contains("\u{1B}[?2004h"))
        // Without bracketed paste, Tab would complete `res` to `reshape`.
        t.type(Self.paste.start + "res\t= 5" + Self.paste.end + "\r")
        t.drain(0.3)
        #expect(t.output(of: "res + 1").contains("6"))
        #expect(!t.screen.contains("reshape"))
        // A tab-indented block runs as the same text in a script would: `}` then `else` on the
        // next line is fine, and no completion list appears.
        let block = "if 1 < 0 {\r\tprint(\"then\")\r}\relse {\r\tprint(\"otherwise\")\r}\r"
        t.type(Self.paste.start + block + Self.paste.end)
        #expect(t.wait(for: "otherwise\r\n"))
        #expect(!t.screen.contains("error"))
        #expect(!t.screen.contains("argmax"))
    }

    @Test func aTypedLoneElseSaysWhereItGoes() throws {
        let t = try session()
        t.type("if 1 > 0 {\r")
        t.type("print(\"yes\")\r")
        t.enter("}")
        #expect(t.output(of: "else {").contains("'else' must be on the line of the '}'"))
        #expect(t.output(of: "1 + 1").contains("2"))
    }

    @Test func aPasteWithoutMarkersDoesNotComplete() throws {
        let t = try session()
        // All at once, as a terminal without bracketed paste sends a paste: the Tab has more
        // input right behind it and is kept as a Tab.
        t.type("res\t= 7\r")
        t.drain(0.5)
        #expect(t.output(of: "res * 2").contains("14"))
        // `}` then `else` on the next line, arriving together, is one if, as in a script.
        t.type("if 1 < 0 {\r\tprint(\"a\")\r}\relse if 2 < 1 {\r\tprint(\"b\")\r}\relse {\r\tprint(\"c\")\r}\r")
        #expect(t.wait(for: "c\r\n"))
        t.drain(0.3)
        #expect(!t.screen.contains("must be on the line"))
    }

    @Test func aUniqueCompletionDoesNotRingTheBell() throws {
        let t = try session()
        t.enter("my_weights = 7")
        let before = t.screen.count
        t.complete("my_w")
        t.enter(" * 6")
        let typed = String(t.screen.dropFirst(before))
        #expect(typed.contains("eights"))
        #expect(!typed.contains("\u{07}"))
        #expect(t.after("* 6").contains("42"))
    }

    @Test func completionOfFilesKeywordsAndHome() throws {
        let home = try temporaryFolder()
        try "x_loaded = 3\n".write(toFile: home + "/script_one.xe", atomically: true, encoding: .utf8)
        try "1,2\n".write(toFile: home + "/numbers_table.csv", atomically: true, encoding: .utf8)
        let t = try session(["HOME": home])
        // After :load, ~ written out as the home folder.
        t.complete(":load ~/scr")
        t.enter("")
        #expect(t.output(of: "x_loaded").contains("3"))
        // Inside a string: the file name, and the string closed.
        t.complete("m = load(\"\(home)/numbers_t")
        t.enter(")")
        #expect(t.output(of: "sum(m)").contains("3"))
        // A keyword parameter after name(.
        t.complete("bce([1, 0], [0.9, 0.2], reduc")
        #expect(t.output(of: "\"sum\")").contains("0.328504066972036"))
    }

    @Test func resizingRedrawsAndOutputFitsTheWidth() throws {
        let t = try session()
        t.type("total = 40 + ")
        t.drain(0.2)
        let before = t.screen.count
        t.resize(columns: 40)
        t.drain(0.5)
        // libedit was told: the line is drawn again, from the start of the line it was on (the
        // cursor goes back and the old text is cleared), not after the old text.
        let redrawn = String(t.screen.dropFirst(before))
        #expect(redrawn.contains("total = 40 +"))
        #expect(redrawn.hasPrefix("\r\u{1B}[K"), "\(redrawn.debugDescription)")
        t.enter("2")
        #expect(t.output(of: "total").contains("42"))
        let wrapped = t.output(of: "range(30)")
        let lines = wrapped.replacingOccurrences(of: "\u{1B}[?2004l", with: "").components(separatedBy: "\r\n").filter { $0.contains(",") }
        #expect(lines.count >= 3, "\(lines)")
        #expect(lines.allSatisfy { $0.count <= 40 }, "\(lines)")
        #expect(lines.first?.hasPrefix("[ 0,  1,") == true)
    }

    /// Help, command lists and explain tables at 50 columns: no line wider.
    @Test func helpAndExplainFitANarrowTerminal() throws {
        let t = try session(["PAGER": "cat"])
        t.resize(columns: 50)
        t.drain(0.3)
        for entry in [":help", "?bce_logits", ":explain bce_logits([1, 0, 1], [2.5, -1, 0.3], weight=[1, 2, 1])", ":conventions bce([1], [0])"] {
            let out = t.output(of: entry).replacingOccurrences(of: "\u{1B}[?2004l", with: "").replacingOccurrences(of: "\u{1B}[?2004h", with: "")
            let lines = out.components(separatedBy: "\r\n").dropFirst().dropLast()
            #expect(lines.count > 3)
            #expect(lines.allSatisfy { $0.count <= 50 }, "\(lines.filter { $0.count > 50 })")
        }
    }

    @Test func formatShortAndLong() throws {
        let t = try session()
        t.enter(":format short")
        #expect(t.output(of: "[1/3, 20/3, 1]").contains("[0.333333,  6.66667,        1]"))
        t.enter(":format long")
        #expect(t.output(of: "1/3").contains("0.3333333333333333"))
        #expect(t.output(of: ":format medium").contains("short or long"))
    }

    @Test func ctrlZStopsAndFgRedrawsThePrompt() throws {
        let state = try temporaryFolder()
        let t = try Terminal(arguments: ["--norc", "--noprofile", "-i"],
                             environment: ["XDG_STATE_HOME": state, "PS1": "sh$ "], program: "/bin/bash")
        #expect(t.wait(for: "sh$ "))
        t.type("\(XE.binary.path)\r")
        #expect(t.wait(for: "xe> "))
        t.type("b = 3")
        t.drain(0.3)
        t.type("\u{1A}")
        #expect(t.wait(for: "Stopped"))
        #expect(t.wait(for: "sh$ "))
        let before = t.screen.count
        t.type("fg\r")
        t.drain(1.5)
        #expect(String(t.screen.dropFirst(before)).contains("xe> b = 3"))
        t.type(" + 4\r")
        t.drain(0.3)
        t.type("b\r")
        #expect(t.wait(for: "7\r\n"))
        t.type("exit\r")
        t.drain(0.3)
        t.type("exit\r")
    }

    @Test func historyKeepsMultiLineEntriesAndOtherSessions() throws {
        let base = try temporaryFolder()
        // A state folder whose parents do not exist yet.
        let state = base + "/deeper/state"
        let a = try session(["XDG_STATE_HOME": state])
        let b = try session(["XDG_STATE_HOME": state])
        a.type("twice(x) = {\r")
        #expect(a.wait(for: "...> "))
        a.enter("x * 2 }")
        b.enter("from_b = 5")
        a.enter("from_a = 6")
        let history = try String(contentsOfFile: state + "/xe/history", encoding: .utf8)
        #expect(history.contains("twice(x)\\040=\\040{\\012x\\040*\\0402\\040}"))
        #expect(history.contains("from_b\\040=\\0405"))
        #expect(history.contains("from_a\\040=\\0406"))
        // A new session recalls the definition whole; Up with a typed prefix searches by it.
        let c = try session(["XDG_STATE_HOME": state])
        c.type("tw\u{1B}[A")
        c.drain(0.3)
        c.enter("")
        #expect(c.output(of: "twice(21)").contains("42"))
    }

    @Test func upWithAPrefixSearchesByIt() throws {
        let t = try session()
        t.enter("alpha_v = 11")
        t.enter("beta_v = 22")
        t.enter("alpha_v * 2")
        t.enter("beta_v * 2")
        t.type("alp\u{1B}[A")
        t.drain(0.3)
        let recalled = t.output(of: "")
        #expect(recalled.contains("22\r\n"))
        #expect(!recalled.contains("44"))
    }

    @Test func semicolonSilencesAndExitWordsLeave() throws {
        let t = try session()
        t.enter("x = 5")
        let silenced = t.output(of: "x * 2;")
        #expect(!silenced.contains("10"))
        #expect(t.output(of: "x * 3").contains("15"))
        for word in ["exit", "quit", "exit()", "quit()"] {
            let u = try session()
            u.type(word + "\r")
            #expect(u.exitStatus() == 0)
        }
        let v = try session()
        v.type("exit(3)\r")
        #expect(v.exitStatus() == 3)
        // A function of the user's called exit is theirs to call.
        let w = try session()
        w.enter("exit(c) = c * 2")
        #expect(w.output(of: "exit(21)").contains("42"))
    }

    @Test func helpSearchesAndExplainsSyntaxCommandsAndDefinitions() throws {
        let t = try session(["PAGER": "cat"])
        let found = t.output(of: "apropos(\"entropy\")")
        #expect(found.contains("bce"))
        #expect(found.contains("cce"))
        #expect(t.output(of: ":help cross").contains("cce_logits"))
        #expect(t.output(of: "?for").contains("for name in value"))
        #expect(t.output(of: "?if").contains("else"))
        #expect(t.output(of: "?loss").contains("loss name(y, p"))
        #expect(t.output(of: ":help :load").contains(":load FILE.xe"))
        t.enter("sq(x) = x^2 + 1")
        let source = t.output(of: "?sq")
        #expect(source.contains("sq(x) = x^2 + 1"))
        #expect(source.contains("defined at REPL[2]:1:1"))
        t.enter("loss half(y, p) = mean((y - p)^2) / 2")
        #expect(t.output(of: "?half").contains("mean((y - p)^2) / 2"))
    }

    @Test func replEntriesAreNamedInErrors() throws {
        let t = try session(["NO_COLOR": "1"])
        t.enter("g(x) = x + nope")
        // Blank lines are no entries: the call is still the second.
        t.enter("")
        t.enter("   ")
        let failure = t.output(of: "g(1)")
        #expect(failure.contains("REPL[1]:1:12: error: unknown name 'nope'"))
        #expect(failure.contains("REPL[2]:1:1: note: called from here"))
    }

    /// The caret under the argument an error is about; typos of exit and x.shape say the fix.
    @Test func errorsPointAtTheArgumentAndSuggestTheFix() throws {
        let t = try session(["NO_COLOR": "1"])
        let probability = t.output(of: "bce([1, 0], [0.5, 0.7] * 2)")
        #expect(probability.contains("REPL[1]:1:13: error: bce: prediction p[1]"))
        #expect(probability.contains("\r\n            ^"))
        let keyword = t.output(of: "bce([1, 0], [0.5, 0.7], reductoin=\"sum\")")
        #expect(keyword.contains("REPL[2]:1:25: error: bce() has no parameter 'reductoin'; did you mean 'reduction'?"))
        #expect(t.output(of: "exti").contains("note: to leave the REPL, type exit, quit or Ctrl-D"))
        #expect(t.output(of: "x = [1, 2]; x.shape").contains("write shape(x) instead of x.shape"))
        #expect(t.output(of: ":qiut").contains("did you mean :quit?"))
        #expect(t.output(of: "α = 0.25; γ = 2; naïve = 1; α * γ + naïve").contains("1.5"))
    }

    @Test func resetForgetsSessionLossesAndCommandsCheckArguments() throws {
        let t = try session()
        t.enter("loss mine(y, p) = mean(p)")
        #expect(t.output(of: "mine([1], [2])").contains("2"))
        #expect(t.output(of: ":reset").contains("mine"))
        #expect(t.output(of: "mine([1], [2])").contains("unknown name 'mine'"))
        #expect(t.output(of: ":vars now").contains(":vars takes no argument"))
        #expect(t.output(of: ":load").contains("usage: :load FILE.xe"))
    }
}
