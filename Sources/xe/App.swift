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

    /// Prints an error the way SPEC §8 says.
    func report(_ error: XEError, _ interpreter: Interpreter) {
        if Console.outputBroken { return }
        Console.flush()
        Console.error(interpreter.render(error, color: Console.colorErrors))
    }

    func run() {
        switch options.mode {
        case .version:
            Console.write("xe \(Interpreter.version)\n")
        case .help:
            Console.write(CommandLineOptions.usage + "\n")
        case .script(let path):
            let interpreter = makeInterpreter()
            loadPlugins(interpreter)
            runFile(path, interpreter)
        case .evaluate(let source):
            let interpreter = makeInterpreter()
            loadPlugins(interpreter)
            do {
                let value = try interpreter.run(source, file: "-e")
                if case .none = value {} else { Console.write(interpreter.format(value) + "\n") }
            } catch {
                report(error, interpreter)
                status = 1
            }
        case .interactive(let path):
            let interpreter = makeInterpreter()
            loadPlugins(interpreter)
            runFile(path, interpreter)
            if status == 2 { return }
            status = 0
            if Console.stdinIsTerminal {
                REPL(interpreter: interpreter).run()
            } else {
                runStandardInput(interpreter)
            }
        case .automatic:
            let interpreter = makeInterpreter()
            loadPlugins(interpreter)
            if Console.stdinIsTerminal {
                REPL(interpreter: interpreter).run()
            } else {
                runStandardInput(interpreter)
            }
        }
        Console.flush()
        if Console.outputBroken { status = 0 }
    }

    /// Runs a script file; one that cannot be opened is a usage error (status 2), one that
    /// cannot be read as a program (a folder, a device, over 64 MiB) an error (status 1).
    func runFile(_ path: String, _ interpreter: Interpreter) {
        guard access(path, F_OK) == 0 else {
            Console.error("xe: cannot open '\(path)': \(String(cString: strerror(errno)))")
            status = 2
            return
        }
        do {
            runSource(try Interpreter.readProgram(path), file: path, interpreter)
        } catch {
            Console.error("xe: \(error.message)")
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

    func runSource(_ text: String, file: String, _ interpreter: Interpreter) {
        do {
            try interpreter.run(text, file: file)
        } catch {
            report(error, interpreter)
            status = 1
        }
    }

    /// Loads the plugins of the plugin folders, then those named with --plugin; a failure is
    /// reported and the run goes on.
    func loadPlugins(_ interpreter: Interpreter) {
        interpreter.autoloadPlugins { Console.error("xe: warning: \($0)") }
        for path in options.plugins {
            do {
                try interpreter.loadPlugin(path)
            } catch let error as XEError {
                report(error, interpreter)
            } catch {
                Console.error("xe: \(error)")
            }
        }
    }
}

extension App {
    /// The stack the interpreter runs on: deep recursion is stopped by xe's own limits long
    /// before this is used up.
    static let interpreterStack = 1 << 30

    /// Runs the app on a thread with a large stack and waits for it.
    func runOnLargeStack() {
        let context = Unmanaged.passUnretained(self).toOpaque()
        let rc = xe_run_on_big_stack(App.interpreterStack, { context in
            Unmanaged<App>.fromOpaque(context!).takeUnretainedValue().run()
        }, context)
        if rc != 0 { run() }
    }
}
