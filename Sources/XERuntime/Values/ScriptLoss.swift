import XELosses
import XESyntax
import XETensor

/// A loss defined in xe with `loss name(y, p, k=1) = expr`. It has no gradient of its own:
/// `grad` differentiates the operations of its formula. The comment above it is its help.
struct ScriptLoss: Loss, @unchecked Sendable {
    let function: UserFunction
    let interpreter: Interpreter

    var name: String { function.template.name }

    var summary: String {
        guard let doc = function.template.doc, let first = doc.split(separator: "\n").first else {
            return "loss defined at \(function.template.location)"
        }
        return String(first)
    }

    var help: String {
        var text = signature
        if let doc = function.template.doc {
            text += "\n  " + doc.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n  ")
        }
        return text + "\n  defined at \(function.template.location); differentiated by grad through its formula"
    }

    var parameters: [LossParameter] {
        let t = function.template
        return t.parameters.enumerated().map { i, name in
            LossParameter(name, default: t.defaultTexts[i].flatMap(ScriptLoss.literal),
                          required: t.defaults[i] == nil, summary: t.defaultTexts[i].map { "default \($0)" } ?? "")
        }
    }

    var signature: String { function.template.signature }

    /// The value of a default written as a literal (`"mean"`, `2`, `1e-7`), so that `explain`
    /// and `help` know it; other defaults are evaluated by the function at each call.
    static func literal(_ text: String) -> LossValue? {
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\""), !text.dropFirst().dropLast().contains("\"") {
            return .string(String(text.dropFirst().dropLast()))
        }
        if let x = Double(text), x.isFinite { return .number(x) }
        return nil
    }

    /// The function the script wrote, called with the arguments by name.
    func formula(_ arguments: LossArguments) throws -> DTensor {
        let keywords = function.template.parameters.compactMap { name -> (name: String, value: Value)? in
            arguments.values[name].map { (name, LossCallable.value($0)) }
        }
        let result = try function.call(Arguments([], keywords: keywords), in: interpreter, at: function.template.location)
        guard let t = result.dtensor else {
            throw XEError.type("loss \(name) gave \(result.kindDescription), not a number or tensor", at: function.template.location)
        }
        return t
    }
}
