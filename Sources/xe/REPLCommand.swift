import Glibc
import XERuntime
import XETensor

/// One `:command` of the REPL. The table of them drives dispatch, Tab completion, `:help` and
/// the check that a command gets the argument it takes (and no other).
struct REPLCommand: Sendable {
    enum Argument: Sendable {
        /// Takes none: anything after it is refused.
        case none
        /// Takes an optional argument, shown as the text given.
        case optional(String)
        /// Needs one, shown as the text given.
        case required(String)
    }

    /// What Tab offers after the command.
    enum Completion: Sendable {
        case nothing
        /// Files (and folders) whose names end with one of these (any file when empty).
        case files([String])
        /// Names of the language: built-ins, losses, variables.
        case names
        /// A fixed list of words.
        case words([String])
    }

    let name: String
    let aliases: [String]
    let argument: Argument
    let completion: Completion
    /// One line for the overview, then more for `:help :name`.
    let documentation: HelpText
    let run: @Sendable (REPL, String) -> REPL.CommandResult

    /// `:load FILE.xe`, `:help [name]`.
    var usage: String {
        switch argument {
        case .none: return name
        case .optional(let text): return "\(name) [\(text)]"
        case .required(let text): return "\(name) \(text)"
        }
    }

    /// The help of the command: its usage, summary and details.
    var help: String {
        documentation.text(under: usage + (aliases.isEmpty ? "" : "  (also " + aliases.joined(separator: ", ") + ")"))
    }
}

extension REPLCommand {
    /// A command as the table writes it: `REPLCommand(":load", .required("FILE.xe"), summary: ...) { repl, argument in ... }`.
    init(_ name: String, aliases: [String] = [], _ argument: Argument = .none, completion: Completion = .nothing,
         summary: String, details: String = "", run: @escaping @Sendable (REPL, String) -> REPL.CommandResult) {
        self.init(name: name, aliases: aliases, argument: argument, completion: completion,
                  documentation: HelpText(summary: summary, details: details), run: run)
    }
}

extension REPL {
    enum CommandResult { case done, quit }

    /// Runs a command's work with its errors reported as every error is (the REPL goes on).
    func reportingErrors(_ work: () throws -> Void) -> CommandResult {
        do {
            try work()
        } catch let error as XEError {
            report(error)
        } catch {
            Console.error("xe: \(error)")
        }
        return .done
    }

    static let commands: [REPLCommand] = [
        REPLCommand(":help", aliases: [":h", "?"], .optional("name or word"), completion: .names,
                    summary: "help on everything, on a name, a command (:help :load) or a syntax word (:help for); else searches every help text",
                    details: "?name is the same. For a function or loss you defined, its source.\nExample: :help cross lists everything about cross-entropy.") { repl, argument in
            repl.help(argument)
            return .done
        },
        REPLCommand(":vars", summary: "the variables: name, shape and a preview") { repl, _ in
            repl.listVariables()
            return .done
        },
        REPLCommand(":losses", summary: "every loss with its one-line summary") { repl, _ in
            let entries = repl.interpreter.losses.entries
            let width = (entries.map(\.loss.name.count).max() ?? 12) + 2
            for entry in entries {
                Console.write(repl.pad(entry.loss.name, width) + entry.loss.summary + "\n")
            }
            return .done
        },
        REPLCommand(":plugins", summary: "the plugins loaded, with their losses") { repl, _ in
            if repl.interpreter.loadedPlugins.isEmpty {
                Console.write("no plugins loaded (load one with :plugin PATH, xe --plugin PATH or $XE_PLUGIN_PATH)\n")
            }
            for plugin in repl.interpreter.loadedPlugins {
                Console.write("\(plugin.path): \(plugin.losses.isEmpty ? "no losses" : plugin.losses.joined(separator: ", "))\n")
            }
            return .done
        },
        REPLCommand(":plugin", .required("PATH"), completion: .files([".so", ".xe", ".dylib"]),
                    summary: "load a plugin (.so or .xe); a path that names a file loads that file",
                    details: "~ stands for your home folder.") { repl, argument in
            let path = REPL.expandingHome(argument)
            return repl.reportingErrors {
                let added = try repl.interpreter.loadPlugin(path)
                Console.write("loaded \(repl.interpreter.loadedPlugins.last?.path ?? path): \(added.isEmpty ? "no new losses" : added.joined(separator: ", "))\n")
            }
        },
        REPLCommand(":load", .required("FILE.xe"), completion: .files([".xe"]),
                    summary: "run a script in this session (its variables, functions and losses stay)",
                    details: "~ stands for your home folder.") { repl, argument in
            repl.reportingErrors { try repl.interpreter.runScriptFile(REPL.expandingHome(argument)) }
        },
        REPLCommand(":save", .required("FILE.npz"), completion: .files([".npz"]),
                    summary: "save every variable that holds a number or tensor") { repl, argument in
            repl.workspace(":save", REPL.expandingHome(argument))
            return .done
        },
        REPLCommand(":restore", .required("FILE.npz"), completion: .files([".npz"]),
                    summary: "bring back the variables of a saved session") { repl, argument in
            repl.workspace(":restore", REPL.expandingHome(argument))
            return .done
        },
        REPLCommand(":time", .required("EXPR"), completion: .names, summary: "evaluate EXPR and say how long it took") { repl, argument in
            let start = repl.monotonic()
            repl.evaluate(argument)
            Console.write("time: \(repl.formatSeconds(repl.monotonic() - start))\n")
            return .done
        },
        REPLCommand(":explain", .required("EXPR"), completion: .names, summary: "explain a loss or its gradient step by step, e.g. :explain bce(y, p), :explain grad(bce(y, p), p)") { repl, argument in
            repl.evaluate("explain(\(argument))", fitted: true)
            return .done
        },
        REPLCommand(":conventions", .required("EXPR"), completion: .names,
                    summary: "a loss's value under each framework's rules, e.g. :conventions bce(y, p)") { repl, argument in
            repl.evaluate("conventions(\(argument))", fitted: true)
            return .done
        },
        REPLCommand(":format", .optional("short|long"), completion: .words(NumberStyle.allCases.map(\.rawValue)),
                    summary: "how numbers are shown: long (the default: every digit, reads back exactly) or short (6 significant digits, aligned)") { repl, argument in
            guard !argument.isEmpty else {
                Console.write("format \(repl.style.rawValue)\n")
                return .done
            }
            guard let style = NumberStyle(rawValue: argument) else {
                Console.error("error: :format takes short or long, not '\(argument)'")
                return .done
            }
            repl.style = style
            return .done
        },
        REPLCommand(":reset", summary: "remove every variable and forget the losses defined in this session") { repl, _ in
            repl.interpreter.reset()
            let losses = repl.interpreter.forgetSessionLosses()
            let forgotten = losses.isEmpty ? "" : " and the loss\(losses.count == 1 ? "" : "es") defined here (\(losses.joined(separator: ", ")))"
            Console.write("all variables removed\(forgotten)\n")
            return .done
        },
        REPLCommand(":quit", aliases: [":q", ":exit"], summary: "leave (or Ctrl-D on an empty line, exit, quit, exit())") { _, _ in
            .quit
        },
    ]

    /// The command called `name` (or one of its aliases).
    static func command(named name: String) -> REPLCommand? {
        commands.first { $0.name == name || $0.aliases.contains(name) }
    }

    /// Runs a `:command` or `?name`; nil when the line is not one.
    func command(_ line: String) -> CommandResult? {
        let trimmed = line.trimmed
        if trimmed.hasPrefix("?") {
            help(String(trimmed.dropFirst()).trimmed)
            return .done
        }
        guard trimmed.hasPrefix(":") else { return nil }
        let name = String(trimmed.prefix { $0 != " " && $0 != "\t" })
        let argument = String(trimmed.dropFirst(name.count)).trimmed
        guard let command = REPL.command(named: name) else {
            let names = REPL.commands.map(\.name)
            let guess = names.first { $0.hasPrefix(name) } ?? Interpreter.likelyTypo(name, of: names)
            let hint = guess.map { "; did you mean \($0)?" } ?? ""
            Console.error("unknown command \(name)\(hint) (commands: \(REPL.commands.map(\.name).joined(separator: " ")))")
            return .done
        }
        switch command.argument {
        case .none where !argument.isEmpty:
            Console.error("error: \(command.name) takes no argument (got '\(argument)')")
            return .done
        case .required(let what) where argument.isEmpty:
            Console.error("usage: \(command.name) \(what)")
            return .done
        default:
            return command.run(self, argument)
        }
    }

    /// `~` and `~/...` as the home folder.
    static func expandingHome(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home = getenv("HOME").map({ String(cString: $0) }) else { return path }
        return home + path.dropFirst()
    }

    /// The help: everything; a command's; a name's; a syntax word's; else a search of every
    /// help text. Long texts go through the pager on a terminal.
    func help(_ topic: String) {
        if topic.isEmpty {
            Console.page(interpreter.overview + "\n\n" + REPL.commandOverview + "\n")
            return
        }
        if topic.hasPrefix(":") {
            guard let command = REPL.command(named: topic) else {
                Console.error("error: there is no command \(topic) (commands: \(REPL.commands.map(\.name).joined(separator: " ")))")
                return
            }
            Console.page(command.help + "\n")
            return
        }
        do {
            Console.page(try interpreter.helpText(named: topic) + "\n")
        } catch let error as XEError {
            if let command = REPL.command(named: ":" + topic) {
                Console.page(command.help + "\n")
                return
            }
            let found = interpreter.apropos(topic)
            if found.isEmpty {
                Console.error("error: " + error.message + "; no help text mentions '\(topic)' either")
            } else {
                Console.page("the help texts that mention '\(topic)':\n" + interpreter.aproposText(topic) + "\n")
            }
        } catch {}
    }

    /// The commands, one line each, wrapped to the terminal.
    static var commandOverview: String {
        let width = Console.width
        var lines = ["REPL commands (:help :name for more):"]
        for command in commands {
            let usage = "  " + command.usage
            let column = 24
            let summaryWidth = max(30, width - column)
            let summary = Console.wrap(command.documentation.summary, width: summaryWidth)
            var first = true
            for part in summary {
                if first {
                    lines.append(usage.count < column ? usage + String(repeating: " ", count: column - usage.count) + part : usage + "\n" + String(repeating: " ", count: column) + part)
                    first = false
                } else {
                    lines.append(String(repeating: " ", count: column) + part)
                }
            }
        }
        lines += Console.wrap("Tab completes names, commands, keyword parameters after name( and file names in strings and after :load and :plugin. Up and Down search the history by what is typed before the cursor. An unclosed bracket, brace or string continues on the next line. A trailing ; hides the value. Ctrl-C clears the line or stops a running computation; exit, quit or Ctrl-D leaves.", width: width)
        return lines.joined(separator: "\n")
    }

    /// The commands' help texts, for `apropos`.
    static func registerCommandHelp() {
        Interpreter.commandHelp = commands.map { ($0.name, $0.documentation.summary, $0.help) }
    }
}
