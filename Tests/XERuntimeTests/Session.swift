@testable import XERuntime

/// An interpreter whose printed output is collected.
final class Session {
    let interpreter = Interpreter()
    var printed = ""

    init() {
        interpreter.output = { [unowned self] in self.printed += $0 }
    }

    /// Runs `source` and gives the formatted value of its last expression statement.
    @discardableResult
    func eval(_ source: String) throws -> String {
        interpreter.format(try interpreter.run(source))
    }

    /// The error message `source` fails with, or nil.
    func error(_ source: String) -> XEError? {
        do {
            try interpreter.run(source, file: "t.xe")
            return nil
        } catch {
            return error
        }
    }
}
