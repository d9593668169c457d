import CXEShim
import Glibc
import XERuntime

/// One run of the `xe` command.
final class App {
    let options: CommandLineOptions
    var status: Int32 = 0

    init(options: CommandLineOptions) {
        self.options = options
    }

    /// The interpreter with its output on standard output.
    func makeInterpreter() -> Interpreter {
        let interpreter = Interpreter(arguments: options.arguments)
        interpreter.output = Console.write
        return interpreter
    }

    /// Prints an error the way SPEC §8 says; `exit(n)` is no error but sets the status.
    func report(_ error: XEError, _ interpreter: Interpreter) {
        if let exit = error.exitStatus {
            status = exit
            return
        }
        if Console.outputBroken { return }
        Console.flush()
        Console.error(interpreter.render(error, color: Console.colorErrors))
    }

    func run() {
        defer {
            Console.flush()
            if Console.outputBroken { status = 0 }
        }
        switch options.mode {
        case .version:
            Console.write("xe \(Interpreter.version)\n")
            return
        case .help:
            Console.write(CommandLineOptions.usage + "\n")
            return
        default:
            break
        }
        let interpreter = makeInterpreter()
        guard loadPlugins(interpreter) else {
            status = 2
            return
        }
        switch options.mode {
        case .version, .help:
            break
        case .script(let path):
            runFile(path, interpreter)
        case .evaluate(let source):
            runSource(source, file: "-e", showingValue: true, interpreter)
        case .standardInput:
            runStandardInput(interpreter)
        case .interactive(let path):
            if path.lowercased().hasSuffix(".npz") {
                restore(path, interpreter)
                if status == 2 { return }
            } else if !runFile(path, interpreter) {
                return
            }
            status = 0
            startREPL(interpreter)
        case .automatic:
            startREPL(interpreter)
        }
    }

    /// The REPL on a terminal; otherwise standard input runs as a script.
    func startREPL(_ interpreter: Interpreter) {
        if Console.stdinIsTerminal {
            let repl = REPL(interpreter: interpreter)
            repl.quiet = options.quiet
            status = repl.run()
        } else {
            runStandardInput(interpreter)
        }
    }

    /// Runs a script file; one that cannot be opened is a usage error (status 2), one that
    /// cannot be read as a program (a folder, a device, over 64 MiB) an error (status 1).
    /// Gives false when the run should stop there: the file could not be opened, or the
    /// program called `exit`.
    @discardableResult
    func runFile(_ path: String, _ interpreter: Interpreter) -> Bool {
        guard access(path, F_OK) == 0 else {
            Console.error("xe: cannot open '\(path)': \(String(cString: strerror(errno)))")
            status = 2
            return false
        }
        do {
            return runSource(try Interpreter.readProgram(path), file: path, interpreter)
        } catch {
            Console.error("xe: \(error.message)")
            status = 1
            return true
        }
    }

    /// `xe -i session.npz`: the variables of a saved session (`:save`).
    func restore(_ path: String, _ interpreter: Interpreter) {
        do throws(XEError) {
            let names = try interpreter.restoreWorkspace(path)
            if Console.stdinIsTerminal { Console.write("restored \(names.joined(separator: ", "))\n") }
        } catch {
            report(error, interpreter)
            status = 1
        }
    }

    /// Runs the program on standard input.
    func runStandardInput(_ interpreter: Interpreter) {
        do {
            runSource(try Interpreter.readProgramFromStandardInput(), file: "<stdin>", interpreter)
        } catch {
            Console.error("xe: \(error.message)")
            status = 1
        }
    }

    /// Runs a program (a script, standard input, `-e`); `showingValue`: prints the value of its
    /// last statement, when that is an expression (`-e`). False when it called `exit`.
    @discardableResult
    func runSource(_ text: String, file: String, showingValue: Bool = false, _ interpreter: Interpreter) -> Bool {
        do {
            let value = try interpreter.run(text, file: file)
            if case .none = value {} else if showingValue { Console.write(interpreter.display(value) + "\n") }
        } catch {
            status = 1
            report(error, interpreter)
            return error.exitStatus == nil
        }
        return true
    }

    /// Loads the plugins of the plugin folders (unless `--no-plugins`), then those named with
    /// `--plugin`. A folder's plugin that fails is reported and the rest load; a named one that
    /// fails is reported and false returned: xe stops before running anything.
    func loadPlugins(_ interpreter: Interpreter) -> Bool {
        if !options.noPluginFolders {
            interpreter.autoloadPlugins(warn: { Console.error("xe: warning: \($0)") }, report: { self.report($0, interpreter) })
        }
        for path in options.plugins {
            do {
                try interpreter.loadPlugin(path)
            } catch {
                report(error, interpreter)
                Console.error("xe: the plugin '\(path)' given with --plugin did not load; stopping (status 2)")
                return false
            }
        }
        return true
    }
}
