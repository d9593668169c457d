import XERuntime

/// The interactive loop.
final class REPL {
    let interpreter: Interpreter

    init(interpreter: Interpreter) {
        self.interpreter = interpreter
    }

    func run() {
        var buffer = ""
        while true {
            Console.write(buffer.isEmpty ? "xe> " : "...> ")
            Console.flush()
            guard let line = readLine() else { break }
            buffer += buffer.isEmpty ? line : "\n" + line
            if Interpreter.isIncomplete(buffer) { continue }
            let source = buffer
            buffer = ""
            do {
                try interpreter.run(source, echo: { value in
                    if case .none = value { return }
                    self.interpreter.setGlobal("ans", value)
                    Console.write(self.interpreter.format(value) + "\n")
                })
            } catch {
                Console.flush()
                Console.error(interpreter.render(error, color: Console.colorErrors))
            }
        }
    }
}
