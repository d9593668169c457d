import CXEShim
import Glibc
import XELosses
import XERuntime
import XESyntax
import XETensor

/// The interactive loop (SPEC §9): reads entries, continuing while the one parse of each says
/// the input is unfinished; prints each expression statement's value (not when the entry ends
/// with `;`) and keeps it in `ans`; runs `:commands` (see `REPLCommand`). Each entry is its own source,
/// `REPL[n]`, which errors, notes and "defined at" name.
final class REPL {
    let interpreter: Interpreter
    /// How many entries have been run (each is its own source).
    var entries = 0
    let reader: any LineReader
    /// The exit status `exit(n)` asked for.
    var status: Int32 = 0
    /// Whether an entry ran `exit(n)` (`XEError.exitStatus`): the loop ends after it.
    var leaving = false
    /// `xe -q`: no banner.
    var quiet = false
    /// How numbers are shown (`:format`).
    var style: NumberStyle = .long

    /// The words Tab completes besides names: the reserved words, and `loss` (a definition's
    /// first word, not reserved).
    static let keywords = Keyword.allCases.map(\.rawValue) + ["loss"]

    init(interpreter: Interpreter) {
        self.interpreter = interpreter
        REPL.registerCommandHelp()
        if Console.stdinIsTerminal && Console.stdoutIsTerminal {
            reader = EditLineReader(history: History()) { [interpreter] before in
                REPL.completion(for: before, interpreter)
            }
        } else {
            reader = PlainLineReader()
        }
    }

    /// Runs until `:quit`, `exit`, `quit`, `exit()` or Ctrl-D; the exit status (`exit(n)`).
    func run() -> Int32 {
        xe_install_sigint_handler()
        defer { xe_default_sigint() }
        if Console.stdoutIsTerminal && !quiet {
            Console.write("xe \(Interpreter.version) — losses and their gradients. Type :help for help, :quit or Ctrl-D to leave.\n")
        }
        var buffer = ""
        // A line read ahead (see `load(_:held:)`).
        var held: LineInput?
        while true {
            let input = held ?? reader.read(prompt: buffer.isEmpty ? "xe> " : "...> ")
            held = nil
            switch input {
            case .end:
                if !buffer.isEmpty {
                    buffer = ""
                    Console.write("\n")
                    continue
                }
                Console.write("\n")
                return status
            case .interrupted:
                Console.write("^C\n")
                buffer = ""
                continue
            case .line(let line):
                if buffer.isEmpty, !line.contains("\n") {
                    // A blank line is no entry: the next one keeps the next number, REPL[n].
                    if line.trimmed.isEmpty { continue }
                    if let code = REPL.exitRequest(line), !definesExit(line) {
                        reader.remember(line)
                        return code
                    }
                    if let result = command(line) {
                        reader.remember(line)
                        if result == .quit || leaving { return status }
                        continue
                    }
                    if let message = REPL.strayElse(line) {
                        reader.remember(line)
                        Console.error(message)
                        continue
                    }
                }
                buffer += buffer.isEmpty ? line : "\n" + line
                guard let entry = load(&buffer, held: &held) else { continue }
                reader.remember(buffer)
                buffer = ""
                run(entry)
                if leaving { return status }
            }
        }
    }

    /// Loads the entry in `buffer` (`Interpreter.load`: one parse, every syntax error, then
    /// compiled) as the next `REPL[n]`; nil while more lines could complete it, which the same
    /// parse says (its first error is at the end of the input), as Lua's REPL decides.
    ///
    /// A paste the terminal did not mark arrives as lines typed very fast: when an entry ends
    /// with `}` and more input is already waiting, the next line is read at once, and one that
    /// starts with `else` joins the entry, as in a script (the longer entry is loaded again). A
    /// line read that does not join is put in `held`, to be handled next.
    func load(_ buffer: inout String, held: inout LineInput?) -> Result<Interpreter.Program, XEError>? {
        while true {
            let entry = load(buffer)
            if case .failure(let error) = entry, error.isIncompleteInput { return nil }
            guard buffer.trimmed.hasSuffix("}"), reader.moreInputWaiting else { return entry }
            let next = reader.read(prompt: "xe> ")
            guard case .line(let line) = next, REPL.strayElse(line) != nil else {
                held = next
                return entry
            }
            buffer += "\n" + line
        }
    }

    /// Loads `source` as the next entry, `REPL[n]`; the value of each expression statement is
    /// shown (`show`) unless the entry ends with `;` (which the parse tells `load`).
    func load(_ source: String) -> Result<Interpreter.Program, XEError> {
        Result { () throws(XEError) in
            try interpreter.load(source, file: "REPL[\(entries + 1)]", echo: show)
        }
    }

    /// Whether the user has given `exit` or `quit` (the word the line starts with) a value of
    /// their own: then the line is run as xe code.
    func definesExit(_ line: String) -> Bool {
        let word = String(line.trimmed.prefix { $0.isLetter })
        return interpreter.global(word) != nil
    }

    /// The exit status asked for by `exit`, `quit`, `exit()`, `quit()` or `exit(n)` on a line of
    /// its own (a `;` after it allowed), as in Julia and IPython; nil for anything else.
    static func exitRequest(_ line: String) -> Int32? {
        var text = Substring(line.trimmed)
        if text.hasSuffix(";") { text = Substring(String(text.dropLast()).trimmed) }
        for word in ["exit", "quit"] where text.hasPrefix(word) {
            let rest = String(text.dropFirst(word.count)).trimmed
            if rest.isEmpty || rest == "()" { return 0 }
            guard rest.hasPrefix("("), rest.hasSuffix(")") else { return nil }
            let inner = String(rest.dropFirst().dropLast()).trimmed
            if let n = Int32(inner), n >= 0, n <= 255 { return n }
        }
        return nil
    }

    /// Typed, a line that starts with `else` follows an `if` that already ran: the message says
    /// to write it on the line of the `}` (a pasted block, run as one entry, needs no such care).
    static func strayElse(_ line: String) -> String? {
        let text = line.trimmed
        guard text == "else" || text.hasPrefix("else ") || text.hasPrefix("else{") else { return nil }
        return "error: 'else' must be on the line of the '}' that closes the if block: } else { ... }\n(the if above has already run; type or paste the whole if ... else as one entry)"
    }

    /// Loads and runs an entry (see `load` and `run`).
    func evaluate(_ source: String, fitted: Bool = false) {
        run(load(source), fitted: fitted)
    }

    /// Runs a loaded entry, or reports why it did not load; it counts as entry `REPL[n]` either
    /// way. `fitted`: what it prints is broken to the terminal's width (tables of `:explain`
    /// and `:conventions`), written once it has run.
    func run(_ entry: Result<Interpreter.Program, XEError>, fitted: Bool = false) {
        xe_clear_interrupt()
        LossExplanation.width = Console.width
        entries += 1
        let original = interpreter.output
        var collected = ""
        if fitted { interpreter.output = { collected += $0 } }
        var failure: XEError?
        do {
            try interpreter.run(entry.get())
        } catch {
            failure = error
        }
        if fitted {
            interpreter.output = original
            Console.write(Console.fit(collected, width: Console.width))
        }
        if let failure { report(failure) }
        Console.flush()
    }

    func show(_ value: Value) {
        if case .none = value { return }
        interpreter.setGlobal("ans", value)
        Console.write(display(value) + "\n")
    }

    /// A value as the REPL shows it: at the terminal's width, in the `:format` style.
    func display(_ value: Value) -> String {
        interpreter.display(value, width: Console.width, style: style)
    }

    func report(_ error: XEError) {
        // `exit(n)` run inside an entry (in a function, a loop, a :load-ed script) ends the REPL.
        if let exit = error.exitStatus {
            status = exit
            leaving = true
            return
        }
        Console.flush()
        var text = interpreter.render(error, color: Console.colorErrors)
        // `exti`, `quti()`: a person trying to leave.
        if case .unknownName(let name, _) = error.problem, Interpreter.likelyTypo(name, of: ["exit", "quit"]) != nil {
            text += "\n" + (Console.colorErrors ? "\u{1B}[1;36mnote:\u{1B}[0m" : "note:") + " to leave the REPL, type exit, quit or Ctrl-D"
        }
        Console.error(text)
        xe_clear_interrupt()
    }

    func listVariables() {
        let names = interpreter.variableNames
        if names.isEmpty { Console.write("no variables\n") }
        for name in names {
            guard let value = interpreter.global(name) else { continue }
            var shape = ""
            switch value {
            case .number: shape = "scalar"
            case .tensor(let t): shape = Tensor.describe(shape: t.shape)
            case .tracked(let n): shape = Tensor.describe(shape: n.value.shape)
            case .string: shape = "string"
            case .function: shape = "function"
            case .tuple(let items): shape = "tuple of \(items.count)"
            case .none: shape = "none"
            }
            var preview = interpreter.format(value).split(separator: "\n").map { $0.trimmed }.joined(separator: " ")
            if preview.count > 60 { preview = String(preview.prefix(57)) + "..." }
            Console.write(pad(name, 12) + pad(shape, 14) + preview + "\n")
        }
    }

    func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }

    func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    func formatSeconds(_ s: Double) -> String {
        if s < 1e-3 { return "\(Double(Int(s * 1e7)) / 10) µs" }
        if s < 1 { return "\(Double(Int(s * 1e4)) / 10) ms" }
        return "\(Double(Int(s * 1e3)) / 1000) s"
    }
}

extension StringProtocol {
    var trimmed: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
