import CXEShim
import Glibc
import XERuntime
import XESyntax
import XETensor

/// The interactive loop (SPEC §9): reads entries, continuing while the parser says the input is
/// unfinished; prints each expression statement's value and keeps it in `ans`; runs `:commands`.
final class REPL {
    let interpreter: Interpreter
    /// How many entries have been run (each is its own source).
    var entries = 0
    let reader: any LineReader
    /// `xe -q`: no banner.
    var quiet = false

    static let commands = [":help", ":vars", ":losses", ":plugins", ":plugin", ":load", ":save", ":restore", ":time", ":explain", ":reset", ":quit"]
    static let keywords = ["if", "else", "for", "in", "while", "return", "import", "and", "or", "not", "true", "false", "break", "continue", "loss"]

    init(interpreter: Interpreter) {
        self.interpreter = interpreter
        if Console.stdinIsTerminal && Console.stdoutIsTerminal {
            reader = EditLineReader(history: History()) { [interpreter] word in
                REPL.completions(for: word, interpreter)
            }
        } else {
            reader = PlainLineReader()
        }
    }

    /// Names that start with `word`: `:commands`, keywords, built-ins, losses and variables.
    static func completions(for word: String, _ interpreter: Interpreter) -> [String] {
        if word.hasPrefix(":") { return commands.filter { $0.hasPrefix(word) } }
        let prefix = word.hasPrefix("?") ? String(word.dropFirst()) : word
        let lead = word.hasPrefix("?") ? "?" : ""
        return (interpreter.knownNames + keywords).filter { $0.hasPrefix(prefix) }.map { lead + $0 }
    }

    func run() {
        xe_install_sigint_handler()
        defer { xe_default_sigint() }
        if Console.stdoutIsTerminal && !quiet {
            Console.write("xe \(Interpreter.version) — losses and their gradients. Type :help for help, :quit or Ctrl-D to leave.\n")
        }
        var buffer = ""
        while true {
            let input = reader.read(prompt: buffer.isEmpty ? "xe> " : "...> ")
            switch input {
            case .end:
                if !buffer.isEmpty {
                    buffer = ""
                    Console.write("\n")
                    continue
                }
                Console.write("\n")
                return
            case .interrupted:
                Console.write("^C\n")
                buffer = ""
                continue
            case .line(let line):
                reader.remember(line)
                if buffer.isEmpty, let command = command(line) {
                    if command == .quit { return }
                    continue
                }
                buffer += buffer.isEmpty ? line : "\n" + line
                if Interpreter.isIncomplete(buffer) { continue }
                let source = buffer
                buffer = ""
                evaluate(source)
            }
        }
    }

    /// Runs an entry, printing each expression statement's value.
    func evaluate(_ source: String) {
        xe_clear_interrupt()
        entries += 1
        do {
            // A source of its own per entry (shown without a name), so an error in a function
            // typed earlier shows the line it was typed on.
            try interpreter.run(source, file: SourceLocation.unnamed + String(entries), echo: show)
        } catch {
            report(error)
        }
        Console.flush()
    }

    func show(_ value: Value) {
        if case .none = value { return }
        interpreter.setGlobal("ans", value)
        Console.write(interpreter.display(value) + "\n")
    }

    func report(_ error: XEError) {
        Console.flush()
        Console.error(interpreter.render(error, color: Console.colorErrors))
        xe_clear_interrupt()
    }

    enum CommandResult { case done, quit }

    /// Runs a `:command` or `?name`; nil when the line is not one.
    func command(_ line: String) -> CommandResult? {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        if trimmed.hasPrefix("?") {
            help(String(trimmed.dropFirst()).trimmed)
            return .done
        }
        guard trimmed.hasPrefix(":") else { return nil }
        let parts = trimmed.split(separator: " ", maxSplits: 1)
        let name = String(parts[0])
        let argument = parts.count > 1 ? String(parts[1]).trimmed : ""
        switch name {
        case ":quit", ":q", ":exit":
            return .quit
        case ":help", ":h":
            help(argument)
        case ":vars":
            listVariables()
        case ":losses":
            for entry in interpreter.losses.entries {
                Console.write(pad(entry.loss.name, 14) + entry.loss.summary + "\n")
            }
        case ":plugins":
            if interpreter.loadedPlugins.isEmpty {
                Console.write("no plugins loaded (load one with :plugin PATH, xe --plugin PATH or $XE_PLUGIN_PATH)\n")
            }
            for plugin in interpreter.loadedPlugins {
                Console.write("\(plugin.path): \(plugin.losses.isEmpty ? "no losses" : plugin.losses.joined(separator: ", "))\n")
            }
        case ":plugin":
            guard !argument.isEmpty else { return usage(":plugin PATH") }
            do {
                let added = try interpreter.loadPlugin(argument)
                Console.write("loaded \(interpreter.loadedPlugins.last?.path ?? argument): \(added.isEmpty ? "no new losses" : added.joined(separator: ", "))\n")
            } catch {
                report(error)
            }
        case ":load":
            guard !argument.isEmpty else { return usage(":load FILE.xe") }
            do {
                try interpreter.runScriptFile(argument)
            } catch {
                report(error)
            }
        case ":save", ":restore":
            workspace(name, argument)
        case ":time":
            guard !argument.isEmpty else { return usage(":time EXPR") }
            let start = monotonic()
            evaluate(argument)
            Console.write("time: \(formatSeconds(monotonic() - start))\n")
        case ":explain":
            guard !argument.isEmpty else { return usage(":explain EXPR, e.g. :explain bce(y, p)") }
            evaluate("explain(\(argument))")
        case ":reset":
            interpreter.reset()
            Console.write("all variables removed\n")
        default:
            let hint = REPL.commands.first { $0.hasPrefix(name) }.map { "; did you mean \($0)?" } ?? ""
            Console.error("unknown command \(name)\(hint) (commands: \(REPL.commands.joined(separator: " ")))")
        }
        return .done
    }

    func usage(_ text: String) -> CommandResult {
        Console.error("usage: \(text)")
        return .done
    }

    func help(_ name: String) {
        if name.isEmpty {
            Console.write(interpreter.overview + "\n\n" + REPL.commandHelp + "\n")
            return
        }
        do {
            Console.write(try interpreter.helpText(named: name) + "\n")
        } catch let error as XEError {
            Console.error("error: " + error.message)
        } catch {}
    }

    static let commandHelp = """
        REPL commands:
          :help [name], ?name   help on everything, or on one function or loss
          :vars                 the variables: name, shape and a preview
          :losses               every loss with its one-line summary
          :plugins              the plugins loaded, with their losses
          :plugin PATH          load a plugin (.so or .xe)
          :load FILE.xe         run a script in this session
          :save FILE.npz        save every variable that holds a number or tensor
          :restore FILE.npz     bring back the variables of a saved session
          :time EXPR            evaluate EXPR and say how long it took
          :explain EXPR         explain a loss step by step, e.g. :explain bce(y, p)
          :reset                remove every variable
          :quit                 leave (or Ctrl-D on an empty line)
        Tab completes names and commands; an unclosed bracket, brace or string continues on the
        next line; Ctrl-C clears the line or stops a running computation.
        """

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
