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

    /// The elements of a numeric result, flattened.
    func numbers(_ expr: String) throws -> [Double] {
        let text = try eval("reshape(\(expr), [-1])")
        return text.split(whereSeparator: { "[], \n".contains($0) }).map { Double($0)! }
    }

    /// Sets `variable` to a tensor with these elements and the shape of `shapeOf`'s value.
    func assign(_ variable: String, _ elements: [Double], shapeOf: String) throws {
        try eval("\(variable) = reshape([\(elements.map { "\($0)" }.joined(separator: ", "))], shape(\(shapeOf)))")
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
