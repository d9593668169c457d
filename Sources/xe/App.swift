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
                runSource(readStandardInput(), file: "<stdin>", interpreter)
            }
        case .automatic:
            let interpreter = makeInterpreter()
            loadPlugins(interpreter)
            if Console.stdinIsTerminal {
                REPL(interpreter: interpreter).run()
            } else {
                runSource(readStandardInput(), file: "<stdin>", interpreter)
            }
        }
        Console.flush()
        if Console.outputBroken { status = 0 }
    }

    func runFile(_ path: String, _ interpreter: Interpreter) {
        guard let text = readFile(path) else {
            Console.error("xe: cannot open '\(path)': \(String(cString: strerror(errno)))")
            status = 2
            return
        }
        runSource(text, file: path, interpreter)
    }

    func runSource(_ text: String, file: String, _ interpreter: Interpreter) {
        do {
            try interpreter.run(text, file: file)
        } catch {
            report(error, interpreter)
            status = 1
        }
    }

    func readFile(_ path: String) -> String? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
            if n < buffer.count { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func readStandardInput() -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(0, &buffer, buffer.count)
            if n > 0 {
                bytes.append(contentsOf: buffer[0..<n])
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
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
